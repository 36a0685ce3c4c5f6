package dev.gale.encoder.tokenizer.normalizers;

import static dev.gale.encoder.tokenizer.normalizers.Alignments.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.text.Normalizer;
import org.junit.jupiter.api.Test;

/**
 * NFD, NFKD, NFC and NFKC: the text and the alignments that the changes of
 * unicode-normalization-alignments give. The expected values come from Python tokenizers 0.23.2
 * ({@code align(normalizers.NFC(), text)} etc., see {@link Alignments}).
 */
class UnicodeNormalizerTest {

    @Test
    void nfdDecomposesAndReordersMarksKeepingTheirChanges() {
        check(UnicodeNormalizer.NFD, "\u00E9",
                "e\u0301", "[(0, 1), (0, 1)]");
        check(UnicodeNormalizer.NFD, "Cr\u00E8me br\u00FBl\u00E9e",
                "Cre\u0300me bru\u0302le\u0301e", "[(0, 1), (1, 2), (2, 3), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (8, 9), (9, 10), (10, 11), (10, 11), (11, 12)]");
        check(UnicodeNormalizer.NFD, "a\u0301\u0323",
                "a\u0323\u0301", "[(0, 1), (1, 2), (2, 3)]");
        check(UnicodeNormalizer.NFD, "a\u0308\u0301\u0323 x",
                "a\u0323\u0308\u0301 x", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]");
        check(UnicodeNormalizer.NFD, "\u0301\u0308a",
                "\u0301\u0308a", "[(0, 1), (1, 2), (2, 3)]");
        check(UnicodeNormalizer.NFD, "\uD55C\uAD6D\uC5B4",
                "\u1112\u1161\u11AB\u1100\u116E\u11A8\u110B\u1165", "[(0, 1), (0, 1), (0, 1), (1, 2), (1, 2), (1, 2), (2, 3), (2, 3)]");
        check(UnicodeNormalizer.NFD, "\u1E0B\u0323",
                "d\u0323\u0307", "[(0, 1), (1, 2), (1, 2)]");
        check(UnicodeNormalizer.NFD, "\u0F74\u0F73",
                "\u0F71\u0F72\u0F74", "[(0, 1), (0, 1), (1, 2)]");
        check(UnicodeNormalizer.NFD, "\u0344\u0323",
                "\u0323\u0308\u0301", "[(0, 1), (1, 2), (1, 2)]");
        check(UnicodeNormalizer.NFD, "\u212B",
                "A\u030A", "[(0, 1), (0, 1)]");
        check(UnicodeNormalizer.NFD, "abc \u00E9 xyz",
                "abc e\u0301 xyz", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9)]");
        check(UnicodeNormalizer.NFD, "\uD801\uDDC9",
                "\uD801\uDDC9", "[(0, 1)]");
        check(UnicodeNormalizer.NFD, "\u01D5",
                "U\u0308\u0304", "[(0, 1), (0, 1), (0, 1)]");
    }

    @Test
    void nfkdDecomposesCompatibilityCharacters() {
        check(UnicodeNormalizer.NFKD, "\uFB01nancial",
                "financial", "[(0, 1), (0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8)]");
        check(UnicodeNormalizer.NFKD, "\u00BD",
                "1\u20442", "[(0, 1), (0, 1), (0, 1)]");
        check(UnicodeNormalizer.NFKD, "\u2460\u2474",
                "1(1)", "[(0, 1), (1, 2), (1, 2), (1, 2)]");
        check(UnicodeNormalizer.NFKD, "\uFF21\uFF42",
                "Ab", "[(0, 1), (1, 2)]");
        check(UnicodeNormalizer.NFKD, "\u1E9B\u0323",
                "s\u0323\u0307", "[(0, 1), (1, 2), (1, 2)]");
        check(UnicodeNormalizer.NFKD, "\u32FF",
                "\u32FF", "[(0, 1)]");
        check(UnicodeNormalizer.NFKD, "\u3392",
                "MHz", "[(0, 1), (0, 1), (0, 1)]");
        check(UnicodeNormalizer.NFKD, "\u00A0x",
                " x", "[(0, 1), (1, 2)]");
    }

    @Test
    void nfcComposesWithTheChangesOfRecompositions() {
        // A composition replaces the starter and removes the mark (change a + b - 1); a second mark
        // that stays takes the alignment of the char it now stands on.
        check(UnicodeNormalizer.NFC, "e\u0301",
                "\u00E9", "[(0, 1)]");
        check(UnicodeNormalizer.NFC, "e\u0301\u0301",
                "\u00E9\u0301", "[(0, 1), (2, 3)]");
        check(UnicodeNormalizer.NFC, "a\u0323\u0301",
                "\u1EA1\u0301", "[(0, 1), (2, 3)]");
        check(UnicodeNormalizer.NFC, "a\u0301\u0323",
                "\u1EA1\u0301", "[(0, 1), (2, 3)]");
        check(UnicodeNormalizer.NFC, "\u1112\u1161\u11AB",
                "\uD55C", "[(0, 1)]");
        check(UnicodeNormalizer.NFC, "\u1112\u1161",
                "\uD558", "[(0, 1)]");
        check(UnicodeNormalizer.NFC, "\u1100\u1161\u11A8\u11A8",
                "\uAC01\u11A8", "[(0, 1), (3, 4)]");
        check(UnicodeNormalizer.NFC, "\u212B",
                "\u00C5", "[(0, 1)]");
        check(UnicodeNormalizer.NFC, "\u0344",
                "\u0308\u0301", "[(0, 1), (0, 1)]");
        check(UnicodeNormalizer.NFC, "\u0F73",
                "\u0F71\u0F72", "[(0, 1), (0, 1)]");
        check(UnicodeNormalizer.NFC, "U\u0308\u0304",
                "\u01D5", "[(0, 1)]");
        check(UnicodeNormalizer.NFC, "e\u0327\u0301",
                "\u0229\u0301", "[(0, 1), (2, 3)]");
        check(UnicodeNormalizer.NFC, "\u0301e",
                "\u0301e", "[(0, 1), (1, 2)]");
        check(UnicodeNormalizer.NFC, "x\u0345\u0301",
                "x\u0301\u0345", "[(0, 1), (1, 2), (2, 3)]");
        check(UnicodeNormalizer.NFC, "\u09C7\u09BE",
                "\u09CB", "[(0, 1)]");
        check(UnicodeNormalizer.NFC, "\uD804\uDC99\uD804\uDCBA",
                "\uD804\uDC9A", "[(0, 1)]");
        check(UnicodeNormalizer.NFC, "e\u0301 abc e\u0301",
                "\u00E9 abc \u00E9", "[(0, 1), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8)]");
    }

    @Test
    void nfkcDecomposesThenComposes() {
        check(UnicodeNormalizer.NFKC, "\uFB01x",
                "fix", "[(0, 1), (0, 1), (1, 2)]");
        check(UnicodeNormalizer.NFKC, "\u2163",
                "IV", "[(0, 1), (0, 1)]");
        check(UnicodeNormalizer.NFKC, "\u00BD \u00BC",
                "1\u20442 1\u20444", "[(0, 1), (0, 1), (0, 1), (1, 2), (2, 3), (2, 3), (2, 3)]");
        check(UnicodeNormalizer.NFKC, "\uFF76\uFF9E",
                "\u30AC", "[(0, 1)]");
        check(UnicodeNormalizer.NFKC, "\u1E9B\u0323",
                "\u1E69", "[(0, 1)]");
        check(UnicodeNormalizer.NFKC, "\u32FF",
                "\u32FF", "[(0, 1)]");
        check(UnicodeNormalizer.NFKC, "\u3392\u00B2",
                "MHz2", "[(0, 1), (0, 1), (0, 1), (1, 2)]");
        check(UnicodeNormalizer.NFKC, "A\u030A\u212B",
                "\u00C5\u00C5", "[(0, 1), (2, 3)]");
        check(UnicodeNormalizer.NFKC, "\u2126",
                "\u03A9", "[(0, 1)]");
    }

    @Test
    void charactersNewerThanUnicode9AreLeftAsTheyAre() {
        // The crate's tables are Unicode 9.0.0; the JDK's are newer and decompose these (U+32FF
        // SQUARE ERA NAME REIWA is Unicode 12.1, U+A7F2 MODIFIER LETTER CAPITAL C is Unicode 14).
        assertEquals("\u4EE4\u548C", Normalizer.normalize("\u32FF", Normalizer.Form.NFKC));
        assertEquals("\u32FF", UnicodeNormalizer.NFKC.normalize("\u32FF"));
        assertEquals("C", Normalizer.normalize("\uA7F2", Normalizer.Form.NFKD));
        assertEquals("\uA7F2", UnicodeNormalizer.NFKD.normalize("\uA7F2"));
    }
}
