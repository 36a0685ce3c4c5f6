package dev.gale.encoder.tokenizer;

/**
 * UTF-8 as Rust strings hold it. One code point to bytes: {@link #length} and {@link #byteAt}, byte by
 * byte without an array (a lone surrogate, which a Rust string cannot hold, is encoded as if it were a
 * char). Bytes to text: {@link #lossy} is {@code String::from_utf8_lossy} (one U+FFFD for each maximal
 * ill-formed subpart, as {@code core::str::lossy::Utf8Chunks} delimits them) and {@link #strict} is
 * {@code String::from_utf8}.
 */
public final class Utf8 {

    private Utf8() {
    }

    /** The number of UTF-8 bytes of code point {@code cp}. */
    public static int length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /** Byte {@code k} (0 to 255) of the UTF-8 form of {@code cp}, which has {@code length} bytes. */
    public static int byteAt(int cp, int length, int k) {
        if (length == 1) {
            return cp;
        }
        if (k == 0) {
            return ((0xFF00 >> length) & 0xFF) | (cp >> (6 * (length - 1)));
        }
        return 0x80 | ((cp >> (6 * (length - 1 - k))) & 0x3F);
    }

    /** {@code bytes[0, length)} as text, every maximal ill-formed subpart turned into one U+FFFD. */
    public static String lossy(byte[] bytes, int length) {
        return decode(bytes, length, true);
    }

    /** {@code bytes[0, length)} as text, or {@code null} when they are not well-formed UTF-8. */
    public static String strict(byte[] bytes, int length) {
        return decode(bytes, length, false);
    }

    private static String decode(byte[] bytes, int length, boolean lossy) {
        char[] out = new char[length]; // no sequence yields more chars than it has bytes
        int count = 0;
        for (int i = 0; i < length; ) {
            int b0 = bytes[i] & 0xFF;
            if (b0 < 0x80) {
                out[count++] = (char) b0;
                i++;
                continue;
            }
            int size = sequence(bytes, i, length);
            if (size < 0) {
                if (!lossy) {
                    return null;
                }
                out[count++] = '\uFFFD';
                i -= size;
                continue;
            }
            int cp = switch (size) {
                case 2 -> (b0 & 0x1F) << 6 | bytes[i + 1] & 0x3F;
                case 3 -> (b0 & 0x0F) << 12 | (bytes[i + 1] & 0x3F) << 6 | bytes[i + 2] & 0x3F;
                default -> (b0 & 0x07) << 18 | (bytes[i + 1] & 0x3F) << 12 | (bytes[i + 2] & 0x3F) << 6
                        | bytes[i + 3] & 0x3F;
            };
            count += Character.toChars(cp, out, count);
            i += size;
        }
        return new String(out, 0, count);
    }

    /**
     * For the non-ASCII lead byte at {@code i}: the length of the well-formed sequence starting
     * there, or minus the length of the maximal ill-formed subpart (1 to 3 bytes) that Rust
     * replaces by one U+FFFD. Bytes past {@code end} count as missing.
     */
    private static int sequence(byte[] bytes, int i, int end) {
        int b0 = bytes[i] & 0xFF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            return continuation(bytes, i + 1, end) ? 2 : -1;
        }
        int low = 0x80;
        int high = 0xBF;
        int size;
        if (b0 >= 0xE0 && b0 <= 0xEF) {
            size = 3;
            if (b0 == 0xE0) {
                low = 0xA0; // overlong
            } else if (b0 == 0xED) {
                high = 0x9F; // surrogates
            }
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            size = 4;
            if (b0 == 0xF0) {
                low = 0x90; // overlong
            } else if (b0 == 0xF4) {
                high = 0x8F; // past U+10FFFF
            }
        } else {
            return -1; // 0x80-0xC1 and 0xF5-0xFF never start a sequence
        }
        if (i + 1 >= end || (bytes[i + 1] & 0xFF) < low || (bytes[i + 1] & 0xFF) > high) {
            return -1;
        }
        for (int k = 2; k < size; k++) {
            if (!continuation(bytes, i + k, end)) {
                return -k;
            }
        }
        return size;
    }

    private static boolean continuation(byte[] bytes, int i, int end) {
        return i < end && (bytes[i] & 0xC0) == 0x80;
    }
}
