package dev.gale.encoder.tokenizer.decoders;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.Decoder;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * Hugging Face's {@code DecoderWrapper} ({@code decoders/mod.rs}): builds a decoder from its
 * tokenizer.json object, reading the fields as serde does (required ones required, defaults where
 * the Rust structs declare them, unknown members ignored).
 */
public final class Decoders {

    private static final List<String> SUPPORTED = List.of("BPEDecoder", "ByteLevel", "WordPiece", "Metaspace",
            "CTC", "Sequence", "Replace", "Fuse", "Strip", "ByteFallback");

    private Decoders() {
    }

    /** The decoder described by {@code node}, found at JSON path {@code path} of {@code json}'s file. */
    public static Decoder fromJson(JsonNode node, String path, TokenizerJson json) {
        if (!node.isObject()) {
            throw json.error(path, TokenizerJson.describe(node), "a decoder object");
        }
        String type = TokenizerJson.type(node);
        if (type == null) {
            throw json.unsupportedType(path, node, SUPPORTED);
        }
        return switch (type) {
            case "BPEDecoder" -> new BPEDecoder(json.text(node, path, "suffix"));
            case "ByteLevel" -> {
                // add_prefix_space, trim_offsets and use_regex only matter to the pre-tokenizer and
                // post-processor; serde still requires the first two.
                json.bool(node, path, "add_prefix_space");
                json.bool(node, path, "trim_offsets");
                boolOrDefault(node, path, "use_regex", json);
                yield new ByteLevel();
            }
            case "WordPiece" -> new WordPiece(json.text(node, path, "prefix"), json.bool(node, path, "cleanup"));
            case "Metaspace" -> metaspace(node, path, json);
            case "CTC" -> new CTC(json.text(node, path, "pad_token"), json.text(node, path, "word_delimiter_token"),
                    json.bool(node, path, "cleanup"));
            case "Sequence" -> {
                JsonNode decoders = json.array(node, path, "decoders");
                String at = TokenizerJson.field(path, "decoders");
                List<Decoder> chain = new ArrayList<>(decoders.size());
                for (int i = 0; i < decoders.size(); i++) {
                    chain.add(fromJson(decoders.get(i), at + "[" + i + "]", json));
                }
                yield new Sequence(chain);
            }
            case "Replace" -> replace(node, path, json);
            case "Fuse" -> new Fuse();
            case "Strip" -> new Strip(codePoint(node, path, "content", json), usize(node, path, "start", json),
                    usize(node, path, "stop", json));
            case "ByteFallback" -> new ByteFallback();
            default -> throw json.unsupportedType(path, node, SUPPORTED);
        };
    }

    /**
     * metaspace.rs {@code MetaspaceHelper}: {@code replacement} one char; {@code prepend_scheme}
     * "first", "never" or "always" (default "always"); the legacy {@code add_prefix_space: false}
     * means "never" and is refused next to another scheme; {@code split} and {@code str_rep} may be null.
     */
    private static Metaspace metaspace(JsonNode node, String path, TokenizerJson json) {
        int replacement = codePoint(node, path, "replacement", json);
        Metaspace.PrependScheme scheme = Metaspace.PrependScheme.ALWAYS;
        if (node.has("prepend_scheme")) {
            String name = node.get("prepend_scheme").isTextual() ? node.get("prepend_scheme").textValue() : "";
            scheme = switch (name) {
                case "first" -> Metaspace.PrependScheme.FIRST;
                case "never" -> Metaspace.PrependScheme.NEVER;
                case "always" -> Metaspace.PrependScheme.ALWAYS;
                default -> throw json.error(TokenizerJson.field(path, "prepend_scheme"),
                        TokenizerJson.describe(node.get("prepend_scheme")), "\"first\", \"never\" or \"always\"");
            };
        }
        JsonNode addPrefixSpace = TokenizerJson.optional(node, "add_prefix_space");
        if (addPrefixSpace != null && !json.bool(node, path, "add_prefix_space")) {
            if (scheme != Metaspace.PrependScheme.NEVER) {
                throw json.error(TokenizerJson.field(path, "add_prefix_space"),
                        "is false but prepend_scheme is \"" + scheme.name().toLowerCase(Locale.ROOT) + "\"",
                        "add_prefix_space to match prepend_scheme, as Hugging Face requires");
            }
        }
        if (TokenizerJson.optional(node, "split") != null) {
            json.bool(node, path, "split");
        }
        if (TokenizerJson.optional(node, "str_rep") != null) {
            json.text(node, path, "str_rep");
        }
        return new Metaspace(replacement, scheme);
    }

    /** replace.rs {@code ReplaceDeserializer}: {@code pattern} is {"String": s} or {"Regex": r}. */
    private static Replace replace(JsonNode node, String path, TokenizerJson json) {
        JsonNode pattern = json.object(node, path, "pattern");
        String at = TokenizerJson.field(path, "pattern");
        String content = json.text(node, path, "content");
        Iterator<Map.Entry<String, JsonNode>> members = pattern.properties().iterator();
        Map.Entry<String, JsonNode> only = members.hasNext() ? members.next() : null;
        if (only == null || members.hasNext()
                || !(only.getKey().equals("String") || only.getKey().equals("Regex"))) {
            throw json.error(at, TokenizerJson.describe(pattern), "{\"String\": text} or {\"Regex\": pattern}");
        }
        String text = json.text(pattern, at, only.getKey());
        if (only.getKey().equals("String")) {
            return Replace.literal(text, content);
        }
        try {
            return Replace.regex(text, content);
        } catch (PatternSyntaxException e) {
            throw json.error(TokenizerJson.field(at, "Regex"), "is not a valid regular expression ("
                    + e.getDescription() + ")", "a regular expression");
        }
    }

    /** A Rust {@code char}: a string of exactly one code point. */
    private static int codePoint(JsonNode node, String path, String name, TokenizerJson json) {
        String text = json.text(node, path, name);
        if (text.isEmpty() || text.codePointCount(0, text.length()) != 1) {
            throw json.error(TokenizerJson.field(path, name), TokenizerJson.describe(node.get(name)),
                    "a string of one character");
        }
        return text.codePointAt(0);
    }

    /** A Rust {@code usize}; values past int range act as int's maximum, since no token is that long. */
    private static int usize(JsonNode node, String path, String name, TokenizerJson json) {
        JsonNode value = TokenizerJson.optional(node, name);
        if (value == null || !value.isIntegralNumber() || value.bigIntegerValue().signum() < 0) {
            throw json.error(TokenizerJson.field(path, name), TokenizerJson.describe(value), "a non-negative integer");
        }
        return value.canConvertToInt() ? value.intValue() : Integer.MAX_VALUE;
    }

    /** A {@code #[serde(default)]} bool: absent is fine, null is not. */
    private static void boolOrDefault(JsonNode node, String path, String name, TokenizerJson json) {
        JsonNode value = node.get(name);
        if (value != null && !value.isBoolean()) {
            String problem = value.isNull() ? "is null" : TokenizerJson.describe(value);
            throw json.error(TokenizerJson.field(path, name), problem, "true or false");
        }
    }
}
