package dev.gale.spark;

import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.EncoderTask;

import java.io.Serializable;
import java.util.Objects;

/**
 * Which model an executor loads and how: what travels from the driver to the executors, and the key of the
 * per-JVM cache ({@link GaleModels}). Equal specs share one loaded model.
 *
 * @param model          a built-in alias (its jar on the class path), or a Hugging Face directory or ONNX file that
 *                       every executor can read (on a shared file system, or at the same path on every node)
 * @param device         "cpu", or a device id of {@code gale devices}
 * @param maxBatchTokens tokens per encoder pass, bounding activation memory
 * @param dimensions     keep the first N dimensions and renormalize (Matryoshka), 0 for all; embeddings only
 * @param normalize      L2-normalize the embedding, or null for the model's choice; embeddings only
 * @param threads        encoder threads, 0 for the executor's cores (spark.executor.cores, else every core the JVM sees)
 */
public record ModelSpec(String model, String device, int maxBatchTokens, int dimensions, Boolean normalize, int threads)
        implements Serializable {

    public ModelSpec {
        Objects.requireNonNull(model, "model");
        if (model.isBlank()) {
            throw new IllegalArgumentException("model is empty: expected a built-in alias, a model directory or an ONNX file");
        }
        device = device == null || device.isBlank() ? "cpu" : device;
        if (maxBatchTokens < 1 || dimensions < 0 || threads < 0) {
            throw new IllegalArgumentException("maxBatchTokens must be at least 1, dimensions and threads at least 0 (got "
                    + maxBatchTokens + ", " + dimensions + ", " + threads + ")");
        }
    }

    public static Builder builder(String model) {
        return new Builder(model);
    }

    EmbeddingModel.Options embeddingOptions(int threads) {
        return new EmbeddingModel.Options(null, normalize, dimensions, 0, threads, maxBatchTokens, device);
    }

    EncoderTask.Options taskOptions(int threads) {
        return new EncoderTask.Options(0, threads, maxBatchTokens, device);
    }

    public static final class Builder {
        private final String model;
        private String device = "cpu";
        private int maxBatchTokens = EmbeddingModel.Options.DEFAULT_MAX_BATCH_TOKENS;
        private int dimensions;
        private Boolean normalize;
        private int threads;

        private Builder(String model) {
            this.model = model;
        }

        public Builder device(String device) {
            this.device = device;
            return this;
        }

        public Builder maxBatchTokens(int tokens) {
            this.maxBatchTokens = tokens;
            return this;
        }

        public Builder dimensions(int dimensions) {
            this.dimensions = dimensions;
            return this;
        }

        public Builder normalize(Boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public ModelSpec build() {
            return new ModelSpec(model, device, maxBatchTokens, dimensions, normalize, threads);
        }
    }
}
