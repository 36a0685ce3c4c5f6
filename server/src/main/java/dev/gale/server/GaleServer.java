package dev.gale.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.FillMask;
import dev.gale.encoder.TextClassifier;
import dev.gale.encoder.TokenClassifier;
import dev.gale.encoder.tokenizer.EncodeOptions;
import dev.gale.encoder.tokenizer.Encoding;
import dev.gale.encoder.tokenizer.Truncation;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.ServerConnector;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code gale serve}: Hugging Face text-embeddings-inference's HTTP API (its {@code docs/openapi.json} and
 * {@code router/src/http/server.rs} are the contract) and OpenAI's {@code /v1/embeddings}, on Javalin (Jetty 12),
 * over one {@link Inference}.
 * <pre>
 *   Jetty (a virtual thread per request)   body (at most --payload-limit) -> JSON -> validated inputs
 *     -> permit (--max-concurrent-requests, else 429)
 *     -> Inference.submit: tokenized on the scheduler's pool, batched by tokens, run on its encoder thread
 *     -> the response JSON and TEI's x-*-time headers
 * </pre>
 * Bad input gets TEI's {@code {"error", "error_type"}} with a 4xx, never a stack trace. A client that goes away
 * cancels its request's job if the encoder has not taken it yet. {@link #stop()} (SIGTERM) stops accepting,
 * lets requests in flight finish within --drain-timeout, then closes the model.
 */
public final class GaleServer implements AutoCloseable {

    static final String VERSION = "0.1.0";

    private final ServeOptions options;
    private final Inference inference;
    private final ServerMetrics metrics;
    private final Semaphore permits;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Disconnect.Watcher disconnects = new Disconnect.Watcher();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final PrintStream log;
    private final String computeType;
    private volatile boolean draining;
    private Javalin app;

    private GaleServer(ServeOptions options, Inference inference, ServerMetrics metrics, PrintStream log) {
        this.options = options;
        this.inference = inference;
        this.metrics = metrics;
        this.permits = new Semaphore(options.maxConcurrentRequests());
        this.log = log;
        this.computeType = options.device();
    }

    /**
     * Loads the model, warms its kernels (so the first request is not the slow one), then listens: the port
     * answers, and {@code /health} says ready, only once the model can serve at full speed.
     */
    public static GaleServer start(ServeOptions options, PrintStream log) {
        ServerMetrics metrics = new ServerMetrics();
        long t = System.nanoTime();
        Inference inference = Inference.load(options, metrics);
        GaleServer server = new GaleServer(options, inference, metrics, log);
        try {
            log.printf("gale serve: %s loaded as %s model (max input length %d) in %.1f s%n", options.modelId(),
                    inference.kind.name().toLowerCase(), inference.maxInputLength, (System.nanoTime() - t) / 1e9);
            if (options.warmup()) {
                t = System.nanoTime();
                Warmup.run(inference, options.maxBatchTokens());
                log.printf("gale serve: kernels warm in %.1f s%n", (System.nanoTime() - t) / 1e9);
            }
            metrics.live = true;
            server.listen();
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        log.printf("gale serve: listening on http://%s:%d (%s; Ctrl-C or SIGTERM stops)%n", options.host(), server.port(), options.device());
        return server;
    }

    private void listen() {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = options.payloadLimit();
            config.jetty.host = options.host();
            config.jetty.port = options.port();
            config.router.ignoreTrailingSlashes = true;
            config.http.prefer405over404 = true;   // GET on a POST route is 405, as TEI's router (axum) answers
            config.routes.post("/embed", ctx -> inference(ctx, "/embed", this::embed));
            config.routes.post("/embed_all", ctx -> inference(ctx, "/embed_all", this::embedAll));
            config.routes.post("/embed_sparse", ctx -> inference(ctx, "/embed_sparse", this::embedSparse));
            config.routes.post("/predict", ctx -> inference(ctx, "/predict", this::predict));
            config.routes.post("/rerank", ctx -> inference(ctx, "/rerank", this::rerank));
            config.routes.post("/similarity", ctx -> inference(ctx, "/similarity", this::similarity));
            config.routes.post("/ner", ctx -> inference(ctx, "/ner", this::ner));
            config.routes.post("/fill_mask", ctx -> inference(ctx, "/fill_mask", this::fillMask));
            config.routes.post("/v1/embeddings", ctx -> openai(ctx, "/v1/embeddings"));
            config.routes.post("/embeddings", ctx -> openai(ctx, "/embeddings"));
            config.routes.post("/tokenize", ctx -> plain(ctx, "/tokenize", this::tokenize));
            config.routes.post("/decode", ctx -> plain(ctx, "/decode", this::decode));
            config.routes.post("/", ctx -> defaultRoute(ctx));
            config.routes.post("/invocations", ctx -> defaultRoute(ctx));
            config.routes.get("/health", this::health);
            config.routes.get("/", this::health);
            config.routes.get("/ping", this::health);
            config.routes.get("/info", ctx -> plainGet(ctx, "/info", this::info));
            config.routes.get("/metrics", ctx -> {
                ctx.contentType(metrics.contentType()).result(metrics.scrape());
                metrics.answered("/metrics", 200);
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty() || !ctx.res().getContentType().startsWith("application/json")) {
                    unmatched(ctx, new ApiError(ApiError.Type.NOT_FOUND, "no route " + ctx.method() + " " + ctx.path()
                            + "; the routes are POST /embed /embed_all /embed_sparse /predict /rerank /similarity /ner /fill_mask"
                            + " /tokenize /decode /v1/embeddings, GET /health /info /metrics"));
                }
            });
            config.routes.error(405, ctx -> unmatched(ctx, new ApiError(ApiError.Type.METHOD, ctx.method() + " is not allowed on "
                    + ctx.path())));
            config.routes.exception(Exception.class, (e, ctx) -> internal(ctx, "unmatched", e, false));
        });
        app.start();
    }

    /** The port listened on. */
    public int port() {
        for (Connector c : app.jettyServer().server().getConnectors()) {
            if (c instanceof ServerConnector s) {
                return s.getLocalPort();
            }
        }
        return options.port();
    }

    /** Blocks until {@link #stop()} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /**
     * Graceful stop: /health answers 503 and new requests are refused, the port stops accepting, requests in flight
     * finish (at most --drain-timeout), then the server and the model close.
     */
    public synchronized void stop() {
        if (stopped.getCount() == 0) {
            return;
        }
        draining = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.drainMillis());
        if (app != null) {
            for (Connector c : app.jettyServer().server().getConnectors()) {
                if (c instanceof NetworkConnector n) {
                    n.close();   // no new connections
                }
            }
        }
        int waited = 0;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
                waited++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = inFlight.get();
        if (left > 0) {
            log.printf("gale serve: %d requests still in flight after %d ms; stopping anyway%n", left, options.drainMillis());
        }
        if (app != null) {
            app.stop();
        }
        inference.close(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        disconnects.close();
        if (app != null) {
            log.printf("gale serve: stopped%s%n", waited > 0 ? " after draining the requests in flight" : "");
        }
        stopped.countDown();
    }

    @Override
    public void close() {
        stop();
    }

    // ---- request plumbing -------------------------------------------------------------------------------

    /** A route's work: the request object in, the response body out (headers set on {@code timing}). */
    private interface Route {
        byte[] handle(Context ctx, JsonNode request, Timing timing) throws Exception;
    }

    /** What TEI reports in its x-*-time headers. */
    private static final class Timing {
        final long start = System.nanoTime();
        long characters;
        long tokens;
        long tokenizeNanos;
        long queueNanos;
        long inferenceNanos;

        void add(Inference.Job job) {
            tokens += job.tokens();
            tokenizeNanos = Math.max(tokenizeNanos, job.tokenizeNanos());
            queueNanos = Math.max(queueNanos, job.queueNanos());
            inferenceNanos = Math.max(inferenceNanos, job.inferenceNanos());
        }
    }

    /** A route that runs the model: admitted under --max-concurrent-requests. */
    private void inference(Context ctx, String route, Route work) {
        serve(ctx, route, work, true, false);
    }

    private void openai(Context ctx, String route) {
        serve(ctx, route, this::openaiEmbed, true, true);
    }

    /** A route that only tokenizes: no permit. */
    private void plain(Context ctx, String route, Route work) {
        serve(ctx, route, work, false, false);
    }

    private void plainGet(Context ctx, String route, Route work) {
        Timing timing = new Timing();
        try {
            respond(ctx, route, work.handle(ctx, null, timing), null);
        } catch (Exception e) {
            internal(ctx, route, e, false);
        }
    }

    private void serve(Context ctx, String route, Route work, boolean admitted, boolean openai) {
        Timing timing = new Timing();
        boolean permit = false;
        inFlight.incrementAndGet();
        metrics.inFlight.inc();
        try {
            if (draining) {
                throw new ApiError(ApiError.Type.UNHEALTHY, "the server is shutting down");
            }
            JsonNode request = Requests.object(body(ctx));
            if (admitted) {
                if (!permits.tryAcquire()) {
                    throw new ApiError(ApiError.Type.OVERLOADED, "Model is overloaded: " + options.maxConcurrentRequests()
                            + " requests are in flight (--max-concurrent-requests)");
                }
                permit = true;
            }
            byte[] body = work.handle(ctx, request, timing);
            respond(ctx, route, body, timing);
            metrics.duration.labelValues(route).observe((System.nanoTime() - timing.start) / 1e9);
            metrics.tokens.labelValues(route).inc(timing.tokens);
        } catch (ApiError e) {
            error(ctx, route, e, openai);
        } catch (Exception | Error e) {
            internal(ctx, route, e, openai);
        } finally {
            if (permit) {
                permits.release();
            }
            inFlight.decrementAndGet();
            metrics.inFlight.dec();
        }
    }

    /** TEI's default route for the model's kind: POST / and /invocations. */
    private void defaultRoute(Context ctx) {
        switch (inference.kind) {
            case EMBEDDING -> inference(ctx, "/", this::embed);
            case SPARSE -> inference(ctx, "/", this::embedSparse);
            case CLASSIFIER -> inference(ctx, "/", this::predict);
            case RERANKER -> inference(ctx, "/", this::rerank);
            case TOKEN_CLASSIFIER -> inference(ctx, "/", this::ner);
            case FILL_MASK -> inference(ctx, "/", this::fillMask);
        }
    }

    /**
     * How much of a body over the limit is read and dropped before the 413 goes out. The connection is closed after
     * the answer (its body is not Gale's to keep), and closing a socket with bytes still unread makes the kernel
     * reset it, which can destroy the answer on its way to the client ("received no bytes"); a body up to this much
     * past the limit is read to its end first, so that the client gets its 413. Larger ones are cut off unread.
     */
    static final long DRAIN_BYTES = 16L << 20;

    /** The request body, refused with 413 past --payload-limit, whether or not it says its length. */
    private byte[] body(Context ctx) throws IOException {
        long limit = options.payloadLimit();
        long declared = ctx.req().getContentLengthLong();
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared > limit) {
                drain(in);
                throw payloadTooLarge(declared);
            }
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                drain(in);
                throw payloadTooLarge(-1);
            }
            return body;
        }
    }

    /** Reads and drops up to {@link #DRAIN_BYTES} of what is left of a refused body. */
    private static void drain(InputStream in) {
        try {
            byte[] buffer = new byte[64 << 10];
            long left = DRAIN_BYTES;
            for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) {
                left -= n;
            }
        } catch (IOException e) {
            // the client stopped sending: the 413 still goes out
        }
    }

    private ApiError payloadTooLarge(long size) {
        return new ApiError(ApiError.Type.PAYLOAD, "the request body " + (size >= 0 ? "of " + size + " bytes " : "")
                + "is over the payload limit of " + options.payloadLimit() + " bytes (--payload-limit)");
    }

    private void respond(Context ctx, String route, byte[] body, Timing timing) {
        if (timing != null && timing.tokens > 0) {
            long total = (System.nanoTime() - timing.start) / 1_000_000;
            ctx.header("x-compute-type", computeType);
            ctx.header("x-compute-time", Long.toString(total));
            ctx.header("x-compute-characters", Long.toString(timing.characters));
            ctx.header("x-compute-tokens", Long.toString(timing.tokens));
            ctx.header("x-total-time", Long.toString(total));
            ctx.header("x-tokenization-time", Long.toString(timing.tokenizeNanos / 1_000_000));
            ctx.header("x-queue-time", Long.toString(timing.queueNanos / 1_000_000));
            ctx.header("x-inference-time", Long.toString(timing.inferenceNanos / 1_000_000));
            metrics.tokenization.observe(timing.tokenizeNanos / 1e9);
            metrics.queue.observe(timing.queueNanos / 1e9);
            metrics.inference.observe(timing.inferenceNanos / 1e9);
        }
        send(ctx, route, 200, body);
    }

    /**
     * Writes the response before the handler returns, so that a request counts as in flight until its bytes are
     * out: stop() waits for a slow reader's response, not only for the handler (Javalin writes a result after it).
     */
    private void send(Context ctx, String route, int status, byte[] body) {
        ctx.status(status).contentType("application/json");
        try (OutputStream out = ctx.outputStream()) {
            out.write(body);
        } catch (IOException e) {
            metrics.answered(route, 499);   // the client went away during the response
            return;
        }
        metrics.answered(route, status);
    }

    private void error(Context ctx, String route, ApiError e, boolean openai) {
        if (e.type == ApiError.Type.PAYLOAD) {
            // the rest of the body is not read, so the connection cannot carry another request: say so, or a client
            // that pools connections may send its next request on it as Jetty closes it ("received no bytes")
            ctx.header("Connection", "close");
        }
        send(ctx, route, e.type.status, errorBody(e, openai));
    }

    /** Javalin's own 404 and 405: its default result replaced by TEI's error body. */
    private void unmatched(Context ctx, ApiError e) {
        ctx.status(e.type.status).contentType("application/json").result(errorBody(e, false));
        metrics.answered("unmatched", e.type.status);
    }

    private static byte[] errorBody(ApiError e, boolean openai) {
        return json(g -> {
            g.writeStartObject();
            if (openai) {
                g.writeStringField("message", e.getMessage());
                g.writeNumberField("code", e.type.status);
            } else {
                g.writeStringField("error", e.getMessage());
            }
            g.writeStringField("error_type", e.type.name);
            g.writeEndObject();
        });
    }

    /** A Gale bug or a backend failure: 424 as TEI's Backend errors, one line to the log, no stack trace to the client. */
    private void internal(Context ctx, String route, Throwable e, boolean openai) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof ApiError a) {
            error(ctx, route, a, openai);
            return;
        }
        if (cause instanceof io.javalin.http.HttpResponseException h && h.getStatus() == 413) {
            error(ctx, route, payloadTooLarge(-1), openai);
            return;
        }
        if (cause instanceof io.javalin.http.HttpResponseException h && h.getStatus() < 500) {
            error(ctx, route, new ApiError(ApiError.Type.VALIDATION, h.getMessage()), openai);
            return;
        }
        if (cause instanceof IOException || cause instanceof UncheckedIOException) {
            // the client went away while sending or receiving: nobody to answer
            metrics.answered(route, 499);
            return;
        }
        log.printf("gale serve: %s failed: %s%n", route, cause);
        error(ctx, route, new ApiError(ApiError.Type.BACKEND, "inference failed: " + cause.getClass().getSimpleName()
                + (cause.getMessage() != null ? ": " + cause.getMessage().lines().findFirst().orElse("") : "")), openai);
    }

    /**
     * Waits for a job; if the client disconnects meanwhile the job is cancelled (the scheduler drops it unless the
     * encoder already took it) and the wait ends.
     */
    private Inference.Job await(Context ctx, CompletableFuture<Inference.Job> future, Timing timing) throws Exception {
        Disconnect disconnect = disconnects.watch(ctx);
        try {
            while (true) {
                try {
                    Inference.Job job = future.get(20, TimeUnit.MILLISECONDS);
                    timing.add(job);
                    if (disconnect.mustClose()) {
                        ctx.header("Connection", "close");
                    }
                    return job;
                } catch (TimeoutException e) {
                    if (disconnect.happened()) {
                        future.cancel(false);
                        throw new IOException("the client disconnected");
                    }
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof ApiError a) {
                        throw a;
                    }
                    if (e.getCause() instanceof CancellationException c) {
                        throw new ApiError(ApiError.Type.UNHEALTHY, "the server stopped before this request ran: " + c.getMessage());
                    }
                    throw e;
                }
            }
        } finally {
            disconnect.close();
        }
    }

    // ---- routes --------------------------------------------------------------------------------------

    private void requireKind(String what, Inference.Kind... kinds) {
        for (Inference.Kind k : kinds) {
            if (inference.kind == k) {
                return;
            }
        }
        throw new ApiError(ApiError.Type.BACKEND, "model is not " + what + " (it is a " + inference.kind.name().toLowerCase() + " model)");
    }

    /** The prompt of a request: prompt_name's, else the model's default; none for token-id inputs. */
    private String prompt(JsonNode request, List<Object> inputs) {
        String name = Requests.optionalString(request, "prompt_name");
        boolean ids = inputs.stream().anyMatch(i -> i instanceof int[]);
        if (name != null) {
            if (ids) {
                throw new ApiError(ApiError.Type.VALIDATION, "`prompt_name` cannot be used with token-id inputs");
            }
            return inference.prompt(name);
        }
        return ids ? null : inference.defaultPrompt();
    }

    private Inference.Job runTexts(Context ctx, JsonNode request, Timing timing, Inference.Task task, List<Object> inputs, String prompt) throws Exception {
        int promptTokens = prompt == null ? 0 : inference.promptTokens(prompt);
        return runTexts(ctx, request, timing, inputs, prompt, (i, e) -> { }, encodings -> new Inference.Job(task, encodings, promptTokens));
    }

    /**
     * Tokenizes {@code inputs} (texts or token ids) on the scheduler's pool as the request's truncation fields say,
     * each encoding passing {@code check} (index, encoding), makes the job and waits for it.
     */
    private Inference.Job runTexts(Context ctx, JsonNode request, Timing timing, List<?> inputs, String prompt,
                                   java.util.function.ObjIntConsumer<Encoding> check,
                                   java.util.function.Function<List<Encoding>, Inference.Job> job) throws Exception {
        boolean truncate = Requests.bool(request, "truncate", options.autoTruncate());
        Truncation.Direction direction = Requests.direction(request);
        for (Object i : inputs) {
            timing.characters += i instanceof String s ? s.codePointCount(0, s.length()) : 0;
        }
        CompletableFuture<Inference.Job> future = inference.submit(() -> {
            List<Encoding> encodings = new ArrayList<>(inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                Encoding e = inference.encode(inputs.get(i), prompt, truncate, direction, i);
                check.accept(e, i);
                encodings.add(e);
            }
            return job.apply(encodings);
        });
        return await(ctx, future, timing);
    }

    private byte[] embed(Context ctx, JsonNode request, Timing timing) throws Exception {
        requireKind("an embedding model", Inference.Kind.EMBEDDING);
        List<Object> inputs = Requests.inputs(request, "inputs", options.maxClientBatchSize());
        boolean normalize = Requests.bool(request, "normalize", true);
        int dims = dimensions(request);
        Inference.Job job = runTexts(ctx, request, timing, Inference.Task.POOLED, inputs, prompt(request, inputs));
        return json(g -> {
            g.writeStartArray();
            for (float[] v : job.rows) {
                writeFloats(g, finish(v, dims, normalize));
            }
            g.writeEndArray();
        });
    }

    private byte[] openaiEmbed(Context ctx, JsonNode request, Timing timing) throws Exception {
        requireKind("an embedding model", Inference.Kind.EMBEDDING);
        List<Object> inputs = Requests.inputs(request, "input", options.maxClientBatchSize());
        int dims = dimensions(request);
        String format = Requests.optionalString(request, "encoding_format");
        boolean base64 = "base64".equals(format);
        if (format != null && !base64 && !"float".equals(format)) {
            throw new ApiError(ApiError.Type.VALIDATION, "`encoding_format` must be \"float\" or \"base64\", got \"" + format + "\"");
        }
        Requests.optionalString(request, "model");   // any name: one model per process, as TEI
        Requests.optionalString(request, "user");
        Inference.Job job = runTexts(ctx, request, timing, Inference.Task.POOLED, inputs, prompt(request, inputs));
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (int i = 0; i < job.rows.length; i++) {
                float[] v = finish(job.rows[i], dims, true);
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeFieldName("embedding");
                if (base64) {
                    ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(v);
                    g.writeString(Base64.getEncoder().encodeToString(b.array()));
                } else {
                    writeFloats(g, v);
                }
                g.writeNumberField("index", i);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", options.modelId());
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", job.tokens());
            g.writeNumberField("total_tokens", job.tokens());
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private int dimensions(JsonNode request) {
        int dims = Requests.count(request, "dimensions");
        if (dims > inference.dimensions()) {
            throw new ApiError(ApiError.Type.VALIDATION, "`dimensions` " + dims + " > the model's " + inference.dimensions() + " dimensions");
        }
        return dims;
    }

    /** The first {@code dims} dimensions (all for 0), L2-normalized over those when asked (Matryoshka, as TEI). */
    static float[] finish(float[] v, int dims, boolean normalize) {
        float[] out = dims > 0 && dims < v.length ? java.util.Arrays.copyOf(v, dims) : v;
        if (normalize) {
            double norm = 0;
            for (float x : out) {
                norm += (double) x * x;
            }
            float inv = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
            for (int i = 0; i < out.length; i++) {
                out[i] *= inv;
            }
        }
        return out;
    }

    private byte[] embedAll(Context ctx, JsonNode request, Timing timing) throws Exception {
        requireKind("an embedding model", Inference.Kind.EMBEDDING);
        List<Object> inputs = Requests.inputs(request, "inputs", options.maxClientBatchSize());
        Inference.Job job = runTexts(ctx, request, timing, Inference.Task.TOKENS, inputs, prompt(request, inputs));
        int hidden = inference.embedder().architecture().hiddenSize();
        return json(g -> {
            g.writeStartArray();
            for (float[] states : job.rows) {
                g.writeStartArray();
                for (int t = 0; t < states.length / hidden; t++) {
                    writeFloats(g, states, t * hidden, hidden);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
        });
    }

    private byte[] embedSparse(Context ctx, JsonNode request, Timing timing) throws Exception {
        requireKind("a sparse (SPLADE) embedding model", Inference.Kind.SPARSE);
        List<Object> inputs = Requests.inputs(request, "inputs", options.maxClientBatchSize());
        if (Requests.optionalString(request, "prompt_name") != null) {
            throw new ApiError(ApiError.Type.VALIDATION, "`prompt_name` is set but the model has no sentence-transformers prompts");
        }
        Inference.Job job = runTexts(ctx, request, timing, Inference.Task.SPARSE, inputs, null);
        return json(g -> {
            g.writeStartArray();
            for (var v : job.sparse) {
                g.writeStartArray();
                for (int i = 0; i < v.indices().length; i++) {
                    g.writeStartObject();
                    g.writeNumberField("index", v.indices()[i]);
                    g.writeNumberField("value", v.values()[i]);
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndArray();
        });
    }

    private byte[] predict(Context ctx, JsonNode request, Timing timing) throws Exception {
        requireKind("a sequence classification model", Inference.Kind.CLASSIFIER, Inference.Kind.RERANKER);
        Requests.PredictInputs inputs = Requests.predictInputs(request, options.maxClientBatchSize());
        boolean raw = Requests.bool(request, "raw_scores", false);
        boolean truncate = Requests.bool(request, "truncate", options.autoTruncate());
        Truncation.Direction direction = Requests.direction(request);
        List<Requests.Pair> pairs = inputs.pairs();
        for (Requests.Pair p : pairs) {
            timing.characters += p.a().length() + (p.b() == null ? 0 : p.b().length());
        }
        Inference.Task task = inference.kind == Inference.Kind.RERANKER ? Inference.Task.RERANK : Inference.Task.LOGITS;
        Inference.Job job = await(ctx, inference.submit(() -> {
            List<Encoding> encodings = new ArrayList<>(pairs.size());
            for (int i = 0; i < pairs.size(); i++) {
                encodings.add(inference.encode(pairs.get(i).a(), pairs.get(i).b(), truncate, direction, i));
            }
            return new Inference.Job(task, encodings, 0);
        }), timing);
        List<String> labels = inference.labels();
        // /predict is the text-classification pipeline for rerankers too (none for a regression head, else sigmoid);
        // /rerank applies the cross-encoder's own activation
        TextClassifier.Function f = raw ? TextClassifier.Function.NONE
                : TextClassifier.defaultFunction(inference.problemType(), labels.size());
        return json(g -> {
            if (inputs.batched()) {
                g.writeStartArray();
            }
            for (float[] logits : job.rows) {
                float[] scores = scores(logits, f);
                Integer[] order = new Integer[scores.length];
                java.util.Arrays.setAll(order, i -> i);
                java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
                g.writeStartArray();
                for (int i : order) {
                    g.writeStartObject();
                    g.writeNumberField("score", scores[i]);
                    g.writeStringField("label", labels.get(i));
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if (inputs.batched()) {
                g.writeEndArray();
            }
        });
    }

    private static float[] scores(float[] logits, TextClassifier.Function f) {
        float[] s = logits.clone();
        switch (f) {
            case SIGMOID -> {
                for (int i = 0; i < s.length; i++) {
                    s[i] = (float) (1 / (1 + Math.exp(-s[i])));
                }
            }
            case SOFTMAX -> {
                double max = Double.NEGATIVE_INFINITY;
                for (float x : s) {
                    max = Math.max(max, x);
                }
                double sum = 0;
                double[] e = new double[s.length];
                for (int i = 0; i < s.length; i++) {
                    e[i] = Math.exp(s[i] - max);
                    sum += e[i];
                }
                for (int i = 0; i < s.length; i++) {
                    s[i] = (float) (e[i] / sum);
                }
            }
            case NONE -> { }
        }
        return s;
    }

    private byte[] rerank(Context ctx, JsonNode request, Timing timing) throws Exception {
        requireKind("a re-ranker model", Inference.Kind.RERANKER);
        String query = Requests.string(request, "query");
        List<String> texts = Requests.strings(request, "texts", options.maxClientBatchSize());
        boolean raw = Requests.bool(request, "raw_scores", false);
        boolean returnText = Requests.bool(request, "return_text", false);
        boolean truncate = Requests.bool(request, "truncate", options.autoTruncate());
        Truncation.Direction direction = Requests.direction(request);
        for (String t : texts) {
            timing.characters += query.length() + t.length();
        }
        Inference.Job job = await(ctx, inference.submit(() -> {
            List<Encoding> encodings = new ArrayList<>(texts.size());
            for (int i = 0; i < texts.size(); i++) {
                encodings.add(inference.encode(query, texts.get(i), truncate, direction, i));
            }
            return new Inference.Job(Inference.Task.RERANK, encodings, 0);
        }), timing);
        boolean sigmoid = !raw && inference.reranker().sigmoid();
        float[] scores = new float[texts.size()];
        Integer[] order = new Integer[texts.size()];
        for (int i = 0; i < scores.length; i++) {
            float x = job.rows[i][0];
            scores[i] = sigmoid ? (float) (1 / (1 + Math.exp(-x))) : x;
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        return json(g -> {
            g.writeStartArray();
            for (int i : order) {
                g.writeStartObject();
                g.writeNumberField("index", i);
                g.writeNumberField("score", scores[i]);
                if (returnText) {
                    g.writeStringField("text", texts.get(i));
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    /** TEI's /similarity: cosine similarity of the source sentence with each sentence. */
    private byte[] similarity(Context ctx, JsonNode request, Timing timing) throws Exception {
        requireKind("an embedding model", Inference.Kind.EMBEDDING);
        JsonNode in = request.get("inputs");
        if (in == null || !in.isObject()) {
            throw new ApiError(ApiError.Type.VALIDATION, "`inputs` must be an object with `source_sentence` and `sentences`");
        }
        String source = Requests.string(in, "source_sentence");
        List<String> sentences = Requests.strings(in, "sentences", Integer.MAX_VALUE);
        if (sentences.size() + 1 > options.maxClientBatchSize()) {
            throw new ApiError(ApiError.Type.VALIDATION, "batch size " + (sentences.size() + 1) + " > maximum allowed batch size "
                    + options.maxClientBatchSize());
        }
        JsonNode parameters = request.get("parameters");
        JsonNode p = parameters == null || parameters.isNull() ? Requests.JSON.createObjectNode() : parameters;
        List<Object> inputs = new ArrayList<>();
        inputs.add(source);
        inputs.addAll(sentences);
        Inference.Job job = runTexts(ctx, p, timing, Inference.Task.POOLED, inputs, prompt(p, inputs));
        float[] a = finish(job.rows[0], 0, true);
        return json(g -> {
            g.writeStartArray();
            for (int i = 1; i < job.rows.length; i++) {
                float[] b = finish(job.rows[i], 0, true);
                double dot = 0;
                for (int k = 0; k < a.length; k++) {
                    dot += (double) a[k] * b[k];
                }
                g.writeNumber((float) dot);
            }
            g.writeEndArray();
        });
    }

    /** Gale's token classification (no TEI route): transformers' token-classification pipeline's entities. */
    private byte[] ner(Context ctx, JsonNode request, Timing timing) throws Exception {
        requireKind("a token classification model", Inference.Kind.TOKEN_CLASSIFIER);
        JsonNode in = request.get("inputs");
        boolean batched = in != null && in.isArray();
        List<String> texts = Requests.stringOrStrings(request, "inputs", options.maxClientBatchSize());
        String strategy = Requests.optionalString(request, "aggregation_strategy");
        TokenClassifier.Aggregation aggregation;
        try {
            aggregation = strategy == null ? TokenClassifier.Aggregation.NONE : TokenClassifier.Aggregation.of(strategy);
        } catch (IllegalArgumentException e) {
            throw new ApiError(ApiError.Type.VALIDATION, "`aggregation_strategy`: " + e.getMessage());
        }
        Inference.Job job = runTexts(ctx, request, timing, texts, null, (e, i) -> { },
                encodings -> new Inference.Job(Inference.Task.ENTITIES, encodings, 0, aggregation, texts));
        boolean none = aggregation == TokenClassifier.Aggregation.NONE;
        return json(g -> {
            if (batched) {
                g.writeStartArray();
            }
            for (List<TokenClassifier.Entity> entities : job.entities) {
                g.writeStartArray();
                for (TokenClassifier.Entity e : entities) {
                    g.writeStartObject();
                    g.writeStringField(none ? "entity" : "entity_group", e.label());
                    g.writeNumberField("score", e.score());
                    if (none) {
                        g.writeNumberField("index", e.index());
                    }
                    g.writeStringField("word", e.word());
                    g.writeNumberField("start", e.start());
                    g.writeNumberField("end", e.end());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if (batched) {
                g.writeEndArray();
            }
        });
    }

    /** Gale's fill-mask (no TEI route): transformers' fill-mask pipeline's predictions, per mask token. */
    private byte[] fillMask(Context ctx, JsonNode request, Timing timing) throws Exception {
        requireKind("a masked language model", Inference.Kind.FILL_MASK);
        JsonNode in = request.get("inputs");
        boolean batched = in != null && in.isArray();
        List<String> texts = Requests.stringOrStrings(request, "inputs", options.maxClientBatchSize());
        int topK = request.has("top_k") && !request.get("top_k").isNull() ? Requests.count(request, "top_k") : 5;
        if (topK < 1) {
            throw new ApiError(ApiError.Type.VALIDATION, "`top_k` must be at least 1, got " + topK);
        }
        boolean truncate = Requests.bool(request, "truncate", options.autoTruncate());
        String mask = inference.fillMask().maskToken();
        int maskId = inference.tokenizer.tokenToId(mask).orElse(-1);
        Inference.Job job = runTexts(ctx, request, timing, texts, null, (e, i) -> {
            if (java.util.Arrays.stream(e.ids()).noneMatch(id -> id == maskId)) {
                throw new ApiError(ApiError.Type.VALIDATION, "input " + i + " has no mask token " + mask
                        + (truncate ? " (after truncation to " + inference.maxInputLength + " tokens)" : ""));
            }
        }, encodings -> new Inference.Job(Inference.Task.FILL, encodings, 0, topK, texts));
        return json(g -> {
            if (batched) {
                g.writeStartArray();
            }
            for (List<List<FillMask.Prediction>> masks : job.predictions) {
                if (masks.size() > 1) {
                    g.writeStartArray();   // several masks: a list per mask, as the pipeline
                }
                for (List<FillMask.Prediction> predictions : masks) {
                    g.writeStartArray();
                    for (FillMask.Prediction p : predictions) {
                        g.writeStartObject();
                        g.writeNumberField("score", p.score());
                        g.writeNumberField("token", p.token());
                        g.writeStringField("token_str", p.tokenStr());
                        g.writeStringField("sequence", p.sequence());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                if (masks.size() > 1) {
                    g.writeEndArray();
                }
            }
            if (batched) {
                g.writeEndArray();
            }
        });
    }

    private byte[] tokenize(Context ctx, JsonNode request, Timing timing) {
        List<String> inputs = Requests.stringOrStrings(request, "inputs", options.maxClientBatchSize());
        boolean special = Requests.bool(request, "add_special_tokens", true);
        String name = Requests.optionalString(request, "prompt_name");
        String prompt = name != null ? inference.prompt(name) : null;
        EncodeOptions encode = EncodeOptions.builder().addSpecialTokens(special).build();
        return json(g -> {
            g.writeStartArray();
            for (String input : inputs) {
                String text = prompt == null ? input : prompt + input;
                Encoding e = inference.tokenizer.encode(text, null, encode);
                int[] bytes = utf8Offsets(text);
                g.writeStartArray();
                for (int t = 0; t < e.length(); t++) {
                    boolean isSpecial = e.specialTokensMask()[t] == 1;
                    g.writeStartObject();
                    g.writeNumberField("id", e.ids()[t]);
                    if (isSpecial) {
                        g.writeStringField("text", e.tokens()[t]);
                        g.writeBooleanField("special", true);
                        g.writeNullField("start");
                        g.writeNullField("stop");
                    } else {
                        int start = e.offsetStart(t), end = e.offsetEnd(t);
                        g.writeStringField("text", text.substring(start, end));
                        g.writeBooleanField("special", false);
                        g.writeNumberField("start", bytes[start]);
                        g.writeNumberField("stop", bytes[end]);
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndArray();
        });
    }

    /** For each UTF-16 index of {@code s} (and its end), the UTF-8 byte offset: TEI's offsets are bytes. */
    private static int[] utf8Offsets(String s) {
        int[] out = new int[s.length() + 1];
        int b = 0;
        for (int i = 0; i < s.length(); i++) {
            out[i] = b;
            char c = s.charAt(i);
            if (c < 0x80) {
                b += 1;
            } else if (c < 0x800) {
                b += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b += 4;
                out[++i] = b - 4;   // a low surrogate never starts a token; keep the pair's start
            } else {
                b += 3;
            }
        }
        out[s.length()] = b;
        return out;
    }

    private byte[] decode(Context ctx, JsonNode request, Timing timing) {
        List<int[]> ids = Requests.idLists(request, "ids", options.maxClientBatchSize());
        boolean skip = Requests.bool(request, "skip_special_tokens", true);
        int vocab = inference.tokenizer.vocabSize();
        return json(g -> {
            g.writeStartArray();
            for (int[] seq : ids) {
                for (int id : seq) {
                    if (id >= vocab) {
                        throw new ApiError(ApiError.Type.TOKENIZER, "token id " + id + " is outside the vocabulary [0, " + vocab + ")");
                    }
                }
                g.writeString(inference.tokenizer.decode(seq, skip));
            }
            g.writeEndArray();
        });
    }

    private void health(Context ctx) {
        if (draining) {
            error(ctx, "/health", new ApiError(ApiError.Type.UNHEALTHY, "unhealthy: the server is shutting down"), false);
            return;
        }
        ctx.status(200).result("");
        metrics.answered("/health", 200);
    }

    private byte[] info(Context ctx, JsonNode request, Timing timing) {
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("model_id", options.modelId());
            g.writeNullField("model_sha");
            g.writeStringField("served_model_name", options.modelId());
            g.writeStringField("model_dtype", "float32");
            g.writeObjectFieldStart("model_type");
            switch (inference.kind) {
                case EMBEDDING, SPARSE -> {
                    g.writeObjectFieldStart("embedding");
                    g.writeStringField("pooling", inference.kind == Inference.Kind.SPARSE ? "splade" : inference.pooling().stName());
                    g.writeEndObject();
                }
                case FILL_MASK -> {
                    g.writeObjectFieldStart("fill_mask");
                    g.writeStringField("mask_token", inference.fillMask().maskToken());
                    g.writeEndObject();
                }
                case CLASSIFIER, RERANKER, TOKEN_CLASSIFIER -> {
                    g.writeObjectFieldStart(switch (inference.kind) {
                        case RERANKER -> "reranker";
                        case TOKEN_CLASSIFIER -> "token_classifier";
                        default -> "classifier";
                    });
                    List<String> labels = inference.labels();
                    g.writeObjectFieldStart("id2label");
                    for (int i = 0; i < labels.size(); i++) {
                        g.writeStringField(Integer.toString(i), labels.get(i));
                    }
                    g.writeEndObject();
                    g.writeObjectFieldStart("label2id");
                    for (int i = 0; i < labels.size(); i++) {
                        g.writeNumberField(labels.get(i), i);
                    }
                    g.writeEndObject();
                    g.writeEndObject();
                }
            }
            g.writeEndObject();
            g.writeNumberField("max_concurrent_requests", options.maxConcurrentRequests());
            g.writeNumberField("max_input_length", inference.maxInputLength);
            g.writeNumberField("max_batch_tokens", options.maxBatchTokens());
            if (options.maxBatchRequests() > 0) {
                g.writeNumberField("max_batch_requests", options.maxBatchRequests());
            } else {
                g.writeNullField("max_batch_requests");
            }
            g.writeNumberField("max_client_batch_size", options.maxClientBatchSize());
            g.writeBooleanField("auto_truncate", options.autoTruncate());
            g.writeNumberField("tokenization_workers", options.tokenizationWorkers());
            g.writeStringField("version", VERSION);
            g.writeNullField("sha");
            g.writeNullField("docker_label");
            g.writeStringField("device", options.device());
            g.writeEndObject();
        });
    }

    // ---- JSON ------------------------------------------------------------------------------------------

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Writer w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = Requests.JSON.getFactory().createGenerator(out)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeFloats(JsonGenerator g, float[] v) throws IOException {
        writeFloats(g, v, 0, v.length);
    }

    private static void writeFloats(JsonGenerator g, float[] v, int from, int n) throws IOException {
        g.writeStartArray();
        for (int i = from; i < from + n; i++) {
            g.writeNumber(v[i]);
        }
        g.writeEndArray();
    }

}
