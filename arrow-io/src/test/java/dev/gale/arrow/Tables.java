package dev.gale.arrow;

import org.apache.arrow.dataset.file.DatasetFileWriter;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.BaseListVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Test tables: (id int64, text utf8 nullable, score float64) written in each format, and outputs read back. */
public final class Tables {
    public static final Schema SCHEMA = new Schema(List.of(
            new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
            new Field("text", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
            new Field("score", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null)));

    /**
     * Batches handed to Arrow C++'s writer come from this allocator, never closed: C++ releases the last
     * exported buffers on its own threads after the write returns, so a test's allocator would report them
     * as a leak that is not Gale's.
     */
    private static final BufferAllocator TO_ARROW_CPP = new RootAllocator();

    private Tables() {}

    /** Rows [from, to) of {@code texts} into {@code root}: id = row, score = row / 2. */
    private static void fill(VectorSchemaRoot root, List<String> texts, int from, int to) {
        root.allocateNew();
        BigIntVector id = (BigIntVector) root.getVector("id");
        VarCharVector text = (VarCharVector) root.getVector("text");
        Float8Vector score = (Float8Vector) root.getVector("score");
        for (int r = from; r < to; r++) {
            id.setSafe(r - from, r);
            if (texts.get(r) != null) {
                text.setSafe(r - from, texts.get(r).getBytes(StandardCharsets.UTF_8));
            }
            score.setSafe(r - from, r / 2.0);
        }
        root.setRowCount(to - from);
    }

    /** Writes {@code texts} in batches of {@code batchRows} rows as Parquet, Arrow file or Arrow stream. */
    public static void write(Path file, TableFormat format, List<String> texts, int batchRows, BufferAllocator allocator) throws IOException {
        switch (format) {
            case PARQUET -> {
                Path dir = Files.createTempDirectory(file.getParent(), ".tables");
                try (ArrowReader reader = reader(texts, batchRows, TO_ARROW_CPP)) {
                    DatasetFileWriter.write(TO_ARROW_CPP, reader, FileFormat.PARQUET, dir.resolve("d").toUri().toString(),
                            new String[0], 1, "part-{i}.parquet");
                }
                Files.move(dir.resolve("d/part-0.parquet"), file);
                Files.delete(dir.resolve("d"));
                Files.delete(dir);
            }
            case ARROW, ARROWS -> {
                try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
                     FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                     ArrowWriter writer = format == TableFormat.ARROW ? new ArrowFileWriter(root, null, out) : new ArrowStreamWriter(root, null, out)) {
                    writer.start();
                    for (int from = 0; from < texts.size(); from += batchRows) {
                        fill(root, texts, from, Math.min(texts.size(), from + batchRows));
                        writer.writeBatch();
                    }
                    writer.end();
                }
            }
            default -> throw new IllegalArgumentException(format.toString());
        }
    }

    /** An Arrow IPC file of utf8 columns, one batch: {@code names[c]} holds {@code columns[c]} (nulls allowed). */
    public static void writeColumns(Path file, List<String> names, List<List<String>> columns) throws IOException {
        Schema schema = new Schema(names.stream().map(n -> new Field(n, FieldType.nullable(ArrowType.Utf8.INSTANCE), null)).toList());
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
             FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             ArrowWriter writer = new ArrowFileWriter(root, null, out)) {
            root.allocateNew();
            for (int c = 0; c < names.size(); c++) {
                VarCharVector v = (VarCharVector) root.getVector(c);
                List<String> values = columns.get(c);
                for (int r = 0; r < values.size(); r++) {
                    if (values.get(r) != null) {
                        v.setSafe(r, values.get(r).getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            root.setRowCount(columns.getFirst().size());
            writer.start();
            writer.writeBatch();
            writer.end();
        }
    }

    private static ArrowReader reader(List<String> texts, int batchRows, BufferAllocator allocator) {
        return new ArrowReader(allocator) {
            int from;

            @Override
            public boolean loadNextBatch() throws IOException {
                if (from >= texts.size()) {
                    return false;
                }
                fill(getVectorSchemaRoot(), texts, from, Math.min(texts.size(), from + batchRows));
                from += batchRows;
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
                return SCHEMA;
            }
        };
    }

    /** An output table read back: every column as Java objects, embeddings as float[] (null for a null row; none without an embedding column). */
    public record Output(Schema schema, List<List<Object>> columns, List<float[]> embeddings) {
        public List<Object> column(String name) {
            return columns.get(schema.getFields().indexOf(schema.findField(name)));
        }
    }

    public static Output read(Path file, TableFormat format, BufferAllocator allocator) throws Exception {
        return switch (format) {
            case PARQUET -> {
                try (var factory = new FileSystemDatasetFactory(allocator, NativeMemoryPool.getDefault(), FileFormat.PARQUET, file.toUri().toString());
                     var dataset = factory.finish();
                     var scanner = dataset.newScan(new ScanOptions(1000));
                     ArrowReader reader = scanner.scanBatches()) {
                    yield read(reader);
                }
            }
            case ARROW -> {
                try (ArrowReader reader = new ArrowFileReader(FileChannel.open(file), allocator)) {
                    yield read(reader);
                }
            }
            case ARROWS -> {
                try (ArrowReader reader = new ArrowStreamReader(Files.newInputStream(file), allocator)) {
                    yield read(reader);
                }
            }
            default -> throw new IllegalArgumentException(format.toString());
        };
    }

    private static Output read(ArrowReader reader) throws IOException {
        Schema schema = reader.getVectorSchemaRoot().getSchema();
        List<List<Object>> columns = new ArrayList<>();
        schema.getFields().forEach(f -> columns.add(new ArrayList<>()));
        List<float[]> embeddings = new ArrayList<>();
        while (reader.loadNextBatch()) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            for (int c = 0; c < schema.getFields().size(); c++) {
                FieldVector v = root.getVector(c);
                for (int r = 0; r < root.getRowCount(); r++) {
                    columns.get(c).add(plain(v.getObject(r)));
                }
            }
            FieldVector e = root.getSchema().getFields().stream().anyMatch(f -> f.getName().equals(EmbeddingColumn.NAME))
                    ? root.getVector(EmbeddingColumn.NAME) : null;
            for (int r = 0; e != null && r < root.getRowCount(); r++) {
                embeddings.add(e.isNull(r) ? null : floats((BaseListVector) e, r));
            }
        }
        return new Output(schema, columns, embeddings);
    }

    /** Arrow's Java values as plain ones: Text as String, nested lists and structs (maps) converted too. */
    static Object plain(Object value) {
        return switch (value) {
            case org.apache.arrow.vector.util.Text t -> t.toString();
            case List<?> list -> list.stream().map(Tables::plain).toList();
            case java.util.Map<?, ?> map -> {
                java.util.Map<Object, Object> out = new java.util.LinkedHashMap<>();
                map.forEach((k, v) -> out.put(k, plain(v)));
                yield out;
            }
            case null, default -> value;
        };
    }

    private static float[] floats(BaseListVector list, int r) {
        Float4Vector values = (Float4Vector) (list instanceof FixedSizeListVector f ? f.getDataVector() : ((ListVector) list).getDataVector());
        int start = list.getElementStartIndex(r);
        float[] v = new float[list.getElementEndIndex(r) - start];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(start + i);
        }
        return v;
    }
}
