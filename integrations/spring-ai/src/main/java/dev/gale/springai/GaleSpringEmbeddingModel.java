package dev.gale.springai;

import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.EmbeddingResponseMetadata;

import java.util.ArrayList;
import java.util.List;

/**
 * Gale as a Spring AI {@link EmbeddingModel}: sentence embeddings computed in this JVM, no server.
 * <pre>{@code
 * try (GaleSpringEmbeddingModel model = GaleSpringEmbeddingModel.builder().model("all-minilm-l6-v2").build()) {
 *     VectorStore store = SimpleVectorStore.builder(model).build();
 * }
 * }</pre>
 * With Spring Boot, {@code GaleEmbeddingAutoConfiguration} makes one from the {@code gale.embedding.*} properties.
 * A request's texts are tokenized, then run as one padding-free batch through {@link dev.gale.encoder.EmbeddingModel},
 * which cuts it by the token budget; the response's usage counts the tokens the encoder ran (special and prompt
 * tokens included, after truncation). Thread-safe.
 */
public final class GaleSpringEmbeddingModel implements EmbeddingModel, AutoCloseable {

    private final dev.gale.encoder.EmbeddingModel gale;
    private final String modelName;
    private final String prompt;        // text put before every input, or null

    private GaleSpringEmbeddingModel(Builder b) {
        if (b.model == null || b.model.isBlank()) {
            throw new IllegalArgumentException("GaleSpringEmbeddingModel needs a model (gale.embedding.model): a built-in alias "
                    + "(all-minilm-l6-v2, bge-small-en-v1.5), a Hugging Face model directory or an ONNX file");
        }
        this.modelName = b.model;
        this.gale = dev.gale.encoder.EmbeddingModel.load(b.model, new dev.gale.encoder.EmbeddingModel.Options(
                null, b.normalize, b.dimensions, b.maxLength, b.threads, b.maxBatchTokens, b.device));
        try {
            String p = b.prompt != null ? b.prompt : gale.defaultPrompt();
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
    public EmbeddingResponse call(EmbeddingRequest request) {
        check(request.getOptions());
        dev.gale.encoder.EmbeddingModel.Embedded embedded = gale.embedCounted(request.getInstructions(), prompt);
        List<Embedding> embeddings = new ArrayList<>(embedded.vectors().size());
        for (float[] v : embedded.vectors()) {
            embeddings.add(new Embedding(v, embeddings.size()));
        }
        int tokens = embedded.tokens();
        return new EmbeddingResponse(embeddings, new EmbeddingResponseMetadata(modelName, new DefaultUsage(tokens, 0, tokens)));
    }

    /** A request may name this model and its width, not another: Gale does not switch models per request. */
    private void check(EmbeddingOptions options) {
        if (options == null) {
            return;
        }
        if (options.getModel() != null && !options.getModel().equals(modelName)) {
            throw new IllegalArgumentException("the request asks for model '" + options.getModel() + "'; this Gale EmbeddingModel runs '"
                    + modelName + "' (set gale.embedding.model)");
        }
        if (options.getDimensions() != null && options.getDimensions() != gale.dimensions()) {
            throw new IllegalArgumentException("the request asks for " + options.getDimensions() + " dimensions; this Gale EmbeddingModel gives "
                    + gale.dimensions() + " (set gale.embedding.dimensions)");
        }
    }

    @Override
    public float[] embed(Document document) {
        String text = getEmbeddingContent(document);
        if (text == null) {
            throw new IllegalArgumentException("document " + document.getId() + " has no text; Gale embeds text, not media");
        }
        return embed(text);
    }

    /** The vector width, known from the model (no test embedding needed). */
    @Override
    public int dimensions() {
        return gale.dimensions();
    }

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

        private Builder() {}

        /** A built-in alias ({@code all-minilm-l6-v2}, {@code bge-small-en-v1.5}; their jar on the class path), a Hugging Face directory or an ONNX file. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** {@code cpu} (the default, also for null) or a device id of {@code gale devices}. */
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

        /** Text put before every input (e.g. {@code "query: "}); "" for none; null for the model's default prompt. */
        public Builder prompt(String prompt) {
            this.prompt = prompt;
            return this;
        }

        /** Loads the model. */
        public GaleSpringEmbeddingModel build() {
            return new GaleSpringEmbeddingModel(this);
        }
    }
}
