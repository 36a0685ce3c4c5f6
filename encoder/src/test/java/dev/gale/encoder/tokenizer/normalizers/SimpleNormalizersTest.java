package dev.gale.encoder.tokenizer.normalizers;

import static dev.gale.encoder.tokenizer.normalizers.Alignments.check;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lowercase, StripAccents, Strip, Nmt, Prepend, ByteLevel and Sequence against Python tokenizers
 * 0.23.2: {@code align(normalizers.Lowercase(), text)} etc. (see {@link Alignments}).
 */
class SimpleNormalizersTest {

    @Test
    void lowercaseIsRustsPerCharToLowercase() {
        // U+0130 becomes two chars; no final sigma; the Unicode 17 pairs of the wheel's Rust
        // (U+A7CE, U+A7D2, U+16EA0) that the JDK's Unicode 16 lacks.
        check(Lowercase.INSTANCE, "HeLLo W\u00D6RLD",
                "hello w\u00F6rld", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11)]");
        check(Lowercase.INSTANCE, "\u0130I\u0131",
                "i\u0307i\u0131", "[(0, 1), (0, 1), (1, 2), (2, 3)]");
        check(Lowercase.INSTANCE, "\u039F\u0394\u039F\u03A3 \u03A3",
                "\u03BF\u03B4\u03BF\u03C3 \u03C3", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]");
        check(Lowercase.INSTANCE, "\u1E9E\u01C5\u2126\u212A\u212B",
                "\u00DF\u01C6\u03C9k\u00E5", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]");
        check(Lowercase.INSTANCE, "\uD801\uDC00\uD83A\uDD00",
                "\uD801\uDC28\uD83A\uDD22", "[(0, 1), (1, 2)]");
        check(Lowercase.INSTANCE, "\uA7CE\uA7D2\uD81B\uDEA0 \u1C89\u2C2F",
                "\uA7CF\uA7D3\uD81B\uDEBB \u1C8A\u2C5F", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]");
        check(Lowercase.INSTANCE, "x\u0130\u0130y",
                "xi\u0307i\u0307y", "[(0, 1), (1, 2), (1, 2), (2, 3), (2, 3), (3, 4)]");
    }

    @Test
    void stripAccentsDropsCombiningMarksOfUnicode9() {
        check(StripAccents.INSTANCE, "e\u0304\u0304\u0304o",
                "eo", "[(0, 1), (4, 5)]");
        check(StripAccents.INSTANCE, "Cre\u0300me",
                "Creme", "[(0, 1), (1, 2), (2, 3), (4, 5), (5, 6)]");
        check(StripAccents.INSTANCE, "\u00E9",
                "\u00E9", "[(0, 1)]");
        check(StripAccents.INSTANCE, "\u0915\u093F \u0903",
                "\u0915 ", "[(0, 1), (2, 3)]");
        check(StripAccents.INSTANCE, "\uD834\uDD67x\u20DD",
                "x", "[(1, 2)]");
    }

    @Test
    void stripDropsWhiteSpaceAtTheEnds() {
        check(StripAccents.INSTANCE, "e\u0304\u0304\u0304o",
                "eo", "[(0, 1), (4, 5)]");
        check(StripAccents.INSTANCE, "Cre\u0300me",
                "Creme", "[(0, 1), (1, 2), (2, 3), (4, 5), (5, 6)]");
        check(StripAccents.INSTANCE, "\u00E9",
                "\u00E9", "[(0, 1)]");
        check(StripAccents.INSTANCE, "\u0915\u093F \u0903",
                "\u0915 ", "[(0, 1), (2, 3)]");
        check(StripAccents.INSTANCE, "\uD834\uDD67x\u20DD",
                "x", "[(1, 2)]");
    // Strip
        check(new Strip(true, true), "  a b  ",
                "a b", "[(2, 3), (3, 4), (4, 5)]");
        check(new Strip(true, true), "\u3000\u00A0x\u2028",
                "x", "[(2, 3)]");
        check(new Strip(true, true), "   ",
                "", "[]");
        check(new Strip(true, true), "",
                "", "[]");
        check(new Strip(true, true), "x",
                "x", "[(0, 1)]");
        check(new Strip(true, false), "  a b  ",
                "a b  ", "[(2, 3), (3, 4), (4, 5), (5, 6), (6, 7)]");
        check(new Strip(false, true), "  a b  ",
                "  a b", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]");
        check(new Strip(false, true), "\u00E9 \u00E9  ",
                "\u00E9 \u00E9", "[(0, 1), (1, 2), (2, 3)]");
    }

    @Test
    void nmtDropsControlsAndMapsSpaces() {
        check(Nmt.INSTANCE, "a\u0001b\u000Bc\td\ne\u000Cf\rg",
                "abc d e f g", "[(0, 1), (2, 3), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11), (11, 12), (12, 13)]");
        check(Nmt.INSTANCE, "\u200Bx\u200Fy\uFEFFz\uFFFD\u2581\u1680\u2028\u2029",
                " x y z     ", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11)]");
        check(Nmt.INSTANCE, "\u007F\u008F\u009F\u0085",
                "\u0085", "[(3, 4)]");
    }

    @Test
    void prependAlignsToTheFirstChar() {
        check(new Prepend("\u2581"), "Hello",
                "\u2581Hello", "[(0, 1), (0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]");
        check(new Prepend("\u2581"), "",
                "", "[]");
        check(new Prepend("\u2581"), "\u00E9t\u00E9",
                "\u2581\u00E9t\u00E9", "[(0, 1), (0, 1), (1, 2), (2, 3)]");
        check(new Prepend("\u2581"), "\uD83D\uDE00x",
                "\u2581\uD83D\uDE00x", "[(0, 1), (0, 1), (1, 2)]");
        check(new Prepend("ab"), "x",
                "abx", "[(0, 1), (0, 1), (0, 1)]");
    }

    @Test
    void byteLevelMapsEachUtf8Byte() {
        check(ByteLevel.INSTANCE, "Hello \u6211",
                "Hello\u0120\u00E6\u012A\u0133", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (6, 7), (6, 7)]");
        check(ByteLevel.INSTANCE, "a\tb \n",
                "a\u0109b\u0120\u010A", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]");
        check(ByteLevel.INSTANCE, "\u00E9\uD83D\uDE00",
                "\u00C3\u00A9\u00F0\u0141\u013A\u0122", "[(0, 1), (0, 1), (1, 2), (1, 2), (1, 2), (1, 2)]");
        // By hand (Python cannot hold a lone surrogate): it is U+FFFD, bytes EF BF BD, as in the pre-tokenizer.
        check(ByteLevel.INSTANCE, "a\uD800",
                "a\u00EF\u00BF\u00BD", "[(0, 1), (1, 2), (1, 2), (1, 2)]");
    }

    @Test
    void sequenceRunsInOrder() {
        // align(normalizers.Sequence([normalizers.NFKD(), normalizers.StripAccents(), normalizers.Lowercase()]), text)
        Sequence s = new Sequence(List.of(UnicodeNormalizer.NFKD, StripAccents.INSTANCE, Lowercase.INSTANCE));
        check(s, "C\u1EE5 th\u1EC3, b\u1EA1n s\u1EBD\u2026",
                "cu the, ban se...", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), "
                + "(9, 10), (10, 11), (11, 12), (12, 13), (13, 14), (14, 15), (14, 15), (14, 15)]");
    }
}
