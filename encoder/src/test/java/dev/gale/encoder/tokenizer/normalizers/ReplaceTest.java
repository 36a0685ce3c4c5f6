package dev.gale.encoder.tokenizer.normalizers;

import static dev.gale.encoder.tokenizer.normalizers.Alignments.check;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Replace, String and Regex patterns, against Python tokenizers 0.23.2:
 * {@code align(normalizers.Replace(Regex(pattern), content), text)} (see {@link Alignments}). The
 * regexes check the Oniguruma-to-Java translation of {@link dev.gale.encoder.tokenizer.OnigPattern} and
 * onig's iteration, which skips an empty match right after a match.
 */
class ReplaceTest {

    @Test
    void stringPatterns() {
        // An empty String pattern is the empty Oniguruma regex: a match before every char and at the end.
        check(Replace.literal(" ", "\u2581"), "Hello my friend",
                "Hello\u2581my\u2581friend", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11), (11, 12), (12, 13), (13, 14), (14, 15)]");
        check(Replace.literal(" ", "\u2581"), "  x  ",
                "\u2581\u2581x\u2581\u2581", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]");
        check(Replace.literal(" ", "\u2581"), "",
                "", "[]");
        check(Replace.literal("''", "\""), "This is a ''test''",
                "This is a \"test\"", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (11, 12), (12, 13), (13, 14), (14, 15), (15, 16), (17, 18)]");
        check(Replace.literal("''", "\""), "'''",
                "\"'", "[(1, 2), (2, 3)]");
        check(Replace.literal("", "|"), "ab",
                "|a|b|", "[(0, 0), (0, 1), (0, 1), (1, 2), (1, 2)]");
        check(Replace.literal("", "|"), "\u00E9\uD83D\uDE00",
                "|\u00E9|\uD83D\uDE00|", "[(0, 0), (0, 1), (0, 1), (1, 2), (1, 2)]");
        check(Replace.literal("ab", ""), "xabyab",
                "xy", "[(0, 1), (3, 4)]");
        check(Replace.literal("ab", ""), "ab",
                "", "[]");
    }

    @Test
    void regexPatterns() {
        check(Replace.regex("\\s+", " "), "This     is   a \t\n  test",
                "This is a test", "[(0, 1), (1, 2), (2, 3), (3, 4), (8, 9), (9, 10), (10, 11), (13, 14), (14, 15), (19, 20), (20, 21), (21, 22), (22, 23), (23, 24)]");
        check(Replace.regex("\\s+", " "), "\u00A0\u2028x\u200B ",
                " x\u200B ", "[(1, 2), (2, 3), (3, 4), (4, 5)]");
        check(Replace.regex(" {2,}", "\u2581"), "a  b c   d ",
                "a\u2581b c\u2581d ", "[(0, 1), (2, 3), (3, 4), (4, 5), (5, 6), (8, 9), (9, 10), (10, 11)]");
        // Runs of one char (" {2,}" and the like) take a hand scanner.
        check(Replace.regex("\\.{3,}", "\u2026"), "a.. b... c....",
                "a.. b\u2026 c\u2026", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (7, 8), (8, 9), (9, 10), (13, 14)]");
        check(Replace.regex("x{1,}", "-"), "axxbx",
                "a-b-", "[(0, 1), (2, 3), (3, 4), (4, 5)]");
        // Oniguruma's word chars: not ZWJ, but ² ½ (its Latin-1 table); astral letters are one char.
        check(Replace.regex("\\b\\w", "#"), "ab\u200Dcd \u00BDx \uD801\uDC37\uD801\uDC38 1\u00B2",
                "#b\u200D#d #x #\uD801\uDC38 #\u00B2", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11), (11, 12), (12, 13), (13, 14)]");
        check(Replace.regex("\\B.", "-"), "ab c\u200Dd",
                "a- c\u200Dd", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]");
        check(Replace.regex("a*", "X"), "ab",
                "XbX", "[(0, 1), (1, 2), (1, 2)]");
        check(Replace.regex("a*", "X"), "baaac",
                "XbXcX", "[(0, 0), (0, 1), (3, 4), (4, 5), (4, 5)]");
        check(Replace.regex("a{,2}", "X"), "aaab",
                "XXbX", "[(1, 2), (2, 3), (3, 4), (3, 4)]");
        check(Replace.regex("^", "X"), "ab\ncd\r\nef\n",
                "Xab\nXcd\r\nXef\n", "[(0, 0), (0, 1), (1, 2), (2, 3), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (6, 7), (7, 8), (8, 9), (9, 10)]");
        check(Replace.regex("$", "X"), "ab\ncd\r\n",
                "abX\ncd\rX\nX", "[(0, 1), (1, 2), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (5, 6), (6, 7), (6, 7)]");
        check(Replace.regex(".", "X"), "a\nb\r\u2028\u0085c",
                "X\nXXXXX", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)]");
        check(Replace.regex("(?m)a.b", "X"), "a\nb",
                "X", "[(2, 3)]");
        check(Replace.regex("\\h+", "X"), "deadBEEF xyz",
                "X xyz", "[(7, 8), (8, 9), (9, 10), (10, 11), (11, 12)]");
        check(Replace.regex("\\v", "X"), "a\u000Bb\nc",
                "aXb\nc", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]");
        check(Replace.regex("\\w+", "X"), "ab\tc\u00E91F\u0663 \u00DF\u200Dz",
                "X\tX X\u200DX", "[(1, 2), (2, 3), (7, 8), (8, 9), (9, 10), (10, 11), (11, 12)]");
        check(Replace.regex("\\d", "X"), "1\u0663\u00B2",
                "XX\u00B2", "[(0, 1), (1, 2), (2, 3)]");
        check(Replace.regex("[[:punct:]]", "X"), "a$+<=>^`|~!,.-_()b\u00BF\u20AC",
                "aXXXXXXXXXXXXXXXXbXX", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11), (11, 12), (12, 13), (13, 14), (14, 15), (15, 16), (16, 17), (17, 18), (18, 19), (19, 20)]");
        check(Replace.regex("[[:alpha:][:digit:]]", "X"), "a_1\u00E9\u0301\u0663 ",
                "X_XX\u0301X ", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)]");
        check(Replace.regex("[^[:space:]]+", "X"), "ab \u00A0cd\u2028e",
                "X \u00A0X\u2028X", "[(1, 2), (2, 3), (3, 4), (5, 6), (6, 7), (7, 8)]");
        check(Replace.regex("\\p{Han}+|\\p{^L}", "X"), "a\u4E2D\u6587b1 ",
                "aXbXX", "[(0, 1), (2, 3), (3, 4), (4, 5), (5, 6)]");
        check(Replace.regex("x{ab}|a{", "X"), "x{ab} a{",
                "X X", "[(4, 5), (5, 6), (7, 8)]");
        check(Replace.regex("[]a]", "X"), "]a",
                "XX", "[(0, 1), (1, 2)]");
        check(Replace.regex("\\p{L}", "<>"), "a1\u00E9\uD835\uDC00",
                "<>1<><>", "[(0, 1), (0, 1), (1, 2), (2, 3), (2, 3), (3, 4), (3, 4)]");
        check(Replace.regex("[aeiou]+", ""), "aabeec",
                "bc", "[(2, 3), (5, 6)]");
        check(Replace.regex("[aeiou]+", ""), "ae",
                "", "[]");
    }

    @Test
    void regexPatternsTheOtherComponentsShare() {
        // POSIX [:graph:], \k'name', blocks: the Oniguruma translation the Split pre-tokenizer uses
        check(Replace.regex("[[:graph:]]+", "X"), "a b\u00A0c\u0000d\u00E9",
                "X X\u00A0X\u0000X", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (7, 8)]");
        check(Replace.regex("(?'a'b)\\k'a'", "X"), "abbc",
                "aXc", "[(0, 1), (2, 3), (3, 4)]");
        check(Replace.regex("\\p{In_Basic_Latin}", ""), "a\u00E9b",
                "\u00E9", "[(1, 2)]");
    }

    @Test
    void untranslatableConstructsAreRefused() {
        // Oniguruma accepts all of these but (?s) ("undefined group option"); OnigPatternTest has more.
        for (String regex : new String[] {"a\\Kb", "\\y", "\\Qa\\E", "(?s).", "(?~a)", "\\p{Foo}"}) {
            assertThrows(IllegalArgumentException.class, () -> Replace.regex(regex, "X"), regex);
        }
    }
}
