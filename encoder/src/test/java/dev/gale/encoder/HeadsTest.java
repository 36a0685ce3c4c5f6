package dev.gale.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.Encoding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every task-head fixture of reference/heads_fixtures.py against what transformers' pipelines
 * ({@code text-classification} with top_k=None, {@code token-classification} with each aggregation strategy,
 * {@code fill-mask}) and sentence-transformers ({@code CrossEncoder.predict}, {@code SparseEncoder.encode})
 * returned for the same inputs, all inputs of a fixture in one padding-free batch: the same ids, labels,
 * entity spans and tokens; scores within 1e-4 (aggregated entity scores 1e-3).
 */
public class HeadsTest {
    static final double SCORE = 1e-4;
    static final double AGGREGATED = 1e-3;

    public static List<String> heads() {
        return HeadFixtures.names();
    }

    @ParameterizedTest
    @MethodSource("heads")
    void matchesTheReference(String name, @TempDir Path tmp) throws Exception {
        check(name, tmp, EncoderTask.Options.defaults());
    }

    /** The head fixture {@code name}, assembled under {@code tmp}, on the backend {@code options} name, against its reference. */
    public static void check(String name, Path tmp, EncoderTask.Options options) throws Exception {
        verify(name, HeadFixtures.assemble(name, tmp.resolve(name)), HeadFixtures.records(name), HeadFixtures.task(name), options);
    }

    /**
     * The checkpoint in {@code dir} against {@code records} (expected.jsonl.gz's format, reference/README.md "Task
     * heads") for {@code task} (task.txt's: text-classification, token-classification, fill-mask, rerank, sparse).
     */
    public static void verify(String name, Path dir, List<JsonNode> records, String task, EncoderTask.Options options) {
        switch (task) {
            case "text-classification" -> classification(name, dir, records, options);
            case "token-classification" -> tokens(name, dir, records, options);
            case "fill-mask" -> fillMask(name, dir, records, options);
            case "rerank" -> rerank(name, dir, records, options);
            case "sparse" -> sparse(name, dir, records, options);
            default -> throw new AssertionError(name + ": unknown task " + task);
        }
    }

    static void classification(String name, Path dir, List<JsonNode> records, EncoderTask.Options options) {
        try (TextClassifier c = TextClassifier.load(dir.toString(), options)) {
            List<String> texts = new ArrayList<>();
            List<String> pairs = new ArrayList<>();
            for (JsonNode r : records) {
                texts.add(r.get("text").asText());
                pairs.add(r.hasNonNull("text_pair") ? r.get("text_pair").asText() : null);
            }
            List<Encoding> encodings = c.tokenizePairs(texts, pairs);
            List<TextClassifier.Classification> got = c.classify(encodings, c.function());
            float[] logits = c.logits(encodings);
            int n = c.labels().size();
            for (int i = 0; i < records.size(); i++) {
                JsonNode r = records.get(i);
                String where = name + " record " + i;
                assertArrayEquals(ints(r.get("ids")), encodings.get(i).ids(), where + ": ids");
                for (int j = 0; j < n; j++) {
                    assertEquals(r.get("logits").get(j).asDouble(), logits[i * n + j], SCORE, where + ": logit " + j);
                }
                Map<String, Double> expected = new HashMap<>();
                r.get("labels").forEach(l -> expected.put(l.get("label").asText(), l.get("score").asDouble()));
                assertEquals(expected.size(), got.get(i).labels().size(), where + ": label count");
                for (TextClassifier.LabelScore l : got.get(i).labels()) {
                    assertEquals(expected.get(l.label()), l.score(), SCORE, where + ": score of " + l.label());
                }
                JsonNode best = r.get("labels").get(0);
                if (r.get("labels").size() < 2 || best.get("score").asDouble() - r.get("labels").get(1).get("score").asDouble() > SCORE) {
                    assertEquals(best.get("label").asText(), got.get(i).label(), where + ": best label");
                }
            }
        }
    }

    static void tokens(String name, Path dir, List<JsonNode> records, EncoderTask.Options options) {
        try (TokenClassifier c = TokenClassifier.load(dir.toString(), options)) {
            List<String> texts = records.stream().map(r -> r.get("text").asText()).toList();
            List<Encoding> encodings = c.tokenize(texts);
            List<float[]> logits = c.logits(texts);
            int n = c.labels().size();
            for (int i = 0; i < records.size(); i++) {
                JsonNode r = records.get(i);
                assertArrayEquals(ints(r.get("ids")), encodings.get(i).ids(), name + " record " + i + ": ids");
                JsonNode expected = r.get("logits");
                for (int t = 0; t < expected.size(); t++) {
                    for (int j = 0; j < n; j++) {
                        assertEquals(expected.get(t).get(j).asDouble(), logits.get(i)[t * n + j], SCORE,
                                name + " record " + i + ": logit (" + t + ", " + j + ")");
                    }
                }
            }
            for (TokenClassifier.Aggregation a : TokenClassifier.Aggregation.values()) {
                List<List<TokenClassifier.Entity>> got = c.entities(texts, encodings, a);
                for (int i = 0; i < records.size(); i++) {
                    JsonNode expected = records.get(i).get("entities").get(a.label());
                    String where = name + " record " + i + " (" + a.label() + ")";
                    assertEquals(expected.size(), got.get(i).size(), where + ": entity count, expected " + expected + " got " + got.get(i));
                    for (int k = 0; k < expected.size(); k++) {
                        JsonNode x = expected.get(k);
                        TokenClassifier.Entity e = got.get(i).get(k);
                        String label = a == TokenClassifier.Aggregation.NONE ? x.get("entity").asText() : x.get("entity_group").asText();
                        assertEquals(label, e.label(), where + ": entity " + k);
                        assertEquals(x.get("word").asText(), e.word(), where + ": word " + k);
                        assertEquals(x.get("start").asInt(), e.start(), where + ": start " + k);
                        assertEquals(x.get("end").asInt(), e.end(), where + ": end " + k);
                        assertEquals(x.get("score").asDouble(), e.score(), a == TokenClassifier.Aggregation.NONE ? SCORE : AGGREGATED,
                                where + ": score " + k);
                        if (a == TokenClassifier.Aggregation.NONE) {
                            assertEquals(x.get("index").asInt(), e.index(), where + ": index " + k);
                        }
                    }
                }
            }
        }
    }

    static void fillMask(String name, Path dir, List<JsonNode> records, EncoderTask.Options options) {
        try (FillMask f = FillMask.load(dir.toString(), options)) {
            List<String> texts = records.stream().map(r -> r.get("text").asText()).toList();
            List<List<List<FillMask.Prediction>>> got = f.fill(texts, 5);
            List<Encoding> encodings = f.tokenize(texts);
            for (int i = 0; i < records.size(); i++) {
                JsonNode r = records.get(i);
                String where = name + " record " + i;
                assertArrayEquals(ints(r.get("ids")), encodings.get(i).ids(), where + ": ids");
                JsonNode p = r.get("predictions");
                boolean several = r.hasNonNull("masks") && r.get("masks").asInt() > 1;
                List<JsonNode> perMask = new ArrayList<>();
                if (several) {
                    p.forEach(perMask::add);
                } else {
                    perMask.add(p);
                }
                assertEquals(perMask.size(), got.get(i).size(), where + ": masks");
                for (int m = 0; m < perMask.size(); m++) {
                    JsonNode expected = perMask.get(m);
                    List<FillMask.Prediction> ours = got.get(i).get(m);
                    for (int k = 0; k < expected.size(); k++) {
                        JsonNode x = expected.get(k);
                        FillMask.Prediction o = ours.get(k);
                        String at = where + " mask " + m + " prediction " + k;
                        assertEquals(x.get("score").asDouble(), o.score(), SCORE, at + ": score");
                        boolean tie = (k > 0 && Math.abs(expected.get(k - 1).get("score").asDouble() - x.get("score").asDouble()) < SCORE)
                                || (k + 1 < expected.size() && Math.abs(expected.get(k + 1).get("score").asDouble() - x.get("score").asDouble()) < SCORE);
                        if (!tie) {
                            assertEquals(x.get("token").asInt(), o.token(), at + ": token");
                            assertEquals(x.get("token_str").asText(), o.tokenStr(), at + ": token_str");
                            assertEquals(x.get("sequence").asText(), o.sequence(), at + ": sequence");
                        }
                    }
                }
            }
        }
    }

    static void rerank(String name, Path dir, List<JsonNode> records, EncoderTask.Options options) {
        try (Reranker rr = Reranker.load(dir.toString(), options)) {
            List<String> q = records.stream().map(r -> r.get("query").asText()).toList();
            List<String> p = records.stream().map(r -> r.get("passage").asText()).toList();
            List<Encoding> pairs = rr.tokenizePairs(q, p);
            float[] scores = rr.score(q, p, false);
            float[] raw = rr.score(q, p, true);
            for (int i = 0; i < records.size(); i++) {
                JsonNode r = records.get(i);
                assertArrayEquals(ints(r.get("ids")), pairs.get(i).ids(), name + " record " + i + ": ids");
                assertEquals(r.get("score").asDouble(), scores[i], SCORE, name + " record " + i + ": score");
                assertEquals(r.get("raw").asDouble(), raw[i], SCORE, name + " record " + i + ": raw score");
            }
        }
    }

    static void sparse(String name, Path dir, List<JsonNode> records, EncoderTask.Options options) {
        try (SparseEmbedder s = SparseEmbedder.load(dir.toString(), options)) {
            List<String> texts = records.stream().map(r -> r.get("text").asText()).toList();
            List<SparseEmbedder.SparseVector> got = s.embed(texts);
            for (int i = 0; i < records.size(); i++) {
                JsonNode r = records.get(i);
                assertArrayEquals(ints(r.get("ids")), s.tokenize(List.of(texts.get(i))).getFirst().ids(), name + " record " + i + ": ids");
                Map<Integer, Double> expected = new HashMap<>();
                for (int k = 0; k < r.get("indices").size(); k++) {
                    expected.put(r.get("indices").get(k).asInt(), r.get("values").get(k).asDouble());
                }
                Map<Integer, Double> ours = new HashMap<>();
                for (int k = 0; k < got.get(i).indices().length; k++) {
                    ours.put(got.get(i).indices()[k], (double) got.get(i).values()[k]);
                }
                Set<Integer> all = new HashSet<>(expected.keySet());
                all.addAll(ours.keySet());
                for (int index : all) {
                    assertEquals(expected.getOrDefault(index, 0.0), ours.getOrDefault(index, 0.0), SCORE, name + " record " + i + ": value at " + index);
                }
                assertTrue(!expected.isEmpty(), name + " record " + i + ": the reference has non-zero entries");
            }
        }
    }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
