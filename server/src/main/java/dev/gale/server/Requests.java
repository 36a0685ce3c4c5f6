package dev.gale.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.gale.encoder.tokenizer.Truncation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Request bodies as TEI's router reads them (router/src/http/types.rs): the same fields, the same defaults, the
 * same untagged shapes ({@code inputs}: a string, token ids, or a list of either). Anything else is refused with
 * one line naming the field and what it should be; unknown fields are ignored, as serde does.
 */
final class Requests {

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        // bodies are at most --payload-limit; let one string be as long as the whole body
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build());
    }

    private Requests() {}

    /** The body as a JSON object: 400 if it is not JSON (or not UTF-8), 422 if it is JSON but not an object. */
    static JsonNode object(byte[] body) {
        if (body.length == 0) {
            throw new ApiError(ApiError.Type.MALFORMED, "the request body is empty; expected a JSON object");
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw new ApiError(ApiError.Type.MALFORMED, "the request body is not valid UTF-8");
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiError(ApiError.Type.MALFORMED, "the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiError(ApiError.Type.MALFORMED, "the request body cannot be read: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ApiError(ApiError.Type.VALIDATION, "the request body must be a JSON object, got " + kind(node));
        }
        return node;
    }

    /**
     * TEI's {@code Input}: a string, a list of token ids, or a list whose items are either; each item a
     * {@code String} or an {@code int[]}. 400 when empty, 422 over {@code maxBatch} items.
     */
    static List<Object> inputs(JsonNode request, String field, int maxBatch) {
        JsonNode v = required(request, field);
        List<Object> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(v.textValue());
        } else if (v.isArray() && (v.isEmpty() || v.get(0).isNumber())) {
            out.add(ids(v, field));
        } else if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                JsonNode item = v.get(i);
                if (item.isTextual()) {
                    out.add(item.textValue());
                } else if (item.isArray()) {
                    out.add(ids(item, field + "[" + i + "]"));
                } else {
                    throw new ApiError(ApiError.Type.VALIDATION, "`" + field + "[" + i + "]` must be a string or a list of token ids, got " + kind(item));
                }
            }
        } else {
            throw new ApiError(ApiError.Type.VALIDATION, "`" + field + "` must be a string, a list of token ids, or a list of those, got " + kind(v));
        }
        for (Object o : out) {
            if (o instanceof int[] ids && ids.length == 0) {
                throw new ApiError(ApiError.Type.EMPTY, "`input_ids` cannot be empty");
            }
        }
        return checkSize(out, field, maxBatch);
    }

    static <T> List<T> checkSize(List<T> items, String field, int maxBatch) {
        if (items.isEmpty()) {
            throw new ApiError(ApiError.Type.EMPTY, "`" + field + "` cannot be empty");
        }
        if (items.size() > maxBatch) {
            throw new ApiError(ApiError.Type.VALIDATION, "batch size " + items.size() + " > maximum allowed batch size " + maxBatch);
        }
        return items;
    }

    private static int[] ids(JsonNode array, String field) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode n = array.get(i);
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0) {
                throw new ApiError(ApiError.Type.VALIDATION, "`" + field + "` token ids must be non-negative 32-bit integers, got " + n);
            }
            ids[i] = n.intValue();
        }
        return ids;
    }

    /** A predict input: one text, or a pair ({@code b} non-null). */
    record Pair(String a, String b) {}

    /**
     * TEI's {@code PredictInput}: a string, a pair {@code [a, b]}, or a batch of {@code [a]} / {@code [a, b]}.
     * {@code batched} tells the response shape: a batch answers a list per input.
     */
    record PredictInputs(List<Pair> pairs, boolean batched) {}

    static PredictInputs predictInputs(JsonNode request, int maxBatch) {
        JsonNode v = required(request, "inputs");
        if (v.isTextual()) {
            return new PredictInputs(List.of(new Pair(v.textValue(), null)), false);
        }
        if (!v.isArray()) {
            throw new ApiError(ApiError.Type.VALIDATION, "`inputs` must be a string, a pair of strings or a list of those, got " + kind(v));
        }
        if (v.size() == 2 && v.get(0).isTextual() && v.get(1).isTextual()) {
            return new PredictInputs(List.of(new Pair(v.get(0).textValue(), v.get(1).textValue())), false);
        }
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isArray() || item.isEmpty() || item.size() > 2 || !item.get(0).isTextual() || (item.size() == 2 && !item.get(1).isTextual())) {
                throw new ApiError(ApiError.Type.VALIDATION, "`inputs[" + i + "]` must be a list of one or two strings, got " + kind(item)
                        + " (a single text is a string, a pair [a, b], a batch [[a], [a, b], ...])");
            }
            pairs.add(new Pair(item.get(0).textValue(), item.size() == 2 ? item.get(1).textValue() : null));
        }
        return new PredictInputs(checkSize(pairs, "inputs", maxBatch), true);
    }

    static List<String> strings(JsonNode request, String field, int maxBatch) {
        JsonNode v = required(request, field);
        if (!v.isArray()) {
            throw new ApiError(ApiError.Type.VALIDATION, "`" + field + "` must be a list of strings, got " + kind(v));
        }
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw new ApiError(ApiError.Type.VALIDATION, "`" + field + "[" + i + "]` must be a string, got " + kind(v.get(i)));
            }
            out.add(v.get(i).textValue());
        }
        return checkSize(out, field, maxBatch);
    }

    /** {@code field} as a string list: one string, or a list of them (TokenizeInput). */
    static List<String> stringOrStrings(JsonNode request, String field, int maxBatch) {
        JsonNode v = required(request, field);
        if (v.isTextual()) {
            return List.of(v.textValue());
        }
        return strings(request, field, maxBatch);
    }

    static String string(JsonNode request, String field) {
        JsonNode v = required(request, field);
        if (!v.isTextual()) {
            throw new ApiError(ApiError.Type.VALIDATION, "`" + field + "` must be a string, got " + kind(v));
        }
        return v.textValue();
    }

    /** An optional string; null when absent or null. */
    static String optionalString(JsonNode request, String field) {
        JsonNode v = request.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ApiError(ApiError.Type.VALIDATION, "`" + field + "` must be a string, got " + kind(v));
        }
        return v.textValue();
    }

    static boolean bool(JsonNode request, String field, boolean absent) {
        JsonNode v = request.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw new ApiError(ApiError.Type.VALIDATION, "`" + field + "` must be true or false, got " + kind(v));
        }
        return v.booleanValue();
    }

    /** An optional non-negative integer; 0 when absent or null. */
    static int count(JsonNode request, String field) {
        JsonNode v = request.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
            throw new ApiError(ApiError.Type.VALIDATION, "`" + field + "` must be a non-negative integer, got " + v);
        }
        return v.intValue();
    }

    /** TEI's TruncationDirection, "Left" or "Right" (any case); right when absent. */
    static Truncation.Direction direction(JsonNode request) {
        String v = optionalString(request, "truncation_direction");
        if (v == null || v.equalsIgnoreCase("right")) {
            return Truncation.Direction.RIGHT;
        }
        if (v.equalsIgnoreCase("left")) {
            return Truncation.Direction.LEFT;
        }
        throw new ApiError(ApiError.Type.VALIDATION, "`truncation_direction` must be \"Left\" or \"Right\", got \"" + v + "\"");
    }

    /** token ids for /decode: a list of ids, or a list of such lists. */
    static List<int[]> idLists(JsonNode request, String field, int maxBatch) {
        JsonNode v = required(request, field);
        if (!v.isArray()) {
            throw new ApiError(ApiError.Type.VALIDATION, "`" + field + "` must be a list of token ids or a list of those, got " + kind(v));
        }
        if (v.isEmpty() || v.get(0).isNumber()) {
            int[] ids = ids(v, field);
            if (ids.length == 0) {
                throw new ApiError(ApiError.Type.EMPTY, "`" + field + "` cannot be empty");
            }
            return List.<int[]>of(ids);
        }
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isArray()) {
                throw new ApiError(ApiError.Type.VALIDATION, "`" + field + "[" + i + "]` must be a list of token ids, got " + kind(v.get(i)));
            }
            out.add(ids(v.get(i), field + "[" + i + "]"));
        }
        return checkSize(out, field, maxBatch);
    }

    private static JsonNode required(JsonNode request, String field) {
        JsonNode v = request.get(field);
        if (v == null || v.isNull()) {
            throw new ApiError(ApiError.Type.VALIDATION, "missing field `" + field + "`");
        }
        return v;
    }

    private static String kind(JsonNode n) {
        if (n == null || n.isNull()) {
            return "null";
        }
        if (n.isTextual()) {
            return "a string";
        }
        if (n.isNumber()) {
            return "a number";
        }
        if (n.isBoolean()) {
            return "a boolean";
        }
        if (n.isArray()) {
            return "a list";
        }
        return "an object";
    }
}
