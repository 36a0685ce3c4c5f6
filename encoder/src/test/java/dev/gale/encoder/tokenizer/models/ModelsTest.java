package dev.gale.encoder.tokenizer.models;

import static dev.gale.encoder.tokenizer.models.ModelAssertions.assertTokens;
import static dev.gale.encoder.tokenizer.models.ModelAssertions.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The model factory (models/mod.rs, ModelWrapper). Which class Python tokenizers 0.23.2 makes of each
 * JSON comes from {@code type(Tokenizer.from_str(json_with_this_model).model).__name__}.
 */
class ModelsTest {

    @Test
    void readsModelsWithoutTypeAsTheFirstFormThatFits() {
        assertInstanceOf(WordPiece.class, model("""
                {"vocab": {"[UNK]": 0, "a": 1, "##b": 2}, "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                 "max_input_chars_per_word": 100}"""));
        assertInstanceOf(WordLevel.class, model("""
                {"vocab": {"<unk>": 0, "a": 1}, "unk_token": "<unk>"}"""));
        assertInstanceOf(BPE.class, model("""
                {"vocab": {"<unk>": 0, "a": 1, "b": 2, "ab": 3}, "merges": ["a b"]}"""));
        assertTokens(model("""
                {"vocab": [["<unk>", 0.0], ["a", -1.0]], "unk_id": 0}"""), "aa", new int[] {1, 1}, new int[] {0, 1, 1, 2});
        // A BPE whose merges do not fit its vocabulary still reads as a WordLevel.
        assertInstanceOf(WordLevel.class, model("""
                {"vocab": {"<unk>": 0, "a": 1}, "merges": [["a", "x"]], "unk_token": "<unk>"}"""));
    }

    @Test
    void refusesUnknownTypesAndShapelessModels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model("""
                {"type": "Foo", "vocab": {}}"""));
        assertEquals("test.json: model.type 'Foo' is not supported (expected one of BPE, WordPiece, WordLevel, Unigram)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model("{\"vocab\": {\"a\": 0}}"));
        assertTrue(e.getMessage().startsWith("test.json: model.type is missing and the model has the fields of none of"),
                e.getMessage());
        assertEquals(4, e.getSuppressed().length);
        e = assertThrows(IllegalArgumentException.class, () -> model("""
                {"vocab": {"a": 0}, "merges": [], "dropout": 0.5, "unk_token": "a"}"""));
        assertTrue(e.getMessage().startsWith("test.json: model.dropout is 0.5: BPE dropout"), e.getMessage());
    }
}
