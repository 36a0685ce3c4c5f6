package dev.gale.encoder.tokenizer.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.Encoding;
import dev.gale.encoder.tokenizer.PostProcessor;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.util.List;

/**
 * Hugging Face's {@code BertProcessing} ({@code processors/bert.rs}): {@code [CLS] A [SEP]} and
 * {@code [CLS] A [SEP] B [SEP]}, where B keeps its type ids (1) and its closing [SEP] gets type id 1.
 *
 * @param sep the separator token and its id, e.g. ("[SEP]", 102)
 * @param cls the classification token and its id
 */
public record BertProcessing(SpecialToken sep, SpecialToken cls) implements PostProcessor {

    /** A (token, id) tuple, in JSON {@code ["[SEP]", 102]}. */
    public record SpecialToken(String token, int id) {

        static SpecialToken fromJson(JsonNode node, String path, String name, TokenizerJson json) {
            JsonNode tuple = json.array(node, path, name);
            String field = TokenizerJson.field(path, name);
            if (tuple.size() != 2 || !tuple.get(0).isTextual()) {
                throw json.error(field, TokenizerJson.describe(tuple), "[\"token\", id]");
            }
            return new SpecialToken(tuple.get(0).textValue(), json.nonNegativeInt(tuple.get(1), field + "[1]"));
        }

        Encoding encoding(int typeId) {
            return Encoding.special(new int[] {id}, new String[] {token}, typeId);
        }
    }

    static BertProcessing fromJson(JsonNode node, String path, TokenizerJson json) {
        return new BertProcessing(SpecialToken.fromJson(node, path, "sep", json),
                SpecialToken.fromJson(node, path, "cls", json));
    }

    @Override
    public int addedTokens(boolean isPair) {
        return isPair ? 3 : 2;
    }

    @Override
    public List<Encoding> processEncodings(List<Encoding> encodings, boolean addSpecialTokens) {
        if (!addSpecialTokens) {
            return encodings;
        }
        Encoding a = encodings.get(0).withSequenceId(0);
        if (encodings.size() == 1) {
            return List.of(cls.encoding(0), a, sep.encoding(0));
        }
        return List.of(cls.encoding(0), a, sep.encoding(0), encodings.get(1).withSequenceId(1), sep.encoding(1));
    }
}
