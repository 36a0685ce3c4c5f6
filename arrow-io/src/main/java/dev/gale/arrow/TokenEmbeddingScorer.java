package dev.gale.arrow;

import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.TokenMemory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

import java.util.List;

/**
 * Token embeddings, as TEI's {@code /embed_all} (ColBERT-style use): {@code embeddings}
 * list&lt;FixedSizeList&lt;Float32&gt;[hidden]&gt;, the last hidden state of every token of the text, special
 * tokens (and a prompt's) included, in token order; null for a null text. The list's offsets are the
 * token ids' offsets, its values the encoder's hidden states, written into the vector's data.
 * <pre>  R rows, T tokens, H hidden; data float32 (T, H) row-major, offsets int32 (R + 1) </pre>
 */
public final class TokenEmbeddingScorer implements Scorer<TokenColumn> {
    public static final String NAME = "embeddings";

    private final EmbeddingModel model;
    private final String prompt;
    private final int hidden;
    private final Field field;

    /** {@code prompt} is prepended to every text; "" for none. */
    public TokenEmbeddingScorer(EmbeddingModel model, String prompt) {
        this.model = model;
        this.prompt = prompt == null ? "" : prompt;
        this.hidden = model.architecture().hiddenSize();
        this.field = Columns.list(NAME, new Field("item", FieldType.notNullable(new ArrowType.FixedSizeList(hidden)),
                List.of(Columns.required(Columns.float32("item")))));
    }

    @Override
    public String task() {
        return "embed";
    }

    @Override
    public List<Field> fields() {
        return List.of(field);
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
        int rows = tokens.rows();
        int count = Math.toIntExact(tokens.tokens());
        ListVector embeddings = (ListVector) field.createVector(allocator);
        try {
            embeddings.setInitialCapacity(rows);
            embeddings.allocateNew();
            FixedSizeListVector perToken = (FixedSizeListVector) embeddings.getDataVector();
            perToken.setInitialCapacity(count);
            perToken.allocateNew();
            FieldVector data = (FieldVector) perToken.getDataVector();
            perToken.getValidityBuffer().setOne(0, BitVectorHelper.getValidityBufferSize(count));
            data.getValidityBuffer().setOne(0, BitVectorHelper.getValidityBufferSize(count * hidden));
            perToken.setValueCount(count);
            model.tokenEmbeddings(tokens.batch(), ArrowMemory.segment(data.getDataBuffer(), 4L * count * hidden));
            ListVector ids = tokens.ids();
            for (int r = 0; r < rows; r++) {
                if (!ids.isNull(r)) {
                    embeddings.startNewValue(r);
                    embeddings.endValue(r, ids.getElementEndIndex(r) - ids.getElementStartIndex(r));
                }
            }
            embeddings.setValueCount(rows);
            return List.of(embeddings);
        } catch (RuntimeException | Error e) {
            embeddings.close();
            throw e;
        }
    }
}
