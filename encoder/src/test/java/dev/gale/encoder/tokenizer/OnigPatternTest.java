package dev.gale.encoder.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Oniguruma-to-Java translation: character classes against the code points Oniguruma matches in
 * tokenizers 0.23.2 (/pretokenizers/onig-properties.jsonl, from generate.py), the onig crate's
 * {@code find_iter}, and the constructs it refuses. Whole regexes are checked through the Split
 * pre-tokenizer (SplitTest, /pretokenizers/regex-cases.jsonl) and the Replace normalizer and decoder
 * (their ReplaceTests).
 */
class OnigPatternTest {

    @Test
    void classesMatchTheCodePointsOnigurumaMatches() throws Exception {
        // every code point but the surrogates, in order; atCodePoint maps a char index to its code point
        StringBuilder all = new StringBuilder();
        int[] atCodePoint = new int[2 * 0x110000];
        for (int cp = 0; cp < 0x110000; cp++) {
            if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
                int at = all.length();
                all.appendCodePoint(cp);
                for (int i = at; i < all.length(); i++) {
                    atCodePoint[i] = cp;
                }
            }
        }
        String text = all.toString();
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (String line : lines("/pretokenizers/onig-properties.jsonl")) {
            JsonNode row = json(line);
            String regex = row.get("regex").textValue();
            IntList m = OnigPattern.compile(regex).findMatches(text);
            StringBuilder ranges = new StringBuilder();
            int first = -1;
            int last = -2;
            int count = 0;
            for (int i = 0; i < m.size(); i += 3) {
                if (m.get(i + 2) == 0 || m.get(i) == m.get(i + 1)) {
                    continue;
                }
                int a = atCodePoint[m.get(i)];
                int b = atCodePoint[m.get(i + 1) - 1];
                if (a != last + 1 && !(last == Character.MIN_SURROGATE - 1 && a == Character.MAX_SURROGATE + 1)) {
                    if (first >= 0) {
                        ranges.append(first).append('-').append(last).append('\n');
                        count++;
                    }
                    first = a;
                }
                last = b;
            }
            if (first >= 0) {
                ranges.append(first).append('-').append(last).append('\n');
                count++;
            }
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(ranges.toString().getBytes(StandardCharsets.US_ASCII)));
            if (!sha.equals(row.get("sha256").textValue())) {
                failures.add(regex + " (" + count + " ranges, Oniguruma " + row.get("ranges") + ") as "
                        + OnigPattern.compile(regex).javaPattern().pattern());
            }
            checked++;
        }
        assertEquals(140, checked);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void findIterSkipsAnEmptyMatchWhereTheLastMatchEnded() {
        // onig 6.5.3 find.rs by hand: a* finds (0,0), (0,0) again (skipped, on to 1), (1,4), (4,4)
        // (skipped: the last match ended there), (5,5); x* steps on by code points after a skip
        assertArrayEquals(new int[] {0, 0, 1, 0, 1, 0, 1, 4, 1, 4, 5, 0, 5, 5, 1},
                OnigPattern.compile("a*").findMatches("baaab").toArray());
        assertArrayEquals(new int[] {0, 0, 1, 0, 2, 0, 2, 2, 1, 2, 4, 0, 4, 4, 1},
                OnigPattern.compile("x*").findMatches("\ud835\udd38\ud835\udd38").toArray());
        assertArrayEquals(new int[] {0, 0, 0}, OnigPattern.compile("a").findMatches("").toArray());
    }

    @Test
    void literalMatchesTheTextAsIs() {
        assertArrayEquals(new int[] {0, 1, 0, 1, 5, 1, 5, 6, 0},
                OnigPattern.literal("(.)+").findMatches("a(.)+b").toArray());
    }

    /**
     * Matches (each one between « and ») from Python tokenizers 0.23.2: the pieces of
     * {@code pre_tokenizers.Split(Regex(regex), "isolated").pre_tokenize_str(text)} that
     * {@code "removed"} drops.
     */
    @Test
    void escapesPropertiesAndBlocksMatchAsInOniguruma() {
        // \k'name' is \k<name>; \cX is X & 0x9F, \c? is DEL
        assertMatches("(?'a'x)\\k'a'", "xx x", "\u00ABxx\u00BB x");
        assertMatches("(?<a>x)\\k'a'|(?'b'y)\\k<b>", "xx yy xy", "\u00ABxx\u00BB \u00AByy\u00BB xy");
        assertMatches("\\ca", "\u0001a!", "\u00AB\u0001\u00BBa!");
        assertMatches("\\cA\\c?", "\u0001\u007F?", "\u00AB\u0001\u007F\u00BB?");
        assertMatches("\\c1+", "\u0011\u00111", "\u00AB\u0011\u0011\u00BB1");
        assertMatches("[\\cz\\c[]+", "\u001A\u001Bz[", "\u00AB\u001A\u001B\u00BBz[");
        assertMatches("\\c ", " \u0000", " \u00AB\u0000\u00BB");
        // blocks by Oniguruma's names, which ignore case, spaces, '-' and '_'
        assertMatches("\\p{In_Basic_Latin}+", "ab\u00E9c", "\u00ABab\u00BB\u00E9\u00ABc\u00BB");
        assertMatches("\\p{InBasicLatin}", "a\u00E9", "\u00ABa\u00BB\u00E9");
        assertMatches("\\p{In_Greek_and_Coptic}+", "a\u03B1\u03B2", "a\u00AB\u03B1\u03B2\u00BB");
        assertMatches("\\p{in latin-1 supplement}+", "a\u00E9\u00FF\u0100", "a\u00AB\u00E9\u00FF\u00BB\u0100");
        assertMatches("\\p{^In_Basic_Latin}+", "ab\u00E9\u00E8c", "ab\u00AB\u00E9\u00E8\u00BBc");
        assertMatches("[\\p{In_Cyrillic_Supplement}a]+", "\u0500ab\u0400", "\u00AB\u0500a\u00BBb\u0400");
        assertMatches("\\P{In_Combining_Diacritical_Marks_for_Symbols}", "\u20D0a", "\u20D0\u00ABa\u00BB");
        assertMatches("\\p{In_Mathematical_Alphanumeric_Symbols}", "x\uD835\uDD38y", "x\u00AB\uD835\uDD38\u00BBy");
        // \h, (?m), \v, \w with ², a literal {, \p{^..}, {,n}; a ']' first in a class, POSIX brackets
        assertMatches("\\h+(?m:.)\\v\\w{\\p{^L}a{,2}", "beef\n\u000B\u00B2{1aa", "\u00ABbeef\n\u000B\u00B2{1aa\u00BB");
        assertMatches("[]a[:punct:][:^space:]]+", "]a! \u00A0b", "\u00AB]a!\u00BB \u00A0\u00ABb\u00BB");
        assertMatches("\\p{Han}\\p{InBasicLatin}\\p{Lu}\\p{Letter}", "\u4E2DxA\u00E9 \u4E2D\u00E9AA", "\u00AB\u4E2DxA\u00E9\u00BB \u4E2D\u00E9AA");
        // inside brackets \w lacks ² and ¹; \0 takes two octal digits at most, \x one or two hex digits
        assertMatches("[\\w]+", "\u00B2a\u00B9_", "\u00B2\u00ABa\u00BB\u00B9\u00AB_\u00BB");
        assertMatches("\\0123", "\n3\nS", "\u00AB\n3\u00BB\nS");
        assertMatches("\\x4+", "\u0004\u0004x", "\u00AB\u0004\u0004\u00BBx");
    }

    private static void assertMatches(String regex, String text, String marked) {
        IntList m = OnigPattern.compile(regex).findMatches(text);
        StringBuilder got = new StringBuilder();
        for (int i = 0; i < m.size(); i += 3) {
            String piece = text.substring(m.get(i), m.get(i + 1));
            got.append(m.get(i + 2) == 1 && !piece.isEmpty() ? "\u00AB" + piece + "\u00BB" : piece);
        }
        assertEquals(marked, got.toString(), regex + " on \"" + text + "\"");
    }

    @Test
    void constructsWithoutAFaithfulTranslationAreRefused() {
        // Oniguruma accepts most of these; {2} (nothing to repeat), (?s) ("undefined group option"),
        // \p{InGreek} (Java's old name of Greek and Coptic) and a lone \c are errors there too.
        for (String regex : List.of("\\Ga", "a\\Kb", "\\X", "\\y", "\\Qa\\E", "(?x)a b", "(?s).", "(?~a)",
                "\\p{NoSuchProperty}", "\\p{Foo}", "\\p{InGreek}", "(a)\\g<1>", "(?(1)a|b)", "(a", "a)", "[a", "{2}",
                "\\xFF", "\\c", "\\c\u00e9", "(?i)\u00df", "(?i)strasse", "(?i)[\u00df]", "(?i)\u0130", "(?<a_b>x)\\1",
                "\\k<missing>", "\\k'missing'", "\\")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnigPattern.compile(regex),
                    regex);
            assertTrue(e.getMessage().startsWith("has ") || e.getMessage().startsWith("is not"), e.getMessage());
        }
        assertEquals("has the property \\p{NoSuchProperty}, which Gale does not translate",
                assertThrows(IllegalArgumentException.class, () -> OnigPattern.compile("\\p{NoSuchProperty}"))
                        .getMessage());
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> lines(String resource) throws IOException {
        try (InputStream raw = OnigPatternTest.class.getResourceAsStream(resource)) {
            assertNotNull(raw, resource);
            return new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8)).lines().toList();
        }
    }

    private static JsonNode json(String line) throws IOException {
        return JSON.readTree(line);
    }
}
