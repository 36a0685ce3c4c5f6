package dev.gale.arrow;

import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.TokenMemory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.Field;

import java.util.List;

/**
 * Sentence embeddings: {@code embedding FixedSizeList<Float32>[D]}, null for a null text. The tokenizer
 * writes the ids as an Arrow {@code List<Int32>} ({@link TokenColumn}, on a device straight into its input
 * region), the encoder reads that vector's buffers in place and writes into the embedding vector's data.
 */
public final class EmbeddingScorer implements Scorer<TokenColumn> {
    private final EmbeddingModel model;
    private final String prompt;
    /** Leading tokens of every sequence that pooling leaves out: the prompt's, when the model excludes it. */
    private final int promptTokens;
    private final List<Field> fields;

    /** {@code prompt} is prepended to every text (see {@link EmbeddingModel#prompt}); "" for none. */
    public EmbeddingScorer(EmbeddingModel model, String prompt) {
        this.model = model;
        this.prompt = prompt == null ? "" : prompt;
        this.promptTokens = model.promptTokens(this.prompt);
        this.fields = List.of(EmbeddingColumn.field(model.dimensions()));
    }

    @Override
    public String task() {
        return "embed";
    }

    @Override
    public List<Field> fields() {
        return fields;
    }

    @Override
    public int maxLength() {
        return model.maxLength();
    }

    @Override
    public TokenMemory.Pool tokenMemory() {
        return model.tokenMemory();
    }

    @Override
    public TokenColumn prepare(Rows rows, BufferAllocator allocator) {
        return TokenColumn.tokenize(rows.text(), prompt, model.tokenizer(), model.maxLength(), rows.truncate(), allocator, rows::where,
                rows.memory());
    }

    @Override
    public List<FieldVector> score(TokenColumn tokens, BufferAllocator allocator) {
        FixedSizeListVector embedding = EmbeddingColumn.allocate(model.dimensions(), tokens.rows(), allocator);
        try {
            model.embed(tokens.batch(), EmbeddingColumn.data(embedding), promptTokens);
            for (int r = 0; r < tokens.rows(); r++) {
                if (tokens.ids().isNull(r)) {
                    embedding.setNull(r);
                }
            }
            return List.of(embedding);
        } catch (RuntimeException | Error e) {
            embedding.close();
            throw e;
        }
    }
}
