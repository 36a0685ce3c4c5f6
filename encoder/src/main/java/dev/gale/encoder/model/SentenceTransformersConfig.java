package dev.gale.encoder.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.PoolingConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a sentence-transformers model directory says about pooling, normalization and max length:
 * {@code modules.json}, the Pooling module's {@code config.json}, {@code sentence_bert_config.json}.
 */
public record SentenceTransformersConfig(Optional<PoolingConfig> pooling, OptionalInt maxSeqLength) {

    static final SentenceTransformersConfig NONE = new SentenceTransformersConfig(Optional.empty(), OptionalInt.empty());

    public static SentenceTransformersConfig read(Path dir) {
        Optional<PoolingConfig> pooling = Optional.empty();
        Path modules = dir.resolve("modules.json");
        if (Files.isRegularFile(modules)) {
            JsonNode list = json(modules);
            PoolingConfig.Mode mode = null;
            boolean normalize = false;
            for (JsonNode module : list) {
                String type = module.path("type").asText();
                switch (type) {
                    case "sentence_transformers.models.Transformer" -> { }
                    case "sentence_transformers.models.Pooling" -> mode = poolingMode(dir.resolve(module.path("path").asText()).resolve("config.json"));
                    case "sentence_transformers.models.Normalize" -> normalize = true;
                    default -> throw new ModelLoadException(modules + ": module type '" + type
                            + "' is not supported (expected Transformer, Pooling and Normalize modules)");
                }
            }
            if (mode != null) {
                pooling = Optional.of(new PoolingConfig(mode, normalize, 0));
            }
        }
        OptionalInt maxSeqLength = OptionalInt.empty();
        Path sbert = dir.resolve("sentence_bert_config.json");
        if (Files.isRegularFile(sbert)) {
            JsonNode node = json(sbert).get("max_seq_length");
            if (node != null && node.canConvertToInt() && node.asInt() > 0) {
                maxSeqLength = OptionalInt.of(node.asInt());
            }
        }
        return new SentenceTransformersConfig(pooling, maxSeqLength);
    }

    private static PoolingConfig.Mode poolingMode(Path config) {
        JsonNode json = json(config);
        PoolingConfig.Mode mode = null;
        int chosen = 0;
        for (var entry : new Object[][]{{"pooling_mode_cls_token", PoolingConfig.Mode.CLS},
                {"pooling_mode_mean_tokens", PoolingConfig.Mode.MEAN}, {"pooling_mode_max_tokens", PoolingConfig.Mode.MAX}}) {
            if (json.path((String) entry[0]).asBoolean(false)) {
                mode = (PoolingConfig.Mode) entry[1];
                chosen++;
            }
        }
        for (String unsupported : new String[]{"pooling_mode_mean_sqrt_len_tokens", "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"}) {
            if (json.path(unsupported).asBoolean(false)) {
                throw new ModelLoadException(config + ": " + unsupported + " is not supported (expected cls, mean or max pooling)");
            }
        }
        if (chosen != 1) {
            throw new ModelLoadException(config + ": expected exactly one of pooling_mode_cls_token, pooling_mode_mean_tokens, "
                    + "pooling_mode_max_tokens to be true, found " + chosen);
        }
        return mode;
    }

    private static JsonNode json(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelLoadException(file + ": cannot read JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
    }
}
