package dev.gale.springai;

import dev.gale.encoder.ModelBuilder;
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

    private GaleSpringEmbeddingModel(String model, dev.gale.encoder.EmbeddingModel.Options options, String prompt) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("GaleSpringEmbeddingModel needs a model (gale.embedding.model): a built-in alias "
                    + "(all-minilm-l6-v2, bge-small-en-v1.5), a Hugging Face model directory or an ONNX file");
        }
        this.modelName = model;
        this.gale = dev.gale.encoder.EmbeddingModel.load(model, options);
        try {
            String p = prompt != null ? prompt : gale.defaultPrompt();
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

    /** Null / 0 fields keep the model's own value; the setters of {@link ModelBuilder} and {@link ModelBuilder.Embedding}. */
    public static final class Builder extends ModelBuilder.Embedding<Builder> {
        private Builder() {}

        /** Loads the model. */
        public GaleSpringEmbeddingModel build() {
            return new GaleSpringEmbeddingModel(model, embeddingOptions(), prompt);
        }
    }
}
