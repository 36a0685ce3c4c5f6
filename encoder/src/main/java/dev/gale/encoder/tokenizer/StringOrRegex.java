package dev.gale.encoder.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code pattern} of a Split pre-tokenizer and of a Replace normalizer or decoder, written
 * {@code {"String": text}} or {@code {"Regex": regex}}: Hugging Face's {@code SplitPattern}
 * ({@code pre_tokenizers/split.rs}) and {@code ReplacePattern} ({@code normalizers/replace.rs}), one
 * enum twice.
 *
 * @param text the string, or the Oniguruma regex
 * @param isRegex whether {@code text} is a regex
 * @param path the JSON path of {@code text}, for errors ("pre_tokenizer.pattern.Regex")
 */
public record StringOrRegex(String text, boolean isRegex, String path) {

    /** Member {@code pattern} of the component {@code node}, found at JSON path {@code path}. */
    public static StringOrRegex fromJson(JsonNode node, String path, TokenizerJson json) {
        JsonNode pattern = json.object(node, path, "pattern");
        String at = TokenizerJson.field(path, "pattern");
        Iterator<Map.Entry<String, JsonNode>> members = pattern.properties().iterator();
        Map.Entry<String, JsonNode> only = members.hasNext() ? members.next() : null;
        if (only == null || members.hasNext()
                || !(only.getKey().equals("String") || only.getKey().equals("Regex"))) {
            throw json.error(at, TokenizerJson.describe(pattern), "{\"String\": text} or {\"Regex\": pattern}");
        }
        return new StringOrRegex(json.text(pattern, at, only.getKey()), only.getKey().equals("Regex"),
                TokenizerJson.field(at, only.getKey()));
    }

    /**
     * {@code literal} or {@code regex} applied to {@code text}; a regex that {@code regex} refuses (with
     * an {@link IllegalArgumentException}, see {@link OnigPattern#compile}) becomes an error naming its path.
     */
    public <T> T build(TokenizerJson json, Function<String, T> literal, Function<String, T> regex) {
        if (!isRegex) {
            return literal.apply(text);
        }
        try {
            return regex.apply(text);
        } catch (IllegalArgumentException e) {
            IllegalArgumentException error = json.error(path, "'" + text + "' " + e.getMessage(),
                    "an Oniguruma regular expression Gale can translate to java.util.regex");
            error.initCause(e);
            throw error;
        }
    }
}
