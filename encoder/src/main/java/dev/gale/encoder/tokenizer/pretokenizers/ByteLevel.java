package dev.gale.encoder.tokenizer.pretokenizers;

import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.PreTokenizedString;
import dev.gale.encoder.tokenizer.PreTokenizer;
import dev.gale.encoder.tokenizer.UnicodeCategories;
import java.util.List;

/**
 * Hugging Face's {@code ByteLevel} pre-tokenizer ({@code pre_tokenizers/byte_level.rs}): optionally
 * puts a space in front of every piece that does not start with one, cuts it with GPT-2's regex
 * (each match a word, see {@link ByteLevelPattern}) and rewrites every word byte by byte into the
 * {@link ByteLevelAlphabet}: each UTF-8 byte of a char becomes one char, all aligned to that char.
 * {@code trim_offsets} belongs to the post-processor and does nothing here.
 */
public final class ByteLevel implements PreTokenizer {

    private final boolean addPrefixSpace;
    private final boolean trimOffsets;
    private final boolean useRegex;

    public ByteLevel(boolean addPrefixSpace, boolean trimOffsets, boolean useRegex) {
        this.addPrefixSpace = addPrefixSpace;
        this.trimOffsets = trimOffsets;
        this.useRegex = useRegex;
    }

    public boolean addPrefixSpace() {
        return addPrefixSpace;
    }

    public boolean trimOffsets() {
        return trimOffsets;
    }

    public boolean useRegex() {
        return useRegex;
    }

    @Override
    public void preTokenize(PreTokenizedString text) {
        IntList scratch = new IntList(64); // (code point, change) pairs of one word's rewrite
        text.split((index, piece, out) -> {
            // per piece, as byte_level.rs checks `!normalized.get().starts_with(' ')`
            if (addPrefixSpace && (piece.isEmpty() || piece.charAt(0) != ' ')) {
                piece.prepend(" ");
            }
            int first = out.size();
            if (useRegex) {
                int n = piece.length();
                for (int i = 0; i < n; ) {
                    int end = ByteLevelPattern.matchEnd(piece, i, n);
                    out.add(piece.slice(i, end));
                    i = end;
                }
            } else {
                out.add(piece);
            }
            for (int w = first; w < out.size(); w++) {
                toBytes(out.get(w), scratch);
            }
        });
    }

    /**
     * Rewrites {@code word} into the byte alphabet: the first byte of each char takes its place
     * (change 0), the others are inserted after it (change 1). A lone surrogate, which Rust strings
     * cannot hold, is written as U+FFFD.
     */
    static void toBytes(NormalizedString word, IntList scratch) {
        int n = word.length();
        boolean ascii = true;
        for (int i = 0; i < n; i++) {
            if (word.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            // one byte per char: a rewrite in place keeps every alignment, as change 0 does
            for (int i = 0; i < n; i++) {
                char c = word.charAt(i);
                char b = ByteLevelAlphabet.charOf(c);
                if (b != c) {
                    word.setCharAt(i, b);
                }
            }
            return;
        }
        scratch.clear();
        for (int i = 0; i < n; ) {
            int cp = UnicodeCategories.codePointAt(word, i, n);
            i += Character.isSupplementaryCodePoint(cp) ? 2 : 1;
            if (cp < 0x80) {
                pair(scratch, cp, 0);
            } else if (cp < 0x800) {
                pair(scratch, 0xC0 | (cp >> 6), 0);
                pair(scratch, 0x80 | (cp & 0x3F), 1);
            } else if (cp < 0x10000) {
                pair(scratch, 0xE0 | (cp >> 12), 0);
                pair(scratch, 0x80 | ((cp >> 6) & 0x3F), 1);
                pair(scratch, 0x80 | (cp & 0x3F), 1);
            } else {
                pair(scratch, 0xF0 | (cp >> 18), 0);
                pair(scratch, 0x80 | ((cp >> 12) & 0x3F), 1);
                pair(scratch, 0x80 | ((cp >> 6) & 0x3F), 1);
                pair(scratch, 0x80 | (cp & 0x3F), 1);
            }
        }
        word.transform(scratch, 0);
    }

    private static void pair(IntList dest, int byteValue, int change) {
        dest.add(ByteLevelAlphabet.charOf(byteValue));
        dest.add(change);
    }
}
