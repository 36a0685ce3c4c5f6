package dev.gale.encoder.tokenizer.pretokenizers;

import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.json;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.lines;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.IntList;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Oniguruma-to-Java translation: character classes against the code points Oniguruma matches in
 * tokenizers 0.23.2 (/pretokenizers/onig-properties.jsonl, from generate.py), the onig crate's
 * {@code find_iter}, and the constructs it refuses.
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

    @Test
    void constructsWithoutAFaithfulTranslationAreRefused() {
        for (String regex : List.of("\\Ga", "a\\Kb", "\\X", "(?x)a b", "(?~a)", "\\p{NoSuchProperty}",
                "(a)\\g<1>", "(?(1)a|b)", "(a", "a)", "[a", "\\xFF", "(?i)ß", "(?i)strasse", "(?i)[ß]", "(?i)\u0130",
                "(?<a_b>x)\\1", "\\k<missing>", "\\", "\\p{In_Basic_Latin}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnigPattern.compile(regex),
                    regex);
            assertTrue(e.getMessage().startsWith("has ") || e.getMessage().startsWith("is not"), e.getMessage());
        }
        assertEquals("has the property \\p{NoSuchProperty}, which Gale does not translate",
                assertThrows(IllegalArgumentException.class, () -> OnigPattern.compile("\\p{NoSuchProperty}"))
                        .getMessage());
    }
}
