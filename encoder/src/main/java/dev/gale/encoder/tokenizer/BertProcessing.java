package dev.gale.encoder.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Hugging Face's {@code BertProcessing} post-processor ({@code processors/bert.rs}): the fixed
 * BERT layout {@code [CLS] A [SEP]} and {@code [CLS] A [SEP] B [SEP]}, where B and its closing
 * [SEP] get type id 1. It is expressed as the equivalent {@link TemplateProcessing}.
 *
 * @param sep the separator token, e.g. [SEP]
 * @param sepId its id
 * @param cls the classification token, e.g. [CLS]
 * @param clsId its id
 */
record BertProcessing(String sep, int sepId, String cls, int clsId) {

    static BertProcessing fromJson(JsonNode node, String path, TokenizerJson json) {
        JsonNode sep = json.array(node, path, "sep");
        JsonNode cls = json.array(node, path, "cls");
        return new BertProcessing(
                tokenText(sep, TokenizerJson.field(path, "sep"), json),
                json.nonNegativeInt(sep.get(1), TokenizerJson.field(path, "sep") + "[1]"),
                tokenText(cls, TokenizerJson.field(path, "cls"), json),
                json.nonNegativeInt(cls.get(1), TokenizerJson.field(path, "cls") + "[1]"));
    }

    // The JSON form of a (token, id) tuple is ["[SEP]", 102].
    private static String tokenText(JsonNode tuple, String field, TokenizerJson json) {
        if (tuple.size() != 2 || !tuple.get(0).isTextual()) {
            throw json.error(field, TokenizerJson.describe(tuple), "[\"token\", id]");
        }
        return tuple.get(0).textValue();
    }

    TemplateProcessing toTemplate() {
        int[] clsIds = {clsId};
        int[] sepIds = {sepId};
        return new TemplateProcessing(
                List.of(TemplateProcessing.Piece.special(clsIds, 0),
                        TemplateProcessing.Piece.sequence(0, 0),
                        TemplateProcessing.Piece.special(sepIds, 0)),
                List.of(TemplateProcessing.Piece.special(clsIds, 0),
                        TemplateProcessing.Piece.sequence(0, 0),
                        TemplateProcessing.Piece.special(sepIds, 0),
                        TemplateProcessing.Piece.sequence(1, 1),
                        TemplateProcessing.Piece.special(sepIds, 1)));
    }
}
