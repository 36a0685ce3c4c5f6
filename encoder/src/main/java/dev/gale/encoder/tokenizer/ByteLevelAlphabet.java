package dev.gale.encoder.tokenizer;

import java.util.Arrays;

/**
 * The byte-to-char table of byte-level BPE ({@code bytes_char} of {@code pre_tokenizers/byte_level.rs},
 * GPT-2's {@code bytes_to_unicode}): each of the 256 byte values stands for one printable char, the
 * printable Latin-1 bytes for themselves and the others for U+0100 onwards, in byte order. The
 * ByteLevel pre-tokenizer and normalizer write text in it, the ByteLevel decoder reads it back.
 */
public final class ByteLevelAlphabet {

    private ByteLevelAlphabet() {}

    private static final char[] BYTE_CHAR = new char[256]; // (byte value) its char
    private static final short[] CHAR_BYTE = new short[256 + 68]; // (char) its byte value, or -1

    static {
        Arrays.fill(CHAR_BYTE, (short) -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = (char) (printable ? b : 256 + n++);
            BYTE_CHAR[b] = c;
            CHAR_BYTE[c] = (short) b;
        }
    }

    /** The char that stands for byte {@code byteValue} (0 to 255; a Java {@code byte} is masked). */
    public static char charOf(int byteValue) {
        return BYTE_CHAR[byteValue & 0xFF];
    }

    /** The byte value {@code c} stands for, or -1 when {@code c} is not in the alphabet. */
    public static int byteOf(char c) {
        return c < CHAR_BYTE.length ? CHAR_BYTE[c] : -1;
    }

    /**
     * Rewrites {@code text} into the alphabet, each UTF-8 byte of a char becoming one char aligned to
     * that char: the first byte takes its place (change 0), the others are inserted after it (change
     * 1). A lone surrogate, which Rust strings cannot hold, is written as U+FFFD. {@code scratch}
     * holds the (char, change) pairs of the rewrite.
     */
    public static void toBytes(NormalizedString text, IntList scratch) {
        int n = text.length();
        boolean ascii = true;
        for (int i = 0; i < n; i++) {
            if (text.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            // one byte per char: a rewrite in place keeps every alignment, as change 0 does
            for (int i = 0; i < n; i++) {
                char c = text.charAt(i);
                char b = charOf(c);
                if (b != c) {
                    text.setCharAt(i, b);
                }
            }
            return;
        }
        scratch.clear();
        for (int i = 0; i < n; ) {
            int cp = UnicodeCategories.codePointAt(text, i, n);
            i += Character.isSupplementaryCodePoint(cp) ? 2 : 1;
            int length = Utf8.length(cp);
            for (int k = 0; k < length; k++) {
                scratch.add(charOf(Utf8.byteAt(cp, length, k)));
                scratch.add(k == 0 ? 0 : 1);
            }
        }
        text.transform(scratch, 0);
    }
}
