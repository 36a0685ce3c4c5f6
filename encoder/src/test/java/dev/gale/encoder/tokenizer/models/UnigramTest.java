package dev.gale.encoder.tokenizer.models;

import static dev.gale.encoder.tokenizer.models.ModelAssertions.assertTokens;
import static dev.gale.encoder.tokenizer.models.ModelAssertions.model;
import static dev.gale.encoder.tokenizer.models.ModelAssertions.tree;
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
 * The Unigram model (models/unigram/model.rs, encode_optimized; lattice.rs; trie.rs). Expected ids
 * and offsets come from Python tokenizers 0.23.2: {@code m = tokenizers.models.Unigram(pieces,
 * unk_id, byte_fallback); m.tokenize(word)}, byte offsets mapped to UTF-16 chars.
 */
class UnigramTest {

    // min score -4.5, so an unknown char costs -14.5
    private static final String PIECES = "[\"<unk>\", 0.0], [\"a\", -1.0], [\"b\", -1.0], [\"ab\", -2.0], "
            + "[\"c\", -3.0], [\"bc\", -2.0], [\"abc\", -4.5], [\"d\", -1.0]";

    private static String byteFallbackPieces(int skipped) {
        StringBuilder b = new StringBuilder(PIECES);
        for (int i = 0; i < 256; i++) {
            if (i != skipped) {
                b.append(String.format(", [\"<0x%02X>\", -8.0]", i));
            }
        }
        return b.toString();
    }

    @Test
    void takesTheBestPathAndTheEarliestStartOnTies() {
        // "ab" ties with "a" + "b" (-2.0); the path through the node that starts first is kept.
        Model model = model("{\"type\": \"Unigram\", \"unk_id\": 0, \"vocab\": [" + PIECES + "]}");
        assertTokens(model, "ab", new int[] {3}, new int[] {0, 2});
        assertTokens(model, "abc", new int[] {1, 5}, new int[] {0, 1, 1, 3});
        assertTokens(model, "abcd", new int[] {1, 5, 7}, new int[] {0, 1, 1, 3, 3, 4});
        assertTokens(model, "bcab", new int[] {5, 3}, new int[] {0, 2, 2, 4});
    }

    @Test
    void fusesRunsOfUnknownsWithTheUnkPieceItself() {
        Model model = model("{\"type\": \"Unigram\", \"unk_id\": 0, \"vocab\": [" + PIECES + "]}");
        assertTokens(model, "axxb", new int[] {1, 0, 2}, new int[] {0, 1, 1, 3, 3, 4});
        assertTokens(model, "x", new int[] {0}, new int[] {0, 1});
        assertTokens(model, "\u65E5\u672Ca", new int[] {0, 1}, new int[] {0, 2, 2, 3});
        assertTokens(model, "a\uD83D\uDE00b", new int[] {1, 0, 2}, new int[] {0, 1, 1, 3, 3, 4});
        // "<unk>" read literally is node 0 too, so it joins the unknown run around it.
        assertTokens(model, "xy<unk>z", new int[] {0}, new int[] {0, 8});
        assertTokens(model, "<unk>", new int[] {0}, new int[] {0, 5});
    }

    @Test
    void fallsBackToByteTokensEachSpanningTheWholeUnknownRun() {
        Model model = model("{\"type\": \"Unigram\", \"unk_id\": 0, \"byte_fallback\": true, \"vocab\": ["
                + byteFallbackPieces(-1) + "]}");
        assertTokens(model, "a\u00E9b", new int[] {1, 203, 177, 2}, new int[] {0, 1, 1, 2, 1, 2, 2, 3});
        assertTokens(model, "\u65E5\u672C", new int[] {238, 159, 173, 238, 164, 180},
                new int[] {0, 2, 0, 2, 0, 2, 0, 2, 0, 2, 0, 2});
        assertTokens(model, "a\uD83D\uDE00", new int[] {1, 248, 167, 160, 136}, new int[] {0, 1, 1, 3, 1, 3, 1, 3, 1, 3});
        assertTokens(model, "xa", new int[] {128, 1}, new int[] {0, 1, 1, 2});
        assertTokens(model, "x<unk>", new int[] {128, 68, 125, 118, 115, 70},
                new int[] {0, 6, 0, 6, 0, 6, 0, 6, 0, 6, 0, 6});
    }

    @Test
    void aMissingByteTokenMakesTheRunTheUnknownToken() {
        Model model = model("{\"type\": \"Unigram\", \"unk_id\": 0, \"byte_fallback\": true, \"vocab\": ["
                + byteFallbackPieces(0xA9) + "]}");
        assertTokens(model, "\u00E9a", new int[] {0, 1}, new int[] {0, 1, 1, 2});
        assertTokens(model, "x\u00E9", new int[] {0}, new int[] {0, 2});
    }

    @Test
    void withoutUnkIdAnUnknownCharFails() {
        // Python: "Encountered an unknown token but `unk_id` is missing" for "abx" and "x".
        Model model = model("{\"type\": \"Unigram\", \"unk_id\": null, \"vocab\": [" + PIECES.substring(PIECES.indexOf("[\"a\"")) + "]}");
        assertTokens(model, "ab", new int[] {2}, new int[] {0, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.tokenize("abx", new IntList(4)));
        assertEquals("test.json: model.unk_id is null and a word has a char that no piece covers"
                + " (expected the id of the unknown token)", e.getMessage());
    }

    @Test
    void aRepeatedPieceAnswersWithItsLastIdAndScore() {
        // Python: m.token_to_id("ab") == 4, m.id_to_token(3) == "ab", get_vocab_size() == 5.
        Model model = model("""
                {"type": "Unigram", "unk_id": 0,
                 "vocab": [["<unk>", 0.0], ["a", -1.0], ["b", -5.0], ["ab", -9.0], ["ab", -1.0]]}""");
        assertTokens(model, "ab", new int[] {4}, new int[] {0, 2});
        assertTokens(model, "aab", new int[] {1, 4}, new int[] {0, 1, 1, 3});
        assertEquals(OptionalInt.of(4), model.tokenToId("ab"));
        assertEquals("ab", model.idToToken(3));
        assertNull(model.idToToken(5));
        assertEquals(5, model.vocabSize());
        assertInstanceOf(Unigram.class, model);
    }

    @Test
    void readsScoresAsSerdeJsonDoes() {
        // serde_json (no float_roundtrip) reads these one ULP off the nearest double; the values on the
        // right are Python tokenizers' own, read back from Tokenizer.to_str().
        assertEquals(-1.8771917819976809, Unigram.serdeF64(tree("-1.8771917819976807")));
        assertEquals(-14.429688151665369, Unigram.serdeF64(tree("-14.429688151665367")));
        assertEquals(-18.72881126403809, Unigram.serdeF64(tree("-18.728811264038086")));
        assertEquals(-2.134457588195801, Unigram.serdeF64(tree("-2.134457588195801")));
        assertEquals(-5.0, Unigram.serdeF64(tree("-5")));
        assertEquals(1e-5, Unigram.serdeF64(tree("1e-05")));
    }

    @Test
    void refusesBadVocabularies() {
        assertError("model.unk_id is 1 but model.vocab has 1 pieces",
                "{\"type\": \"Unigram\", \"unk_id\": 1, \"vocab\": [[\"a\", 0.0]]}");
        assertError("model.unk_id is 0 but model.vocab has 0 pieces",
                "{\"type\": \"Unigram\", \"unk_id\": 0, \"vocab\": []}");
        assertError("model.vocab[1] is [\"b\"]",
                "{\"type\": \"Unigram\", \"unk_id\": 0, \"vocab\": [[\"a\", 0.0], [\"b\"]]}");
        assertError("model.vocab is missing", "{\"type\": \"Unigram\", \"unk_id\": 0}");
    }

    private static void assertError(String start, String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model(json));
        assertTrue(e.getMessage().startsWith("test.json: " + start), e.getMessage());
    }
}
