package dev.gale.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema validator the server tests use, on hand-written documents whose verdict is read off the spec by eye. */
class OpenApiValidatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OpenApiValidator TEI = OpenApiValidator.tei();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    private static void valid(String schema, String doc) throws Exception {
        List<String> errors = TEI.validate(schema, json(doc));
        assertTrue(errors.isEmpty(), schema + " should accept " + doc + ", got " + errors);
    }

    /** Invalid, and the first problem names {@code where} (a path such as {@code $[0].id}). */
    private static void invalid(String schema, String doc, String where) throws Exception {
        List<String> errors = TEI.validate(schema, json(doc));
        assertTrue(!errors.isEmpty(), schema + " should refuse " + doc);
        assertTrue(errors.getFirst().startsWith(where + ":"), "expected a problem at " + where + ", got " + errors);
    }

    @Test
    void theResourceIsTeisFileUnchanged() throws Exception {
        try (InputStream in = java.nio.file.Files.newInputStream(OpenApiValidator.spec())) {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
            // TEI's docs/openapi.json at 0d124dc (API version 1.9.3), as ../shared/specs holds it
            assertEquals("f4c15add6d2b85212612cbf3061153e787aaa86813d1e4cc65717ce410523f66", HexFormat.of().formatHex(sha));
        }
    }

    @Test
    void errorResponses() throws Exception {
        valid("ErrorResponse", "{\"error\": \"batch size 33 > maximum allowed batch size 32\", \"error_type\": \"Validation\"}");
        valid("ErrorResponse", "{\"error\": \"x\", \"error_type\": \"Empty\", \"extra\": 1}");   // no additionalProperties: false
        invalid("ErrorResponse", "{\"error\": \"x\"}", "$");
        invalid("ErrorResponse", "{\"error\": \"x\", \"error_type\": \"Internal\"}", "$.error_type");
        invalid("ErrorResponse", "{\"error\": 5, \"error_type\": \"Backend\"}", "$.error");
        invalid("ErrorResponse", "[]", "$");
        valid("OpenAICompatErrorResponse", "{\"message\": \"m\", \"code\": 422, \"error_type\": \"Validation\"}");
        invalid("OpenAICompatErrorResponse", "{\"message\": \"m\", \"code\": -1, \"error_type\": \"Validation\"}", "$.code");
        invalid("OpenAICompatErrorResponse", "{\"message\": \"m\", \"code\": 4.5, \"error_type\": \"Validation\"}", "$.code");
    }

    @Test
    void arraysOfNumbersAndNullableFields() throws Exception {
        valid("EmbedResponse", "[[0.5, -1, 2e-3], []]");
        invalid("EmbedResponse", "[[0.5, \"1\"]]", "$[0][1]");
        invalid("EmbedResponse", "[0.5]", "$[0]");
        valid("EmbedAllResponse", "[[[1.0, 2.0], [3.0, 4.0]]]");
        invalid("EmbedAllResponse", "[[1.0, 2.0]]", "$[0][0]");
        valid("TokenizeResponse", "[[{\"id\": 101, \"text\": \"[CLS]\", \"special\": true, \"start\": null, \"stop\": null},"
                + " {\"id\": 7592, \"text\": \"hello\", \"special\": false, \"start\": 0, \"stop\": 5}]]");
        invalid("TokenizeResponse", "[[{\"id\": -3, \"text\": \"a\", \"special\": false}]]", "$[0][0].id");
        invalid("TokenizeResponse", "[[{\"id\": 3, \"text\": \"a\"}]]", "$[0][0]");
        invalid("TokenizeResponse", "[[{\"id\": 3, \"text\": \"a\", \"special\": \"no\"}]]", "$[0][0].special");
        valid("DecodeResponse", "[\"hello world\"]");
        invalid("DecodeResponse", "[\"a\", null]", "$[1]");
    }

    @Test
    void oneOfWantsExactlyOneBranch() throws Exception {
        // Embedding: a list of floats or a base64 string
        valid("OpenAICompatEmbedding", "{\"object\": \"embedding\", \"embedding\": [0.1, 0.2], \"index\": 0}");
        valid("OpenAICompatEmbedding", "{\"object\": \"embedding\", \"embedding\": \"AACAPw==\", \"index\": 1}");
        invalid("OpenAICompatEmbedding", "{\"object\": \"embedding\", \"embedding\": 3, \"index\": 0}", "$.embedding");
        // PredictResponse: a list of predictions, or a list of lists; an empty list is both, which oneOf refuses
        valid("PredictResponse", "[{\"score\": 0.9, \"label\": \"positive\"}, {\"score\": 0.1, \"label\": \"negative\"}]");
        valid("PredictResponse", "[[{\"score\": 0.9, \"label\": \"positive\"}], [{\"score\": 0.2, \"label\": \"negative\"}]]");
        invalid("PredictResponse", "[]", "$");
        invalid("PredictResponse", "[{\"score\": 0.9}]", "$");
        // ModelType: exactly one of classifier, embedding, reranker
        valid("ModelType", "{\"embedding\": {\"pooling\": \"mean\"}}");
        valid("ModelType", "{\"reranker\": {\"id2label\": {\"0\": \"LABEL_0\"}, \"label2id\": {\"LABEL_0\": 0}}}");
        invalid("ModelType", "{\"embedding\": {\"pooling\": \"mean\"}, \"classifier\": {\"id2label\": {}, \"label2id\": {}}}", "$");
        invalid("ModelType", "{\"sparse\": {}}", "$");
    }

    @Test
    void refsAdditionalPropertiesAndMinimum() throws Exception {
        String info = "{\"model_id\": \"m\", \"model_sha\": null, \"model_dtype\": \"float32\", \"served_model_name\": \"m\","
                + " \"model_type\": {\"classifier\": {\"id2label\": {\"0\": \"a\", \"1\": \"b\"}, \"label2id\": {\"a\": 0, \"b\": %s}}},"
                + " \"max_concurrent_requests\": 512, \"max_input_length\": 256, \"max_batch_tokens\": 16384, \"max_batch_requests\": null,"
                + " \"max_client_batch_size\": 32, \"auto_truncate\": true, \"tokenization_workers\": 2, \"version\": \"0.1.0\"}";
        valid("Info", info.formatted("1"));
        invalid("Info", info.formatted("-1"), "$.model_type");   // label2id values: integer, minimum 0 (through oneOf)
        invalid("Info", info.formatted("\"1\"").replace("\"served_model_name\": \"m\",", ""), "$");
        List<String> errors = TEI.validate("Info", json(info.formatted("1").replace("\"served_model_name\": \"m\",", "")));
        assertEquals(List.of("$: missing required property `served_model_name`"), errors);
        valid("Rank", "{\"index\": 0, \"score\": 0.5, \"text\": null}");
        invalid("Rank", "{\"index\": -1, \"score\": 0.5}", "$.index");
        valid("EmbedSparseResponse", "[[{\"index\": 3, \"value\": 0.25}]]");
        invalid("EmbedSparseResponse", "[[{\"index\": 3}]]", "$[0][0]");
    }

    @Test
    void requestSchemasWithAllOfAndEnum() throws Exception {
        valid("EmbedRequest", "{\"inputs\": \"hi\", \"truncation_direction\": \"Left\"}");
        valid("EmbedRequest", "{\"inputs\": [[101, 102], \"text\"], \"dimensions\": null}");
        invalid("EmbedRequest", "{\"inputs\": \"hi\", \"truncation_direction\": \"up\"}", "$.truncation_direction");
        invalid("EmbedRequest", "{\"inputs\": 5}", "$.inputs");
        invalid("EmbedRequest", "{\"inputs\": \"a\", \"normalize\": \"yes\"}", "$.normalize");
        invalid("EmbedRequest", "{\"inputs\": \"a\", \"dimensions\": -1}", "$.dimensions");
        invalid("EmbedRequest", "{}", "$");
        valid("SimilarityRequest", "{\"inputs\": {\"source_sentence\": \"a\", \"sentences\": [\"b\"]}, \"parameters\": null}");
        invalid("SimilarityRequest", "{\"inputs\": {\"source_sentence\": \"a\", \"sentences\": [\"b\"]}, \"parameters\": {\"truncate\": 1}}",
                "$.parameters.truncate");
        valid("PredictRequest", "{\"inputs\": [[\"a\"], [\"b\", \"c\"]]}");
        invalid("PredictRequest", "{\"inputs\": [[\"a\", \"b\", \"c\"]]}", "$.inputs");
    }

    @Test
    void inlineSchemasAndWhatItRefuses() throws Exception {
        JsonNode allOf = json("{\"allOf\": [{\"type\": \"integer\"}, {\"minimum\": 3}]}");
        assertTrue(TEI.validate(allOf, json("4")).isEmpty());
        assertEquals(1, TEI.validate(allOf, json("2")).size());
        assertEquals(1, TEI.validate(allOf, json("3.5")).size());
        JsonNode both = json("{\"oneOf\": [{\"type\": \"number\"}, {\"type\": \"integer\"}]}");
        assertTrue(TEI.validate(both, json("1.5")).isEmpty());
        assertEquals(1, TEI.validate(both, json("2")).size(), "2 is a number and an integer: two branches match");
        JsonNode closed = json("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\"}}, \"additionalProperties\": false}");
        assertTrue(TEI.validate(closed, json("{\"a\": \"x\"}")).isEmpty());
        assertEquals(List.of("$.b: property not allowed"), TEI.validate(closed, json("{\"a\": \"x\", \"b\": 1}")));
        JsonNode ints = json("{\"type\": \"array\", \"items\": {\"enum\": [1, 2]}, \"maxItems\": 2}");
        assertEquals(2, TEI.validate(ints, json("[1, 3, 2]")).size());
        assertThrows(IllegalArgumentException.class, () -> TEI.validate(json("{\"pattern\": \"^a\"}"), json("\"a\"")));
        assertThrows(IllegalArgumentException.class, () -> TEI.validate(json("{\"$ref\": \"#/components/schemas/Nope\"}"), json("1")));
        assertThrows(IllegalArgumentException.class, () -> TEI.validate(json("{\"$ref\": \"other.json#/X\"}"), json("1")));
        assertThrows(IllegalArgumentException.class, () -> TEI.validate("NoSuchSchema", json("1")));
    }
}
