package dev.gale.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.model.BertConfig;
import dev.gale.encoder.model.DType;
import dev.gale.encoder.model.SafeTensors;
import dev.gale.encoder.model.Tensor;
import org.apache.arrow.dataset.file.DatasetFileWriter;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Inputs for the streaming benchmark ({@code bench/stream}), generated, never committed:
 * <pre>
 *   model DIR                 a tiny random-weight BERT (2 layers, hidden 32) with all-MiniLM-L6-v2's tokenizer
 *   parquet FILE ROWS [real]  (id int64, text utf8) rows: texts of 1 to 300 words drawn from the corpus's
 *                             vocabulary with a long-tailed length, every 1000th text null; or, with "real",
 *                             the corpus texts themselves, repeated to ROWS rows
 *   check FILE ROWS [real]    the output has ROWS rows with ids 0..ROWS-1 in order, and null embeddings exactly
 *                             where the text was null
 * </pre>
 */
public final class StreamingData {
    private static final Path CORPUS = Path.of("encoder/src/test/resources/corpus/texts.jsonl");
    private static final Schema SCHEMA = new Schema(List.of(
            new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
            new Field("text", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "model" -> model(Path.of(args[1]));
            case "parquet" -> parquet(Path.of(args[1]), Long.parseLong(args[2]), args.length > 3 && args[3].equals("real"));
            case "check" -> check(Path.of(args[1]), Long.parseLong(args[2]), args.length > 3 && args[3].equals("real"));
            default -> throw new IllegalArgumentException("expected model, parquet or check, got " + args[0]);
        }
    }

    static void model(Path dir) throws IOException {
        Files.createDirectories(dir);
        int hidden = 32, layers = 2, heads = 2, intermediate = 64, vocab = 30522, positions = 512;
        BertConfig config = new BertConfig("bert", vocab, hidden, layers, heads, intermediate, "gelu", positions, 2, 1e-12f, "absolute");
        Random random = new Random(42);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            add(tensors, arena, random, "embeddings.word_embeddings.weight", vocab, hidden);
            add(tensors, arena, random, "embeddings.position_embeddings.weight", positions, hidden);
            add(tensors, arena, random, "embeddings.token_type_embeddings.weight", 2, hidden);
            addNorm(tensors, arena, "embeddings.LayerNorm", hidden);
            for (int l = 0; l < layers; l++) {
                String p = "encoder.layer." + l + ".";
                for (String name : List.of("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense")) {
                    add(tensors, arena, random, p + name + ".weight", hidden, hidden);
                    add(tensors, arena, random, p + name + ".bias", hidden);
                }
                addNorm(tensors, arena, p + "attention.output.LayerNorm", hidden);
                add(tensors, arena, random, p + "intermediate.dense.weight", intermediate, hidden);
                add(tensors, arena, random, p + "intermediate.dense.bias", intermediate);
                add(tensors, arena, random, p + "output.dense.weight", hidden, intermediate);
                add(tensors, arena, random, p + "output.dense.bias", hidden);
                addNorm(tensors, arena, p + "output.LayerNorm", hidden);
            }
            SafeTensors.writeF32(dir.resolve("model.safetensors"), tensors);
        }
        Files.writeString(dir.resolve("config.json"), config.toJson());
        Files.writeString(dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 256, \"do_lower_case\": false}");
        try (InputStream tokenizer = StreamingData.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(tokenizer, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println("tiny model: " + dir);
    }

    private static void add(Map<String, Tensor> tensors, Arena arena, Random random, String name, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        MemorySegment data = arena.allocate(4 * n);
        for (long i = 0; i < n; i++) {
            data.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (random.nextGaussian() * 0.05));
        }
        tensors.put(name, new Tensor(name, DType.F32, shape, data, false, "random"));
    }

    private static void addNorm(Map<String, Tensor> tensors, Arena arena, String prefix, int hidden) {
        MemorySegment ones = arena.allocate(4L * hidden);
        for (int i = 0; i < hidden; i++) {
            ones.setAtIndex(ValueLayout.JAVA_FLOAT, i, 1f);
        }
        tensors.put(prefix + ".weight", new Tensor(prefix + ".weight", DType.F32, new long[]{hidden}, ones, false, "ones"));
        tensors.put(prefix + ".bias", new Tensor(prefix + ".bias", DType.F32, new long[]{hidden}, arena.allocate(4L * hidden), false, "zeros"));
    }

    static void parquet(Path file, long rows, boolean real) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(CORPUS)) {
            texts.add(json.readTree(line).get("text").asText());
        }
        List<String> words = texts.stream().flatMap(t -> List.of(t.split("\\s+")).stream()).filter(w -> !w.isEmpty()).toList();
        Random random = new Random(7);
        Path dir = Files.createTempDirectory(file.toAbsolutePath().getParent(), ".parquet-gen");
        // not closed: Arrow C++ releases the last exported batch on its own threads after the write returns
        BufferAllocator allocator = new RootAllocator();
        try (ArrowReader reader = new ArrowReader(allocator) {
                 long next;

                 @Override
                 public boolean loadNextBatch() throws IOException {
                     if (next >= rows) {
                         return false;
                     }
                     VectorSchemaRoot root = getVectorSchemaRoot();
                     int n = (int) Math.min(10_000, rows - next);
                     root.allocateNew();
                     BigIntVector id = (BigIntVector) root.getVector("id");
                     VarCharVector text = (VarCharVector) root.getVector("text");
                     StringBuilder sb = new StringBuilder();
                     for (int r = 0; r < n; r++, next++) {
                         id.setSafe(r, next);
                         if (!real && next % 1000 == 999) {
                             continue;
                         }
                         String value;
                         if (real) {
                             value = texts.get((int) (next % texts.size()));
                         } else {
                             // long-tailed lengths: most texts short, some paragraphs
                             int length = 1 + (int) Math.min(299, Math.exp(random.nextDouble() * Math.log(300)));
                             sb.setLength(0);
                             for (int w = 0; w < length; w++) {
                                 sb.append(w == 0 ? "" : " ").append(words.get(random.nextInt(words.size())));
                             }
                             value = sb.toString();
                         }
                         text.setSafe(r, value.getBytes(StandardCharsets.UTF_8));
                     }
                     root.setRowCount(n);
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
             }) {
            DatasetFileWriter.write(allocator, reader, FileFormat.PARQUET, dir.resolve("d").toUri().toString(), new String[0], 1, "part-{i}.parquet");
        }
        Files.move(dir.resolve("d/part-0.parquet"), file, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(dir.resolve("d"));
        Files.delete(dir);
        System.out.printf("%s: %,d rows, %,d bytes%n", file, rows, Files.size(file));
    }

    static void check(Path file, long rows, boolean real) throws Exception {
        long count = 0;
        long nulls = 0;
        try (BufferAllocator allocator = new RootAllocator();
             var factory = new FileSystemDatasetFactory(allocator, NativeMemoryPool.getDefault(), FileFormat.PARQUET, file.toAbsolutePath().toUri().toString());
             var dataset = factory.finish();
             var scanner = dataset.newScan(new ScanOptions(32_768));
             ArrowReader reader = scanner.scanBatches()) {
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                BigIntVector id = (BigIntVector) root.getVector("id");
                FieldVector embedding = root.getVector("embedding");
                for (int r = 0; r < root.getRowCount(); r++, count++) {
                    if (id.get(r) != count) {
                        throw new AssertionError("row " + count + " has id " + id.get(r));
                    }
                    if (embedding.isNull(r) != (!real && count % 1000 == 999)) {
                        throw new AssertionError("row " + count + ": embedding " + (embedding.isNull(r) ? "null" : "present")
                                + " where the text was " + (embedding.isNull(r) ? "present" : "null"));
                    }
                    if (embedding.isNull(r)) {
                        nulls++;
                    }
                }
            }
        }
        if (count != rows) {
            throw new AssertionError(file + ": " + count + " rows, expected " + rows);
        }
        System.out.printf("%s: %,d rows in order, %,d null embeddings%n", file, count, nulls);
    }
}
