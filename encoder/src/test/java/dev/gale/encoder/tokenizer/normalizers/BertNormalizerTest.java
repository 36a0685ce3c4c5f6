package dev.gale.encoder.tokenizer.normalizers;

import static dev.gale.encoder.tokenizer.normalizers.Alignments.check;

import org.junit.jupiter.api.Test;

/**
 * BertNormalizer against Python tokenizers 0.23.2: {@code align(normalizers.BertNormalizer(clean_text=...,
 * handle_chinese_chars=..., strip_accents=..., lowercase=...), text)} (see {@link Alignments}).
 */
class BertNormalizerTest {

    private static final BertNormalizer UNCASED = new BertNormalizer(true, true, true, true);
    private static final BertNormalizer CASED = new BertNormalizer(true, true, false, false);
    private static final BertNormalizer ACCENTS_ONLY = new BertNormalizer(true, false, true, false);
    private static final BertNormalizer UNCLEANED = new BertNormalizer(false, false, false, true);

    @Test
    void uncasedCleansSpacesIdeographsStripsAndLowercases() {
        check(UNCASED, "H\u00E9llo, WORLD!",
                "hello, world!", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11), (11, 12), (12, 13)]");
        check(UNCASED, "Cr\u00E8me Br\u00FBl\u00E9e",
                "creme brulee", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11), (11, 12)]");
        check(UNCASED, "\u212Bngstr\u00F6m \u212A",
                "angstrom k", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10)]");
        check(UNCASED, "a\u0000b\u0001c\u007Fd\uFFFDe",
                "abcde", "[(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]");
        check(UNCASED, "a\tb\nc\rd",
                "a b c d", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)]");
        check(UNCASED, "a\u00A0b\u3000c\u2028d\u2003e",
                "a b c d e", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9)]");
        check(UNCASED, "a\u000Bb\u000Cc\u0085d",
                "abcd", "[(0, 1), (2, 3), (4, 5), (6, 7)]");
        check(UNCASED, "a\u200Bb\uFEFFc\u00ADd",
                "abcd", "[(0, 1), (2, 3), (4, 5), (6, 7)]");
        check(UNCASED, "a\uE001b\u0378",
                "ab\u0378", "[(0, 1), (2, 3), (3, 4)]");
        check(UNCASED, "\u4E2D\u6587\u5206\u8BCD",
                " \u4E2D  \u6587  \u5206  \u8BCD ", "[(0, 1), (0, 1), (0, 1), (1, 2), (1, 2), (1, 2), (2, 3), (2, 3), (2, 3), (3, 4), (3, 4), (3, 4)]");
        check(UNCASED, "A\u4E2Db",
                "a \u4E2D b", "[(0, 1), (1, 2), (1, 2), (1, 2), (2, 3)]");
        check(UNCASED, "\u4E2D\u0301x",
                " \u4E2D x", "[(0, 1), (0, 1), (0, 1), (2, 3)]");
        check(UNCASED, "\uD840\uDC00\uD869\uDED6 ok",
                " \uD840\uDC00  \uD869\uDED6  ok", "[(0, 1), (0, 1), (0, 1), (1, 2), (1, 2), (1, 2), (2, 3), (3, 4), (4, 5)]");
        check(UNCASED, "\u0130stanbul",
                "istanbul", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8)]");
        check(UNCASED, "\u039F\u0394\u039F\u03A3",
                "\u03BF\u03B4\u03BF\u03C3", "[(0, 1), (1, 2), (2, 3), (3, 4)]");
        check(UNCASED, "\u00DF \u1E9E",
                "\u00DF \u00DF", "[(0, 1), (1, 2), (2, 3)]");
        check(UNCASED, "\uD55C\uAD6D\uC5B4",
                "\u1112\u1161\u11AB\u1100\u116E\u11A8\u110B\u1165", "[(0, 1), (0, 1), (0, 1), (1, 2), (1, 2), (1, 2), (2, 3), (2, 3)]");
        check(UNCASED, "\u1E9B\u0323 \uFB01",
                "\u017F \uFB01", "[(0, 1), (2, 3), (3, 4)]");
        check(UNCASED, "caf\u00E9\u0327 na\u00EFve",
                "cafe naive", "[(0, 1), (1, 2), (2, 3), (3, 4), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11)]");
        check(UNCASED, "\uD83D\uDE00 smile",
                "\uD83D\uDE00 smile", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)]");
        check(UNCASED, "  spaced   out  ",
                "  spaced   out  ", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11), (11, 12), (12, 13), (13, 14), (14, 15), (15, 16)]");
    }

    @Test
    void otherOptions() {
        check(CASED, "Cr\u00E8me WORLD",
                "Cr\u00E8me WORLD", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11)]");
        check(CASED, "A\u4E2Db \u00E9",
                "A \u4E2D b \u00E9", "[(0, 1), (1, 2), (1, 2), (1, 2), (2, 3), (3, 4), (4, 5)]");
        check(ACCENTS_ONLY, "Cr\u00E8me \u4E2D WORLD \u0130",
                "Creme \u4E2D WORLD I", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11), (11, 12), (12, 13), (13, 14), (14, 15)]");
        check(ACCENTS_ONLY, "a\u0308\u0301\u0323",
                "a", "[(0, 1)]");
        check(UNCLEANED, "a\u0000b\tc\u00A0\u0130X",
                "a\u0000b\tc\u00A0i\u0307x", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (6, 7), (7, 8)]");
        check(UNCLEANED, "\u4E2DA",
                "\u4E2Da", "[(0, 1), (1, 2)]");
    }

    @Test
    void asciiTextTakesTheFastPath() {
        check(UNCASED, "Hello, WORLD!\tThis\u0001 is ASCII.",
                "hello, world! this is ascii.", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11), (11, 12), (12, 13), (13, 14), (14, 15), (15, 16), (16, 17), (17, 18), (19, 20), (20, 21), (21, 22), (22, 23), (23, 24), (24, 25), (25, 26), (26, 27), (27, 28), (28, 29)]");
    }
}
