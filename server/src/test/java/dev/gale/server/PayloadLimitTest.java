package dev.gale.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** --payload-limit: a body past it is TEI's 413, whether it declares its length or comes chunked; one within it is served. */
class PayloadLimitTest {
    private static final int LIMIT = 10_000;
    private static GaleServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = GaleServer.start(ServeOptions.builder("all-minilm-l6-v2").port(0).host("127.0.0.1").payloadLimit(LIMIT).warmup(false).build(),
                System.out);
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** {"inputs": [...]} of exactly {@code bytes} bytes. */
    private static byte[] body(int bytes) {
        String prefix = "{\"inputs\": [\"", suffix = "\"]}";
        byte[] b = (prefix + "x".repeat(bytes - prefix.length() - suffix.length()) + suffix).getBytes(StandardCharsets.UTF_8);
        assertEquals(bytes, b.length);
        return b;
    }

    @Test
    void overTheLimitWithContentLength() {
        Http.Response first = http.post("/embed", body(LIMIT + 1));
        GaleServerTest.refused(http, first, 413, "Validation");
        // the unread rest of the body ends the connection, and the answer says so (a pooling client must not reuse it)
        assertEquals("close", first.headers().firstValue("Connection").orElse("(none)"));
        GaleServerTest.refused(http, http.post("/embed", body(2 * LIMIT)), 413, "Validation");
        GaleServerTest.refused(http, http.post("/v1/embeddings", body(2 * LIMIT)), 413, "Validation", "OpenAICompatErrorResponse");
    }

    @Test
    void overTheLimitChunked() {
        GaleServerTest.refused(http, http.postChunked("/embed", body(LIMIT + 1)), 413, "Validation");
        GaleServerTest.refused(http, http.postChunked("/embed", body(3 * LIMIT)), 413, "Validation");
    }

    @Test
    void withinTheLimitBothWays() {
        for (Http.Response r : List.of(http.post("/embed", body(LIMIT)), http.postChunked("/embed", body(LIMIT)))) {
            assertEquals(200, r.status(), r::body);
            OpenApiValidator.tei().assertValid("EmbedResponse", r.json());
            assertEquals(1, r.json().size());
        }
        Http.Response info = http.get("/info");
        assertTrue(info.json().has("max_client_batch_size"));
    }
}
