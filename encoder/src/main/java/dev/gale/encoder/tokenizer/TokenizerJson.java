package dev.gale.encoder.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
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

    /** A {@code #[serde(default)]} boolean: absent gives {@code fallback}, null is refused. */
    public boolean defaultedBool(JsonNode node, String path, String name, boolean fallback) {
        JsonNode value = node.get(name);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw error(field(path, name), value.isNull() ? "is null" : describe(value), "true or false");
        }
        return value.booleanValue();
    }

    /** A Rust {@code char}: a string of exactly one code point. */
    public int codePoint(JsonNode node, String path, String name) {
        String text = text(node, path, name);
        if (text.isEmpty() || text.codePointCount(0, text.length()) != 1) {
            throw error(field(path, name), describe(node.get(name)), "a string of one character");
        }
        return text.codePointAt(0);
    }

    /** A Rust {@code usize}; values past int range act as int's maximum, since no text is that long. */
    public int usize(JsonNode node, String path, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isIntegralNumber() || value.bigIntegerValue().signum() < 0) {
            throw error(field(path, name), describe(value), "a non-negative integer");
        }
        return value.canConvertToInt() ? value.intValue() : Integer.MAX_VALUE;
    }

    /** Builds a component (a normalizer, a decoder, ...) from its object at a JSON path. */
    @FunctionalInterface
    public interface ComponentReader<T> {
        T fromJson(JsonNode node, String path, TokenizerJson json);
    }

    /** The array member {@code name} of {@code node}, every item read by {@code reader} at its path ("decoders[1]"). */
    public <T> List<T> components(JsonNode node, String path, String name, ComponentReader<T> reader) {
        JsonNode items = array(node, path, name);
        String at = field(path, name);
        List<T> components = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            components.add(reader.fromJson(items.get(i), at + "[" + i + "]", this));
        }
        return components;
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
