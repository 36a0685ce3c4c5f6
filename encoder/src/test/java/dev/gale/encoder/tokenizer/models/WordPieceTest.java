package dev.gale.encoder.tokenizer.models;

import static dev.gale.encoder.tokenizer.models.ModelAssertions.assertTokens;
import static dev.gale.encoder.tokenizer.models.ModelAssertions.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.Model;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The WordPiece model (models/wordpiece/mod.rs). Expected ids and offsets come from Python
 * tokenizers 0.23.2: {@code m = tokenizers.models.WordPiece(vocab, unk_token="[UNK]",
 * max_input_chars_per_word=9); m.tokenize(word)}, byte offsets mapped to UTF-16 chars.
 */
class WordPieceTest {

    private static final String VOCAB = """
            "vocab": {"[UNK]": 0, "un": 1, "##aff": 2, "##able": 3, "aff": 4, "a": 5, "##a": 6, "\u00E9": 7,
                      "##\u00E9": 8, "\uD83D\uDE00": 9, "##\uD83D\uDE00": 10, "##b": 11, "una": 12, "##ffa": 13, "##ble": 14}""";

    @Test
    void matchesLongestPiecesFirst() {
        Model model = model("{\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"continuing_subword_prefix\": \"##\", "
                + "\"max_input_chars_per_word\": 9, " + VOCAB + "}");
        assertTokens(model, "unaffable", new int[] {12, 13, 14}, new int[] {0, 3, 3, 6, 6, 9});
        assertTokens(model, "affable", new int[] {4, 3}, new int[] {0, 3, 3, 7});
        assertTokens(model, "aaa", new int[] {5, 6, 6}, new int[] {0, 1, 1, 2, 2, 3});
        assertTokens(model, "a\u00E9\u00E9", new int[] {5, 8, 8}, new int[] {0, 1, 1, 2, 2, 3});
        assertTokens(model, "\uD83D\uDE00\uD83D\uDE00a", new int[] {9, 10, 6}, new int[] {0, 2, 2, 4, 4, 5});
    }

    @Test
    void replacesTheWholeWordByUnkWhenAPartFailsOrItIsTooLong() {
        Model model = model("{\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"continuing_subword_prefix\": \"##\", "
                + "\"max_input_chars_per_word\": 9, " + VOCAB + "}");
        assertTokens(model, "unaff", new int[] {0}, new int[] {0, 5});
        assertTokens(model, "abx", new int[] {0}, new int[] {0, 3});
        assertTokens(model, "b", new int[] {0}, new int[] {0, 1});
        assertTokens(model, "aaaaaaaaa", new int[] {5, 6, 6, 6, 6, 6, 6, 6, 6},
                new int[] {0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9});
        assertTokens(model, "aaaaaaaaaa", new int[] {0}, new int[] {0, 10});
        // max_input_chars_per_word counts code points: nine emoji pass, ten do not.
        String nine = "\uD83D\uDE00".repeat(9);
        assertTokens(model, nine, new int[] {9, 10, 10, 10, 10, 10, 10, 10, 10},
                new int[] {0, 2, 2, 4, 4, 6, 6, 8, 8, 10, 10, 12, 12, 14, 14, 16, 16, 18});
        assertTokens(model, nine + "\uD83D\uDE00", new int[] {0}, new int[] {0, 20});
    }

    @Test
    void anEmptyPrefixLooksUpContinuationsBare() {
        Model model = model("{\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"continuing_subword_prefix\": \"\", "
                + "\"max_input_chars_per_word\": 100, " + VOCAB + "}");
        assertTokens(model, "unaffable", new int[] {0}, new int[] {0, 9});
        assertTokens(model, "aab", new int[] {0}, new int[] {0, 3});
        assertTokens(model, "aaa", new int[] {5, 5, 5}, new int[] {0, 1, 1, 2, 2, 3});
    }

    @Test
    void answersVocabularyQueries() {
        Model model = model("{\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"continuing_subword_prefix\": \"##\", "
                + "\"max_input_chars_per_word\": 100, " + VOCAB + "}");
        assertInstanceOf(WordPiece.class, model);
        assertEquals(OptionalInt.of(3), model.tokenToId("##able"));
        assertEquals(OptionalInt.empty(), model.tokenToId("able"));
        assertEquals("##\uD83D\uDE00", model.idToToken(10));
        assertNull(model.idToToken(15));
        assertEquals(15, model.vocabSize());
    }

    @Test
    void failsOnAWordThatNeedsAnUnkTokenMissingFromTheVocabulary() {
        // Python: "WordPiece error: Missing [UNK] token from the vocabulary" on encode("b"), while "a" encodes.
        Model model = model("""
                {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                 "max_input_chars_per_word": 100, "vocab": {"a": 0}}""");
        assertTokens(model, "a", new int[] {0}, new int[] {0, 1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.tokenize("b", new IntList(4)));
        assertTrue(e.getMessage().startsWith("test.json: model.unk_token '[UNK]' is not a key of model.vocab"), e.getMessage());
    }

    @Test
    void requiresAllFourFields() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model("""
                {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "vocab": {"a": 0}}"""));
        assertEquals("test.json: model.max_input_chars_per_word is missing (expected a non-negative integer)", e.getMessage());
    }
}
