package dev.gale.cli;

import dev.gale.encoder.EncoderTask;
import picocli.CommandLine.Option;

/** How a model runs, whatever its task: max length, truncation, device, threads. */
final class RuntimeOptions {
    @Option(names = "--max-length", paramLabel = "N",
            description = "Tokens per text (or pair), special tokens included; longer inputs are truncated (default: the model's).")
    int maxLength;

    @Option(names = "--truncate", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Truncate texts longer than the max length (default); --no-truncate stops with an error naming the row instead.")
    boolean truncate = true;

    @Option(names = "--device", paramLabel = "<cpu|tornado|tornado:BACKEND:N>",
            description = "Where the encoder runs: cpu (default, pure Java), tornado (TornadoVM's default device) "
                    + "or a device id from 'gale devices'.")
    String device = "cpu";

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: all cores).")
    int threads;

    /** Checks the options; {@code maxBatchTokens} is the batch options' (0 for the default). */
    void check(int maxBatchTokens) {
        if (maxLength < 0 || maxLength == 1) {
            throw new IllegalArgumentException("--max-length must be at least 2, got " + maxLength);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be positive, got " + threads);
        }
        if (maxBatchTokens < 0) {
            throw new IllegalArgumentException("--max-batch-tokens must be positive, got " + maxBatchTokens);
        }
    }

    /** The options of a task entry point ({@link dev.gale.encoder.TextClassifier}, ...). */
    EncoderTask.Options taskOptions(int maxBatchTokens) {
        check(maxBatchTokens);
        return new EncoderTask.Options(maxLength, threads, maxBatchTokens, device);
    }
}
