package dev.gale.encoder.tokenizer.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.Encoding;
import dev.gale.encoder.tokenizer.PostProcessor;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's {@code RobertaProcessing} ({@code processors/roberta.rs}): {@code <s> A </s>} and
 * {@code <s> A </s> </s> B </s>}, every type id 0; with {@code trim_offsets}, the offsets of tokens
 * that carry a leading or trailing space lose it first, as {@link ByteLevel} does.
 */
public record RobertaProcessing(BertProcessing.SpecialToken sep, BertProcessing.SpecialToken cls,
                                boolean trimOffsets, boolean addPrefixSpace) implements PostProcessor {

    static RobertaProcessing fromJson(JsonNode node, String path, TokenizerJson json) {
        return new RobertaProcessing(BertProcessing.SpecialToken.fromJson(node, path, "sep", json),
                BertProcessing.SpecialToken.fromJson(node, path, "cls", json),
                json.bool(node, path, "trim_offsets", true),
                json.bool(node, path, "add_prefix_space", true));
    }

    @Override
    public int addedTokens(boolean isPair) {
        return isPair ? 4 : 2;
    }

    @Override
    public List<Encoding> processEncodings(List<Encoding> encodings, boolean addSpecialTokens) {
        List<Encoding> typed = new ArrayList<>(encodings.size());
        for (Encoding e : encodings) {
            Encoding trimmed = trimOffsets ? ByteLevel.trimOffsets(e, addPrefixSpace) : e;
            typed.add(trimmed.withTypeId(0));
        }
        if (!addSpecialTokens) {
            return typed;
        }
        Encoding a = typed.get(0).withSequenceId(0);
        if (typed.size() == 1) {
            return List.of(cls.encoding(0), a, sep.encoding(0));
        }
        return List.of(cls.encoding(0), a, sep.encoding(0), sep.encoding(0), typed.get(1).withSequenceId(1),
                sep.encoding(0));
    }
}
