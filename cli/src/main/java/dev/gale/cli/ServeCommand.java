package dev.gale.cli;

import dev.gale.encoder.model.BuiltinModel;
import dev.gale.server.GaleServer;
import dev.gale.server.ServeOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code gale serve}: Hugging Face TEI's HTTP API and OpenAI's /v1/embeddings for one model, with dynamic batching.
 * SIGTERM and Ctrl-C stop it gracefully: no new connections, requests in flight finish, exit status 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a model over HTTP with text-embeddings-inference's API (POST /embed /embed_all /embed_sparse /predict "
                + "/rerank /similarity /tokenize /decode, GET /health /info /metrics) and OpenAI's POST /v1/embeddings.",
                "Requests from all clients are tokenized on a pool and run together in padding-free batches of at most "
                        + "--max-batch-tokens. The flags and their defaults are TEI's."},
        footer = {"", "Example:",
                "  gale serve --model bge-small-en-v1.5 --port 8080 &",
                "  curl -s localhost:8080/embed -H 'Content-Type: application/json' -d '{\"inputs\": [\"What is Deep Learning?\"]}'"})
final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "<dir|file|alias>",
            description = "Model: a built-in alias (all-minilm-l6-v2, bge-small-en-v1.5), a Hugging Face directory or an ONNX export. "
                    + "What it is decides what it serves: embeddings, a classifier (/predict), a reranker (/rerank) or SPLADE (/embed_sparse). "
                    + "Default: ${DEFAULT-VALUE}.")
    String model = BuiltinModel.DEFAULT.alias();

    @Option(names = "--model-id", paramLabel = "NAME", description = "The name /info and /v1/embeddings report (default: --model).")
    String modelId;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    String host = "127.0.0.1";

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port = 8080;

    @Option(names = "--device", paramLabel = "<cpu|tornado|tornado:BACKEND:N>",
            description = "Where the encoder runs: cpu (default), tornado or a device id from 'gale devices'.")
    String device = "cpu";

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads for the encoder (default: all cores).")
    int threads;

    @Option(names = "--max-length", paramLabel = "N", description = "Max input length in tokens (default: the model's).")
    int maxLength;

    @Option(names = "--max-batch-tokens", paramLabel = "N", description = "Tokens per encoder pass (default: ${DEFAULT-VALUE}).")
    int maxBatchTokens = 16384;

    @Option(names = "--max-batch-requests", paramLabel = "N", description = "Requests per encoder pass (default: no limit).")
    int maxBatchRequests;

    @Option(names = "--max-concurrent-requests", paramLabel = "N",
            description = "Requests admitted at once; more are answered 429 (default: ${DEFAULT-VALUE}).")
    int maxConcurrentRequests = 512;

    @Option(names = "--max-client-batch-size", paramLabel = "N",
            description = "Inputs per request; more are answered 422 (default: ${DEFAULT-VALUE}).")
    int maxClientBatchSize = 32;

    @Option(names = "--payload-limit", paramLabel = "BYTES", description = "Request body limit; larger bodies are answered 413 (default: ${DEFAULT-VALUE}).")
    long payloadLimit = 2_000_000;

    @Option(names = "--auto-truncate", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Cut inputs over the max length when a request does not set `truncate` (default); "
                    + "--no-auto-truncate answers them 422.")
    boolean autoTruncate = true;

    @Option(names = "--tokenization-workers", paramLabel = "N", description = "Threads tokenizing requests (default: all cores).")
    int tokenizationWorkers = Math.max(1, Runtime.getRuntime().availableProcessors());

    @Option(names = "--drain-timeout", paramLabel = "SECONDS",
            description = "On SIGTERM, how long requests in flight may take to finish (default: ${DEFAULT-VALUE}).")
    int drainSeconds = 30;

    @Option(names = "--warmup", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the encoder on a few batches before listening, so the first request is not slow (default).")
    boolean warmup = true;

    @Override
    public Integer call() throws Exception {
        if (drainSeconds < 0) {
            throw new IllegalArgumentException("--drain-timeout must not be negative, got " + drainSeconds);
        }
        if (maxLength == 1) {
            throw new IllegalArgumentException("--max-length must be at least 2, got 1");
        }
        ServeOptions options = ServeOptions.builder(model).modelId(modelId).host(host).port(port).device(device).threads(threads)
                .maxLength(maxLength).maxBatchTokens(maxBatchTokens).maxBatchRequests(maxBatchRequests)
                .maxConcurrentRequests(maxConcurrentRequests).maxClientBatchSize(maxClientBatchSize).payloadLimit(payloadLimit)
                .autoTruncate(autoTruncate).tokenizationWorkers(tokenizationWorkers).drainMillis(drainSeconds * 1000L).warmup(warmup)
                .build();
        returnMemoryWhenIdle();
        GaleServer server;
        try {
            server = GaleServer.start(options, System.err);
        } catch (RuntimeException e) {
            if (isBindFailure(e)) {
                throw new IllegalArgumentException("cannot listen on " + host + ":" + port + " (" + Gale.oneLine(rootCause(e)) + ")");
            }
            throw e;
        }
        Runnable stop = () -> Thread.ofPlatform().name("gale-serve-stop").start(server::stop);
        for (String signal : new String[]{"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stop.run());
        }
        server.awaitStopped();
        return Gale.OK;
    }

    /**
     * A server idles between bursts: let G1 collect when it has been idle for a while and give the unused heap back
     * to the system (JEP 346), so the process's memory returns to its baseline. Only flags the user did not set.
     */
    private static void returnMemoryWhenIdle() {
        var hotspot = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        String[][] flags = {{"G1PeriodicGCInterval", "15000"}, {"MinHeapFreeRatio", "10"}, {"MaxHeapFreeRatio", "30"}};
        for (String[] f : flags) {
            try {
                if (hotspot.getVMOption(f[0]).getOrigin() == com.sun.management.VMOption.Origin.DEFAULT) {
                    hotspot.setVMOption(f[0], f[1]);
                }
            } catch (IllegalArgumentException e) {
                // another collector, or a JVM without the flag: it keeps its own policy
            }
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException || t.getClass().getSimpleName().contains("Bind")) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
