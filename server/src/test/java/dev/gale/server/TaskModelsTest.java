package dev.gale.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.encoder.HeadFixtures;
import dev.gale.encoder.Reranker;
import dev.gale.encoder.SparseEmbedder;
import dev.gale.encoder.TextClassifier;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The other kinds of model {@code gale serve} serves, as TEI decides them, on the encoder's tiny random-weight head
 * fixtures (HeadFixtures): a three-label sequence classifier ({@code /predict}), a one-label CrossEncoder (a
 * reranker: {@code /rerank}, {@code /predict}) and a sentence-transformers SparseEncoder ({@code /embed_sparse}).
 * Each answer equals the encoder's Java API ({@link TextClassifier}, {@link Reranker}, {@link SparseEmbedder}) on
 * the same inputs, in bodies TEI's OpenAPI description accepts; a route of another kind is TEI's 424 Backend.
 */
class TaskModelsTest {
    private static final double SCORE = 1e-5;
    private static final OpenApiValidator TEI = OpenApiValidator.tei();
    private static final List<String> TEXTS = List.of("The weather is lovely today.", "Stocks fell sharply after the report.",
            "Ünïcödé and 日本語 text", "a", "What is the capital of France? Paris is the capital and largest city of France.");

    @TempDir
    static Path tmp;
    private static FileSystem fixtureJar;   // the encoder's test-jar, when the fixtures are read from it
    private static final List<GaleServer> servers = new ArrayList<>();
    private static Http classifierHttp, rerankerHttp, sparseHttp;
    private static TextClassifier classifier;
    private static Reranker reranker;
    private static SparseEmbedder sparse;

    @BeforeAll
    static void start() throws Exception {
        Path seqcls = fixture("bert-uncased-seqcls"), rerank = fixture("bert-uncased-rerank"), splade = fixture("bert-uncased-splade");
        classifierHttp = serve(seqcls);
        rerankerHttp = serve(rerank);
        sparseHttp = serve(splade);
        classifier = TextClassifier.load(seqcls.toString());
        reranker = Reranker.load(rerank.toString());
        sparse = SparseEmbedder.load(splade.toString());
    }

    @AfterAll
    static void stop() throws IOException {
        servers.forEach(GaleServer::stop);
        for (AutoCloseable c : new AutoCloseable[]{classifier, reranker, sparse}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (fixtureJar != null) {
            fixtureJar.close();
        }
    }

    /**
     * The head fixture {@code name} assembled as a checkpoint directory. Run from the reactor the encoder's test
     * resources are a directory; with {@code -pl server} they are in its test-jar, read through a zip file system.
     */
    private static Path fixture(String name) throws Exception {
        URI uri = HeadFixtures.class.getResource("/reference/heads").toURI();
        if (uri.getScheme().equals("jar") && fixtureJar == null) {
            try {
                fixtureJar = FileSystems.newFileSystem(uri, Map.of());
            } catch (FileSystemAlreadyExistsException e) {
                // opened by someone else in this JVM: Path.of finds it
            }
        }
        return HeadFixtures.assemble(name, tmp.resolve(name));
    }

    private static Http serve(Path dir) {
        GaleServer s = GaleServer.start(ServeOptions.builder(dir.toString()).port(0).host("127.0.0.1").warmup(false).build(), System.out);
        servers.add(s);
        return new Http(s.port());
    }

    private static JsonNode ok(Http.Response r, String schema) {
        assertEquals(200, r.status(), r::body);
        JsonNode json = r.json();
        TEI.assertValid(schema, json);
        return json;
    }

    private static Map<String, Float> scores(JsonNode predictions) {
        Map<String, Float> m = new HashMap<>();
        float previous = Float.POSITIVE_INFINITY;
        for (JsonNode p : predictions) {
            float score = p.get("score").floatValue();
            assertTrue(score <= previous, "predictions come best first: " + predictions);
            previous = score;
            m.put(p.get("label").asText(), score);
        }
        return m;
    }

    private static void assertSameScores(TextClassifier.Classification expected, JsonNode predictions, String what) {
        Map<String, Float> got = scores(predictions);
        assertEquals(classifier.labels().size(), got.size(), what + ": every label");
        for (TextClassifier.LabelScore l : expected.labels()) {
            assertEquals(l.score(), got.get(l.label()), SCORE, what + ": " + l.label());
        }
    }

    // ---- classifier ---------------------------------------------------------------------------------------

    @Test
    void predictSinglePairAndBatch() {
        assertEquals(TextClassifier.Function.SOFTMAX, classifier.function(), "three single-label classes: softmax");
        for (int i = 0; i < TEXTS.size(); i++) {
            JsonNode single = ok(classifierHttp.post("/predict", "{\"inputs\": " + Http.JSON.valueToTree(TEXTS.get(i)) + "}"), "PredictResponse");
            assertSameScores(classifier.classify(List.of(TEXTS.get(i))).getFirst(), single, "text " + i);
        }
        String a = TEXTS.get(0), b = TEXTS.get(4);
        JsonNode pair = ok(classifierHttp.post("/predict", "{\"inputs\": " + Http.JSON.valueToTree(List.of(a, b)) + "}"), "PredictResponse");
        assertSameScores(classifier.classifyPairs(List.of(a), Arrays.asList(b)).getFirst(), pair, "a pair");

        List<List<String>> batch = List.of(List.of(TEXTS.get(1)), List.of(TEXTS.get(2), TEXTS.get(3)), List.of(TEXTS.get(4)));
        JsonNode got = ok(classifierHttp.post("/predict", "{\"inputs\": " + Http.JSON.valueToTree(batch) + "}"), "PredictResponse");
        List<TextClassifier.Classification> expected = classifier.classifyPairs(List.of(TEXTS.get(1), TEXTS.get(2), TEXTS.get(4)),
                Arrays.asList(null, TEXTS.get(3), null));
        assertEquals(3, got.size());
        for (int i = 0; i < 3; i++) {
            assertSameScores(expected.get(i), got.get(i), "batch item " + i);
        }
    }

    @Test
    void rawScoresAreTheLogits() {
        JsonNode got = ok(classifierHttp.post("/predict", "{\"inputs\": " + Http.JSON.valueToTree(TEXTS.get(4)) + ", \"raw_scores\": true}"),
                "PredictResponse");
        float[] logits = classifier.logits(classifier.tokenize(List.of(TEXTS.get(4))));
        Map<String, Float> m = scores(got);
        for (int j = 0; j < logits.length; j++) {
            assertEquals(logits[j], m.get(classifier.labels().get(j)), SCORE, "logit " + j);
        }
    }

    @Test
    void aClassifierServesNoEmbeddings() {
        GaleServerTest.refused(classifierHttp, classifierHttp.post("/embed", "{\"inputs\": \"a\"}"), 424, "Backend");
        GaleServerTest.refused(classifierHttp, classifierHttp.post("/rerank", "{\"query\": \"a\", \"texts\": [\"b\"]}"), 424, "Backend");
        GaleServerTest.refused(classifierHttp, classifierHttp.post("/embed_sparse", "{\"inputs\": \"a\"}"), 424, "Backend");
        GaleServerTest.refused(classifierHttp, classifierHttp.post("/v1/embeddings", "{\"input\": \"a\"}"), 424, "Backend",
                "OpenAICompatErrorResponse");
        GaleServerTest.refused(classifierHttp, classifierHttp.post("/predict", "{\"inputs\": [[\"a\", \"b\", \"c\"]]}"), 422, "Validation");
        JsonNode info = ok(classifierHttp.get("/info"), "Info");
        JsonNode id2label = info.get("model_type").get("classifier").get("id2label");
        for (int i = 0; i < classifier.labels().size(); i++) {
            assertEquals(classifier.labels().get(i), id2label.get(Integer.toString(i)).asText());
        }
    }

    // ---- reranker -----------------------------------------------------------------------------------------

    @Test
    void rerankMatchesTheReranker() {
        String query = "Which city is the capital of France?";
        List<String> passages = List.of(TEXTS.get(4), TEXTS.get(0), TEXTS.get(1), TEXTS.get(2));
        for (boolean raw : new boolean[]{false, true}) {
            ObjectNode body = Http.JSON.createObjectNode().put("query", query).put("raw_scores", raw).put("return_text", true);
            passages.forEach(body.putArray("texts")::add);
            JsonNode got = ok(rerankerHttp.post("/rerank", body), "RerankResponse");
            List<Reranker.Ranked> expected = reranker.rank(query, passages, 0, raw);
            assertEquals(expected.size(), got.size());
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i).index(), got.get(i).get("index").asInt(), "rank " + i + " (raw " + raw + ")");
                assertEquals(expected.get(i).score(), got.get(i).get("score").floatValue(), SCORE, "score " + i + " (raw " + raw + ")");
                assertEquals(passages.get(expected.get(i).index()), got.get(i).get("text").asText());
            }
        }
        JsonNode plain = ok(rerankerHttp.post("/rerank", "{\"query\": \"q\", \"texts\": [\"a\", \"b\"]}"), "RerankResponse");
        assertTrue(!plain.get(0).has("text") || plain.get(0).get("text").isNull(), "no text unless return_text");
        JsonNode pair = ok(rerankerHttp.post("/predict", "{\"inputs\": " + Http.JSON.valueToTree(List.of(query, TEXTS.get(4))) + "}"),
                "PredictResponse");
        assertEquals(reranker.score(query, List.of(TEXTS.get(4)), false)[0], pair.get(0).get("score").floatValue(), SCORE, "/predict on a reranker");
        JsonNode info = ok(rerankerHttp.get("/info"), "Info");
        assertTrue(info.get("model_type").has("reranker"), info::toString);
        GaleServerTest.refused(rerankerHttp, rerankerHttp.post("/embed", "{\"inputs\": \"a\"}"), 424, "Backend");
        GaleServerTest.refused(rerankerHttp, rerankerHttp.post("/rerank", "{\"query\": \"q\", \"texts\": []}"), 400, "Empty");
    }

    // ---- SPLADE -------------------------------------------------------------------------------------------

    @Test
    void embedSparseMatchesTheSparseEmbedder() {
        JsonNode got = ok(sparseHttp.post("/embed_sparse", Http.inputs(TEXTS, "")), "EmbedSparseResponse");
        List<SparseEmbedder.SparseVector> expected = sparse.embed(TEXTS);
        assertEquals(TEXTS.size(), got.size());
        for (int s = 0; s < TEXTS.size(); s++) {
            Map<Integer, Float> served = new HashMap<>();
            int previous = -1;
            for (JsonNode v : got.get(s)) {
                int index = v.get("index").asInt();
                assertTrue(index > previous, "indices ascend");
                previous = index;
                served.put(index, v.get("value").floatValue());
            }
            SparseEmbedder.SparseVector e = expected.get(s);
            assertTrue(e.indices().length > 0, "a SPLADE vector has non-zero entries");
            Map<Integer, Float> reference = new HashMap<>();
            for (int k = 0; k < e.indices().length; k++) {
                reference.put(e.indices()[k], e.values()[k]);
            }
            for (Integer index : union(served, reference)) {
                float x = reference.getOrDefault(index, 0f);
                assertEquals(x, served.getOrDefault(index, 0f), SCORE * Math.max(1, Math.abs(x)), "text " + s + " index " + index);
            }
        }
        JsonNode info = ok(sparseHttp.get("/info"), "Info");
        assertEquals("splade", info.get("model_type").get("embedding").get("pooling").asText());
        GaleServerTest.refused(sparseHttp, sparseHttp.post("/embed", "{\"inputs\": \"a\"}"), 424, "Backend");
        GaleServerTest.refused(sparseHttp, sparseHttp.post("/embed_sparse", "{\"inputs\": []}"), 400, "Empty");
    }

    private static List<Integer> union(Map<Integer, Float> a, Map<Integer, Float> b) {
        java.util.TreeSet<Integer> all = new java.util.TreeSet<>(a.keySet());
        all.addAll(b.keySet());
        return List.copyOf(all);
    }
}
