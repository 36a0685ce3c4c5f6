package dev.gale.encoder.tokenizer.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.Model;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.util.Arrays;

/** Builds models from JSON written in the tests and compares their tokens with Hugging Face's. */
final class ModelAssertions {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ModelAssertions() {}

    /** The model of a tokenizer.json {@code model} object, read as {@code test.json}. */
    static Model model(String json) {
        return Models.fromJson(tree(json), "model", new TokenizerJson("test.json"));
    }

    static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException("bad JSON in a test: " + json, e);
        }
    }

    /** {@code "<0x00>": first, "<0x01>": first + 1, ...} for all 256 bytes, as JSON object members. */
    static String byteTokens(int first) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 256; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format("\"<0x%02X>\": %d", i, first + i));
        }
        return b.toString();
    }

    /**
     * Asserts the ids and (start, end) UTF-16 offsets of {@code word}, twice: the second call may be
     * answered by the model's cache.
     */
    static void assertTokens(Model model, String word, int[] ids, int[] offsets) {
        for (int round = 0; round < 2; round++) {
            IntList out = new IntList(8);
            out.add(-7); // tokens are appended after what the list already holds
            model.tokenize(word, out);
            assertEquals(-7, out.get(0));
            int n = (out.size() - 1) / 3;
            int[] gotIds = new int[n];
            int[] gotOffsets = new int[2 * n];
            for (int t = 0; t < n; t++) {
                gotIds[t] = out.get(1 + 3 * t);
                gotOffsets[2 * t] = out.get(2 + 3 * t);
                gotOffsets[2 * t + 1] = out.get(3 + 3 * t);
            }
            String what = "'" + word + "' (call " + (round + 1) + "): ids " + Arrays.toString(gotIds)
                    + ", offsets " + Arrays.toString(gotOffsets);
            assertArrayEquals(ids, gotIds, what);
            assertArrayEquals(offsets, gotOffsets, what);
        }
    }
}
