package dev.gale.encoder.tokenizer.pretokenizers;

import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.assertPieces;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.json;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.lines;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.p;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.pieces;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.SplitDelimiterBehavior;
import dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.Piece;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expected pieces from Python tokenizers 0.23.2:
 * {@code pre_tokenizers.Split(pattern, behavior, invert=...).pre_tokenize_str(s)}, a string pattern or
 * a {@code tokenizers.Regex}; /pretokenizers/regex-cases.jsonl holds generate.py's regex cases.
 */
class SplitTest {

    private static final String TEXT = "How are  you";

    @Test
    void stringPatternWithEachBehavior() {
        assertPieces(Split.literal(" ", SplitDelimiterBehavior.REMOVED, false), TEXT,
                p("How", 0, 3), p("are", 4, 7), p("you", 9, 12));
        assertPieces(Split.literal(" ", SplitDelimiterBehavior.ISOLATED, false), TEXT,
                p("How", 0, 3), p(" ", 3, 4), p("are", 4, 7), p(" ", 7, 8), p(" ", 8, 9), p("you", 9, 12));
        assertPieces(Split.literal(" ", SplitDelimiterBehavior.MERGED_WITH_PREVIOUS, false), TEXT,
                p("How ", 0, 4), p("are ", 4, 8), p(" ", 8, 9), p("you", 9, 12));
        assertPieces(Split.literal(" ", SplitDelimiterBehavior.MERGED_WITH_NEXT, false), TEXT,
                p("How", 0, 3), p(" are", 3, 7), p(" ", 7, 8), p(" you", 8, 12));
        assertPieces(Split.literal(" ", SplitDelimiterBehavior.CONTIGUOUS, false), TEXT,
                p("How", 0, 3), p(" ", 3, 4), p("are", 4, 7), p("  ", 7, 9), p("you", 9, 12));
        assertPieces(Split.literal(" ", SplitDelimiterBehavior.REMOVED, true), TEXT,
                p(" ", 3, 4), p(" ", 7, 8), p(" ", 8, 9));
    }

    @Test
    void stringPatternIsLiteralAndEmptyOneMatchesBetweenChars() {
        assertPieces(Split.literal(".*", SplitDelimiterBehavior.REMOVED, false), "a.*b a.b", p("a", 0, 1), p("b a.b", 3, 8));
        assertPieces(Split.literal("", SplitDelimiterBehavior.ISOLATED, false), "aé𝔸", p("a", 0, 1), p("é", 1, 2), p("𝔸", 2, 3));
    }

    @Test
    void regexPatternWithEachBehavior() {
        assertPieces(Split.regex("\\s+", SplitDelimiterBehavior.REMOVED, false), TEXT,
                p("How", 0, 3), p("are", 4, 7), p("you", 9, 12));
        assertPieces(Split.regex("\\s+", SplitDelimiterBehavior.ISOLATED, false), TEXT,
                p("How", 0, 3), p(" ", 3, 4), p("are", 4, 7), p("  ", 7, 9), p("you", 9, 12));
        assertPieces(Split.regex("\\s+", SplitDelimiterBehavior.MERGED_WITH_PREVIOUS, false), TEXT,
                p("How ", 0, 4), p("are  ", 4, 9), p("you", 9, 12));
        assertPieces(Split.regex("\\s+", SplitDelimiterBehavior.MERGED_WITH_NEXT, false), TEXT,
                p("How", 0, 3), p(" are", 3, 7), p("  you", 7, 12));
        assertPieces(Split.regex("\\s+", SplitDelimiterBehavior.CONTIGUOUS, false), TEXT,
                p("How", 0, 3), p(" ", 3, 4), p("are", 4, 7), p("  ", 7, 9), p("you", 9, 12));
        // inverted: the matches are the words
        assertPieces(Split.regex("\\w+", SplitDelimiterBehavior.REMOVED, true), "How are  you!",
                p("How", 0, 3), p("are", 4, 7), p("you", 9, 12));
    }

    @Test
    void emptyMatchesFollowTheOnigCrate() {
        // an empty match right after a match is skipped: a* gives (0,0) (1,4), not (4,4)
        assertPieces(Split.regex("a*", SplitDelimiterBehavior.REMOVED, false), "baaab", p("b", 0, 1), p("b", 4, 5));
        assertPieces(Split.regex("a|(?=c)", SplitDelimiterBehavior.REMOVED, false), "abcac",
                p("b", 1, 2), p("c", 2, 3), p("c", 4, 5));
    }

    @Test
    void regexCasesGiveHuggingFacesPieces() {
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (String line : lines("/pretokenizers/regex-cases.jsonl")) {
            JsonNode row = json(line);
            String regex = row.get("regex").textValue();
            String text = row.get("text").textValue();
            if (regex.equals("(?i)ß")) {
                // Oniguruma also matches "ss" here; Java cannot, so Gale refuses the pattern
                assertThrows(IllegalArgumentException.class,
                        () -> Split.regex(regex, SplitDelimiterBehavior.ISOLATED, false));
                continue;
            }
            for (String behavior : List.of("isolated", "removed")) {
                Split split = Split.regex(regex, SplitDelimiterBehavior.fromJson(behavior), false);
                List<Piece> want = new ArrayList<>();
                for (JsonNode piece : row.get(behavior)) {
                    want.add(p(piece.get(0).textValue(), piece.get(1).intValue(), piece.get(2).intValue()));
                }
                List<Piece> got = pieces(split, text);
                if (!want.equals(got)) {
                    failures.add(regex + " (" + behavior + ") on \"" + text + "\"\n  want " + want + "\n  got  " + got);
                }
                cases++;
            }
        }
        assertEquals(2 * 86, cases);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
