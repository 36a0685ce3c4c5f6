package dev.gale.encoder.tokenizer.normalizers;

import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.Normalizer;

/**
 * Hugging Face's {@code ByteLevel} normalizer ({@code normalizers/byte_level.rs}): each UTF-8 byte of
 * the text becomes the char GPT-2's {@code bytes_char} maps it to; the first byte of a char replaces
 * it (change 0), the others are inserted (change 1), all aligned to that char.
 */
public final class ByteLevel implements Normalizer {

    public static final ByteLevel INSTANCE = new ByteLevel();

    /** {@code bytes_char} (pre_tokenizers/byte_level.rs): (256) the char standing for each byte. */
    private static final char[] BYTES_CHAR = new char[256];

    static {
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            BYTES_CHAR[b] = printable ? (char) b : (char) (256 + n++);
        }
    }

    private ByteLevel() {}

    @Override
    public void normalize(NormalizedString text) {
        int n = text.length();
        int i = 0;
        while (i < n && text.charAt(i) < 0x80) {
            i++;
        }
        if (i == n) {
            for (int k = 0; k < n; k++) { // one byte per char: in place
                text.setCharAt(k, BYTES_CHAR[text.charAt(k)]);
            }
            return;
        }
        IntList dest = new IntList(6 * n);
        for (int k = 0; k < n; ) {
            int cp = text.codePointAt(k);
            k += Character.charCount(cp);
            if (cp < 0x80) {
                dest.add(BYTES_CHAR[cp]);
                dest.add(0);
            } else if (cp < 0x800) {
                add(dest, 0xC0 | cp >>> 6, 0);
                add(dest, 0x80 | cp & 0x3F, 1);
            } else if (cp < 0x10000) {
                // A lone surrogate, which Rust strings cannot hold, is encoded as if it were a char.
                add(dest, 0xE0 | cp >>> 12, 0);
                add(dest, 0x80 | (cp >>> 6) & 0x3F, 1);
                add(dest, 0x80 | cp & 0x3F, 1);
            } else {
                add(dest, 0xF0 | cp >>> 18, 0);
                add(dest, 0x80 | (cp >>> 12) & 0x3F, 1);
                add(dest, 0x80 | (cp >>> 6) & 0x3F, 1);
                add(dest, 0x80 | cp & 0x3F, 1);
            }
        }
        text.transform(dest, 0);
    }

    private static void add(IntList dest, int b, int change) {
        dest.add(BYTES_CHAR[b]);
        dest.add(change);
    }
}
