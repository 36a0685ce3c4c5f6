package dev.gale.arrow;

import dev.gale.encoder.EmbeddingModel;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Bad input: one clear message naming the file, the column or row, and what was expected; no output, no leak. */
class PipelineErrorsTest {
    @TempDir
    Path dir;
    static EmbeddingModel model;
    private final BufferAllocator allocator = new RootAllocator();
    private final List<String> texts = new ArrayList<>(List.of("one", "two", "three", "four", "five", "six"));

    @BeforeAll
    static void load() {
        model = EmbeddingModel.load("all-minilm-l6-v2");
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    @AfterEach
    void noLeakAndNoOutput() throws Exception {
        allocator.close(); // throws if a failed run left Arrow memory allocated
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith("out") || p.getFileName().toString().startsWith(".")).toList());
        }
    }

    private String fail(Path input, TableFormat format, String column, List<String> keep, boolean truncate) {
        Path output = dir.resolve("out.parquet");
        return assertThrows(BadInputException.class, () -> {
            EmbeddingPipeline.Options options = new EmbeddingPipeline.Options(column, keep, truncate, 2, 2, 1);
            try (TableSource source = TableSource.open(input.toString(), format, column, keep, 2, allocator);
                 TableSink sink = TableSink.open(output.toString(), TableFormat.PARQUET,
                         EmbeddingPipeline.outputSchema(source, options, model.dimensions(), TableFormat.PARQUET), allocator)) {
                EmbeddingPipeline.run(model, source, sink, allocator, options, (r, t) -> { });
            }
        }).getMessage();
    }

    private Path parquet(List<String> rows) throws Exception {
        Path input = dir.resolve("in.parquet");
        Tables.write(input, TableFormat.PARQUET, rows, 4, allocator);
        return input;
    }

    @Test
    void missingColumnListsTheColumns() throws Exception {
        Path input = parquet(texts);
        assertEquals(input + ": no column 'body'; the columns are: id (int64), text (utf8), score (float64)",
                fail(input, TableFormat.PARQUET, "body", List.of(), true));
        assertEquals(input + ": no column 'title'; the columns are: id (int64), text (utf8), score (float64)",
                fail(input, TableFormat.PARQUET, "text", List.of("id", "title"), true));
    }

    @Test
    void textColumnMustHoldStrings() throws Exception {
        Path input = parquet(texts);
        assertEquals(input + ": column 'score' is float64, expected a string column (utf8 or large_utf8); "
                + "the columns are: id (int64), text (utf8), score (float64)", fail(input, TableFormat.PARQUET, "score", List.of(), true));
    }

    @Test
    void invalidUtf8NamesTheRow() throws Exception {
        Path input = dir.resolve("in.arrow");
        try (VectorSchemaRoot root = VectorSchemaRoot.create(Tables.SCHEMA, allocator);
             FileChannel out = FileChannel.open(input, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             ArrowFileWriter writer = new ArrowFileWriter(root, null, out)) {
            root.allocateNew();
            VarCharVector text = (VarCharVector) root.getVector("text");
            for (int r = 0; r < 6; r++) {
                text.setSafe(r, r == 4 ? new byte[]{'b', 'a', (byte) 0xC3, (byte) 0x28} : "fine".getBytes(StandardCharsets.UTF_8));
            }
            root.setRowCount(6);
            writer.start();
            writer.writeBatch();
            writer.end();
        }
        assertEquals(input + ", row 4: invalid UTF-8 in the text", fail(input, TableFormat.ARROW, "text", List.of(), true));
    }

    @Test
    void overlongTextWithoutTruncationNamesTheRow() throws Exception {
        texts.set(3, "word ".repeat(300));
        Path input = parquet(texts);
        // 300 words + [CLS] + [SEP]
        assertEquals(input + ", row 3: text has 302 tokens, more than the max length 256 (truncation is off)",
                fail(input, TableFormat.PARQUET, "text", List.of(), false));
    }

    @Test
    void notParquetAndNoRows() throws Exception {
        Path garbage = dir.resolve("garbage.parquet");
        Files.writeString(garbage, "this is not a parquet file, just text long enough to have a footer");
        String message = fail(garbage, TableFormat.PARQUET, "text", List.of(), true);
        assertEquals(garbage + ": not a readable Parquet file", message.substring(0, message.indexOf(" (")));
        Files.delete(garbage);

        Path empty = dir.resolve("none.arrows");
        Tables.write(empty, TableFormat.ARROWS, List.of(), 4, allocator);
        assertEquals(empty + ": no rows to embed", fail(empty, TableFormat.ARROWS, "text", List.of(), true));
    }
}
