package dev.gale.encoder.tokenizer.pretokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.PreTokenizer;
import dev.gale.encoder.tokenizer.SplitDelimiterBehavior;
import dev.gale.encoder.tokenizer.StringOrRegex;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.util.List;

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
            case "ByteLevel" -> ByteLevel.fromJson(node, path, json);
            case "CharDelimiterSplit" -> new CharDelimiterSplit(json.codePoint(node, path, "delimiter"));
            case "Metaspace" -> Metaspace.fromJson(node, path, json);
            case "Whitespace" -> new Whitespace();
            case "WhitespaceSplit" -> new WhitespaceSplit();
            case "Sequence" -> new Sequence(json.components(node, path, "pretokenizers", PreTokenizers::fromJson));
            case "Split" -> split(node, path, json);
            case "Punctuation" -> new Punctuation(node.has("behavior") ? behavior(node, path, json)
                    : SplitDelimiterBehavior.ISOLATED);
            case "Digits" -> new Digits(json.bool(node, path, "individual_digits"));
            case "UnicodeScripts" -> new UnicodeScripts();
            case "FixedLength" -> {
                int length = node.has("length") ? json.usize(node, path, "length") : 5;
                if (length == 0) {
                    throw json.error(TokenizerJson.field(path, "length"), "is 0",
                            "a positive integer (Hugging Face panics on 0)");
                }
                yield new FixedLength(length);
            }
            default -> throw json.unsupportedType(path, node, SUPPORTED);
        };
    }

    /** split.rs {@code SplitHelper}: {@code pattern} ({"String": s} or {"Regex": r}), {@code behavior}, {@code invert}. */
    private static Split split(JsonNode node, String path, TokenizerJson json) {
        StringOrRegex pattern = StringOrRegex.fromJson(node, path, json);
        SplitDelimiterBehavior behavior = behavior(node, path, json);
        boolean invert = json.bool(node, path, "invert");
        return pattern.build(json, text -> Split.literal(text, behavior, invert),
                regex -> Split.regex(regex, behavior, invert));
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
}
