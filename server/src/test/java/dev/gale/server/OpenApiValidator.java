package dev.gale.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The subset of OpenAPI 3.0 schema validation that TEI's docs/openapi.json uses: {@code $ref} into
 * {@code #/components/schemas}, {@code type} (object, array, string, integer, number, boolean), {@code properties},
 * {@code required}, {@code additionalProperties}, {@code items}, {@code minItems}/{@code maxItems}, {@code oneOf}
 * (exactly one branch matches), {@code allOf}, {@code enum}, {@code nullable} and {@code minimum}. Annotations
 * ({@code format}, {@code example}, {@code description}, {@code default}) do not constrain; any other keyword is
 * refused, so that a schema this validator cannot check never passes by being ignored.
 */
final class OpenApiValidator {

    private static final String REF_PREFIX = "#/components/schemas/";
    private static final Set<String> CONSTRAINTS = Set.of("$ref", "type", "properties", "required", "additionalProperties", "items",
            "minItems", "maxItems", "oneOf", "allOf", "enum", "nullable", "minimum");
    private static final Set<String> ANNOTATIONS = Set.of("format", "example", "description", "default", "title");

    private final JsonNode schemas;

    OpenApiValidator(JsonNode spec) {
        this.schemas = spec.path("components").path("schemas");
        if (!schemas.isObject()) {
            throw new IllegalArgumentException("the spec has no components.schemas object");
        }
    }

    /**
     * TEI's API description, the project's contract: {@code shared/specs/tei-openapi.json} beside the checkout (found
     * by walking up from the working directory), not a copy in the repository.
     */
    static java.nio.file.Path spec() {
        for (java.nio.file.Path d = java.nio.file.Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            java.nio.file.Path f = d.resolve("shared/specs/tei-openapi.json");
            if (java.nio.file.Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new IllegalStateException("no shared/specs/tei-openapi.json beside the checkout (TEI's OpenAPI description, "
                + "the server's contract) above " + java.nio.file.Path.of("").toAbsolutePath());
    }

    static OpenApiValidator tei() {
        try (InputStream in = java.nio.file.Files.newInputStream(spec())) {
            return new OpenApiValidator(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What is wrong with {@code doc} as the component schema {@code name}, one line per problem; empty if valid. */
    List<String> validate(String name, JsonNode doc) {
        List<String> errors = new ArrayList<>();
        check(component(name), doc, "$", errors);
        return errors;
    }

    /** As {@link #validate(String, JsonNode)} for an inline schema (its $refs resolve into the spec). */
    List<String> validate(JsonNode schema, JsonNode doc) {
        List<String> errors = new ArrayList<>();
        check(schema, doc, "$", errors);
        return errors;
    }

    /** Fails with every problem of {@code doc} as {@code name}. */
    void assertValid(String name, JsonNode doc) {
        List<String> errors = validate(name, doc);
        if (!errors.isEmpty()) {
            String shown = doc.toString();
            throw new AssertionError("not a valid " + name + ": " + String.join("; ", errors) + "\n  document: "
                    + (shown.length() > 600 ? shown.substring(0, 600) + "..." : shown));
        }
    }

    private JsonNode component(String name) {
        JsonNode s = schemas.get(name);
        if (s == null) {
            throw new IllegalArgumentException("the spec has no schema " + name);
        }
        return s;
    }

    private void check(JsonNode schema, JsonNode value, String path, List<String> errors) {
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String keyword = it.next();
            if (!CONSTRAINTS.contains(keyword) && !ANNOTATIONS.contains(keyword)) {
                throw new IllegalArgumentException("schema keyword `" + keyword + "` at " + path + " is not supported by this validator");
            }
        }
        boolean isNull = value == null || value.isNull();
        if (isNull && schema.path("nullable").asBoolean(false)) {
            return;
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            if (!ref.startsWith(REF_PREFIX)) {
                throw new IllegalArgumentException("$ref " + ref + " at " + path + " does not point into " + REF_PREFIX);
            }
            check(component(ref.substring(REF_PREFIX.length())), value, path, errors);
        }
        if (schema.has("allOf")) {
            for (JsonNode branch : schema.get("allOf")) {
                check(branch, value, path, errors);
            }
        }
        if (schema.has("oneOf")) {
            int matches = 0;
            List<String> why = new ArrayList<>();
            for (JsonNode branch : schema.get("oneOf")) {
                List<String> e = new ArrayList<>();
                check(branch, value, path, e);
                if (e.isEmpty()) {
                    matches++;
                } else {
                    why.add(e.getFirst());
                }
            }
            if (matches != 1) {
                errors.add(path + ": matches " + matches + " of the " + schema.get("oneOf").size() + " oneOf branches, exactly one wanted"
                        + (matches == 0 ? " (" + String.join(" | ", why) + ")" : ""));
            }
        }
        if (schema.has("type") && !hasType(schema.get("type").asText(), value, path)) {
            errors.add(path + ": expected " + schema.get("type").asText() + ", got " + describe(value));
            return;
        }
        if (isNull) {
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode allowed : schema.get("enum")) {
                found |= allowed.equals(value);
            }
            if (!found) {
                errors.add(path + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (schema.has("minimum") && value.isNumber() && value.decimalValue().compareTo(schema.get("minimum").decimalValue()) < 0) {
            errors.add(path + ": " + value + " is below the minimum " + schema.get("minimum"));
        }
        if (value.isObject()) {
            checkObject(schema, value, path, errors);
        }
        if (value.isArray()) {
            if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
                errors.add(path + ": " + value.size() + " items, at least " + schema.get("minItems") + " wanted");
            }
            if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
                errors.add(path + ": " + value.size() + " items, at most " + schema.get("maxItems") + " wanted");
            }
            if (schema.has("items")) {
                for (int i = 0; i < value.size(); i++) {
                    check(schema.get("items"), value.get(i), path + "[" + i + "]", errors);
                }
            }
        }
    }

    private void checkObject(JsonNode schema, JsonNode value, String path, List<String> errors) {
        for (JsonNode r : schema.path("required")) {
            if (!value.has(r.asText())) {
                errors.add(path + ": missing required property `" + r.asText() + "`");
            }
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.get("additionalProperties");
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            String at = path + "." + field.getKey();
            if (properties.has(field.getKey())) {
                check(properties.get(field.getKey()), field.getValue(), at, errors);
            } else if (additional != null && additional.isBoolean() && !additional.booleanValue()) {
                errors.add(at + ": property not allowed");
            } else if (additional != null && additional.isObject()) {
                check(additional, field.getValue(), at, errors);
            }
        }
    }

    private static boolean hasType(String type, JsonNode value, String path) {
        if (value == null || value.isNull()) {
            return false;
        }
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> throw new IllegalArgumentException("type `" + type + "` at " + path + " is not supported by this validator");
        };
    }

    private static String describe(JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        }
        String s = value.toString();
        return value.getNodeType().name().toLowerCase() + " " + (s.length() > 60 ? s.substring(0, 60) + "..." : s);
    }
}
