package dev.gale.cli;

import dev.gale.encoder.tokenizer.Encoding;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime that {@code gale bench --onnxruntime} times next to Gale on the same token ids: ONNX Runtime,
 * implemented in the bench module and found with {@link java.util.ServiceLoader}, so that the gale command
 * itself never depends on it.
 */
public interface BenchReference {
    /** Sequences per batch, padded to the batch's longest: the way ONNX Runtime users batch (sentence-transformers' default). */
    int BATCH = 32;

    /** Name and version, for the table: "ONNX Runtime 1.23.2". */
    String name();

    /** A session on the model's ONNX export (a file or a class path resource) with {@code threads} intra-op threads. */
    Session open(URL onnx, int threads) throws Exception;

    interface Session extends AutoCloseable {
        /** Runs one batch, padded to its longest sequence; the output is discarded. */
        void run(List<Encoding> batch) throws Exception;
    }

    /** Tokens a runtime computes over {@code batches} when each is padded to its longest sequence. */
    static long paddedTokens(List<List<Encoding>> batches) {
        return batches.stream().mapToLong(b -> (long) b.size() * b.stream().mapToInt(e -> e.ids().length).max().orElse(0)).sum();
    }

    /** {@code encodings} cut into batches of {@link #BATCH}, in the order given. */
    static List<List<Encoding>> batches(List<Encoding> encodings) {
        List<List<Encoding>> batches = new ArrayList<>();
        for (int b = 0; b < encodings.size(); b += BATCH) {
            batches.add(encodings.subList(b, Math.min(encodings.size(), b + BATCH)));
        }
        return batches;
    }
}
