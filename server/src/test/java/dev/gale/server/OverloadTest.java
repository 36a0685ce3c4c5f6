package dev.gale.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.Corpus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * --max-concurrent-requests 2 under twelve heavy requests at once: the ones past the limit are TEI's 429 Overloaded,
 * none is a 5xx, the admitted ones are served, and /health answers 200 throughout.
 */
class OverloadTest {
    private static GaleServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = GaleServer.start(ServeOptions.builder("all-minilm-l6-v2").port(0).host("127.0.0.1").maxConcurrentRequests(2).maxLength(128).warmup(false)
                .build(), System.out);
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void requestsPastTheLimitAreOverloadedAndNoneFails() throws Exception {
        List<String> longest = Corpus.texts().stream().sorted(Comparator.comparingInt(String::length).reversed()).limit(32).toList();
        String heavy = Http.inputs(longest, "");   // 32 texts cut at 128 tokens: 4096 tokens
        int clients = 12;
        List<Integer> health = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<Http.Response>> responses = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                responses.add(pool.submit(() -> http.post("/embed", heavy)));
            }
            while (!responses.stream().allMatch(Future::isDone)) {
                health.add(http.get("/health").status());
                Thread.sleep(50);
            }
            int ok = 0, overloaded = 0;
            for (Future<Http.Response> f : responses) {
                Http.Response r = f.get();
                assertTrue(r.status() == 200 || r.status() == 429, "status " + r.status() + ": " + r.body());
                JsonNode json = r.json();
                if (r.status() == 200) {
                    OpenApiValidator.tei().assertValid("EmbedResponse", json);
                    assertEquals(32, json.size());
                    ok++;
                } else {
                    OpenApiValidator.tei().assertValid("ErrorResponse", json);
                    assertEquals("Overloaded", json.get("error_type").asText());
                    overloaded++;
                }
            }
            assertTrue(ok >= 1 && overloaded >= 1, ok + " served, " + overloaded + " overloaded");
        }
        assertTrue(!health.isEmpty() && health.stream().allMatch(s -> s == 200), "/health during the load: " + health);
        http.assertHealthy();
        Http.Response after = http.post("/embed", "{\"inputs\": \"after the storm\"}");
        assertEquals(200, after.status(), after::body);
        assertTrue(Http.total(http.metrics(), "te_request_total", l -> l.contains("status=\"429\"")) >= 1, "429s are counted");
    }
}
