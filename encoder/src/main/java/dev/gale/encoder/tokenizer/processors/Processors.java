package dev.gale.encoder.tokenizer.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.PostProcessor;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.util.List;

/** Reads tokenizer.json's {@code post_processor}, choosing the class by its {@code type} tag. */
public final class Processors {

    /** The {@code type} tags Gale reads. */
    public static final List<String> SUPPORTED =
            List.of("TemplateProcessing", "BertProcessing", "RobertaProcessing", "ByteLevel", "Sequence");

    private Processors() {}

    public static PostProcessor fromJson(JsonNode node, String path, TokenizerJson json) {
        String type = TokenizerJson.type(node);
        return switch (type == null ? "" : type) {
            case "TemplateProcessing" -> TemplateProcessing.fromJson(node, path, json);
            case "BertProcessing" -> BertProcessing.fromJson(node, path, json);
            case "RobertaProcessing" -> RobertaProcessing.fromJson(node, path, json);
            case "ByteLevel" -> ByteLevel.fromJson(node, path, json);
            case "Sequence" -> new Sequence(json.components(node, path, "processors", Processors::fromJson));
            default -> throw json.unsupportedType(path, node, SUPPORTED);
        };
    }
}
