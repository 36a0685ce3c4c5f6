package dev.gale.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.model.embedding.response.EmbeddingResponseMetadata;
import dev.langchain4j.model.output.TokenUsage;

import java.util.List;

/**
 * Gale as a LangChain4j {@link EmbeddingModel}: sentence embeddings computed in this JVM, no server.
 * <pre>{@code
 * try (GaleEmbeddingModel model = GaleEmbeddingModel.builder().model("all-minilm-l6-v2").build()) {
 *     EmbeddingStoreIngestor.ingest(documents, model, store);   // or model.embedAll(segments)
 * }
 * }</pre>
 * A call's segments are tokenized, then run as one padding-free batch through {@link dev.gale.encoder.EmbeddingModel},
 * which cuts it by the token budget ({@code maxBatchTokens}); its {@link TokenUsage} is the number of tokens the
 * encoder ran (special and prompt tokens included, after truncation to the model's max length). Thread-safe.
 * LangChain4j's {@code embedAll} reaches {@link #doEmbed}, so its listeners see every call.
 */
public final class GaleEmbeddingModel implements EmbeddingModel, AutoCloseable {

    private final dev.gale.encoder.EmbeddingModel gale;
    private final String modelName;
    private final String prompt;        // text put before every input, or null

    private GaleEmbeddingModel(Builder b) {
        if (b.model == null || b.model.isBlank()) {
            throw new IllegalArgumentException("GaleEmbeddingModel needs a model: a built-in alias (all-minilm-l6-v2, "
                    + "bge-small-en-v1.5), a Hugging Face model directory or an ONNX file");
        }
        if (b.prompt != null && b.promptName != null) {
            throw new IllegalArgumentException("give a prompt or a prompt name, not both");
        }
        this.modelName = b.model;
        this.gale = dev.gale.encoder.EmbeddingModel.load(b.model, new dev.gale.encoder.EmbeddingModel.Options(
                null, b.normalize, b.dimensions, b.maxLength, b.threads, b.maxBatchTokens, b.device));
        try {
            String p = b.promptName != null ? gale.prompt(b.promptName) : b.prompt != null ? b.prompt : gale.defaultPrompt();
            this.prompt = p == null || p.isEmpty() ? null : p;
        } catch (RuntimeException e) {
            gale.close();
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public EmbeddingResponse doEmbed(EmbeddingRequest request) {
        dev.gale.encoder.EmbeddingModel.Embedded embedded = gale.embedCounted(request.inputs().stream().map(EmbeddingInput::text).toList(), prompt);
        List<Embedding> embeddings = embedded.vectors().stream().map(Embedding::from).toList();
        return EmbeddingResponse.builder()
                .embeddings(embeddings)
                .metadata(EmbeddingResponseMetadata.builder().modelName(modelName).tokenUsage(new TokenUsage(embedded.tokens())).build())
                .build();
    }

    /** The vector width, known from the model (no test embedding needed). */
    @Override
    public int dimension() {
        return gale.dimensions();
    }

    @Override
    public String modelName() {
        return modelName;
    }

    /** Gale's own model behind this adapter, for its other calls (tokenize, max length, ...). */
    public dev.gale.encoder.EmbeddingModel gale() {
        return gale;
    }

    @Override
    public void close() {
        gale.close();
    }

    /** Null / 0 fields keep the model's own value. */
    public static final class Builder {
        private String model;
        private String device = "cpu";
        private int threads;
        private int maxBatchTokens;
        private int maxLength;
        private Boolean normalize;
        private int dimensions;
        private String prompt;
        private String promptName;

        private Builder() {}

        /** A built-in alias ({@code all-minilm-l6-v2}, {@code bge-small-en-v1.5}; their jar on the class path), a Hugging Face directory or an ONNX file. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** {@code cpu} (the default) or a device id of {@code gale devices}. */
        public Builder device(String device) {
            this.device = device;
            return this;
        }

        /** CPU threads; 0 (the default) for all cores. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Tokens per encoder pass, bounding activation memory; 0 for Gale's default (8192). */
        public Builder maxBatchTokens(int maxBatchTokens) {
            this.maxBatchTokens = maxBatchTokens;
            return this;
        }

        /** Tokens per text including special tokens, longer texts truncated; 0 for the model's. */
        public Builder maxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /** L2-normalize the vectors; null (the default) for the model's own choice. */
        public Builder normalize(Boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /** Keep the first N dimensions (Matryoshka, renormalized); 0 for all. */
        public Builder dimensions(int dimensions) {
            this.dimensions = dimensions;
            return this;
        }

        /** Text put before every input (e.g. {@code "query: "}); "" for none; unset for the model's default prompt. */
        public Builder prompt(String prompt) {
            this.prompt = prompt;
            return this;
        }

        /** The prompt of this name in the model's config_sentence_transformers.json. */
        public Builder promptName(String promptName) {
            this.promptName = promptName;
            return this;
        }

        /** Loads the model. */
        public GaleEmbeddingModel build() {
            return new GaleEmbeddingModel(this);
        }
    }
}
