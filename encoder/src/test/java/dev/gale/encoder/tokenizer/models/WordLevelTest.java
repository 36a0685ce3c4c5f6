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
 * The WordLevel model (models/wordlevel/mod.rs). Expected ids and offsets come from Python tokenizers
 * 0.23.2: {@code m = tokenizers.models.WordLevel(vocab, unk_token="<unk>"); m.tokenize(word)}.
 */
class WordLevelTest {

    @Test
    void mapsTheWholeWordOrTheUnkToken() {
        Model model = model("""
                {"type": "WordLevel", "unk_token": "<unk>", "vocab": {"<unk>": 0, "hello": 1, "w\u00F6rld": 2, "\uD83D\uDE00": 3}}""");
        assertInstanceOf(WordLevel.class, model);
        assertTokens(model, "hello", new int[] {1}, new int[] {0, 5});
        assertTokens(model, "w\u00F6rld", new int[] {2}, new int[] {0, 5});
        assertTokens(model, "\uD83D\uDE00", new int[] {3}, new int[] {0, 2});
        assertTokens(model, "hell", new int[] {0}, new int[] {0, 4});
        assertTokens(model, "\uD83D\uDE00\uD83D\uDE00", new int[] {0}, new int[] {0, 4});
        assertEquals(OptionalInt.of(1), model.tokenToId("hello"));
        assertEquals("w\u00F6rld", model.idToToken(2));
        assertNull(model.idToToken(4));
        assertEquals(4, model.vocabSize());
    }

    @Test
    void failsOnAWordThatNeedsAnUnkTokenMissingFromTheVocabulary() {
        // Python: "WordLevel error: Missing [UNK] token from the vocabulary" on encode("b").
        Model model = model("""
                {"type": "WordLevel", "unk_token": "<unk>", "vocab": {"a": 0}}""");
        assertTokens(model, "a", new int[] {0}, new int[] {0, 1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.tokenize("b", new IntList(4)));
        assertTrue(e.getMessage().startsWith("test.json: model.unk_token '<unk>' is not a key of model.vocab"), e.getMessage());
    }
}
