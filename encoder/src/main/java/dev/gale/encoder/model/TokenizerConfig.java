package dev.gale.encoder.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/** What Gale reads of transformers' {@code tokenizer_config.json}. */
public final class TokenizerConfig {

    // transformers writes int(1e30) when a tokenizer has no limit (VERY_LARGE_INTEGER).
    private static final double NO_LIMIT = 1e18;

    private TokenizerConfig() {}

    private static JsonNode root(Path dir) {
        Path file = dir.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelLoadException(file + ": cannot read JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
    }

    /**
     * A special token's text ({@code mask_token}, {@code pad_token}, ...), written as a string or as an
     * AddedToken object with {@code content}; null when the file or the field is absent.
     */
    public static String specialToken(Path dir, String field) {
        JsonNode root = dir == null ? null : root(dir);
        JsonNode v = root == null ? null : root.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return v.isObject() && v.has("content") ? v.get("content").asText() : v.asText();
    }

    /** {@code clean_up_tokenization_spaces} (transformers' default: false). */
    public static boolean cleanUpTokenizationSpaces(Path dir) {
        JsonNode root = dir == null ? null : root(dir);
        JsonNode v = root == null ? null : root.get("clean_up_tokenization_spaces");
        return v != null && v.asBoolean(false);
    }

    /** {@code model_max_length}, when the file exists and sets a real limit. */
    static OptionalInt modelMaxLength(Path dir) {
        Path file = dir.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(file)) {
            return OptionalInt.empty();
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelLoadException(file + ": cannot read JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        JsonNode value = root == null ? null : root.get("model_max_length");
        if (value == null || !value.isNumber() || value.doubleValue() >= NO_LIMIT || value.doubleValue() < 1) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) Math.min(Integer.MAX_VALUE, value.longValue()));
    }
}
