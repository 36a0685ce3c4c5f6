package dev.gale.encoder.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The Hugging Face {@code BertConfig} fields Gale uses, named as in {@code config.json}.
 * Unsupported options are refused here, at load, rather than computed wrongly later.
 */
public record BertConfig(
        String modelType,
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        String hiddenAct,
        int maxPositionEmbeddings,
        int typeVocabSize,
        float layerNormEps,
        String positionEmbeddingType) {

    /** Model types whose encoder is exactly BERT's (MiniLM, BGE, E5 and GTE checkpoints declare "bert"). */
    static final Set<String> SUPPORTED_MODEL_TYPES = Set.of("bert");

    public BertConfig {
        String where = "config";
        if (!SUPPORTED_MODEL_TYPES.contains(modelType)) {
            throw new ModelLoadException(where + ": model_type '" + modelType + "' is not supported (expected one of " + SUPPORTED_MODEL_TYPES + ")");
        }
        if (!"absolute".equals(positionEmbeddingType)) {
            throw new ModelLoadException(where + ": position_embedding_type '" + positionEmbeddingType + "' is not supported (expected absolute)");
        }
        if (!"gelu".equals(hiddenAct)) {
            throw new ModelLoadException(where + ": hidden_act '" + hiddenAct + "' is not supported (expected gelu, the exact erf form)");
        }
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("intermediate_size", intermediateSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        positive("type_vocab_size", typeVocabSize);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new ModelLoadException(where + ": hidden_size " + hiddenSize + " is not a multiple of num_attention_heads " + numAttentionHeads);
        }
        if (!(layerNormEps > 0 && layerNormEps < 1)) {
            throw new ModelLoadException(where + ": layer_norm_eps " + layerNormEps + " is out of range (expected 0 < eps < 1)");
        }
    }

    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new ModelLoadException("config: " + field + " is " + value + " (expected a positive integer)");
        }
    }

    /** Reads {@code config.json}; errors name the file and the field. */
    public static BertConfig read(Path configJson) {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(configJson.toFile());
        } catch (IOException e) {
            throw new ModelLoadException(configJson + ": cannot read JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        try {
            return new BertConfig(
                    text(json, "model_type", null, configJson),
                    integer(json, "vocab_size", configJson),
                    integer(json, "hidden_size", configJson),
                    integer(json, "num_hidden_layers", configJson),
                    integer(json, "num_attention_heads", configJson),
                    integer(json, "intermediate_size", configJson),
                    text(json, "hidden_act", "gelu", configJson),
                    integer(json, "max_position_embeddings", configJson),
                    json.has("type_vocab_size") ? integer(json, "type_vocab_size", configJson) : 2,
                    json.has("layer_norm_eps") ? (float) json.get("layer_norm_eps").asDouble() : 1e-12f,
                    text(json, "position_embedding_type", "absolute", configJson));
        } catch (ModelLoadException e) {
            throw new ModelLoadException(e.getMessage().replaceFirst("^config", configJson.toString()), e);
        }
    }

    private static String text(JsonNode json, String field, String fallback, Path file) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            if (fallback == null) {
                throw new ModelLoadException(file + ": field '" + field + "' is missing");
            }
            return fallback;
        }
        return v.asText();
    }

    private static int integer(JsonNode json, String field, Path file) {
        JsonNode v = json.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new ModelLoadException(file + ": field '" + field + "' is missing or not an integer");
        }
        return v.asInt();
    }

    public String toJson() {
        return """
                {"model_type": "%s", "vocab_size": %d, "hidden_size": %d, "num_hidden_layers": %d, \
                "num_attention_heads": %d, "intermediate_size": %d, "hidden_act": "%s", \
                "max_position_embeddings": %d, "type_vocab_size": %d, "layer_norm_eps": %s, \
                "position_embedding_type": "%s"}""".formatted(modelType, vocabSize, hiddenSize, numHiddenLayers,
                numAttentionHeads, intermediateSize, hiddenAct, maxPositionEmbeddings, typeVocabSize,
                Float.toString(layerNormEps), positionEmbeddingType);
    }
}
