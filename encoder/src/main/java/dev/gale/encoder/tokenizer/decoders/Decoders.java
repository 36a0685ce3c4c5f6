package dev.gale.encoder.tokenizer.decoders;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.Decoder;
import dev.gale.encoder.tokenizer.TokenizerJson;
import dev.gale.encoder.tokenizer.normalizers.Replace;
import java.util.List;

/**
 * Hugging Face's {@code DecoderWrapper} ({@code decoders/mod.rs}): builds a decoder from its
 * tokenizer.json object, reading the fields as serde does (required ones required, defaults where
 * the Rust structs declare them, unknown members ignored). ByteLevel and Metaspace are the
 * pre-tokenizers' structs in Hugging Face and are read as those are; Replace is the normalizer.
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
                dev.gale.encoder.tokenizer.pretokenizers.ByteLevel.fromJson(node, path, json);
                yield new ByteLevel();
            }
            case "WordPiece" -> new WordPiece(json.text(node, path, "prefix"), json.bool(node, path, "cleanup"));
            case "Metaspace" -> {
                // split only matters to the pre-tokenizer
                var metaspace = dev.gale.encoder.tokenizer.pretokenizers.Metaspace.fromJson(node, path, json);
                yield new Metaspace(metaspace.replacement(), metaspace.prependScheme());
            }
            case "CTC" -> new CTC(json.text(node, path, "pad_token"), json.text(node, path, "word_delimiter_token"),
                    json.bool(node, path, "cleanup"));
            case "Sequence" -> new Sequence(json.components(node, path, "decoders", Decoders::fromJson));
            case "Replace" -> Replace.fromJson(node, path, json);
            case "Fuse" -> new Fuse();
            case "Strip" -> new Strip(json.codePoint(node, path, "content"), json.usize(node, path, "start"),
                    json.usize(node, path, "stop"));
            case "ByteFallback" -> new ByteFallback();
            default -> throw json.unsupportedType(path, node, SUPPORTED);
        };
    }
}
