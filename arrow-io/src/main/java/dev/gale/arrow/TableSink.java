package dev.gale.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;

/**
 * Where scored batches go, in order. Output appears under its final name only on {@link #commit()};
 * closing without commit leaves nothing there.
 */
public interface TableSink extends AutoCloseable {

    /** Writes {@code batch} and takes ownership of its buffers: the batch is closed when this returns. */
    void write(VectorSchemaRoot batch) throws IOException;

    /** The batches' schema: the carried columns, then the embedding. */
    Schema schema();

    /** Finishes the output and moves it to its final name. */
    void commit() throws IOException;

    @Override
    void close() throws IOException;

    /**
     * A sink for {@code format} writing {@code output} ("-" is stdout, for JSONL and the Arrow stream format).
     * {@code schema} is the batches' schema: kept columns, then {@link EmbeddingColumn#field}.
     */
    static TableSink open(String output, TableFormat format, Schema schema, BufferAllocator allocator) throws IOException {
        return switch (format) {
            case PARQUET -> new ParquetSink(output, schema);
            case ARROW, ARROWS -> new IpcSink(output, format == TableFormat.ARROW, schema, allocator);
            case JSONL -> new JsonlSink(output, schema);
            case TEXT -> throw new BadInputException("text is an input format; write jsonl, parquet, arrow or arrows");
        };
    }
}
