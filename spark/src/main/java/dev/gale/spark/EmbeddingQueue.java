package dev.gale.spark;

import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.Scheduler;
import dev.gale.encoder.TokenBatch;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An executor's way into one embedding model, as {@code gale embed} runs a file: every task's chunks are tokenized
 * on a pool of this JVM's cores and run one after another by one encoder thread ({@link Scheduler}, the scheduler
 * the file pipeline and the server use). A task hands in its next chunk before it waits for the current one
 * ({@link GaleTransformer}'s read-ahead), so the next chunk's texts are tokenized while the encoder runs the
 * current one, and the tasks of one executor feed one encoder instead of running forward passes side by side on
 * the same cores.
 */
final class EmbeddingQueue implements AutoCloseable {

    /** One chunk's texts: their token ids in, their vectors out. */
    static final class Chunk extends Scheduler.Job {
        final TokenBatch batch;
        final float[] vectors;   // (texts, dimensions)

        Chunk(TokenBatch batch, int dimensions) {
            this.batch = batch;
            this.vectors = new float[Math.multiplyExact(batch.sequenceCount(), dimensions)];
        }

        @Override
        public int tokens() {
            return batch.tokenCount();
        }
    }

    private final EmbeddingModel model;
    private final String prompt;
    private final int promptTokens;
    private final Scheduler<Chunk> scheduler;

    EmbeddingQueue(EmbeddingModel model, int tokenizerThreads) {
        this.model = model;
        this.prompt = model.defaultPrompt();
        this.promptTokens = model.promptTokens(prompt);
        // each chunk runs alone (null batch key): the model cuts it by its token budget
        this.scheduler = new Scheduler<>(new Scheduler.Options(1, 1, Math.max(1, tokenizerThreads), "gale-spark"), this::run, null);
    }

    /** Vectors of {@code texts} (none null), one per text in order, once the encoder thread has run them. */
    CompletableFuture<Chunk> submit(List<String> texts) {
        return scheduler.submit(() -> new Chunk(model.tokenize(texts, prompt), model.dimensions()));
    }

    int dimensions() {
        return model.dimensions();
    }

    private void run(List<Chunk> batch) {
        for (Chunk c : batch) {
            model.embed(c.batch, MemorySegment.ofArray(c.vectors), promptTokens);
        }
    }

    /** Stops the threads (queued chunks fail); the model is closed by its owner. */
    @Override
    public void close() {
        scheduler.close();
    }
}
