package dev.gale.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.nio.channels.Channels;

/** Arrow IPC output, file or stream format. Each batch's buffers are moved into the writer's root, not copied. */
final class IpcSink implements TableSink {
    private final AtomicOutput output;
    private final VectorSchemaRoot root;
    private final ArrowWriter writer;
    private final Schema schema;

    IpcSink(String output, boolean fileFormat, Schema schema, BufferAllocator allocator) throws IOException {
        if (fileFormat && output.equals("-")) {
            throw new BadInputException("the Arrow file format cannot go to stdout; use --format arrows, or give --output a file name");
        }
        this.schema = schema;
        this.output = AtomicOutput.file(output);
        this.root = VectorSchemaRoot.create(schema, allocator);
        var channel = Channels.newChannel(this.output.stream());
        this.writer = fileFormat ? new ArrowFileWriter(root, null, channel) : new ArrowStreamWriter(root, null, channel);
        writer.start();
    }

    @Override
    public void write(VectorSchemaRoot batch) throws IOException {
        try (batch) {
            for (int i = 0; i < root.getFieldVectors().size(); i++) {
                batch.getVector(i).makeTransferPair(root.getVector(i)).transfer();
            }
            root.setRowCount(batch.getRowCount());
            writer.writeBatch();
        } finally {
            root.clear();
        }
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public void commit() throws IOException {
        writer.end();
        output.commit();
    }

    @Override
    public void close() throws IOException {
        try (output; root) {
            writer.close();
        }
    }
}
