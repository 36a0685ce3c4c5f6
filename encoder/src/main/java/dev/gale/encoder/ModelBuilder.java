package dev.gale.encoder;

/**
 * What the builders of Gale's adapters to other libraries (LangChain4j, Spring AI) share: the model and where and
 * how it runs. 0 fields keep the model's (or Gale's) own value.
 *
 * @param <B> the builder itself, so that setters chain
 */
public abstract class ModelBuilder<B extends ModelBuilder<B>> {
    protected String model;
    protected String device = "cpu";
    protected int threads;
    protected int maxBatchTokens;
    protected int maxLength;

    protected ModelBuilder() {}

    @SuppressWarnings("unchecked")
    protected final B self() {
        return (B) this;
    }

    /**
     * A built-in alias ({@code all-minilm-l6-v2}, {@code bge-small-en-v1.5}; their jar on the class path), a
     * Hugging Face directory or an ONNX file.
     */
    public B model(String model) {
        this.model = model;
        return self();
    }

    /** {@code cpu} (the default, also for null) or a device id of {@code gale devices}. */
    public B device(String device) {
        this.device = device;
        return self();
    }

    /** CPU threads; 0 (the default) for all cores. */
    public B threads(int threads) {
        this.threads = threads;
        return self();
    }

    /** Tokens per encoder pass, bounding activation memory; 0 for Gale's default (8192). */
    public B maxBatchTokens(int maxBatchTokens) {
        this.maxBatchTokens = maxBatchTokens;
        return self();
    }

    /** Tokens per input (a text, or a pair) including special tokens, longer ones truncated; 0 for the model's. */
    public B maxLength(int maxLength) {
        this.maxLength = maxLength;
        return self();
    }

    /** The task heads' options ({@link Reranker}, {@link TextClassifier}, ...). */
    protected EncoderTask.Options taskOptions() {
        return new EncoderTask.Options(maxLength, threads, maxBatchTokens, device);
    }

    /**
     * What an embedding adapter's builder adds: normalization, Matryoshka dimensions and a prompt. Null / 0 fields
     * keep the model's own value.
     *
     * @param <B> the builder itself
     */
    public abstract static class Embedding<B extends Embedding<B>> extends ModelBuilder<B> {
        protected Boolean normalize;
        protected int dimensions;
        protected String prompt;

        protected Embedding() {}

        /** L2-normalize the vectors; null (the default) for the model's own choice. */
        public B normalize(Boolean normalize) {
            this.normalize = normalize;
            return self();
        }

        /** Keep the first N dimensions (Matryoshka, renormalized); 0 for all. */
        public B dimensions(int dimensions) {
            this.dimensions = dimensions;
            return self();
        }

        /** Text put before every input (e.g. {@code "query: "}); "" for none; null (unset) for the model's default prompt. */
        public B prompt(String prompt) {
            this.prompt = prompt;
            return self();
        }

        /** The options for {@link EmbeddingModel#load(String, EmbeddingModel.Options)}. */
        protected EmbeddingModel.Options embeddingOptions() {
            return new EmbeddingModel.Options(null, normalize, dimensions, maxLength, threads, maxBatchTokens, device);
        }
    }
}
