package dev.gale.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.Corpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@link GaleServer#stop()} while requests are in flight: each is answered in full (also one whose client reads its
 * large response slowly), then the port refuses connections, and the server's threads end without an uncaught
 * exception.
 */
class GracefulStopTest {

    @Test
    void requestsInFlightCompleteAndThenThePortIsClosed() throws Exception {
        List<Throwable> uncaught = Collections.synchronizedList(new ArrayList<>());
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(new IllegalStateException("in thread " + t.getName(), e)));
        GaleServer server = GaleServer.start(ServeOptions.builder("all-minilm-l6-v2").port(0).host("127.0.0.1").warmup(false).build(),
                System.out);
        try (Socket slow = new Socket()) {
            int port = server.port();
            Http http = new Http(port);
            List<String> longest = Corpus.texts().stream().sorted(Comparator.comparingInt(String::length).reversed()).limit(4).toList();

            // a slow reader: /embed_all of 4 x 256 tokens is ~5 MB of JSON, more than the socket buffers hold
            slow.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            slow.setSoTimeout(120_000);
            byte[] body = Http.inputs(longest, "").getBytes(StandardCharsets.UTF_8);
            slow.getOutputStream().write(("POST /embed_all HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().write(body);
            slow.getOutputStream().flush();
            CompletableFuture<Http.Response> heavy = CompletableFuture.supplyAsync(() -> http.post("/embed", Http.inputs(longest.subList(0, 2), "")));
            while (Http.total(http.metrics(), "te_requests_in_flight") < 2 && !heavy.isDone()) {
                Thread.sleep(5);
            }
            assertTrue(!heavy.isDone(), "the requests are in flight when stop() is called");
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);

            Http.Response r = heavy.get(120, TimeUnit.SECONDS);
            assertEquals(200, r.status(), r::body);
            JsonNode rows = r.json();
            OpenApiValidator.tei().assertValid("EmbedResponse", rows);
            assertEquals(2, rows.size());

            InputStream in = slow.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            response.write(in.read());   // the response has begun
            try {
                stopping.get(2, TimeUnit.SECONDS);   // a server that does not wait for the write closes the connection meanwhile
            } catch (TimeoutException e) {
                // still draining: the write is waited for
            }
            in.transferTo(response);
            byte[] whole = httpBody(response.toByteArray());
            JsonNode all;
            try {
                all = Http.JSON.readTree(whole);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new AssertionError("the slow reader's response was cut short after " + whole.length + " bytes", e);
            }
            OpenApiValidator.tei().assertValid("EmbedAllResponse", all);
            assertEquals(4, all.size());

            stopping.get(120, TimeUnit.SECONDS);
            assertThrows(ConnectException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                }
            });
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("gale-serve")) {
                    t.join(10_000);
                }
            }
            assertEquals(List.of(), uncaught);
        } finally {
            server.stop();   // at once if the test stopped it, else (a failure) now
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    /** The body of an HTTP/1.1 200 response, checked against its length or chunks when it has them. */
    private static byte[] httpBody(byte[] response) throws IOException {
        int end = -1;
        for (int i = 0; i + 3 < response.length; i++) {
            if (response[i] == '\r' && response[i + 1] == '\n' && response[i + 2] == '\r' && response[i + 3] == '\n') {
                end = i;
                break;
            }
        }
        assertTrue(end > 0, "a response head");
        List<String> head = new String(response, 0, end, StandardCharsets.US_ASCII).lines().toList();
        assertTrue(head.getFirst().startsWith("HTTP/1.1 200"), head.getFirst());
        byte[] rest = Arrays.copyOfRange(response, end + 4, response.length);
        for (String h : head) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                long length = Long.parseLong(h.substring(h.indexOf(':') + 1).strip());
                assertEquals(length, rest.length, "the whole body of " + length + " bytes came");
                return rest;
            }
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                return dechunk(rest);
            }
        }
        return rest;   // delimited by the connection's close (Connection: close): whole if it parses as JSON
    }

    private static byte[] dechunk(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (true) {
            int eol = i;
            while (eol + 1 < b.length && !(b[eol] == '\r' && b[eol + 1] == '\n')) {
                eol++;
            }
            assertTrue(eol + 1 < b.length, "the chunked body was cut short after " + out.size() + " bytes");
            int size = Integer.parseInt(new String(b, i, eol - i, StandardCharsets.US_ASCII).split(";")[0].strip(), 16);
            if (size == 0) {
                return out.toByteArray();
            }
            assertTrue(eol + 2 + size <= b.length, "the chunked body was cut short after " + out.size() + " bytes");
            out.write(b, eol + 2, size);
            i = eol + 2 + size + 2;
        }
    }
}
