package dev.gale.arrow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.Corpus;
import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.ReferenceModels;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parquet and Arrow IPC (file and stream) in, every format out: N rows in, the same N rows out in order,
 * kept columns intact, nulls preserved, and embeddings equal to the model's own API on the same texts and
 * to the JSONL path. Small batches (16 rows, 300 tokens per encoder pass) so every run crosses many batch
 * boundaries.
 */
class PipelineRoundTripTest {
    private static final int ROWS_PER_BATCH = 16;
    private static final List<TableFormat> OUTPUTS = List.of(TableFormat.PARQUET, TableFormat.ARROW, TableFormat.ARROWS, TableFormat.JSONL);

    @TempDir
    static Path dir;
    static EmbeddingModel model;
    static List<String> texts;
    static List<float[]> expected;

    @BeforeAll
    static void setUp() throws Exception {
        model = EmbeddingModel.load("all-minilm-l6-v2", new EmbeddingModel.Options(null, null, 0, 0, 0, 300));
        List<String> corpus = Corpus.texts();
        texts = new ArrayList<>();
        // every 25th corpus text, so short lines, paragraphs and texts over the max length all come up
        for (int i = 0; i < corpus.size() && texts.size() < 90; i += 25) {
            texts.add(corpus.get(i));
        }
        texts.set(3, null);
        texts.set(40, null);
        texts.set(41, null);
        texts.set(10, "");
        texts.add(null);
        expected = new ArrayList<>();
        for (String t : texts) {
            expected.add(t == null ? null : model.embed(t));
        }
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    static Stream<Arguments> formats() {
        return Stream.of(TableFormat.PARQUET, TableFormat.ARROW, TableFormat.ARROWS)
                .flatMap(in -> OUTPUTS.stream().map(out -> Arguments.of(in, out)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("formats")
    void roundTrip(TableFormat in, TableFormat out) throws Exception {
        Path input = dir.resolve("in-" + in.id() + "-" + out.id() + "." + in.id());
        Path output = dir.resolve("out-" + in.id() + "." + out.id());
        try (BufferAllocator allocator = new RootAllocator()) {
            Tables.write(input, in, texts, 50, allocator);
            ScoringPipeline.Summary summary = embed(input, in, output, out, List.of("id", "score"));
            assertEquals(texts.size(), summary.rows());
            assertEquals(4, summary.nulls());

            if (out == TableFormat.JSONL) {
                List<String> lines = Files.readAllLines(output);
                assertEquals(texts.size(), lines.size());
                ObjectMapper json = new ObjectMapper();
                for (int r = 0; r < lines.size(); r++) {
                    JsonNode row = json.readTree(lines.get(r));
                    assertEquals(List.of("id", "score", "embedding"), iterableToList(row.fieldNames()));
                    assertEquals(r, row.get("id").asLong());
                    assertEquals(r / 2.0, row.get("score").asDouble());
                    checkEmbedding(r, row.get("embedding").isNull() ? null : floats(row.get("embedding")));
                }
                return;
            }
            Tables.Output result = Tables.read(output, out, allocator);
            assertEquals(List.of("id", "score", "embedding"), result.schema().getFields().stream().map(f -> f.getName()).toList());
            ArrowType embeddingType = result.schema().findField("embedding").getType();
            if (out == TableFormat.PARQUET) {
                assertInstanceOf(ArrowType.List.class, embeddingType);
            } else {
                assertEquals(new ArrowType.FixedSizeList(384), embeddingType);
            }
            assertEquals(texts.size(), result.embeddings().size());
            for (int r = 0; r < texts.size(); r++) {
                assertEquals((long) r, result.column("id").get(r));
                assertEquals(r / 2.0, result.column("score").get(r));
                checkEmbedding(r, result.embeddings().get(r));
            }
        }
    }

    /** The JSONL path (text lines through the same pipeline) against Parquet in, Parquet out. */
    @Test
    void jsonlPathMatchesTheParquetPath() throws Exception {
        Path jsonl = dir.resolve("same.jsonl");
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (int r = 0; r < texts.size(); r++) {
            var node = json.createObjectNode().put("id", r);
            if (texts.get(r) == null) {
                node.putNull("text");
            } else {
                node.put("text", texts.get(r));
            }
            lines.add(json.writeValueAsString(node));
        }
        Files.write(jsonl, lines);
        Path parquet = dir.resolve("same.parquet");
        try (BufferAllocator allocator = new RootAllocator()) {
            Tables.write(parquet, TableFormat.PARQUET, texts, 64, allocator);
            Path fromJsonl = dir.resolve("from-jsonl.jsonl");
            Path fromParquet = dir.resolve("from-parquet.parquet");
            embed(jsonl, TableFormat.JSONL, fromJsonl, TableFormat.JSONL, List.of());
            embed(parquet, TableFormat.PARQUET, fromParquet, TableFormat.PARQUET, List.of("id"));
            List<String> out = Files.readAllLines(fromJsonl);
            Tables.Output table = Tables.read(fromParquet, TableFormat.PARQUET, allocator);
            assertEquals(texts.size(), out.size());
            for (int r = 0; r < texts.size(); r++) {
                JsonNode row = json.readTree(out.get(r));
                assertEquals(r, row.get("id").asInt());
                float[] a = row.get("embedding").isNull() ? null : floats(row.get("embedding"));
                float[] b = table.embeddings().get(r);
                assertEquals(a == null, b == null, "row " + r);
                if (a != null) {
                    assertTrue(ReferenceModels.cosine(a, b) >= 0.99999, "row " + r);
                }
            }
        }
    }

    /** The text column itself can be kept, from a table or from JSONL lines (nulls included). */
    @Test
    void keepsTheTextColumn() throws Exception {
        Path parquet = dir.resolve("keep-text.parquet");
        Path jsonl = dir.resolve("keep-text.jsonl");
        List<String> lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String t : texts) {
            lines.add(t == null ? "{\"text\": null}" : json.writeValueAsString(java.util.Map.of("text", t)));
        }
        Files.write(jsonl, lines);
        try (BufferAllocator allocator = new RootAllocator()) {
            Tables.write(parquet, TableFormat.PARQUET, texts, 32, allocator);
            Path fromTable = dir.resolve("keep-text-table.arrow");
            Path fromLines = dir.resolve("keep-text-lines.parquet");
            embed(parquet, TableFormat.PARQUET, fromTable, TableFormat.ARROW, List.of("text", "id"));
            embed(jsonl, TableFormat.JSONL, fromLines, TableFormat.PARQUET, List.of("text"));
            for (Tables.Output out : List.of(Tables.read(fromTable, TableFormat.ARROW, allocator), Tables.read(fromLines, TableFormat.PARQUET, allocator))) {
                assertEquals("text", out.schema().getFields().getFirst().getName());
                assertEquals(texts, out.column("text"));
                for (int r = 0; r < texts.size(); r++) {
                    checkEmbedding(r, out.embeddings().get(r));
                }
            }
        }
    }

    /** A large_utf8 text column (64-bit offsets), as Polars and some pyarrow code write strings. */
    @Test
    void largeUtf8TextColumn() throws Exception {
        Path input = dir.resolve("large.arrows");
        List<String> some = texts.subList(0, 12);
        var schema = new org.apache.arrow.vector.types.pojo.Schema(List.of(new org.apache.arrow.vector.types.pojo.Field("text",
                org.apache.arrow.vector.types.pojo.FieldType.nullable(ArrowType.LargeUtf8.INSTANCE), null)));
        try (BufferAllocator allocator = new RootAllocator();
             org.apache.arrow.vector.VectorSchemaRoot root = org.apache.arrow.vector.VectorSchemaRoot.create(schema, allocator);
             var out = java.nio.channels.FileChannel.open(input, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
             var writer = new org.apache.arrow.vector.ipc.ArrowStreamWriter(root, null, out)) {
            root.allocateNew();
            var text = (org.apache.arrow.vector.LargeVarCharVector) root.getVector(0);
            for (int r = 0; r < some.size(); r++) {
                if (some.get(r) != null) {
                    text.setSafe(r, some.get(r).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            root.setRowCount(some.size());
            writer.start();
            writer.writeBatch();
            writer.end();
        }
        Path output = dir.resolve("large.jsonl");
        embed(input, TableFormat.ARROWS, output, TableFormat.JSONL, List.of());
        List<String> lines = Files.readAllLines(output);
        assertEquals(some.size(), lines.size());
        ObjectMapper json = new ObjectMapper();
        for (int r = 0; r < some.size(); r++) {
            JsonNode embedding = json.readTree(lines.get(r)).get("embedding");
            checkEmbedding(r, embedding.isNull() ? null : floats(embedding));
        }
    }

    static ScoringPipeline.Summary embed(Path input, TableFormat in, Path output, TableFormat out, List<String> keep) throws Exception {
        EmbeddingPipeline.Options options = new EmbeddingPipeline.Options("text", keep, true, ROWS_PER_BATCH, 2, 2);
        return EmbeddingPipeline.run(model, input.toString(), in, output.toString(), out, options, (rows, tokens) -> { });
    }

    private static void checkEmbedding(int r, float[] actual) {
        if (texts.get(r) == null) {
            assertNull(actual, "row " + r + " has a null text");
            return;
        }
        assertNotNull(actual, "row " + r);
        float[] want = expected.get(r);
        assertEquals(want.length, actual.length);
        double cosine = ReferenceModels.cosine(want, actual);
        assertTrue(cosine >= 0.99999, "row " + r + ": cosine " + cosine);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], actual[i], 1e-5, "row " + r + " dimension " + i);
        }
    }

    static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).floatValue();
        }
        return v;
    }

    private static List<String> iterableToList(java.util.Iterator<String> it) {
        List<String> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }

    @Test
    void summaryCountsEveryRowAndLeavesNoTemporaryFiles() throws Exception {
        Path input = dir.resolve("count.arrows");
        Path output = dir.resolve("count.parquet");
        try (BufferAllocator allocator = new RootAllocator()) {
            Tables.write(input, TableFormat.ARROWS, texts, 7, allocator);
            ScoringPipeline.Summary s = embed(input, TableFormat.ARROWS, output, TableFormat.PARQUET, List.of());
            long tokens = 0;
            for (String t : texts) {
                tokens += t == null ? 0 : model.tokenizer().encode(t, model.maxLength()).ids().length;
            }
            assertEquals(tokens, s.tokens());
        }
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".")), "a hidden temporary was left behind");
        }
    }
}
