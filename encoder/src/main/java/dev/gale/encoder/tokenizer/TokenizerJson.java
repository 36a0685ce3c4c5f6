package dev.gale.encoder.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Reads fields of a tokenizer.json tree, turning every surprise into one line that names the
 * file, the field (as a dotted path) and what was expected.
 */
public final class TokenizerJson {

    private final String source;

    public TokenizerJson(String source) {
        this.source = source;
    }

    public IllegalArgumentException error(String field, String problem, String expected) {
        return new IllegalArgumentException(
                source + ": " + field + " " + problem + " (expected " + expected + ")");
    }

    /** The dotted path of member {@code name} under {@code path} ("" is the root). */
    public static String field(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** The member {@code name} of {@code node}; {@code null} when absent or JSON null. */
    public static JsonNode optional(JsonNode node, String name) {
        JsonNode child = node.get(name);
        return child == null || child.isNull() ? null : child;
    }

    public JsonNode object(JsonNode node, String path, String name) {
        JsonNode child = optional(node, name);
        if (child == null || !child.isObject()) {
            throw error(field(path, name), describe(child), "an object");
        }
        return child;
    }

    public JsonNode array(JsonNode node, String path, String name) {
        JsonNode child = optional(node, name);
        if (child == null || !child.isArray()) {
            throw error(field(path, name), describe(child), "an array");
        }
        return child;
    }

    public String text(JsonNode node, String path, String name) {
        JsonNode child = optional(node, name);
        if (child == null || !child.isTextual()) {
            throw error(field(path, name), describe(child), "a string");
        }
        return child.textValue();
    }

    public boolean bool(JsonNode node, String path, String name) {
        JsonNode child = optional(node, name);
        if (child == null || !child.isBoolean()) {
            throw error(field(path, name), describe(child), "true or false");
        }
        return child.booleanValue();
    }

    /** A boolean that may be absent or null, in which case {@code fallback} is returned. */
    public boolean bool(JsonNode node, String path, String name, boolean fallback) {
        return optional(node, name) == null ? fallback : bool(node, path, name);
    }

    public int nonNegativeInt(JsonNode node, String path, String name) {
        return nonNegativeInt(optional(node, name), field(path, name));
    }

    public int nonNegativeInt(JsonNode value, String field) {
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()
                || value.intValue() < 0) {
            throw error(field, describe(value), "a non-negative integer");
        }
        return value.intValue();
    }

    /** The component's {@code type} tag; {@code null} when the node has none. */
    public static String type(JsonNode node) {
        JsonNode type = optional(node, "type");
        return type != null && type.isTextual() ? type.textValue() : null;
    }

    /**
     * The error for a component whose {@code type} Gale does not implement: names the file, the JSON
     * path and the type, and lists the supported ones.
     */
    public IllegalArgumentException unsupportedType(String path, JsonNode node, List<String> supported) {
        String type = type(node);
        return error(field(path, "type"), type == null ? describe(node == null ? null : node.get("type"))
                : "'" + type + "' is not supported", "one of " + String.join(", ", supported));
    }

    /** A string that may be absent or null, in which case {@code fallback} is returned. */
    public String text(JsonNode node, String path, String name, String fallback) {
        return optional(node, name) == null ? fallback : text(node, path, name);
    }

    /** A non-negative integer that may be absent or null. */
    public int nonNegativeInt(JsonNode node, String path, String name, int fallback) {
        return optional(node, name) == null ? fallback : nonNegativeInt(node, path, name);
    }

    /** A number (integer or not). */
    public double number(JsonNode node, String path, String name) {
        JsonNode child = optional(node, name);
        if (child == null || !child.isNumber()) {
            throw error(field(path, name), describe(child), "a number");
        }
        return child.doubleValue();
    }

    /** The file name used in messages. */
    public String source() {
        return source;
    }

    public static String describe(JsonNode value) {
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
