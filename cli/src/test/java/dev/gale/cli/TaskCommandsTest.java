package dev.gale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.arrow.HeadModels;
import dev.gale.arrow.TableFormat;
import dev.gale.arrow.Tables;
import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.FillMask;
import dev.gale.encoder.Reranker;
import dev.gale.encoder.SparseEmbedder;
import dev.gale.encoder.TextClassifier;
import dev.gale.encoder.TokenClassifier;
import dev.gale.encoder.tokenizer.Encoding;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gale classify, rerank, ner, fill-mask, embed --sparse / --all-tokens and info on tiny head checkpoints
 * (see {@link HeadModels}): N rows in order, nulls null, the columns' types (Parquet read back by Arrow C++),
 * values equal to the Java API's on the same texts (within 1e-5: batches of other sizes round a few ulps apart);
 * a checkpoint without the command's head exits 2.
 */
class TaskCommandsTest extends CapturesStderr {
    @TempDir
    static Path models;
    @TempDir
    Path dir;

    static Path classifier;
    static Path reranker;
    static Path ner;
    static Path mlm;
    static Path base;
    static final List<String> TEXTS = Arrays.asList("Ada Lovelace lived in London.", null, "", "Ünïcödé and 漢字 😀 in Zürich",
            "many words ".repeat(100), "last row");

    @BeforeAll
    static void buildModels() {
        classifier = HeadModels.classifier(models.resolve("classifier"), List.of("negative", "positive"), null);
        reranker = HeadModels.classifier(models.resolve("reranker"), List.of("LABEL_0"), null);
        ner = HeadModels.tokenClassifier(models.resolve("ner"), List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC"));
        mlm = HeadModels.maskedLm(models.resolve("mlm"));
        base = HeadModels.base(models.resolve("base"));
    }

    private static List<String> present(List<String> texts) {
        return texts.stream().filter(Objects::nonNull).toList();
    }

    private Path parquet(List<String> texts) throws Exception {
        Path input = dir.resolve("in.parquet");
        try (BufferAllocator allocator = new RootAllocator()) {
            Tables.write(input, TableFormat.PARQUET, texts, 2, allocator);
        }
        return input;
    }

    @Test
    void classifyParquetKeepsRowsInOrderWithNulls() throws Exception {
        Path input = parquet(TEXTS);
        Path output = dir.resolve("out.parquet");
        assertEquals(0, Gale.run("classify", "-m", classifier.toString(), "-i", input.toString(), "--keep", "id", "-o", output.toString(),
                "--batch-rows", "3"), stderr());
        assertTrue(stderr().contains("classified 6 rows"), stderr());
        assertTrue(stderr().contains("1 null texts (null labels), 1 truncated to the max length"), stderr());
        try (BufferAllocator allocator = new RootAllocator();
             TextClassifier api = TextClassifier.load(classifier.toString())) {
            Tables.Output out = Tables.read(output, TableFormat.PARQUET, allocator);
            assertEquals(List.of("id", "label", "score", "labels"), out.schema().getFields().stream().map(f -> f.getName()).toList());
            assertEquals("list<struct>", describe(out, "labels"));
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), out.column("id"));
            List<TextClassifier.Classification> want = api.classify(present(TEXTS));
            int k = 0;
            for (int r = 0; r < TEXTS.size(); r++) {
                if (TEXTS.get(r) == null) {
                    assertNull(out.column("label").get(r));
                    assertNull(out.column("score").get(r));
                    assertNull(out.column("labels").get(r));
                    continue;
                }
                TextClassifier.Classification c = want.get(k++);
                assertEquals(c.label(), out.column("label").get(r));
                assertEquals(c.score(), (Float) out.column("score").get(r), 1e-5);
                List<?> labels = (List<?>) out.column("labels").get(r);
                assertEquals(2, labels.size());
                for (int i = 0; i < 2; i++) {
                    Map<?, ?> l = (Map<?, ?>) labels.get(i);
                    assertEquals(c.labels().get(i).label(), l.get("label"));
                    assertEquals(c.labels().get(i).score(), (Float) l.get("score"), 1e-5);
                }
            }
        }
    }

    private static String describe(Tables.Output out, String column) {
        var field = out.schema().findField(column);
        return "list<" + field.getChildren().getFirst().getType().toString().toLowerCase(java.util.Locale.ROOT) + ">";
    }

    @Test
    void rerankWithAQueryAndTopK() throws Exception {
        Path input = parquet(TEXTS);
        Path all = dir.resolve("all.parquet");
        Path top = dir.resolve("top.jsonl");
        String query = "who lived in London?";
        assertEquals(0, Gale.run("rerank", "-q", "-m", reranker.toString(), "--query", query, "-i", input.toString(), "-o", all.toString()),
                stderr());
        assertEquals(0, Gale.run("rerank", "-q", "-m", reranker.toString(), "--query", query, "--top-k", "2", "--keep", "id",
                "-i", input.toString(), "-o", top.toString()), stderr());
        try (BufferAllocator allocator = new RootAllocator();
             Reranker api = Reranker.load(reranker.toString())) {
            float[] want = api.score(query, present(TEXTS), false);
            Tables.Output out = Tables.read(all, TableFormat.PARQUET, allocator);
            assertEquals(List.of(0, 1, 2, 3, 4, 5), out.column("index"));
            int k = 0;
            for (int r = 0; r < TEXTS.size(); r++) {
                if (TEXTS.get(r) == null) {
                    assertNull(out.column("score").get(r));
                } else {
                    assertEquals(want[k++], (Float) out.column("score").get(r), 1e-5, "row " + r);
                }
            }
            List<Reranker.Ranked> best = api.rank(query, present(TEXTS), 2, false);
            int[] rowOf = {0, 2, 3, 4, 5};
            List<JsonNode> lines = jsonl(top);
            assertEquals(2, lines.size());
            for (int i = 0; i < 2; i++) {
                assertEquals("{\"id\":" + rowOf[best.get(i).index()] + ",\"index\":" + rowOf[best.get(i).index()] + ",\"score\":",
                        lines.get(i).toString().substring(0, lines.get(i).toString().indexOf("\"score\":") + 8));
                assertEquals(best.get(i).score(), lines.get(i).get("score").floatValue(), 1e-5);
            }
        }
    }

    @Test
    void rerankPairsFromJsonlWithRawScores() throws Exception {
        Path input = dir.resolve("pairs.jsonl");
        Files.writeString(input, """
                {"q": "first query", "p": "first passage", "n": 1}
                {"q": "second query", "p": null, "n": 2}
                {"q": "third query", "p": "third passage", "n": 3}
                """);
        Path output = dir.resolve("pairs.out.jsonl");
        assertEquals(0, Gale.run("rerank", "-m", reranker.toString(), "--column", "q", "--pair-column", "p", "--raw-scores",
                "-i", input.toString(), "-o", output.toString()), stderr());
        assertTrue(stderr().contains("reranked 3 texts"), stderr());
        List<JsonNode> lines = jsonl(output);
        try (Reranker api = Reranker.load(reranker.toString())) {
            float[] want = api.score(List.of("first query", "third query"), List.of("first passage", "third passage"), true);
            assertEquals("{\"n\":2,\"index\":1,\"score\":null}", lines.get(1).toString());
            assertEquals(want[0], lines.get(0).get("score").floatValue(), 1e-5);
            assertEquals(want[1], lines.get(2).get("score").floatValue(), 1e-5);
        }
        assertEquals(2, Gale.run("rerank", "-m", reranker.toString(), "-i", input.toString(), "-o", output.toString()));
        assertTrue(stderr().contains("gale: give --query \"...\" (scored against every row's text), or --pair-column with each row's passage"),
                stderr());
    }

    @Test
    void nerWritesTheEntitiesOfEachAggregation() throws Exception {
        Path input = dir.resolve("in.txt");
        List<String> lines = List.of("Ada Lovelace lived in London.", "", "Paris and Zürich are cities.");
        Files.write(input, lines);
        try (TokenClassifier api = TokenClassifier.load(ner.toString())) {
            for (String aggregation : List.of("none", "simple", "first", "average", "max")) {
                Path output = dir.resolve("ner-" + aggregation + ".jsonl");
                List<String> args = new ArrayList<>(List.of("ner", "-q", "-m", ner.toString(), "-i", input.toString(), "-o", output.toString()));
                if (!aggregation.equals("none")) {
                    args.addAll(List.of("--aggregation", aggregation));
                }
                assertEquals(0, Gale.run(args.toArray(String[]::new)), stderr());
                List<List<TokenClassifier.Entity>> want = api.entities(lines, TokenClassifier.Aggregation.of(aggregation));
                List<JsonNode> got = jsonl(output);
                assertEquals(lines.size(), got.size());
                for (int r = 0; r < lines.size(); r++) {
                    JsonNode entities = got.get(r).get("entities");
                    assertEquals(want.get(r).size(), entities.size(), aggregation + " row " + r);
                    for (int i = 0; i < entities.size(); i++) {
                        TokenClassifier.Entity e = want.get(r).get(i);
                        JsonNode g = entities.get(i);
                        String expected = aggregation.equals("none")
                                ? "[entity, score, index, word, start, end]" : "[entity_group, score, word, start, end]";
                        List<String> names = new ArrayList<>();
                        g.fieldNames().forEachRemaining(names::add);
                        assertEquals(expected, names.toString());
                        assertEquals(e.label(), g.get(aggregation.equals("none") ? "entity" : "entity_group").asText());
                        assertEquals(e.score(), g.get("score").floatValue(), 1e-5);
                        assertEquals(e.word(), g.get("word").asText());
                        assertEquals(e.start(), g.get("start").asInt());
                        assertEquals(e.end(), g.get("end").asInt());
                    }
                }
            }
        }
        assertEquals(2, Gale.run("ner", "-m", ner.toString(), "--aggregation", "median", "-i", input.toString()));
        assertTrue(stderr().contains("aggregation 'median' is not one of none, simple, first, average, max"), stderr());
    }

    @Test
    void nerParquetReadsBackInArrowCpp() throws Exception {
        Path input = parquet(TEXTS);
        Path output = dir.resolve("ner.parquet");
        assertEquals(0, Gale.run("ner", "-q", "-m", ner.toString(), "--aggregation", "simple", "-i", input.toString(), "-o", output.toString()),
                stderr());
        try (BufferAllocator allocator = new RootAllocator();
             TokenClassifier api = TokenClassifier.load(ner.toString())) {
            Tables.Output out = Tables.read(output, TableFormat.PARQUET, allocator);
            var entity = out.schema().findField("entities").getChildren().getFirst();
            assertEquals(List.of("entity_group", "score", "word", "start", "end"), entity.getChildren().stream().map(f -> f.getName()).toList());
            List<List<TokenClassifier.Entity>> want = api.entities(present(TEXTS), TokenClassifier.Aggregation.SIMPLE);
            int k = 0;
            for (int r = 0; r < TEXTS.size(); r++) {
                List<?> got = (List<?>) out.column("entities").get(r);
                if (TEXTS.get(r) == null) {
                    assertNull(got);
                    continue;
                }
                List<TokenClassifier.Entity> w = want.get(k++);
                assertEquals(w.size(), got.size(), "row " + r);
                for (int i = 0; i < w.size(); i++) {
                    Map<?, ?> g = (Map<?, ?>) got.get(i);
                    assertEquals(w.get(i).label(), g.get("entity_group"));
                    assertEquals(w.get(i).word(), g.get("word"));
                    assertEquals(w.get(i).start(), g.get("start"));
                    assertEquals(w.get(i).end(), g.get("end"));
                }
            }
        }
    }

    @Test
    void fillMaskAndTheRowWithoutAMask() throws Exception {
        Path input = dir.resolve("masked.txt");
        List<String> lines = List.of("Paris is the [MASK] of France.", "the [MASK] sat on the [MASK].");
        Files.write(input, lines);
        Path output = dir.resolve("fill.jsonl");
        assertEquals(0, Gale.run("fill-mask", "-q", "-m", mlm.toString(), "--top-k", "2", "-i", input.toString(), "-o", output.toString()),
                stderr());
        List<JsonNode> got = jsonl(output);
        try (FillMask api = FillMask.load(mlm.toString())) {
            List<List<List<FillMask.Prediction>>> want = api.fill(lines, 2);
            // one mask: the pipeline's flat list; two masks: a list per mask
            JsonNode first = got.get(0).get("predictions");
            assertEquals(2, first.size());
            assertEquals(List.of("score", "token", "token_str", "sequence"), names(first.get(0)));
            assertEquals(want.get(0).get(0).get(0).tokenStr(), first.get(0).get("token_str").asText());
            assertEquals(want.get(0).get(0).get(1).sequence(), first.get(1).get("sequence").asText());
            assertEquals(want.get(0).get(0).get(0).token(), first.get(0).get("token").asInt());
            assertEquals(want.get(0).get(0).get(0).score(), first.get(0).get("score").floatValue(), 1e-5);
            JsonNode second = got.get(1).get("predictions");
            assertEquals(2, second.size());
            assertEquals(2, second.get(1).size());
            assertEquals(want.get(1).get(1).get(0).sequence(), second.get(1).get(0).get("sequence").asText());
        }
        Files.write(input, List.of("a [MASK] here", "none here", "[MASK]"));
        Path failed = dir.resolve("failed.jsonl");
        assertEquals(2, Gale.run("fill-mask", "-m", mlm.toString(), "-i", input.toString(), "-o", failed.toString()));
        assertEquals("gale: " + input + ":2: the text has no mask token [MASK]",
                stderr().lines().filter(l -> l.startsWith("gale:")).findFirst().orElse(stderr()));
        assertFalse(Files.exists(failed));
    }

    @Test
    void embedSparseAndAllTokens() throws Exception {
        Path input = parquet(TEXTS);
        Path sparse = dir.resolve("sparse.arrow");
        Path tokens = dir.resolve("tokens.jsonl");
        assertEquals(0, Gale.run("embed", "-q", "--sparse", "-m", mlm.toString(), "-i", input.toString(), "-o", sparse.toString()), stderr());
        assertEquals(0, Gale.run("embed", "-q", "--all-tokens", "-m", base.toString(), "-i", input.toString(), "-o", tokens.toString()),
                stderr());
        try (BufferAllocator allocator = new RootAllocator();
             SparseEmbedder splade = SparseEmbedder.load(mlm.toString());
             EmbeddingModel model = EmbeddingModel.load(base.toString())) {
            Tables.Output out = Tables.read(sparse, TableFormat.ARROW, allocator);
            List<SparseEmbedder.SparseVector> want = splade.embed(present(TEXTS));
            int k = 0;
            for (int r = 0; r < TEXTS.size(); r++) {
                List<?> got = (List<?>) out.column("sparse").get(r);
                if (TEXTS.get(r) == null) {
                    assertNull(got);
                    continue;
                }
                SparseEmbedder.SparseVector v = want.get(k++);
                assertEquals(v.indices().length, got.size());
                for (int i = 0; i < got.size(); i++) {
                    Map<?, ?> e = (Map<?, ?>) got.get(i);
                    assertEquals(v.indices()[i], e.get("index"));
                    assertEquals(v.values()[i], (Float) e.get("value"), 1e-5);
                }
            }
            List<JsonNode> lines = jsonl(tokens);
            assertEquals(TEXTS.size(), lines.size());
            int hidden = model.architecture().hiddenSize();
            for (int r = 0; r < TEXTS.size(); r++) {
                JsonNode got = lines.get(r).get("embeddings");
                if (TEXTS.get(r) == null) {
                    assertTrue(got.isNull());
                    continue;
                }
                Encoding e = model.tokenize(List.of(TEXTS.get(r))).getFirst();
                float[] states = model.hiddenStates(e);
                assertEquals(e.length(), got.size());
                for (int t = 0; t < e.length(); t++) {
                    for (int j = 0; j < hidden; j++) {
                        assertEquals(states[t * hidden + j], got.get(t).get(j).floatValue(), 1e-5);
                    }
                }
            }
        }
        assertEquals(2, Gale.run("embed", "--sparse", "--dimensions", "8", "-m", mlm.toString(), "-i", input.toString()));
        assertEquals(2, Gale.run("embed", "--sparse", "--all-tokens", "-m", mlm.toString(), "-i", input.toString()));
    }

    @Test
    void aCheckpointWithoutTheHeadExitsTwo() throws Exception {
        Path input = dir.resolve("in.txt");
        Files.writeString(input, "hello [MASK]\n");
        Path output = dir.resolve("o.jsonl");
        assertEquals(2, Gale.run("ner", "-m", base.toString(), "-i", input.toString(), "-o", output.toString()));
        assertEquals(2, Gale.run("classify", "-m", mlm.toString(), "-i", input.toString(), "-o", output.toString()));
        assertEquals(2, Gale.run("rerank", "-m", classifier.toString(), "--query", "q", "-i", input.toString(), "-o", output.toString()));
        assertEquals(2, Gale.run("fill-mask", "-m", "all-minilm-l6-v2", "-i", input.toString(), "-o", output.toString()));
        assertEquals(2, Gale.run("classify", "-i", input.toString(), "-o", output.toString()));
        List<String> errors = stderr().lines().filter(l -> l.startsWith("gale:")).toList();
        assertEquals(5, errors.size(), stderr());
        assertTrue(errors.get(0).startsWith("gale: the model has no token-classification head ("), errors.get(0));
        assertTrue(errors.get(0).contains("architectures is BertModel"), errors.get(0));
        assertTrue(errors.get(1).startsWith("gale: the model has no sequence-classification head"), errors.get(1));
        assertEquals("gale: reranking needs a one-label cross-encoder; this classifier has 2 labels (use gale classify)", errors.get(2));
        assertTrue(errors.get(3).startsWith("gale: the model has no masked-LM head ("), errors.get(3));
        assertTrue(errors.get(4).contains("Missing required option: '--model=<dir>'"), errors.get(4));
        assertFalse(Files.exists(output));
    }

    @Test
    void infoListsTheHeadsAndLabels() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Gale.run("info", "-m", ner.toString()), stderr());
            assertEquals(0, Gale.run("info", "-m", mlm.toString()), stderr());
            assertEquals(0, Gale.run("info", "-m", base.toString()), stderr());
        } finally {
            System.setOut(saved);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("head           token classification (5 labels)\nlabels         O, B-PER, I-PER, B-LOC, I-LOC\n"), text);
        assertTrue(text.contains("head           masked LM (vocabulary 4000)\n"), text);
        assertTrue(text.contains("heads          none ("), text);
    }

    private static List<JsonNode> jsonl(Path file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            rows.add(json.readTree(line));
        }
        return rows;
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
