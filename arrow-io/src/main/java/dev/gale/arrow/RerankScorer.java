package dev.gale.arrow;

import dev.gale.encoder.Reranker;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;

import java.util.ArrayList;
import java.util.List;

/**
 * Cross-encoder reranking ({@link Reranker}), as sentence-transformers' {@code CrossEncoder.predict} and TEI's
 * {@code /rerank}: per row {@code index} int32 (the input row number, never null) and {@code score} float32,
 * of (query, text) with a query, else of (text, pair column). A null text, or a null pair, gives a null score.
 * The K best rows, highest first, come from the pipeline's {@link ScoringPipeline.Options#topK}.
 */
public final class RerankScorer implements Scorer<EncodedRows> {
    public static final List<Field> FIELDS = List.of(Columns.required(Columns.int32("index")), Columns.float32("score"));

    private final Reranker reranker;
    private final String query;
    private final boolean raw;

    /**
     * @param query the query every row's text is scored against, or null to score the rows' own pairs
     * @param raw   the logits, without the model's activation (sigmoid)
     */
    public RerankScorer(Reranker reranker, String query, boolean raw) {
        this.reranker = reranker;
        this.query = query;
        this.raw = raw;
    }

    @Override
    public String task() {
        return "rerank";
    }

    @Override
    public List<Field> fields() {
        return FIELDS;
    }

    @Override
    public int maxLength() {
        return reranker.maxLength();
    }

    @Override
    public EncodedRows prepare(Rows rows, BufferAllocator allocator) {
        if (query == null && rows.pair() == null) {
            throw new IllegalStateException("reranking without a query needs the pair column");
        }
        if (rows.firstRow() + rows.count() - 1 > Integer.MAX_VALUE) {
            throw new BadInputException(rows.where(Integer.MAX_VALUE - rows.firstRow() + 1)
                    + ": past the last row an int32 index can name; rerank at most 2^31 rows at once");
        }
        return EncodedRows.pairs(rows, reranker, query, true);
    }

    @Override
    public List<FieldVector> score(EncodedRows batch, BufferAllocator allocator) {
        float[] scores = reranker.score(batch.encodings, raw);
        List<Integer> index = new ArrayList<>(batch.rows);
        for (int r = 0; r < batch.rows; r++) {
            index.add(Math.toIntExact(batch.firstRow + r));
        }
        List<Float> score = new ArrayList<>(scores.length);
        for (float s : scores) {
            score.add(s);
        }
        return Columns.vectors(FIELDS, allocator, index, batch.spread(score));
    }
}
