package dev.gale.langchain4j;

import dev.gale.encoder.ModelBuilder;
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

    private GaleEmbeddingModel(String model, dev.gale.encoder.EmbeddingModel.Options options, String prompt, String promptName) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("GaleEmbeddingModel needs a model: a built-in alias (all-minilm-l6-v2, "
                    + "bge-small-en-v1.5), a Hugging Face model directory or an ONNX file");
        }
        if (prompt != null && promptName != null) {
            throw new IllegalArgumentException("give a prompt or a prompt name, not both");
        }
        this.modelName = model;
        this.gale = dev.gale.encoder.EmbeddingModel.load(model, options);
        try {
            String p = promptName != null ? gale.prompt(promptName) : prompt != null ? prompt : gale.defaultPrompt();
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

    /** Null / 0 fields keep the model's own value; the setters of {@link ModelBuilder} and {@link ModelBuilder.Embedding}. */
    public static final class Builder extends ModelBuilder.Embedding<Builder> {
        private String promptName;

        private Builder() {}

        /** The prompt of this name in the model's config_sentence_transformers.json. */
        public Builder promptName(String promptName) {
            this.promptName = promptName;
            return this;
        }

        /** Loads the model. */
        public GaleEmbeddingModel build() {
            return new GaleEmbeddingModel(model, embeddingOptions(), prompt, promptName);
        }
    }
}
