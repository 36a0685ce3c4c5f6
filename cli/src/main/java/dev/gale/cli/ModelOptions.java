package dev.gale.cli;

import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.PoolingConfig;
import dev.gale.encoder.model.BuiltinModel;
import dev.gale.encoder.model.SentenceTransformersConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options that choose and configure an embedding model (embed, bench, info). */
final class ModelOptions {
    @Option(names = {"-m", "--model"}, paramLabel = "<dir|file|alias>",
            description = "Model: a built-in alias (all-minilm-l6-v2, bge-small-en-v1.5), a Hugging Face directory "
                    + "(config.json, model.safetensors, tokenizer.json) or an ONNX export (.onnx with tokenizer.json). "
                    + "Default: ${DEFAULT-VALUE}.")
    String model = BuiltinModel.DEFAULT.alias();

    @Option(names = "--pooling", paramLabel = "<mode>", converter = PoolingConverter.class,
            description = "Pooling: cls, mean, max, mean_sqrt_len_tokens, weightedmean or lasttoken "
                    + "(default: the model's sentence-transformers config, else mean).")
    PoolingConfig.Mode pooling;

    @Option(names = "--normalize", negatable = true, fallbackValue = "true",
            description = "L2-normalize embeddings (default: the model's config).")
    Boolean normalize;

    @Option(names = "--dimensions", paramLabel = "N",
            description = "Keep the first N dimensions and renormalize (Matryoshka).")
    int dimensions;

    @Option(names = "--prompt-name", paramLabel = "NAME",
            description = "Prefix every text with the model's prompt NAME (config_sentence_transformers.json, e.g. query); "
                    + "default: the model's default prompt, if it has one.")
    String promptName;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "Prefix every text with TEXT (e.g. \"query: \"), instead of a named prompt.")
    String prompt;

    @Mixin
    RuntimeOptions runtime;

    /**
     * The prompt text for a model with these sentence-transformers modules: --prompt, else --prompt-name's,
     * else the model's default (or "").
     */
    String prompt(SentenceTransformersConfig st) {
        if (prompt != null && promptName != null) {
            throw new IllegalArgumentException("give --prompt or --prompt-name, not both");
        }
        if (prompt != null) {
            return prompt;
        }
        if (promptName != null) {
            String text = st.prompts().get(promptName);
            if (text == null) {
                throw new IllegalArgumentException("prompt name '" + promptName + "' is not one of the model's prompts " + st.prompts().keySet());
            }
            return text;
        }
        String fallback = st.defaultPromptName() == null ? null : st.prompts().get(st.defaultPromptName());
        return fallback == null ? "" : fallback;
    }

    /** Whether any option that shapes a pooled embedding was given (they mean nothing to sparse or per-token output). */
    boolean poolingGiven() {
        return pooling != null || normalize != null || dimensions != 0;
    }

    EmbeddingModel.Options toOptions() {
        return toOptions(0);
    }

    EmbeddingModel.Options toOptions(int maxBatchTokens) {
        if (dimensions < 0) {
            throw new IllegalArgumentException("--dimensions must be positive, got " + dimensions);
        }
        runtime.check(maxBatchTokens);
        return new EmbeddingModel.Options(pooling, normalize, dimensions, runtime.maxLength, runtime.threads, maxBatchTokens, runtime.device);
    }

    EmbeddingModel load() {
        return load(0);
    }

    EmbeddingModel load(int maxBatchTokens) {
        return EmbeddingModel.load(model, toOptions(maxBatchTokens));
    }

    static final class PoolingConverter implements picocli.CommandLine.ITypeConverter<PoolingConfig.Mode> {
        @Override
        public PoolingConfig.Mode convert(String value) {
            PoolingConfig.Mode mode = PoolingConfig.Mode.of(value.toLowerCase(java.util.Locale.ROOT));
            if (mode == null) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a pooling mode (expected cls, mean, max, "
                        + "mean_sqrt_len_tokens, weightedmean or lasttoken)");
            }
            return mode;
        }
    }
}
