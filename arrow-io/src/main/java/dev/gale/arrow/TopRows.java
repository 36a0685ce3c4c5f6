package dev.gale.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * A sink that passes on only the {@code k} rows of highest score, highest first, in one batch on commit (as
 * TEI's {@code /rerank} with {@code top_n}); ties keep input order; rows with a null score are left out.
 * It holds at most {@code 2k} rows (the best so far and the newer candidates), copied out of the batches.
 */
final class TopRows implements TableSink {
    static final String SCORE = "score";

    private final TableSink sink;
    private final int k;
    private final int scoreColumn;
    private final BufferAllocator allocator;
    private VectorSchemaRoot held;
    private float[] scores;   // (held rows)
    private long[] order;     // (held rows) arrival order, for ties
    private int size;
    private long seen;
    private boolean full;     // k rows held after a compaction: a newcomer must beat the last of them
    private float threshold;

    TopRows(TableSink sink, int k, String scoreColumn, BufferAllocator allocator) {
        Schema schema = sink.schema();
        int column = schema.getFields().indexOf(schema.findField(scoreColumn));
        if (column < 0 || !(schema.getFields().get(column).getType().equals(Columns.FLOAT32))) {
            throw new IllegalArgumentException("top-k needs a float32 '" + scoreColumn + "' column; the output has " + schema);
        }
        this.sink = sink;
        this.k = k;
        this.scoreColumn = column;
        this.allocator = allocator;
        this.held = VectorSchemaRoot.create(schema, allocator);
        this.scores = new float[(int) Math.min(2L * k, 1 << 16)];
        this.order = new long[scores.length];
    }

    @Override
    public void write(VectorSchemaRoot batch) throws IOException {
        try (batch) {
            Float4Vector score = (Float4Vector) batch.getVector(scoreColumn);
            for (int r = 0; r < batch.getRowCount(); r++) {
                if (score.isNull(r) || (full && !(score.get(r) > threshold))) {
                    continue;
                }
                if (size == scores.length) {
                    scores = Arrays.copyOf(scores, 2 * size);
                    order = Arrays.copyOf(order, 2 * size);
                }
                for (int c = 0; c < held.getFieldVectors().size(); c++) {
                    held.getVector(c).copyFromSafe(r, size, batch.getVector(c));
                }
                scores[size] = score.get(r);
                order[size] = seen + r;
                size++;
                held.setRowCount(size);
                if (size >= 2L * k) {
                    compact();
                }
            }
            seen += batch.getRowCount();
        }
    }

    /** Keeps the best k held rows, best first. */
    private void compact() {
        Integer[] best = IntStream.range(0, size).boxed().toArray(Integer[]::new);
        Arrays.sort(best, Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingLong(i -> order[i]));
        int keep = Math.min(k, size);
        VectorSchemaRoot kept = VectorSchemaRoot.create(held.getSchema(), allocator);
        float[] keptScores = new float[scores.length];
        long[] keptOrder = new long[order.length];
        for (int i = 0; i < keep; i++) {
            for (int c = 0; c < kept.getFieldVectors().size(); c++) {
                kept.getVector(c).copyFromSafe(best[i], i, held.getVector(c));
            }
            keptScores[i] = scores[best[i]];
            keptOrder[i] = order[best[i]];
        }
        kept.setRowCount(keep);
        held.close();
        held = kept;
        scores = keptScores;
        order = keptOrder;
        size = keep;
        full = size == k;
        threshold = full ? scores[k - 1] : Float.NEGATIVE_INFINITY;
    }

    @Override
    public Schema schema() {
        return sink.schema();
    }

    @Override
    public void commit() throws IOException {
        compact();
        VectorSchemaRoot out = held;
        held = VectorSchemaRoot.create(out.getSchema(), allocator);
        if (size > 0) {
            sink.write(out);
        } else {
            out.close();
        }
        sink.commit();
    }

    @Override
    public void close() throws IOException {
        try (sink) {
            held.close();
        }
    }
}
