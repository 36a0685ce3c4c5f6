package dev.gale.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.Corpus;
import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.TokenBatch;
import dev.gale.encoder.tokenizer.EncodeOptions;
import dev.gale.encoder.tokenizer.Encoding;
import dev.gale.encoder.tokenizer.Tokenizer;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One {@code gale serve} of all-MiniLM-L6-v2 on a free port, driven by java.net.http: every TEI route answers what
 * the Java API ({@link EmbeddingModel}, its {@link Tokenizer}, independent of HTTP) computes for the same inputs,
 * in bodies TEI's OpenAPI description accepts; concurrent requests are batched and answered as sequential ones;
 * bad input gets TEI's 4xx error bodies and leaves the server healthy.
 */
class GaleServerTest {
    static final double COSINE = 0.99999;
    private static final OpenApiValidator TEI = OpenApiValidator.tei();

    private static GaleServer server;
    private static Http http;
    private static EmbeddingModel model;     // the model's own options: normalized mean pooling, cut at its max length
    private static EmbeddingModel unnormalized;
    private static List<String> texts;       // ~50 corpus texts of every length, a few longer than the max length
    private static List<String> longTexts;   // corpus texts past the max length

    @BeforeAll
    static void start() {
        server = GaleServer.start(ServeOptions.builder("all-minilm-l6-v2").port(0).host("127.0.0.1").build(), System.out);
        http = new Http(server.port());
        model = EmbeddingModel.load("all-minilm-l6-v2");
        unnormalized = EmbeddingModel.load("all-minilm-l6-v2", new EmbeddingModel.Options(null, false, 0, 0, 0, 0));
        List<String> corpus = Corpus.texts();
        texts = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i += 48) {
            texts.add(corpus.get(i));
        }
        List<String> byLength = corpus.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        texts.addAll(byLength.subList(0, 4));
        longTexts = byLength.subList(0, 40).stream().filter(t -> tokens(t) > model.maxLength()).limit(32).toList();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
        if (model != null) {
            model.close();
        }
        if (unnormalized != null) {
            unnormalized.close();
        }
    }

    private static int tokens(String text) {
        return model.tokenizer().encode(text).length();
    }

    // ---- vectors ---------------------------------------------------------------------------------------

    static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).floatValue();
        }
        return v;
    }

    static double cosine(float[] a, float[] b) {
        assertEquals(a.length, b.length, "vector widths");
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    /** Matryoshka by hand: the first {@code n} dimensions, L2-normalized. */
    static float[] matryoshka(float[] v, int n) {
        float[] out = java.util.Arrays.copyOf(v, n);
        double norm = norm(out);
        for (int i = 0; i < n; i++) {
            out[i] = (float) (out[i] / norm);
        }
        return out;
    }

    private static void assertClose(float[] expected, JsonNode row, String what) {
        float[] got = floats(row);
        double c = cosine(expected, got);
        assertTrue(c >= COSINE, what + ": cosine " + c);
    }

    /** The response is 200 and a valid {@code schema}. */
    private static JsonNode ok(Http.Response r, String schema) {
        assertEquals(200, r.status(), () -> "status, body " + r.body());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        JsonNode json = r.json();
        TEI.assertValid(schema, json);
        return json;
    }

    /** The response is {@code status} with a valid TEI error body of {@code type}; the server stays healthy. */
    static JsonNode refused(Http http, Http.Response r, int status, String type) {
        return refused(http, r, status, type, "ErrorResponse");
    }

    static JsonNode refused(Http http, Http.Response r, int status, String type, String schema) {
        assertEquals(status, r.status(), () -> "status, body " + r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"), "an error body is JSON");
        JsonNode json = r.json();
        OpenApiValidator.tei().assertValid(schema, json);
        assertEquals(type, json.get("error_type").asText(), json::toString);
        http.assertHealthy();
        return json;
    }

    // ---- values --------------------------------------------------------------------------------------

    @Test
    void embedMatchesTheJavaApi() {
        assertTrue(longTexts.size() == 32 && texts.stream().filter(t -> tokens(t) > model.maxLength()).count() >= 4,
                "the texts include some past the max length, which the server cuts as the model does");
        List<float[]> expected = model.embed(texts);
        for (int from = 0; from < texts.size(); from += 8) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + 8));
            JsonNode rows = ok(http.post("/embed", Http.inputs(batch, "")), "EmbedResponse");
            assertEquals(batch.size(), rows.size());
            for (int i = 0; i < batch.size(); i++) {
                assertClose(expected.get(from + i), rows.get(i), "text " + (from + i));
                assertEquals(1, norm(floats(rows.get(i))), 1e-5, "normalized by default");
            }
        }
        JsonNode one = ok(http.post("/embed", "{\"inputs\": " + Http.JSON.valueToTree(texts.get(3)) + "}"), "EmbedResponse");
        assertEquals(1, one.size());
        assertClose(expected.get(3), one.get(0), "a single string");
    }

    @Test
    void aCompressedResponseIsWhole() throws Exception {
        List<String> some = texts.subList(0, 8);
        Http.Response r = http.post("/embed", Http.inputs(some, ""), "Accept-Encoding", "gzip");
        assertEquals(200, r.status(), r::body);
        byte[] body = r.bytes();
        if (r.headers().firstValue("content-encoding").orElse("").equals("gzip")) {
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
                body = in.readAllBytes();
            }
        }
        JsonNode rows = Http.JSON.readTree(body);
        TEI.assertValid("EmbedResponse", rows);
        List<float[]> expected = model.embed(some);
        for (int i = 0; i < some.size(); i++) {
            assertClose(expected.get(i), rows.get(i), "text " + i);
        }
    }

    @Test
    void tokenIdInputsEmbedAsTheirText() {
        String text = "The quick brown fox jumps over the lazy dog.";
        int[] ids = model.tokenizer().encode(text).ids();
        JsonNode rows = ok(http.post("/embed", "{\"inputs\": " + Http.JSON.valueToTree(ids) + "}"), "EmbedResponse");
        assertClose(model.embed(text), rows.get(0), "ids");
        JsonNode mixed = ok(http.post("/embed", "{\"inputs\": [" + Http.JSON.valueToTree(ids) + ", \"hello world\"]}"), "EmbedResponse");
        assertClose(model.embed(text), mixed.get(0), "ids in a list");
        assertClose(model.embed("hello world"), mixed.get(1), "a text beside them");
    }

    @Test
    void normalizeFalseAndDimensions() {
        List<String> some = texts.subList(10, 18);
        List<float[]> raw = unnormalized.embed(some);
        JsonNode rows = ok(http.post("/embed", Http.inputs(some, "\"normalize\": false")), "EmbedResponse");
        for (int i = 0; i < some.size(); i++) {
            float[] got = floats(rows.get(i));
            assertClose(raw.get(i), rows.get(i), "normalize false, text " + i);
            assertEquals(norm(raw.get(i)), norm(got), 1e-4 * norm(raw.get(i)), "unnormalized length, text " + i);
        }
        List<float[]> full = model.embed(some);
        JsonNode cut = ok(http.post("/embed", Http.inputs(some, "\"dimensions\": 128")), "EmbedResponse");
        for (int i = 0; i < some.size(); i++) {
            assertEquals(128, cut.get(i).size());
            float[] expected = matryoshka(full.get(i), 128);
            float[] got = floats(cut.get(i));
            assertTrue(cosine(expected, got) >= COSINE, "dimensions 128, text " + i);
            assertEquals(1, norm(got), 1e-5, "renormalized over 128 dimensions");
        }
    }

    @Test
    void truncateFalseAndUnknownPromptsAreRefused() {
        String tooLong = longTexts.getFirst();
        refused(http, http.post("/embed", Http.inputs(List.of(tooLong), "\"truncate\": false")), 422, "Validation");
        JsonNode cut = ok(http.post("/embed", Http.inputs(List.of(tooLong), "\"truncate\": true")), "EmbedResponse");
        assertClose(model.embed(tooLong), cut.get(0), "truncate true");
        refused(http, http.post("/embed", Http.inputs(List.of("hello"), "\"prompt_name\": \"no-such-prompt\"")), 422, "Validation");
    }

    @Test
    void embedAllMatchesTokenEmbeddings() {
        List<String> some = List.of("Hello, world!", texts.get(20), longTexts.get(1));
        List<Encoding> encodings = model.tokenize(some);
        TokenBatch batch = TokenBatch.of(encodings.stream().map(Encoding::ids).toList(), encodings.stream().map(Encoding::typeIds).toList());
        int hidden = model.architecture().hiddenSize();
        float[] states = new float[batch.tokenCount() * hidden];
        model.tokenEmbeddings(batch, MemorySegment.ofArray(states));
        JsonNode got = ok(http.post("/embed_all", Http.inputs(some, "")), "EmbedAllResponse");
        assertEquals(some.size(), got.size());
        for (int s = 0; s < some.size(); s++) {
            assertEquals(encodings.get(s).length(), got.get(s).size(), "tokens of text " + s);
            for (int t = 0; t < encodings.get(s).length(); t++) {
                JsonNode row = got.get(s).get(t);
                assertEquals(hidden, row.size());
                for (int k = 0; k < hidden; k++) {
                    float e = states[(batch.start(s) + t) * hidden + k];
                    assertEquals(e, row.get(k).floatValue(), 1e-4 * Math.max(1, Math.abs(e)), "text " + s + " token " + t + " dim " + k);
                }
            }
        }
    }

    @Test
    void openAiEmbeddingsInFloatsAndBase64() {
        List<String> some = texts.subList(30, 36);
        List<float[]> expected = model.embed(some);
        var body = Http.JSON.createObjectNode();
        some.forEach(body.putArray("input")::add);
        body.put("model", "anything");
        JsonNode floatsBody = ok(http.post("/v1/embeddings", body), "OpenAICompatResponse");
        body.put("encoding_format", "base64");
        JsonNode base64Body = ok(http.post("/v1/embeddings", body), "OpenAICompatResponse");
        int tokens = some.stream().mapToInt(t -> model.tokenize(List.of(t)).getFirst().length()).sum();
        for (JsonNode r : List.of(floatsBody, base64Body)) {
            assertEquals("list", r.get("object").asText());
            assertEquals(tokens, r.get("usage").get("prompt_tokens").asInt(), "prompt tokens");
            assertEquals(some.size(), r.get("data").size());
        }
        for (int i = 0; i < some.size(); i++) {
            JsonNode f = floatsBody.get("data").get(i);
            assertEquals(i, f.get("index").asInt());
            assertEquals("embedding", f.get("object").asText());
            assertClose(expected.get(i), f.get("embedding"), "float " + i);
            JsonNode b = base64Body.get("data").get(i);
            assertTrue(b.get("embedding").isTextual());
            ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(b.get("embedding").asText())).order(ByteOrder.LITTLE_ENDIAN);
            float[] decoded = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(decoded);
            assertEquals(model.dimensions(), decoded.length, "base64 holds little-endian float32s");
            assertTrue(cosine(expected.get(i), decoded) >= COSINE, "base64 " + i);
            assertArrayEquals(floats(f.get("embedding")), decoded, 1e-6f, "the same vector both ways");
        }
        JsonNode bad = refused(http, http.post("/v1/embeddings", "{\"input\": \"a\", \"encoding_format\": \"hex\"}"), 422, "Validation",
                "OpenAICompatErrorResponse");
        assertEquals(422, bad.get("code").asInt());
        refused(http, http.post("/v1/embeddings", "{\"input\": []}"), 400, "Empty", "OpenAICompatErrorResponse");
    }

    @Test
    void similarityIsTheCosineOfTheEmbeddings() {
        String source = texts.get(5);
        List<String> sentences = texts.subList(6, 12);
        var body = Http.JSON.createObjectNode();
        var inputs = body.putObject("inputs").put("source_sentence", source);
        sentences.forEach(inputs.putArray("sentences")::add);
        JsonNode got = ok(http.post("/similarity", body), "SimilarityResponse");
        float[] a = model.embed(source);
        List<float[]> b = model.embed(sentences);
        assertEquals(sentences.size(), got.size());
        for (int i = 0; i < sentences.size(); i++) {
            assertEquals(cosine(a, b.get(i)), got.get(i).asDouble(), 1e-5, "sentence " + i);
        }
    }

    @Test
    void tokenizeGivesTheTokenizersIdsAndUtf8ByteOffsets() {
        Tokenizer tokenizer = model.tokenizer();
        List<String> some = List.of(texts.get(7), texts.get(40), "naïve 日本 ok");
        JsonNode got = ok(http.post("/tokenize", Http.inputs(some, "")), "TokenizeResponse");
        for (int s = 0; s < some.size(); s++) {
            int[] ids = tokenizer.encode(some.get(s)).ids();
            int[] served = new int[got.get(s).size()];
            for (int t = 0; t < served.length; t++) {
                served[t] = got.get(s).get(t).get("id").asInt();
            }
            assertArrayEquals(ids, served, "ids of text " + s);
        }
        // by hand: "naïve" is bytes 0..6 (ï is two bytes), a space, 日 bytes 7..10, 本 10..13 (three each), a space, "ok" 14..16;
        // the uncased normalizer strips the accent, and the text of a token is the input's own bytes
        JsonNode tokens = got.get(2);
        String[][] expected = {{"[CLS]", null, null}, {"naïve", "0", "6"}, {"日", "7", "10"}, {"本", "10", "13"}, {"ok", "14", "16"},
                {"[SEP]", null, null}};
        assertEquals(expected.length, tokens.size(), tokens::toString);
        for (int t = 0; t < expected.length; t++) {
            JsonNode token = tokens.get(t);
            assertEquals(expected[t][0], token.get("text").asText(), "token " + t);
            assertEquals(expected[t][1] == null, token.get("special").asBoolean(), "special " + t);
            assertEquals(expected[t][1] == null ? "null" : expected[t][1], token.get("start").asText(), "start " + t);
            assertEquals(expected[t][2] == null ? "null" : expected[t][2], token.get("stop").asText(), "stop " + t);
        }
        JsonNode plain = ok(http.post("/tokenize", "{\"inputs\": \"hello world\", \"add_special_tokens\": false}"), "TokenizeResponse");
        int[] ids = tokenizer.encode("hello world", null, EncodeOptions.builder().addSpecialTokens(false).build()).ids();
        assertEquals(ids.length, plain.get(0).size());
        for (int t = 0; t < ids.length; t++) {
            assertEquals(ids[t], plain.get(0).get(t).get("id").asInt());
        }
    }

    @Test
    void decodeMatchesTheTokenizer() {
        Tokenizer tokenizer = model.tokenizer();
        int[] a = tokenizer.encode(texts.get(8)).ids();
        int[] b = tokenizer.encode("naïve 日本 ok").ids();
        JsonNode got = ok(http.post("/decode", "{\"ids\": [" + Http.JSON.valueToTree(a) + ", " + Http.JSON.valueToTree(b) + "]}"),
                "DecodeResponse");
        assertEquals(List.of(tokenizer.decode(a, true), tokenizer.decode(b, true)), List.of(got.get(0).asText(), got.get(1).asText()));
        JsonNode kept = ok(http.post("/decode", "{\"ids\": " + Http.JSON.valueToTree(b) + ", \"skip_special_tokens\": false}"), "DecodeResponse");
        assertEquals(tokenizer.decode(b, false), kept.get(0).asText());
        assertTrue(kept.get(0).asText().startsWith("[CLS]"));
    }

    @Test
    void infoHealthAndMetrics() {
        JsonNode info = ok(http.get("/info"), "Info");
        assertEquals("all-minilm-l6-v2", info.get("model_id").asText());
        assertEquals("mean", info.get("model_type").get("embedding").get("pooling").asText());
        assertEquals(model.maxLength(), info.get("max_input_length").asInt());
        assertEquals(32, info.get("max_client_batch_size").asInt());
        assertEquals(512, info.get("max_concurrent_requests").asInt());
        http.assertHealthy();
        http.post("/embed", "{\"inputs\": \"count me\"}");
        Http.Response m = http.get("/metrics");
        assertEquals(200, m.status());
        assertTrue(m.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        List<String> lines = m.body().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("te_request_total{") && l.contains("route=\"/embed\"") && l.contains("status=\"200\"")),
                "te_request_total for /embed");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("te_queue_size ")), "te_queue_size");
        assertTrue(Http.total(Http.parseMetrics(m.body()), "te_request_total") >= 1);
    }

    // ---- concurrency -------------------------------------------------------------------------------------

    @Test
    void concurrentRequestsAreBatchedAndAnsweredAsSequentialOnes() throws Exception {
        List<String> shortTexts = texts.stream().filter(t -> tokens(t) <= 48).toList();   // bounded work: 160 requests on two cores
        assertTrue(shortTexts.size() >= 20, "texts to draw from");
        Map<String, float[]> sequential = new HashMap<>();
        for (String t : shortTexts) {
            sequential.put(t, model.embed(t));
        }
        Map<String, Double> before = http.metrics();
        int threads = 16, perThread = 10;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int th = 0; th < threads; th++) {
                Random random = new Random(th);
                results.add(pool.submit(() -> {
                    List<String> problems = new ArrayList<>();
                    for (int r = 0; r < perThread; r++) {
                        List<String> batch = IntStream.range(0, 1 + random.nextInt(8)).mapToObj(i -> shortTexts.get(random.nextInt(shortTexts.size()))).toList();
                        Http.Response response = http.post("/embed", Http.inputs(batch, ""));
                        if (response.status() != 200) {
                            problems.add("status " + response.status() + ": " + response.body());
                            continue;
                        }
                        JsonNode rows = response.json();
                        for (int i = 0; i < batch.size(); i++) {
                            double c = cosine(sequential.get(batch.get(i)), floats(rows.get(i)));
                            if (c < COSINE) {
                                problems.add("cosine " + c + " for " + batch.get(i));
                            }
                        }
                    }
                    return problems;
                }));
            }
            List<String> problems = new ArrayList<>();
            for (Future<List<String>> f : results) {
                problems.addAll(f.get());
            }
            assertEquals(List.of(), problems);
        }
        Map<String, Double> after = http.metrics();
        double batches = Http.total(after, "te_batch_next_size_count") - Http.total(before, "te_batch_next_size_count");
        double requests = Http.total(after, "te_batch_next_size_sum") - Http.total(before, "te_batch_next_size_sum");
        assertEquals(threads * perThread, requests, "every request ran in some encoder pass");
        assertTrue(requests > batches, "some encoder pass ran more than one request: " + requests + " requests in " + batches + " passes");
    }

    // ---- bad input ------------------------------------------------------------------------------------

    @Test
    void malformedBodies() {
        refused(http, http.post("/embed", "{\"inputs\": \"a\""), 400, "Validation");
        refused(http, http.post("/embed", "not json"), 400, "Validation");
        refused(http, http.post("/embed", ""), 400, "Validation");
        refused(http, http.post("/embed", "[\"a\"]"), 422, "Validation");
        refused(http, http.post("/embed", "\"a\""), 422, "Validation");
        byte[] invalidUtf8 = {'{', '"', 'i', 'n', 'p', 'u', 't', 's', '"', ':', ' ', '"', (byte) 0xff, (byte) 0xfe, 'a', '"', '}'};
        refused(http, http.post("/embed", invalidUtf8), 400, "Validation");
        refused(http, http.post("/embed", "{\"inputs\": \"a\"} trailing"), 400, "Validation");
    }

    @Test
    void wrongFieldsAndTypes() {
        refused(http, http.post("/embed", "{\"input\": \"a\"}"), 422, "Validation");
        refused(http, http.post("/embed", "{\"inputs\": 5}"), 422, "Validation");
        refused(http, http.post("/embed", "{\"inputs\": [\"a\", 5]}"), 422, "Validation");
        refused(http, http.post("/embed", "{\"inputs\": \"a\", \"normalize\": \"yes\"}"), 422, "Validation");
        refused(http, http.post("/embed", "{\"inputs\": \"a\", \"dimensions\": -1}"), 422, "Validation");
        refused(http, http.post("/embed", "{\"inputs\": \"a\", \"dimensions\": 1000}"), 422, "Validation");
        refused(http, http.post("/embed", "{\"inputs\": \"a\", \"truncation_direction\": \"up\"}"), 422, "Validation");
        refused(http, http.post("/embed", "{\"inputs\": [[101, -5, 102]]}"), 422, "Validation");
        refused(http, http.post("/similarity", "{\"inputs\": \"a\"}"), 422, "Validation");
        refused(http, http.post("/decode", "{\"ids\": \"a\"}"), 422, "Validation");
    }

    @Test
    void emptyAndOversizedBatches() {
        refused(http, http.post("/embed", "{\"inputs\": []}"), 400, "Empty");
        refused(http, http.post("/embed", "{\"inputs\": [[]]}"), 400, "Empty");
        refused(http, http.post("/tokenize", "{\"inputs\": []}"), 400, "Empty");
        List<String> many = IntStream.range(0, 33).mapToObj(i -> "text " + i).toList();
        refused(http, http.post("/embed", Http.inputs(many, "")), 422, "Validation");
        ok(http.post("/embed", Http.inputs(many.subList(0, 32), "")), "EmbedResponse");
    }

    @Test
    void aMegabyteStringIsCutOrRefused() {
        String huge = "word ".repeat(200_000);
        assertTrue(huge.length() >= 1_000_000);
        JsonNode cut = ok(http.post("/embed", Http.inputs(List.of(huge), "\"truncate\": true")), "EmbedResponse");
        assertClose(model.embed(huge), cut.get(0), "a 1 MB text cut to the max length");
        refused(http, http.post("/embed", Http.inputs(List.of(huge), "\"truncate\": false")), 422, "Validation");
    }

    @Test
    void tokenIdsOutsideTheVocabulary() {
        int vocab = model.tokenizer().vocabSize();
        refused(http, http.post("/embed", "{\"inputs\": [[101, " + vocab + ", 102]]}"), 422, "Tokenizer");
        refused(http, http.post("/decode", "{\"ids\": [101, " + (vocab + 7) + "]}"), 422, "Tokenizer");
    }

    @Test
    void unknownRoutesAndMethods() {
        refused(http, http.get("/embed"), 405, "Validation");
        refused(http, http.get("/v1/embeddings"), 405, "Validation");
        refused(http, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + http.port + "/info"))
                .DELETE().build()), 405, "Validation");
        refused(http, http.post("/no-such-route", "{}"), 404, "Validation");
        refused(http, http.get("/v2/embeddings"), 404, "Validation");
    }

    @Test
    void aClientThatHangsUpMidBodyLeavesTheServerUp() {
        byte[] body = Http.inputs(List.of(texts.get(1), texts.get(2)), "").getBytes(StandardCharsets.UTF_8);
        http.raw(Http.rawPost("/embed", java.util.Arrays.copyOf(body, body.length / 2), body.length));
        http.raw("POST /embed HTTP/1.1\r\nHost: x\r\nContent-Le".getBytes(StandardCharsets.US_ASCII));
        http.assertHealthy();
        ok(http.post("/embed", "{\"inputs\": \"still here\"}"), "EmbedResponse");
    }

    @Test
    void queuedWorkOfAClientThatLeftIsDropped() throws Exception {
        Map<String, Double> before = http.metrics();
        byte[] heavy = Http.inputs(longTexts, "").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            http.raw(Http.rawPost("/embed", heavy, heavy.length));   // the whole request, then gone
        }
        http.assertHealthy();
        double gone = 0;
        for (long deadline = System.nanoTime() + 30_000_000_000L; System.nanoTime() < deadline; ) {
            Map<String, Double> now = http.metrics();
            gone = Http.total(now, "te_request_dropped_total") - Http.total(before, "te_request_dropped_total")
                    + Http.total(now, "te_request_total", l -> l.contains("status=\"499\"")) - Http.total(before, "te_request_total", l -> l.contains("status=\"499\""));
            if (gone > 0) {
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(gone > 0, "/metrics counts a request dropped or answered 499 for a client that left");
        ok(http.post("/embed", "{\"inputs\": \"still here\"}"), "EmbedResponse");
    }
}
