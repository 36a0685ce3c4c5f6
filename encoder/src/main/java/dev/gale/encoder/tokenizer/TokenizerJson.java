package dev.gale.encoder.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads fields of a tokenizer.json tree, turning every surprise into one line that names the
 * file, the field (as a dotted path) and what was expected.
 */
final class TokenizerJson {

    private final String source;

    TokenizerJson(String source) {
        this.source = source;
    }

    IllegalArgumentException error(String field, String problem, String expected) {
        return new IllegalArgumentException(
                source + ": " + field + " " + problem + " (expected " + expected + ")");
    }

    /** The dotted path of member {@code name} under {@code path} ("" is the root). */
    static String field(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** The member {@code name} of {@code node}; {@code null} when absent or JSON null. */
    static JsonNode optional(JsonNode node, String name) {
        JsonNode child = node.get(name);
        return child == null || child.isNull() ? null : child;
    }

    JsonNode object(JsonNode node, String path, String name) {
        JsonNode child = optional(node, name);
        if (child == null || !child.isObject()) {
            throw error(field(path, name), describe(child), "an object");
        }
        return child;
    }

    JsonNode array(JsonNode node, String path, String name) {
        JsonNode child = optional(node, name);
        if (child == null || !child.isArray()) {
            throw error(field(path, name), describe(child), "an array");
        }
        return child;
    }

    String text(JsonNode node, String path, String name) {
        JsonNode child = optional(node, name);
        if (child == null || !child.isTextual()) {
            throw error(field(path, name), describe(child), "a string");
        }
        return child.textValue();
    }

    boolean bool(JsonNode node, String path, String name) {
        JsonNode child = optional(node, name);
        if (child == null || !child.isBoolean()) {
            throw error(field(path, name), describe(child), "true or false");
        }
        return child.booleanValue();
    }

    /** A boolean that may be absent or null, in which case {@code fallback} is returned. */
    boolean bool(JsonNode node, String path, String name, boolean fallback) {
        return optional(node, name) == null ? fallback : bool(node, path, name);
    }

    int nonNegativeInt(JsonNode node, String path, String name) {
        return nonNegativeInt(optional(node, name), field(path, name));
    }

    int nonNegativeInt(JsonNode value, String field) {
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()
                || value.intValue() < 0) {
            throw error(field, describe(value), "a non-negative integer");
        }
        return value.intValue();
    }

    /** The component's {@code type} tag; {@code null} when the node has none. */
    static String type(JsonNode node) {
        JsonNode type = optional(node, "type");
        return type != null && type.isTextual() ? type.textValue() : null;
    }

    static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "is missing";
        }
        String shown = value.isTextual() ? "'" + value.textValue() + "'" : value.toString();
        if (shown.length() > 40) {
            shown = shown.substring(0, 37) + "...";
        }
        return "is " + shown;
    }
}
