package dev.gale.encoder.tokenizer.pretokenizers;

import dev.gale.encoder.tokenizer.UnicodeCategories;

/**
 * The character classes the pre-tokenizers test, as the Rust side sees them, looked up in one table
 * for the BMP. Oniguruma's {@code \p{L}}, {@code \p{N}} and {@code \s} (in tokenizers 0.23.2) agree
 * with JDK 25's general categories and White_Space on every code point, and so do the regex crate's
 * {@code \w} and the Rust standard library's {@code char::is_whitespace}; Rust's
 * {@code char::is_numeric} is already at Unicode 17, which adds 13 numbers (tests check all of it).
 */
final class CharClasses {

    private CharClasses() {}

    static final int LETTER = 1; // Onig \p{L}
    static final int NUMBER = 2; // Onig \p{N}
    static final int WHITESPACE = 4; // Onig \s, regex \s, char::is_whitespace: White_Space
    static final int WORD = 8; // regex crate \w
    static final int NUMERIC = 16; // char::is_numeric
    static final int BERT_PUNCTUATION = 32; // char::is_ascii_punctuation || unicode_categories is_punctuation

    private static final byte[] BMP = new byte[0x10000]; // (code point) the flags above

    static {
        for (int cp = 0; cp < 0x10000; cp++) {
            BMP[cp] = (byte) compute(cp);
        }
    }

    /** The flags of {@code cp}; a lone surrogate has none (it reads as U+FFFD, a symbol). */
    static int of(int cp) {
        return cp < 0x10000 ? BMP[cp] : compute(cp);
    }

    static boolean is(int cp, int flag) {
        return (of(cp) & flag) != 0;
    }

    private static int compute(int cp) {
        if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
            return 0;
        }
        int flags = 0;
        int type = Character.getType(cp);
        switch (type) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> flags |= LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER ->
                    flags |= NUMBER | NUMERIC;
            default -> { }
        }
        // Unicode 17's new numbers (Tolong Siki digits, Tangut component numbers), not yet in JDK 25.
        if ((cp >= 0x11DE0 && cp <= 0x11DE9) || (cp >= 0x16FF4 && cp <= 0x16FF6)) {
            flags |= NUMERIC;
        }
        if (UnicodeCategories.isWhitespace(cp)) {
            flags |= WHITESPACE;
        }
        if (UnicodeCategories.isWordCharacter(cp)) {
            flags |= WORD;
        }
        if (UnicodeCategories.isBertPunctuation(cp)) {
            flags |= BERT_PUNCTUATION;
        }
        return flags;
    }
}
