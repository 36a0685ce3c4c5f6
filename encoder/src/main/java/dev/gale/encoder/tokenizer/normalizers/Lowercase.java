package dev.gale.encoder.tokenizer.normalizers;

import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.Normalizer;

/**
 * Hugging Face's {@code Lowercase} ({@code normalizers/utils.rs}, {@code NormalizedString::lowercase}):
 * Rust's {@code char::to_lowercase} on each char, the extra chars of a longer mapping inserted with
 * change 1.
 *
 * <p>Rust maps each char on its own: no final-sigma, Lithuanian or Turkish context rules, unlike
 * {@link String#toLowerCase}; the one unconditional multi-char mapping is U+0130 to "i̇". The JDK's
 * simple mappings are Unicode 16; Rust's (in the tokenizers 0.23.2 wheel) are Unicode 17, whose new
 * case pairs are added here.
 */
public final class Lowercase implements Normalizer {

    public static final Lowercase INSTANCE = new Lowercase();

    private Lowercase() {}

    @Override
    public void normalize(NormalizedString text) {
        lowercase(text);
    }

    /** {@code NormalizedString::lowercase}. */
    static void lowercase(NormalizedString text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                if (c >= 'A' && c <= 'Z') {
                    text.setCharAt(i, (char) (c + ('a' - 'A')));
                }
                continue;
            }
            if (c == '\u0130') {
                expandDottedCapitalI(text);
                return;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(i + 1));
                int lower = toLowerCase(cp);
                if (lower != cp) {
                    // Astral letters lowercase to astral letters: two chars for two.
                    text.setCharAt(i, Character.highSurrogate(lower));
                    text.setCharAt(i + 1, Character.lowSurrogate(lower));
                }
                i++;
            } else {
                char lower = (char) toLowerCase(c);
                if (lower != c) {
                    text.setCharAt(i, lower);
                }
            }
        }
    }

    /** The slow path for text with U+0130: one transform over the whole (partly lowered) string. */
    private static void expandDottedCapitalI(NormalizedString text) {
        int n = text.length();
        IntList dest = new IntList(2 * n + 8);
        for (int i = 0; i < n; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0x130) {
                dest.add('i');
                dest.add(0);
                dest.add(0x307);
                dest.add(1);
            } else {
                dest.add(toLowerCase(cp));
                dest.add(0);
            }
        }
        text.transform(dest, 0);
    }

    /** Rust's single-char {@code to_lowercase} (Unicode 17); U+0130 is handled by the caller. */
    static int toLowerCase(int cp) {
        switch (cp) {
            case 0xA7CE, 0xA7D2, 0xA7D4:
                return cp + 1;
            default:
                if (cp >= 0x16EA0 && cp <= 0x16EB8) {
                    return cp + (0x16EBB - 0x16EA0);
                }
                return Character.toLowerCase(cp);
        }
    }
}
