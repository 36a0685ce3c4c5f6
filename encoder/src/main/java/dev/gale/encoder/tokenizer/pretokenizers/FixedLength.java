package dev.gale.encoder.tokenizer.pretokenizers;

import dev.gale.encoder.tokenizer.PreTokenizedString;
import dev.gale.encoder.tokenizer.PreTokenizer;

/**
 * Hugging Face's {@code FixedLength} ({@code pre_tokenizers/fixed_length.rs}): cuts every piece into
 * words of {@code length} chars (code points), the last one shorter.
 */
public final class FixedLength implements PreTokenizer {

    private final int length;

    public FixedLength(int length) {
        this.length = length;
    }

    public int length() {
        return length;
    }

    @Override
    public void preTokenize(PreTokenizedString text) {
        text.split((index, piece, out) -> {
            int n = piece.length();
            int start = 0;
            int count = 0;
            for (int i = 0; i < n; ) {
                i += Character.isHighSurrogate(piece.charAt(i)) && i + 1 < n
                        && Character.isLowSurrogate(piece.charAt(i + 1)) ? 2 : 1;
                if (++count == length) {
                    out.add(piece.slice(start, i));
                    start = i;
                    count = 0;
                }
            }
            if (start < n) {
                out.add(piece.slice(start, n));
            }
        });
    }
}
