package dev.gale.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A real HTTP client on a test server's port (java.net.http, HTTP/1.1), raw sockets, and /metrics parsed. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Bounds a request that hangs, so that a broken server fails a test instead of stalling the build; not a timing assertion. */
    private static final Duration BOUND = Duration.ofSeconds(120);

    final int port;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    Http(int port) {
        this.port = port;
    }

    record Response(int status, byte[] bytes, HttpHeaders headers) {
        String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body(), e);
            }
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(BOUND);
    }

    Response post(String path, String json) {
        return post(path, json.getBytes(StandardCharsets.UTF_8));
    }

    Response post(String path, JsonNode json) {
        return post(path, json.toString());
    }

    Response post(String path, byte[] body) {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** A POST with extra headers, given as name, value, name, value... */
    Response post(String path, String json, String... headers) {
        return send(request(path).header("Content-Type", "application/json").headers(headers)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** A POST whose body has no declared length: sent with chunked transfer encoding. */
    Response postChunked(String path, byte[] body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
    }

    Response get(String path) {
        return send(request(path).GET().build());
    }

    Response send(HttpRequest request) {
        try {
            HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code bytes} on a new connection, then closes it without reading. */
    void raw(byte[] bytes) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A POST request's head and {@code body} as bytes on the wire, with a Content-Length of {@code declared}. */
    static byte[] rawPost(String path, byte[] body, int declared) {
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + declared + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** /health answers 200. */
    void assertHealthy() {
        assertEquals(200, get("/health").status(), "/health");
    }

    /** GET /metrics, every sample as "name{labels}" -> value. */
    Map<String, Double> metrics() {
        Response r = get("/metrics");
        assertEquals(200, r.status(), "/metrics");
        return parseMetrics(r.body());
    }

    static Map<String, Double> parseMetrics(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    /** The sum of the samples of {@code name} over all label sets (0 if none). */
    static double total(Map<String, Double> samples, String name) {
        return total(samples, name, k -> true);
    }

    /** The sum of the samples of {@code name} whose labels pass {@code labels} (0 if none). */
    static double total(Map<String, Double> samples, String name, Predicate<String> labels) {
        double sum = 0;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String key = e.getKey();
            int brace = key.indexOf('{');
            String n = brace < 0 ? key : key.substring(0, brace);
            if (n.equals(name) && labels.test(brace < 0 ? "" : key.substring(brace))) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    /** {"inputs": [...texts]} and extra fields. */
    static String inputs(List<String> texts, String extra) {
        var node = JSON.createObjectNode();
        var array = node.putArray("inputs");
        texts.forEach(array::add);
        String s = node.toString();
        return extra.isEmpty() ? s : s.substring(0, s.length() - 1) + ", " + extra + "}";
    }
}
