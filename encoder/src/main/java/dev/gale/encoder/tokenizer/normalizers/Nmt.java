package dev.gale.encoder.tokenizer.normalizers;

import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.Normalizer;

/**
 * Hugging Face's {@code Nmt} ({@code normalizers/unicode.rs}, {@code do_nmt}): drops ASCII and C1
 * control chars other than tab, newline, form feed and carriage return, then turns those four and a
 * few invisible or space-like chars into a space. Both keep each char's alignment.
 */
public final class Nmt implements Normalizer {

    public static final Nmt INSTANCE = new Nmt();

    private Nmt() {}

    @Override
    public void normalize(NormalizedString text) {
        boolean remove = false;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (isRemoved(c)) {
                remove = true; // decided on the original char: no char is both removed and mapped
            } else if (isSpace(c)) {
                text.setCharAt(i, ' ');
            }
        }
        if (remove) {
            text.filter(cp -> !isRemoved(cp));
        }
    }

    private static boolean isRemoved(int cp) {
        return (cp >= 0x01 && cp <= 0x08) || cp == 0x0B || (cp >= 0x0E && cp <= 0x1F)
                || cp == 0x7F || cp == 0x8F || cp == 0x9F;
    }

    private static boolean isSpace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0C, 0x0D, 0x1680, 0x2028, 0x2029, 0x2581, 0xFEFF, 0xFFFD -> true;
            default -> cp >= 0x200B && cp <= 0x200F;
        };
    }
}
