package dev.gale.cli;

import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.PoolingConfig;
import dev.gale.encoder.model.BuiltinModel;
import picocli.CommandLine.Option;

/** Options that choose and configure a model, shared by every command that runs one. */
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

    @Option(names = "--max-length", paramLabel = "N",
            description = "Tokens per text, special tokens included; longer texts are truncated (default: the model's).")
    int maxLength;

    @Option(names = "--truncate", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Truncate texts longer than the max length (default); --no-truncate stops with an error naming the row instead.")
    boolean truncate = true;

    @Option(names = "--device", paramLabel = "<cpu|tornado|tornado:BACKEND:N>",
            description = "Where the encoder runs: cpu (default, pure Java), tornado (TornadoVM's default device) "
                    + "or a device id from 'gale devices'.")
    String device = "cpu";

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: all cores).")
    int threads;

    @Option(names = "--prompt-name", paramLabel = "NAME",
            description = "Prefix every text with the model's prompt NAME (config_sentence_transformers.json, e.g. query); "
                    + "default: the model's default prompt, if it has one.")
    String promptName;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "Prefix every text with TEXT (e.g. \"query: \"), instead of a named prompt.")
    String prompt;

    /** The prompt text for {@code model}: --prompt, else --prompt-name's, else the model's default (or ""). */
    String prompt(EmbeddingModel model) {
        if (prompt != null && promptName != null) {
            throw new IllegalArgumentException("give --prompt or --prompt-name, not both");
        }
        if (prompt != null) {
            return prompt;
        }
        if (promptName != null) {
            return model.prompt(promptName);
        }
        String fallback = model.defaultPrompt();
        return fallback == null ? "" : fallback;
    }

    EmbeddingModel.Options toOptions() {
        return toOptions(0);
    }

    EmbeddingModel.Options toOptions(int maxBatchTokens) {
        if (dimensions < 0) {
            throw new IllegalArgumentException("--dimensions must be positive, got " + dimensions);
        }
        if (maxLength < 0 || maxLength == 1) {
            throw new IllegalArgumentException("--max-length must be at least 2, got " + maxLength);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be positive, got " + threads);
        }
        if (maxBatchTokens < 0) {
            throw new IllegalArgumentException("--max-batch-tokens must be positive, got " + maxBatchTokens);
        }
        return new EmbeddingModel.Options(pooling, normalize, dimensions, maxLength, threads, maxBatchTokens, device);
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
