package dev.gale.server;

import java.util.Objects;

/**
 * How {@code gale serve} runs; the defaults are TEI's (text-embeddings-router's flags of the same names).
 *
 * @param model                  a built-in alias, a Hugging Face directory or an ONNX export
 * @param modelId                the name /info and /v1/embeddings report
 * @param host                   the address to listen on
 * @param port                   the port; 0 for any free one
 * @param device                 "cpu" or a TornadoVM device id
 * @param threads                CPU threads for the encoder, 0 for all cores
 * @param maxLength              the max input length in tokens, 0 for the model's
 * @param maxBatchTokens         tokens per encoder pass
 * @param maxBatchRequests       requests per encoder pass, 0 for no limit
 * @param maxConcurrentRequests  requests admitted at once; more are answered 429
 * @param maxClientBatchSize     inputs per request; more are answered 422
 * @param payloadLimit           request body bytes; larger bodies are answered 413
 * @param autoTruncate           cut over-long inputs when a request does not say (TEI's --auto-truncate)
 * @param tokenizationWorkers    threads tokenizing requests
 * @param drainMillis            on SIGTERM, how long requests in flight may take to finish
 * @param warmup                 run the encoder on a few batches before reporting ready
 */
public record ServeOptions(String model, String modelId, String host, int port, String device, int threads, int maxLength,
                           int maxBatchTokens, int maxBatchRequests, int maxConcurrentRequests, int maxClientBatchSize,
                           long payloadLimit, boolean autoTruncate, int tokenizationWorkers, long drainMillis, boolean warmup) {

    public ServeOptions {
        Objects.requireNonNull(model, "model");
        if (modelId == null) {
            modelId = model;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0 to 65535, got " + port);
        }
        positive("--max-batch-tokens", maxBatchTokens);
        positive("--max-concurrent-requests", maxConcurrentRequests);
        positive("--max-client-batch-size", maxClientBatchSize);
        positive("--tokenization-workers", tokenizationWorkers);
        if (payloadLimit < 1) {
            throw new IllegalArgumentException("--payload-limit must be at least 1 byte, got " + payloadLimit);
        }
        if (threads < 0 || maxLength < 0 || maxBatchRequests < 0 || drainMillis < 0) {
            throw new IllegalArgumentException("--threads, --max-length, --max-batch-requests and --drain-timeout must not be negative");
        }
    }

    private static void positive(String flag, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(flag + " must be at least 1, got " + value);
        }
    }

    public static Builder builder(String model) {
        return new Builder(model);
    }

    public static final class Builder {
        private final String model;
        private String modelId;
        private String host = "127.0.0.1";
        private int port = 8080;
        private String device = "cpu";
        private int threads;
        private int maxLength;
        private int maxBatchTokens = 16384;
        private int maxBatchRequests;
        private int maxConcurrentRequests = 512;
        private int maxClientBatchSize = 32;
        private long payloadLimit = 2_000_000;
        private boolean autoTruncate = true;
        private int tokenizationWorkers = Math.max(1, Runtime.getRuntime().availableProcessors());
        private long drainMillis = 30_000;
        private boolean warmup = true;

        private Builder(String model) {
            this.model = model;
        }

        public Builder modelId(String v) { modelId = v; return this; }
        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder device(String v) { device = v; return this; }
        public Builder threads(int v) { threads = v; return this; }
        public Builder maxLength(int v) { maxLength = v; return this; }
        public Builder maxBatchTokens(int v) { maxBatchTokens = v; return this; }
        public Builder maxBatchRequests(int v) { maxBatchRequests = v; return this; }
        public Builder maxConcurrentRequests(int v) { maxConcurrentRequests = v; return this; }
        public Builder maxClientBatchSize(int v) { maxClientBatchSize = v; return this; }
        public Builder payloadLimit(long v) { payloadLimit = v; return this; }
        public Builder autoTruncate(boolean v) { autoTruncate = v; return this; }
        public Builder tokenizationWorkers(int v) { tokenizationWorkers = v; return this; }
        public Builder drainMillis(long v) { drainMillis = v; return this; }
        public Builder warmup(boolean v) { warmup = v; return this; }

        public ServeOptions build() {
            return new ServeOptions(model, modelId, host, port, device, threads, maxLength, maxBatchTokens, maxBatchRequests,
                    maxConcurrentRequests, maxClientBatchSize, payloadLimit, autoTruncate, tokenizationWorkers, drainMillis, warmup);
        }
    }
}
