package dev.gale.encoder.tokenizer.pretokenizers;

/**
 * The byte-to-char table of byte-level BPE ({@code bytes_char} of {@code pre_tokenizers/byte_level.rs},
 * GPT-2's {@code bytes_to_unicode}): each of the 256 byte values stands for one printable char, the
 * printable Latin-1 bytes for themselves and the others for U+0100 onwards, in byte order.
 */
public final class ByteLevelAlphabet {

    private ByteLevelAlphabet() {}

    private static final char[] BYTE_CHAR = new char[256]; // (byte value) its char
    private static final short[] CHAR_BYTE = new short[256 + 68]; // (char) its byte value, or -1

    static {
        java.util.Arrays.fill(CHAR_BYTE, (short) -1);
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
}
