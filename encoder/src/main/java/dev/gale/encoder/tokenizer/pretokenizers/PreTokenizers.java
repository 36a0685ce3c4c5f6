package dev.gale.encoder.tokenizer.pretokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.PreTokenizer;
import dev.gale.encoder.tokenizer.SplitDelimiterBehavior;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Hugging Face's {@code PreTokenizerWrapper} ({@code pre_tokenizers/mod.rs}): builds a pre-tokenizer
 * from its tokenizer.json object, reading the fields as serde does (required ones required, defaults
 * where the Rust structs declare them, unknown members ignored). A legacy object without
 * {@code type} is refused.
 */
public final class PreTokenizers {

    private static final List<String> SUPPORTED = List.of("BertPreTokenizer", "ByteLevel", "CharDelimiterSplit",
            "Metaspace", "Whitespace", "Sequence", "Split", "Punctuation", "WhitespaceSplit", "Digits",
            "UnicodeScripts", "FixedLength");

    private PreTokenizers() {}

    /** The pre-tokenizer described by {@code node}, found at JSON path {@code path} of {@code json}'s file. */
    public static PreTokenizer fromJson(JsonNode node, String path, TokenizerJson json) {
        if (!node.isObject()) {
            throw json.error(path, TokenizerJson.describe(node), "a pre-tokenizer object");
        }
        String type = TokenizerJson.type(node);
        if (type == null) {
            throw json.unsupportedType(path, node, SUPPORTED);
        }
        return switch (type) {
            case "BertPreTokenizer" -> new BertPreTokenizer();
            case "ByteLevel" -> new ByteLevel(json.bool(node, path, "add_prefix_space"),
                    json.bool(node, path, "trim_offsets"), defaultedBool(node, path, "use_regex", true, json));
            case "CharDelimiterSplit" -> new CharDelimiterSplit(codePoint(node, path, "delimiter", json));
            case "Metaspace" -> metaspace(node, path, json);
            case "Whitespace" -> new Whitespace();
            case "WhitespaceSplit" -> new WhitespaceSplit();
            case "Sequence" -> {
                JsonNode list = json.array(node, path, "pretokenizers");
                String at = TokenizerJson.field(path, "pretokenizers");
                List<PreTokenizer> chain = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    chain.add(fromJson(list.get(i), at + "[" + i + "]", json));
                }
                yield new Sequence(chain);
            }
            case "Split" -> split(node, path, json);
            case "Punctuation" -> new Punctuation(node.has("behavior") ? behavior(node, path, json)
                    : SplitDelimiterBehavior.ISOLATED);
            case "Digits" -> new Digits(json.bool(node, path, "individual_digits"));
            case "UnicodeScripts" -> new UnicodeScripts();
            case "FixedLength" -> {
                int length = node.has("length") ? usize(node, path, "length", json) : 5;
                if (length == 0) {
                    throw json.error(TokenizerJson.field(path, "length"), "is 0",
                            "a positive integer (Hugging Face panics on 0)");
                }
                yield new FixedLength(length);
            }
            default -> throw json.unsupportedType(path, node, SUPPORTED);
        };
    }

    /**
     * metaspace.rs {@code MetaspaceHelper}: {@code replacement} one char; {@code prepend_scheme}
     * "first", "never" or "always" (default "always"); the legacy {@code add_prefix_space: false}
     * means "never" and is refused next to another scheme; {@code split} (default true) and
     * {@code str_rep} may be null.
     */
    private static Metaspace metaspace(JsonNode node, String path, TokenizerJson json) {
        int replacement = codePoint(node, path, "replacement", json);
        Metaspace.PrependScheme scheme = Metaspace.PrependScheme.ALWAYS;
        if (node.has("prepend_scheme")) {
            JsonNode value = node.get("prepend_scheme");
            String name = value.isTextual() ? value.textValue() : "";
            scheme = switch (name) {
                case "first" -> Metaspace.PrependScheme.FIRST;
                case "never" -> Metaspace.PrependScheme.NEVER;
                case "always" -> Metaspace.PrependScheme.ALWAYS;
                default -> throw json.error(TokenizerJson.field(path, "prepend_scheme"), TokenizerJson.describe(value),
                        "\"first\", \"never\" or \"always\"");
            };
        }
        if (TokenizerJson.optional(node, "add_prefix_space") != null && !json.bool(node, path, "add_prefix_space")) {
            if (scheme != Metaspace.PrependScheme.NEVER) {
                throw json.error(TokenizerJson.field(path, "add_prefix_space"),
                        "is false but prepend_scheme is \"" + scheme.name().toLowerCase(Locale.ROOT) + "\"",
                        "add_prefix_space to match prepend_scheme, as Hugging Face requires");
            }
        }
        boolean split = json.bool(node, path, "split", true);
        if (TokenizerJson.optional(node, "str_rep") != null) {
            json.text(node, path, "str_rep");
        }
        return new Metaspace(replacement, scheme, split);
    }

    /** split.rs {@code SplitHelper}: {@code pattern} ({"String": s} or {"Regex": r}), {@code behavior}, {@code invert}. */
    private static Split split(JsonNode node, String path, TokenizerJson json) {
        JsonNode pattern = json.object(node, path, "pattern");
        String at = TokenizerJson.field(path, "pattern");
        Iterator<Map.Entry<String, JsonNode>> members = pattern.properties().iterator();
        Map.Entry<String, JsonNode> only = members.hasNext() ? members.next() : null;
        if (only == null || members.hasNext()
                || !(only.getKey().equals("String") || only.getKey().equals("Regex"))) {
            throw json.error(at, TokenizerJson.describe(pattern), "{\"String\": text} or {\"Regex\": pattern}");
        }
        String text = json.text(pattern, at, only.getKey());
        SplitDelimiterBehavior behavior = behavior(node, path, json);
        boolean invert = json.bool(node, path, "invert");
        if (only.getKey().equals("String")) {
            return Split.literal(text, behavior, invert);
        }
        try {
            return Split.regex(text, behavior, invert);
        } catch (IllegalArgumentException e) {
            throw json.error(TokenizerJson.field(at, "Regex"), "'" + text + "' " + e.getMessage(),
                    "an Oniguruma regular expression Gale can translate to java.util.regex");
        }
    }

    private static SplitDelimiterBehavior behavior(JsonNode node, String path, TokenizerJson json) {
        JsonNode value = node.get("behavior");
        SplitDelimiterBehavior behavior = value != null && value.isTextual()
                ? SplitDelimiterBehavior.fromJson(value.textValue()) : null;
        if (behavior == null) {
            throw json.error(TokenizerJson.field(path, "behavior"), TokenizerJson.describe(value),
                    "one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous");
        }
        return behavior;
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

    /** A {@code #[serde(default)]} bool: absent gives {@code fallback}, null is refused. */
    private static boolean defaultedBool(JsonNode node, String path, String name, boolean fallback,
                                         TokenizerJson json) {
        JsonNode value = node.get(name);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw json.error(TokenizerJson.field(path, name), value.isNull() ? "is null" : TokenizerJson.describe(value),
                    "true or false");
        }
        return value.booleanValue();
    }

    /** A Rust {@code usize}; values past int range act as int's maximum. */
    private static int usize(JsonNode node, String path, String name, TokenizerJson json) {
        JsonNode value = node.get(name);
        if (value == null || !value.isIntegralNumber() || value.bigIntegerValue().signum() < 0) {
            throw json.error(TokenizerJson.field(path, name), TokenizerJson.describe(value), "a non-negative integer");
        }
        return value.canConvertToInt() ? value.intValue() : Integer.MAX_VALUE;
    }
}
