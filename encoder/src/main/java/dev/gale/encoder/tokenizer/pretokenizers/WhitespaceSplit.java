package dev.gale.encoder.tokenizer.pretokenizers;

import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.PreTokenizedString;
import dev.gale.encoder.tokenizer.PreTokenizer;
import dev.gale.encoder.tokenizer.UnicodeCategories;
import java.util.List;

/**
 * Hugging Face's {@code WhitespaceSplit} ({@code pre_tokenizers/whitespace.rs}): splits on
 * White_Space ({@code char::is_whitespace}), dropping it.
 */
public final class WhitespaceSplit implements PreTokenizer {

    @Override
    public void preTokenize(PreTokenizedString text) {
        text.split(WhitespaceSplit::split);
    }

    private static void split(int index, NormalizedString piece, List<NormalizedString> out) {
        int n = piece.length();
        int wordStart = -1;
        for (int i = 0; i < n; i++) {
            // White_Space has no supplementary chars, so a surrogate is never one
            if (UnicodeCategories.isWhitespace(piece.charAt(i))) {
                if (wordStart >= 0) {
                    out.add(piece.slice(wordStart, i));
                    wordStart = -1;
                }
            } else if (wordStart < 0) {
                wordStart = i;
            }
        }
        if (wordStart >= 0) {
            out.add(piece.slice(wordStart, n));
        }
    }
}
