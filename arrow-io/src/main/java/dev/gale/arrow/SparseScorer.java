package dev.gale.arrow;

import dev.gale.encoder.SparseEmbedder;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;

import java.util.ArrayList;
import java.util.List;

/**
 * SPLADE sparse embeddings ({@link SparseEmbedder}), as TEI's {@code /embed_sparse}: {@code sparse}
 * list&lt;struct&lt;index int32, value float32&gt;&gt;, the non-zero entries, indices ascending. A null text gives
 * a null list.
 */
public final class SparseScorer implements Scorer<EncodedRows> {
    public static final List<Field> FIELDS = List.of(Columns.list("sparse", Columns.struct(Columns.int32("index"), Columns.float32("value"))));

    private final SparseEmbedder embedder;
    private final String prompt;

    /** {@code prompt} is prepended to every text, as sentence-transformers' {@code encode(prompt=...)}; "" for none. */
    public SparseScorer(SparseEmbedder embedder, String prompt) {
        this.embedder = embedder;
        this.prompt = prompt == null ? "" : prompt;
    }

    @Override
    public String task() {
        return "embed";
    }

    @Override
    public List<Field> fields() {
        return FIELDS;
    }

    @Override
    public int maxLength() {
        return embedder.maxLength();
    }

    @Override
    public EncodedRows prepare(Rows rows, BufferAllocator allocator) {
        return EncodedRows.texts(rows, embedder, prompt);
    }

    @Override
    public List<FieldVector> score(EncodedRows batch, BufferAllocator allocator) {
        List<SparseEmbedder.SparseVector> results = embedder.embedEncodings(batch.encodings);
        List<List<Object[]>> sparse = new ArrayList<>(results.size());
        for (SparseEmbedder.SparseVector v : results) {
            List<Object[]> entries = new ArrayList<>(v.indices().length);
            for (int i = 0; i < v.indices().length; i++) {
                entries.add(new Object[]{v.indices()[i], v.values()[i]});
            }
            sparse.add(entries);
        }
        return Columns.vectors(FIELDS, allocator, batch.spread(sparse));
    }
}
