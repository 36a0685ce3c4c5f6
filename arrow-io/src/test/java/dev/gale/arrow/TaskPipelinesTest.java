package dev.gale.arrow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.EncoderTask;
import dev.gale.encoder.FillMask;
import dev.gale.encoder.Reranker;
import dev.gale.encoder.SparseEmbedder;
import dev.gale.encoder.TextClassifier;
import dev.gale.encoder.TokenClassifier;
import dev.gale.encoder.tokenizer.Encoding;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The task scorers through the pipeline, Parquet in, every format out: N rows in order, nulls null, the
 * columns' types, and values equal to the Java task APIs' on the same texts (those are checked against
 * transformers elsewhere). Parquet outputs are read back by Arrow C++. Small batches (4 rows, 64 tokens per
 * encoder pass) so that every run crosses batch boundaries.
 */
class TaskPipelinesTest {
    private static final int ROWS_PER_BATCH = 4;
    private static final List<String> NER_LABELS = List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "MISC");
    private static final EncoderTask.Options TASK = new EncoderTask.Options(0, 0, 64, "cpu");

    @TempDir
    static Path dir;
    static Path classifierDir;
    static Path rerankerDir;
    static Path nerDir;
    static Path mlmDir;
    static TextClassifier classifier;
    static Reranker reranker;
    static TokenClassifier ner;
    static FillMask fill;
    static List<String> texts;

    @BeforeAll
    static void setUp() {
        classifierDir = HeadModels.classifier(dir.resolve("classifier"), List.of("negative", "neutral", "positive"), null);
        rerankerDir = HeadModels.classifier(dir.resolve("reranker"), List.of("LABEL_0"), null);
        nerDir = HeadModels.tokenClassifier(dir.resolve("ner"), NER_LABELS);
        mlmDir = HeadModels.maskedLm(dir.resolve("mlm"));
        classifier = TextClassifier.load(classifierDir.toString(), TASK);
        reranker = Reranker.load(rerankerDir.toString(), TASK);
        ner = TokenClassifier.load(nerDir.toString(), TASK);
        fill = FillMask.load(mlmDir.toString(), TASK);
        texts = Arrays.asList("Ada Lovelace lived in London.", null, "", "Ünïcödé and 漢字 😀 in Zürich", "the cat sat on the mat",
                "many words ".repeat(100), null, "Paris is the capital of France.", "a b c d e f g", "last row");
    }

    @AfterAll
    static void tearDown() {
        classifier.close();
        reranker.close();
        ner.close();
        fill.close();
    }

    private static List<String> present(List<String> rows) {
        return rows.stream().filter(Objects::nonNull).toList();
    }

    /** Values per row: the API's for each non-null text, in order, null for the null ones. */
    private static List<Object> spread(List<String> rows, List<?> values) {
        List<Object> out = new ArrayList<>();
        Iterator<?> it = values.iterator();
        for (String t : rows) {
            out.add(t == null ? null : it.next());
        }
        return out;
    }

    private static Map<String, Object> struct(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    // ---- classify

    @ParameterizedTest
    @EnumSource(value = TableFormat.class, names = {"PARQUET", "ARROW", "JSONL"})
    void classify(TableFormat out) throws Exception {
        List<TextClassifier.Classification> api = classifier.classify(present(texts));
        List<Object> label = spread(texts, api.stream().map(TextClassifier.Classification::label).toList());
        List<Object> score = spread(texts, api.stream().map(TextClassifier.Classification::score).toList());
        List<Object> labels = spread(texts, api.stream().map(c -> c.labels().stream()
                .map(l -> (Object) struct("label", l.label(), "score", l.score())).toList()).toList());
        Output result = run(new ClassifyScorer(classifier, false), texts, out, List.of("id"));
        result.check(List.of("id", "label", "score", "labels"));
        if (out != TableFormat.JSONL) {
            assertEquals("utf8", TableSource.describe(result.field("label")));
            assertEquals("float32", TableSource.describe(result.field("score")));
            assertEquals("list<struct>", TableSource.describe(result.field("labels")));
            assertEquals(List.of("label", "score"), result.field("labels").getChildren().getFirst().getChildren().stream().map(Field::getName).toList());
            assertEquals(List.of("utf8", "float32"), result.field("labels").getChildren().getFirst().getChildren().stream()
                    .map(TableSource::describe).toList());
        }
        result.assertColumn("label", label);
        result.assertColumn("score", score);
        result.assertColumn("labels", labels);
    }

    @Test
    void classifyPairsFromJsonl() throws Exception {
        Path input = dir.resolve("pairs.jsonl");
        Files.writeString(input, """
                {"id": 1, "premise": "A man plays a guitar.", "hypothesis": "Someone makes music."}
                {"id": 2, "premise": null, "hypothesis": "no premise"}
                {"id": 3, "premise": "alone", "hypothesis": null}
                {"id": 4, "premise": "The sky is green.", "hypothesis": "The sky is blue."}
                """);
        Path output = dir.resolve("pairs-out.jsonl");
        ScoringPipeline.Options options = ScoringPipeline.Options.builder("premise").pairColumn("hypothesis").rowsPerBatch(3).build();
        ScoringPipeline.Summary s = ScoringPipeline.run(new ClassifyScorer(classifier, true), input.toString(), TableFormat.JSONL,
                output.toString(), TableFormat.JSONL, options, (r, t) -> { });
        assertEquals(4, s.rows());
        assertEquals(1, s.nulls());
        List<TextClassifier.Classification> api = classifier.classifyPairs(List.of("A man plays a guitar.", "alone", "The sky is green."),
                Arrays.asList("Someone makes music.", null, "The sky is blue."));
        List<JsonNode> rows = jsonl(output);
        assertEquals(List.of(1, 2, 3, 4), rows.stream().map(r -> r.get("id").asInt()).toList());
        assertEquals(List.of("id", "label", "score", "labels"), names(rows.get(0)));
        assertTrue(rows.get(1).get("label").isNull() && rows.get(1).get("labels").isNull());
        int[] at = {0, 2, 3};
        for (int i = 0; i < at.length; i++) {
            assertEquals(api.get(i).label(), rows.get(at[i]).get("label").asText());
            assertEquals(api.get(i).score(), rows.get(at[i]).get("score").floatValue(), 1e-5);
        }
    }

    @Test
    void overlongTextsWithoutTruncationAndClashingColumnsNameTheProblem() throws Exception {
        Path input = dir.resolve("long.parquet");
        List<String> rows = Arrays.asList("short", null, "word ".repeat(200));
        try (BufferAllocator allocator = new RootAllocator()) {
            Tables.write(input, TableFormat.PARQUET, rows, 4, allocator);
        }
        Path output = dir.resolve("long.jsonl");
        BadInputException e = assertThrows(BadInputException.class, () -> ScoringPipeline.run(new ClassifyScorer(classifier, false),
                input.toString(), TableFormat.PARQUET, output.toString(), TableFormat.JSONL,
                ScoringPipeline.Options.builder("text").truncate(false).build(), (r, t) -> { }));
        // 200 words + [CLS] + [SEP], over the fixture's 128 positions; the pair: [CLS] a [SEP] 200 words [SEP]
        assertEquals(input + ", row 2: text has 202 tokens, more than the max length 128 (truncation is off)", e.getMessage());
        e = assertThrows(BadInputException.class, () -> ScoringPipeline.run(new RerankScorer(reranker, "a", false),
                input.toString(), TableFormat.PARQUET, output.toString(), TableFormat.JSONL,
                ScoringPipeline.Options.builder("text").truncate(false).build(), (r, t) -> { }));
        assertEquals(input + ", row 2: the pair has 204 tokens, more than the max length 128 (truncation is off)", e.getMessage());
        e = assertThrows(BadInputException.class, () -> ScoringPipeline.run(new ClassifyScorer(classifier, false),
                input.toString(), TableFormat.PARQUET, output.toString(), TableFormat.JSONL,
                ScoringPipeline.Options.builder("text").keep(List.of("score")).build(), (r, t) -> { }));
        assertEquals(input + ": column 'score' would clash with the output column of that name; do not --keep it", e.getMessage());
        assertFalse(Files.exists(output));
    }

    // ---- rerank

    @ParameterizedTest
    @EnumSource(value = TableFormat.class, names = {"PARQUET", "ARROWS", "JSONL"})
    void rerankWithAQueryKeepsEveryRowInOrder(TableFormat out) throws Exception {
        String query = "where did Ada Lovelace live?";
        float[] api = reranker.score(query, present(texts), false);
        List<Float> scores = new ArrayList<>();
        for (float f : api) {
            scores.add(f);
        }
        Output result = run(new RerankScorer(reranker, query, false), texts, out, List.of());
        result.check(List.of("index", "score"));
        if (out != TableFormat.JSONL) {
            assertEquals("int32", TableSource.describe(result.field("index")));
            assertEquals("float32", TableSource.describe(result.field("score")));
        }
        List<Object> index = new ArrayList<>();
        for (int r = 0; r < texts.size(); r++) {
            index.add(r);
        }
        result.assertColumn("index", index);
        result.assertColumn("score", spread(texts, scores));
        assertTrue(reranker.sigmoid());
        float[] raw = reranker.score(query, present(texts), true);
        Output logits = run(new RerankScorer(reranker, query, true), texts, TableFormat.JSONL, List.of());
        assertEquals(raw[0], ((Number) logits.rows().getFirst().get("score")).floatValue(), 1e-5);
    }

    @ParameterizedTest
    @EnumSource(value = TableFormat.class, names = {"PARQUET", "ARROW", "JSONL"})
    void rerankTopKWritesTheBestRowsHighestFirst(TableFormat out) throws Exception {
        String query = "capital of France";
        List<Reranker.Ranked> best = reranker.rank(query, present(texts), 3, false);
        List<Integer> rowOf = new ArrayList<>();
        for (int r = 0; r < texts.size(); r++) {
            if (texts.get(r) != null) {
                rowOf.add(r);
            }
        }
        ScoringPipeline.Options options = ScoringPipeline.Options.builder("text").keep(List.of("id", "text")).rowsPerBatch(ROWS_PER_BATCH)
                .tokenizerThreads(2).topK(3).build();
        Output result = run(new RerankScorer(reranker, query, false), texts, out, options);
        result.check(List.of("id", "text", "index", "score"), 3);
        for (int i = 0; i < 3; i++) {
            int row = rowOf.get(best.get(i).index());
            Map<String, Object> got = result.rows().get(i);
            assertEquals(row, ((Number) got.get("index")).intValue());
            assertEquals((long) row, ((Number) got.get("id")).longValue());
            assertEquals(texts.get(row), got.get("text"));
            assertEquals(best.get(i).score(), ((Number) got.get("score")).floatValue(), 1e-5);
        }
    }

    @Test
    void rerankPairsFromATable() throws Exception {
        Path input = dir.resolve("qp.arrow");
        List<String> queries = Arrays.asList("q one", "q two", null, "q four", "q five");
        List<String> passages = Arrays.asList("passage one", null, "passage three", "passage four", "passage five");
        Tables.writeColumns(input, List.of("query", "passage"), List.of(queries, passages));
        Path output = dir.resolve("qp.parquet");
        ScoringPipeline.Options options = ScoringPipeline.Options.builder("query").pairColumn("passage").rowsPerBatch(2).build();
        ScoringPipeline.Summary s = ScoringPipeline.run(new RerankScorer(reranker, null, false), input.toString(), TableFormat.ARROW,
                output.toString(), TableFormat.PARQUET, options, (r, t) -> { });
        assertEquals(5, s.rows());
        assertEquals(2, s.nulls());
        float[] api = reranker.score(List.of("q one", "q four", "q five"), List.of("passage one", "passage four", "passage five"), false);
        try (BufferAllocator allocator = new RootAllocator()) {
            Tables.Output out = Tables.read(output, TableFormat.PARQUET, allocator);
            assertEquals(List.of(0, 1, 2, 3, 4), out.column("index"));
            List<Object> score = out.column("score");
            assertEquals(api[0], (Float) score.get(0), 1e-5);
            assertEquals(null, score.get(1));
            assertEquals(null, score.get(2));
            assertEquals(api[1], (Float) score.get(3), 1e-5);
            assertEquals(api[2], (Float) score.get(4), 1e-5);
        }
    }

    // ---- ner

    @ParameterizedTest
    @EnumSource(value = TokenClassifier.Aggregation.class)
    void nerEachAggregation(TokenClassifier.Aggregation aggregation) throws Exception {
        List<List<TokenClassifier.Entity>> api = ner.entities(present(texts), aggregation);
        boolean none = aggregation == TokenClassifier.Aggregation.NONE;
        List<Object> entities = spread(texts, api.stream().map(text -> text.stream().map(e -> (Object) (none
                ? struct("entity", e.label(), "score", e.score(), "index", e.index(), "word", e.word(), "start", e.start(), "end", e.end())
                : struct("entity_group", e.label(), "score", e.score(), "word", e.word(), "start", e.start(), "end", e.end()))).toList()).toList());
        assertTrue(api.stream().mapToInt(List::size).sum() > 3, "the random head finds some entities: " + api);
        for (TableFormat out : List.of(TableFormat.PARQUET, TableFormat.JSONL)) {
            Output result = run(new NerScorer(ner, aggregation), texts, out, List.of("id"));
            result.check(List.of("id", "entities"));
            if (out == TableFormat.PARQUET) {
                Field entity = result.field("entities").getChildren().getFirst();
                assertEquals(none ? List.of("entity", "score", "index", "word", "start", "end") : List.of("entity_group", "score", "word", "start", "end"),
                        entity.getChildren().stream().map(Field::getName).toList());
                assertEquals(none ? List.of("utf8", "float32", "int32", "utf8", "int32", "int32") : List.of("utf8", "float32", "utf8", "int32", "int32"),
                        entity.getChildren().stream().map(TableSource::describe).toList());
            }
            result.assertColumn("entities", entities);
        }
    }

    // ---- fill-mask

    @Test
    void fillMaskOneListPerMaskAndJsonlAsThePipeline() throws Exception {
        List<String> masked = Arrays.asList("Paris is the [MASK] of France.", null, "the [MASK] sat on the [MASK].", "[MASK]", "a b [MASK] d");
        List<List<List<FillMask.Prediction>>> api = fill.fill(present(masked), 3);
        List<Object> predictions = spread(masked, api.stream().map(text -> (Object) text.stream().map(mask -> mask.stream()
                .map(p -> (Object) struct("score", p.score(), "token", p.token(), "token_str", p.tokenStr(), "sequence", p.sequence()))
                .toList()).toList()).toList());
        Output parquet = run(new FillMaskScorer(fill, 3), masked, TableFormat.PARQUET, List.of());
        parquet.check(List.of("predictions"));
        assertEquals("list<list<struct>>", TableSource.describe(parquet.field("predictions")));
        parquet.assertColumn("predictions", predictions);

        // JSONL: a text with one mask is the pipeline's flat list, one with several a list per mask
        Output jsonl = run(new FillMaskScorer(fill, 3), masked, TableFormat.JSONL, List.of());
        List<Object> asPipeline = new ArrayList<>();
        for (Object p : predictions) {
            asPipeline.add(p != null && ((List<?>) p).size() == 1 ? ((List<?>) p).getFirst() : p);
        }
        jsonl.assertColumn("predictions", asPipeline);
    }

    @Test
    void fillMaskWithoutAMaskNamesTheRow() throws Exception {
        List<String> masked = Arrays.asList("one [MASK]", "two [MASK]", null, "[MASK] four", "five [MASK]", "no mask here", "[MASK]");
        Path input = dir.resolve("nomask.parquet");
        Files.deleteIfExists(input);
        try (BufferAllocator allocator = new RootAllocator()) {
            Tables.write(input, TableFormat.PARQUET, masked, 3, allocator);
        }
        Path output = dir.resolve("nomask.jsonl");
        BadInputException e = assertThrows(BadInputException.class, () -> ScoringPipeline.run(new FillMaskScorer(fill, 5),
                input.toString(), TableFormat.PARQUET, output.toString(), TableFormat.JSONL,
                ScoringPipeline.Options.builder("text").rowsPerBatch(ROWS_PER_BATCH).build(), (r, t) -> { }));
        assertEquals(input + ", row 5: the text has no mask token [MASK]", e.getMessage());
        assertFalse(Files.exists(output));
    }

    // ---- sparse and per-token embeddings

    @Test
    void sparseEmbeddings() throws Exception {
        try (SparseEmbedder splade = SparseEmbedder.load(mlmDir.toString(), TASK)) {
            List<SparseEmbedder.SparseVector> api = splade.embed(present(texts));
            List<Object> sparse = spread(texts, api.stream().map(v -> {
                List<Object> entries = new ArrayList<>();
                for (int i = 0; i < v.indices().length; i++) {
                    entries.add(struct("index", v.indices()[i], "value", v.values()[i]));
                }
                return (Object) entries;
            }).toList());
            assertTrue(api.getFirst().indices().length > 0);
            for (TableFormat out : List.of(TableFormat.PARQUET, TableFormat.ARROW, TableFormat.JSONL)) {
                Output result = run(new SparseScorer(splade, ""), texts, out, List.of());
                result.check(List.of("sparse"));
                if (out != TableFormat.JSONL) {
                    assertEquals(List.of("int32", "float32"), result.field("sparse").getChildren().getFirst().getChildren().stream()
                            .map(TableSource::describe).toList());
                }
                result.assertColumn("sparse", sparse);
            }
        }
    }

    @Test
    void tokenEmbeddingsAreTheLastHiddenStates() throws Exception {
        try (EmbeddingModel model = EmbeddingModel.load(HeadModels.base(dir.resolve("base")).toString(),
                new EmbeddingModel.Options(null, null, 0, 0, 0, 64))) {
            int hidden = model.architecture().hiddenSize();
            List<Object> expected = new ArrayList<>();
            for (String t : texts) {
                if (t == null) {
                    expected.add(null);
                    continue;
                }
                Encoding e = model.tokenize(List.of(t)).getFirst();
                float[] states = model.hiddenStates(e);
                List<Object> tokens = new ArrayList<>();
                for (int i = 0; i < e.length(); i++) {
                    List<Object> v = new ArrayList<>();
                    for (int j = 0; j < hidden; j++) {
                        v.add(states[i * hidden + j]);
                    }
                    tokens.add(v);
                }
                expected.add(tokens);
            }
            for (TableFormat out : List.of(TableFormat.PARQUET, TableFormat.ARROW, TableFormat.JSONL)) {
                Output result = run(new TokenEmbeddingScorer(model, ""), texts, out, List.of());
                result.check(List.of("embeddings"));
                if (out == TableFormat.ARROW) {
                    assertEquals("list<fixed_size_list<float32>[" + hidden + "]>", TableSource.describe(result.field("embeddings")));
                }
                result.assertColumn("embeddings", expected, 1e-5);
            }
        }
    }

    // ---- helpers

    /** An output read back: its schema (null for JSONL) and its rows as plain values. */
    record Output(Schema schema, List<Map<String, Object>> rows, int inputRows) {
        Field field(String name) {
            return schema.findField(name);
        }

        void check(List<String> columns) {
            check(columns, inputRows);
        }

        void check(List<String> columns, int rowCount) {
            assertEquals(rowCount, rows.size(), "rows out");
            if (schema != null) {
                assertEquals(columns, schema.getFields().stream().map(Field::getName).toList());
            }
            for (Map<String, Object> row : rows) {
                assertEquals(columns, new ArrayList<>(row.keySet()));
            }
        }

        /** Scores within 1e-5: batches of other sizes and compositions than the API call's round a few ulps apart. */
        void assertColumn(String name, List<Object> expected) {
            assertColumn(name, expected, 1e-5);
        }

        void assertColumn(String name, List<Object> expected, double tolerance) {
            assertEquals(expected.size(), rows.size());
            for (int r = 0; r < rows.size(); r++) {
                assertSameValue(expected.get(r), rows.get(r).get(name), tolerance, name + " of row " + r);
            }
        }
    }

    static void assertSameValue(Object expected, Object actual, double tolerance, String where) {
        switch (expected) {
            case null -> assertEquals(null, actual, where);
            case Float f -> assertEquals(f, ((Number) actual).doubleValue(), tolerance, where);
            case Integer i -> assertEquals(i.longValue(), ((Number) actual).longValue(), where);
            case List<?> list -> {
                assertTrue(actual instanceof List<?>, where + ": " + actual);
                List<?> got = (List<?>) actual;
                assertEquals(list.size(), got.size(), where + ": " + got);
                for (int i = 0; i < list.size(); i++) {
                    assertSameValue(list.get(i), got.get(i), tolerance, where + "[" + i + "]");
                }
            }
            case Map<?, ?> map -> {
                assertTrue(actual instanceof Map<?, ?>, where + ": " + actual);
                Map<?, ?> got = (Map<?, ?>) actual;
                assertEquals(new ArrayList<>(map.keySet()), new ArrayList<>(got.keySet()), where);
                for (Object k : map.keySet()) {
                    assertSameValue(map.get(k), got.get(k), tolerance, where + "." + k);
                }
            }
            default -> assertEquals(expected, actual, where);
        }
    }

    private static Output run(Scorer<?> scorer, List<String> rows, TableFormat out, List<String> keep) throws Exception {
        return run(scorer, rows, out, ScoringPipeline.Options.builder("text").keep(keep).rowsPerBatch(ROWS_PER_BATCH).tokenizerThreads(2).build());
    }

    private static int runs;

    /** Writes {@code rows} as Parquet (4 rows a row group), scores it into {@code out}, reads the output back. */
    private static <P extends Scorer.Prepared> Output run(Scorer<P> scorer, List<String> rows, TableFormat out, ScoringPipeline.Options options)
            throws Exception {
        int run = ++runs;
        Path input = dir.resolve("in-" + run + ".parquet");
        Path output = dir.resolve("out-" + run + "." + out.id());
        try (BufferAllocator allocator = new RootAllocator()) {
            Tables.write(input, TableFormat.PARQUET, rows, 4, allocator);
            ScoringPipeline.Summary s = ScoringPipeline.run(scorer, input.toString(), TableFormat.PARQUET, output.toString(), out, options,
                    (r, t) -> { });
            assertEquals(rows.size(), s.rows());
            if (out == TableFormat.JSONL) {
                List<Map<String, Object>> lines = new ArrayList<>();
                for (JsonNode line : jsonl(output)) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> row = new ObjectMapper().convertValue(line, LinkedHashMap.class);
                    lines.add(row);
                }
                return new Output(null, lines, rows.size());
            }
            Tables.Output table = Tables.read(output, out, allocator);
            List<Map<String, Object>> list = new ArrayList<>();
            int count = table.columns().getFirst().size();
            for (int r = 0; r < count; r++) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int c = 0; c < table.schema().getFields().size(); c++) {
                    row.put(table.schema().getFields().get(c).getName(), table.columns().get(c).get(r));
                }
                list.add(row);
            }
            return new Output(table.schema(), list, rows.size());
        }
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
