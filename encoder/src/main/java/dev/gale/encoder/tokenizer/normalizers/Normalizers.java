package dev.gale.encoder.tokenizer.normalizers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.Normalizer;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.util.Base64;
import java.util.List;

/**
 * Builds the normalizer a tokenizer.json names ({@code NormalizerWrapper} of {@code normalizers/mod.rs}),
 * dispatching on its {@code type}; fields that Hugging Face ignores are ignored here too.
 */
public final class Normalizers {

    private Normalizers() {}

    static final List<String> TYPES = List.of("BertNormalizer", "Strip", "StripAccents", "NFC", "NFD",
            "NFKC", "NFKD", "Sequence", "Lowercase", "Nmt", "Precompiled", "Replace", "Prepend", "ByteLevel");

    /**
     * @param node the normalizer object
     * @param path its dotted JSON path, for errors ("normalizer", "normalizer.normalizers[1]")
     */
    public static Normalizer fromJson(JsonNode node, String path, TokenizerJson json) {
        String type = TokenizerJson.type(node);
        if (type == null) {
            throw json.unsupportedType(path, node, TYPES);
        }
        return switch (type) {
            case "BertNormalizer", "Bert" -> BertNormalizer.fromJson(node, path, json);
            case "Strip" -> new Strip(json.bool(node, path, "strip_left"), json.bool(node, path, "strip_right"));
            case "StripAccents" -> StripAccents.INSTANCE;
            case "NFC" -> UnicodeNormalizer.NFC;
            case "NFD" -> UnicodeNormalizer.NFD;
            case "NFKC" -> UnicodeNormalizer.NFKC;
            case "NFKD" -> UnicodeNormalizer.NFKD;
            case "Lowercase" -> Lowercase.INSTANCE;
            case "Nmt" -> Nmt.INSTANCE;
            case "ByteLevel" -> ByteLevel.INSTANCE;
            case "Prepend" -> new Prepend(json.text(node, path, "prepend"));
            case "Sequence" -> new Sequence(json.components(node, path, "normalizers", Normalizers::fromJson));
            case "Replace" -> Replace.fromJson(node, path, json);
            case "Precompiled" -> precompiled(node, path, json);
            default -> throw json.unsupportedType(path, node, TYPES);
        };
    }

    private static Precompiled precompiled(JsonNode node, String path, TokenizerJson json) {
        String field = TokenizerJson.field(path, "precompiled_charsmap");
        String base64 = json.text(node, path, "precompiled_charsmap");
        byte[] charsmap;
        try {
            charsmap = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw json.error(field, "is not base64 (" + e.getMessage() + ")", "SentencePiece's charsmap in base64");
        }
        try {
            return new Precompiled(charsmap);
        } catch (IllegalArgumentException e) {
            throw json.error(field, e.getMessage(), "SentencePiece's charsmap in base64");
        }
    }
}
