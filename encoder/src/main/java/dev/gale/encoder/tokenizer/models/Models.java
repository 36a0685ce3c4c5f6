package dev.gale.encoder.tokenizer.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.Model;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.util.List;

/**
 * Reads tokenizer.json's {@code model} ({@code models/mod.rs}, {@code ModelWrapper}), choosing the
 * class by its {@code type} tag; a model without one is read as Hugging Face's untagged fallback
 * does it, trying BPE, WordPiece, WordLevel and Unigram in that order and keeping the first that fits.
 */
public final class Models {

    /** The {@code type} tags Gale reads. */
    public static final List<String> SUPPORTED = List.of("BPE", "WordPiece", "WordLevel", "Unigram");

    private Models() {}

    /** A model that fits its form but uses an option Gale refuses: no other form is tried. */
    static final class Refused extends IllegalArgumentException {
        Refused(IllegalArgumentException error) {
            super(error.getMessage());
        }
    }

    public static Model fromJson(JsonNode node, String path, TokenizerJson json) {
        if (node == null || !node.isObject()) {
            throw json.error(path, TokenizerJson.describe(node), "an object");
        }
        if (!node.has("type")) {
            return untagged(node, path, json);
        }
        String type = TokenizerJson.type(node);
        return switch (type == null ? "" : type) {
            case "BPE" -> BPE.fromJson(node, path, json);
            case "WordPiece" -> WordPiece.fromJson(node, path, json);
            case "WordLevel" -> WordLevel.fromJson(node, path, json);
            case "Unigram" -> Unigram.fromJson(node, path, json);
            default -> throw json.unsupportedType(path, node, SUPPORTED);
        };
    }

    // serde's untagged enum: the first variant whose fields read without error.
    private static Model untagged(JsonNode node, String path, TokenizerJson json) {
        IllegalArgumentException none = json.error(TokenizerJson.field(path, "type"), "is missing and"
                + " the model has the fields of none of BPE (vocab, merges), WordPiece (vocab, unk_token,"
                + " continuing_subword_prefix, max_input_chars_per_word), WordLevel (vocab, unk_token),"
                + " Unigram (vocab as [[piece, score], ...])", "one of " + String.join(", ", SUPPORTED));
        for (String type : SUPPORTED) {
            try {
                return switch (type) {
                    case "BPE" -> BPE.fromJson(node, path, json);
                    case "WordPiece" -> WordPiece.fromJson(node, path, json);
                    case "WordLevel" -> WordLevel.fromJson(node, path, json);
                    default -> Unigram.fromJson(node, path, json);
                };
            } catch (Refused e) {
                throw e;
            } catch (IllegalArgumentException e) {
                none.addSuppressed(e);
            }
        }
        throw none;
    }
}
