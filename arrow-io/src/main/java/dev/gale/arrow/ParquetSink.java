package dev.gale.arrow;

import org.apache.arrow.dataset.file.DatasetFileWriter;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Parquet output through Arrow's dataset writer (C++, over JNI). The writer pulls batches from a small
 * queue on its own thread, so a slow disk holds the pipeline back instead of filling memory. The embedding
 * column is written as {@code List<Float32>} (see {@link EmbeddingColumn#parquetField()}).
 */
final class ParquetSink implements TableSink {
    private static final VectorSchemaRoot END = new VectorSchemaRoot(List.of());

    private final AtomicOutput output;
    private final BlockingQueue<VectorSchemaRoot> queue = new ArrayBlockingQueue<>(2);
    private final Thread thread;
    private final BufferAllocator allocator;
    private volatile Throwable failure;
    private volatile boolean aborted;

    ParquetSink(String output, Schema schema, BufferAllocator allocator) throws IOException {
        this.output = AtomicOutput.directory(output);
        this.allocator = allocator;
        List<Field> fields = new ArrayList<>(schema.getFields());
        fields.set(fields.size() - 1, EmbeddingColumn.parquetField());
        Schema parquetSchema = new Schema(fields);
        String uri = this.output.temp().resolve("data").toUri().toString();
        thread = Thread.ofPlatform().name("gale-parquet-writer").unstarted(() -> {
            try (QueueReader reader = new QueueReader(allocator, parquetSchema)) {
                DatasetFileWriter.write(allocator, reader, FileFormat.PARQUET, uri, new String[0], 1, "part-{i}.parquet");
            } catch (Throwable t) {
                failure = t;
            }
        });
        thread.start();
    }

    @Override
    public void write(VectorSchemaRoot batch) throws IOException {
        List<FieldVector> vectors = new ArrayList<>(batch.getFieldVectors());
        FixedSizeListVector embedding = (FixedSizeListVector) vectors.getLast();
        ListVector list;
        try {
            list = EmbeddingColumn.toList(embedding, allocator);
        } catch (RuntimeException | Error e) {
            batch.close();
            throw e;
        }
        embedding.close();
        vectors.set(vectors.size() - 1, list);
        VectorSchemaRoot converted = new VectorSchemaRoot(vectors);
        converted.setRowCount(batch.getRowCount());
        put(converted);
    }

    private void put(VectorSchemaRoot batch) throws IOException {
        try {
            while (!queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                checkWriter();
            }
        } catch (InterruptedException e) {
            batch.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing Parquet", e);
        } catch (IOException | RuntimeException e) {
            batch.close();
            throw e;
        }
    }

    private void checkWriter() throws IOException {
        if (failure != null) {
            throw new IOException("writing Parquet failed: " + failure.getMessage(), failure);
        }
        if (!thread.isAlive()) {
            throw new IOException("the Parquet writer stopped early");
        }
    }

    @Override
    public void commit() throws IOException {
        put(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while finishing Parquet", e);
        }
        if (failure != null) {
            throw new IOException("writing Parquet failed: " + failure.getMessage(), failure);
        }
        output.commit();
    }

    @Override
    public void close() throws IOException {
        if (thread.isAlive()) {
            aborted = true;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (VectorSchemaRoot left; (left = queue.poll()) != null; ) {
            left.close();
        }
        output.close();
    }

    /** The batches put on the queue, as the reader the dataset writer pulls from. */
    private final class QueueReader extends ArrowReader {
        private final Schema schema;

        QueueReader(BufferAllocator allocator, Schema schema) {
            super(allocator);
            this.schema = schema;
        }

        @Override
        public boolean loadNextBatch() throws IOException {
            VectorSchemaRoot next;
            try {
                do {
                    if (aborted) {
                        throw new IOException("Parquet output abandoned");
                    }
                    next = queue.poll(100, TimeUnit.MILLISECONDS);
                } while (next == null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (next == END) {
                return false;
            }
            VectorSchemaRoot root = getVectorSchemaRoot();
            try (VectorSchemaRoot batch = next) {
                for (int i = 0; i < root.getFieldVectors().size(); i++) {
                    batch.getVector(i).makeTransferPair(root.getVector(i)).transfer();
                }
                root.setRowCount(batch.getRowCount());
            }
            return true;
        }

        @Override
        public long bytesRead() {
            return 0;
        }

        @Override
        protected void closeReadSource() {
        }

        @Override
        protected Schema readSchema() {
            return schema;
        }
    }
}
