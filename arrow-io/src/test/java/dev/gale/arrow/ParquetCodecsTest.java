package dev.gale.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Gale's Parquet writer with each page codec Gale supports, read back by Arrow C++ (an independent
 * Parquet implementation) and by Gale's own reader: same values, same nulls, same order.
 */
class ParquetCodecsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = CompressionCodecName.class, names = {"UNCOMPRESSED", "SNAPPY", "ZSTD", "GZIP"})
    void writtenPagesReadBackByArrowCppAndGale(CompressionCodecName codec) throws Exception {
        int rows = 3000; // several pages per column
        int dims = 4;
        Path file = dir.resolve(codec + ".parquet");
        try (BufferAllocator allocator = new RootAllocator()) {
            Schema schema = new Schema(List.of(Tables.SCHEMA.findField("id"), Tables.SCHEMA.findField("text"), EmbeddingColumn.field(dims)));
            try (ParquetSink sink = new ParquetSink(file.toString(), schema, codec)) {
                VectorSchemaRoot batch = VectorSchemaRoot.create(new Schema(schema.getFields().subList(0, 2)), allocator);
                batch.allocateNew();
                FixedSizeListVector embedding = EmbeddingColumn.allocate(dims, rows, allocator);
                Float4Vector values = (Float4Vector) embedding.getDataVector();
                for (int r = 0; r < rows; r++) {
                    ((BigIntVector) batch.getVector("id")).setSafe(r, r);
                    if (r % 7 != 3) {
                        ((VarCharVector) batch.getVector("text")).setSafe(r, ("row " + r + " ").repeat(r % 5 + 1).getBytes(StandardCharsets.UTF_8));
                    } else {
                        embedding.setNull(r);
                    }
                    for (int i = 0; i < dims; i++) {
                        values.set(r * dims + i, r + i / 8f);
                    }
                }
                batch.setRowCount(rows);
                List<org.apache.arrow.vector.FieldVector> vectors = new ArrayList<>(batch.getFieldVectors());
                vectors.add(embedding);
                VectorSchemaRoot all = new VectorSchemaRoot(vectors);
                all.setRowCount(rows);
                sink.write(all);
                sink.commit();
            }

            Tables.Output cpp = Tables.read(file, TableFormat.PARQUET, allocator);
            List<Object> ids = new ArrayList<>();
            List<Object> texts = new ArrayList<>();
            try (TableSource gale = TableSource.open(file.toString(), TableFormat.PARQUET, "text", List.of("id"), 1000, allocator)) {
                while (gale.reader().loadNextBatch()) {
                    VectorSchemaRoot root = gale.reader().getVectorSchemaRoot();
                    for (int r = 0; r < root.getRowCount(); r++) {
                        ids.add(root.getVector("id").getObject(r));
                        Object t = root.getVector("text").getObject(r);
                        texts.add(t == null ? null : t.toString());
                    }
                }
            }
            assertEquals(cpp.column("id"), ids);
            assertEquals(cpp.column("text"), texts);
            for (int r = 0; r < rows; r++) {
                assertEquals((long) r, cpp.column("id").get(r));
                if (r % 7 == 3) {
                    assertNull(cpp.column("text").get(r));
                    assertNull(cpp.embeddings().get(r));
                } else {
                    assertEquals(("row " + r + " ").repeat(r % 5 + 1), cpp.column("text").get(r));
                    for (int i = 0; i < dims; i++) {
                        assertEquals(r + i / 8f, cpp.embeddings().get(r)[i]);
                    }
                }
            }
        }
    }
}
