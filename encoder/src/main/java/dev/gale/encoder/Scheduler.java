package dev.gale.encoder;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one scheduler of Gale's batch work: the file pipeline ({@code ScoringPipeline}) and the server both
 * submit to it.
 * <pre>
 *   submit(prepare)     any thread
 *     -> tokenizer pool prepare.get(): text -> token ids, a Job
 *     -> queue          jobs in the order they were prepared
 *   encoder thread      takes queued jobs of one batch key while their tokens fit max batch tokens (and their
 *                       count max batch jobs), runs them as one padding-free batch, completes their futures
 * </pre>
 * As TEI's queue: the encoder never waits for a batch to fill (it takes what is queued the moment it is free, so
 * batches grow with the load), keeps first-in first-out order, and skips a job whose future was cancelled (a
 * client that went away) without running it. A job over the token budget runs alone; the runner cuts it with
 * {@link TokenBatch#cuts}, the one token-budget split.
 *
 * @param <J> the jobs
 */
public final class Scheduler<J extends Scheduler.Job> implements AutoCloseable {

    /** Work for one pass of the encoder, prepared off the encoder thread. */
    public abstract static class Job {
        private long tokenizeNanos;
        private long queuedAt;
        private long startedAt;
        private long endedAt;

        /** Tokens this job adds to a batch. */
        public abstract int tokens();

        /** Jobs with equal, non-null keys may share one encoder pass; null: this job runs alone. */
        public Object batchKey() {
            return null;
        }

        /** Time spent preparing (tokenizing) the job. */
        public final long tokenizeNanos() {
            return tokenizeNanos;
        }

        /** Time between being queued and the start of its encoder pass. */
        public final long queueNanos() {
            return startedAt - queuedAt;
        }

        /** Time of the encoder pass it ran in. */
        public final long inferenceNanos() {
            return endedAt - startedAt;
        }
    }

    /** Runs one batch of jobs on the encoder thread, leaving each job's results in the job. */
    public interface Runner<J> {
        void run(List<J> batch) throws Exception;
    }

    /** Hears each batch as the encoder thread takes it (metrics). */
    public interface Listener {
        void batch(int jobs, long tokens, int stillQueued);

        /** A queued job whose caller had cancelled it was dropped unrun. */
        default void dropped() {
        }
    }

    /**
     * @param maxBatchTokens   tokens per encoder pass (TEI's --max-batch-tokens)
     * @param maxBatchJobs     jobs per encoder pass, or 0 for no limit (TEI's --max-batch-requests)
     * @param tokenizerThreads threads preparing jobs
     * @param name             thread names' prefix
     */
    public record Options(int maxBatchTokens, int maxBatchJobs, int tokenizerThreads, String name) {
        public Options {
            if (maxBatchTokens < 1 || maxBatchJobs < 0 || tokenizerThreads < 1) {
                throw new IllegalArgumentException("max batch tokens and tokenizer threads must be at least 1, max batch jobs at least 0");
            }
            Objects.requireNonNull(name);
        }
    }

    private record Entry<J>(J job, CompletableFuture<J> future) {}

    private final Options options;
    private final Runner<J> runner;
    private final Listener listener;
    private final ExecutorService tokenizers;
    private final Thread encoder;
    private final ArrayDeque<Entry<J>> queue = new ArrayDeque<>();
    private boolean closing;

    public Scheduler(Options options, Runner<J> runner, Listener listener) {
        this.options = options;
        this.runner = runner;
        this.listener = listener == null ? (jobs, tokens, queued) -> {} : listener;
        this.tokenizers = Executors.newFixedThreadPool(options.tokenizerThreads(),
                Thread.ofPlatform().name(options.name() + "-tokenize-", 0).daemon().factory());
        this.encoder = Thread.ofPlatform().name(options.name() + "-encode").daemon().start(this::encodeLoop);
    }

    /**
     * Prepares a job on the tokenizer pool, queues it, runs it; the future completes with the job once its batch
     * has run, or with what {@code prepare} or the runner threw. Cancelling the future drops the job if it has not
     * run yet.
     */
    public CompletableFuture<J> submit(Supplier<J> prepare) {
        CompletableFuture<J> future = new CompletableFuture<>();
        try {
            tokenizers.execute(() -> {
                if (future.isDone()) {
                    return;
                }
                long t = System.nanoTime();
                J job;
                try {
                    job = prepare.get();
                } catch (Throwable e) {
                    future.completeExceptionally(e);
                    return;
                }
                ((Job) job).tokenizeNanos = System.nanoTime() - t;
                enqueue(new Entry<>(job, future));
            });
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new IllegalStateException("the scheduler is closed"));
        }
        return future;
    }

    /** Jobs prepared and waiting for the encoder. */
    public synchronized int queued() {
        return queue.size();
    }

    private synchronized void enqueue(Entry<J> entry) {
        if (closing) {
            entry.future().completeExceptionally(new IllegalStateException("the scheduler is closed"));
            return;
        }
        ((Job) entry.job()).queuedAt = System.nanoTime();
        queue.addLast(entry);
        notifyAll();
    }

    /** The next batch: waits for a first job, then takes what else fits. Empty once closed and drained. */
    private synchronized List<Entry<J>> next() throws InterruptedException {
        List<Entry<J>> batch = new ArrayList<>();
        long tokens = 0;
        Object key = null;
        while (true) {
            Entry<J> head = queue.peekFirst();
            if (head == null) {
                if (!batch.isEmpty() || closing) {
                    break;
                }
                wait();
                continue;
            }
            if (head.future().isDone()) {   // cancelled by its caller: never run
                queue.pollFirst();
                listener.dropped();
                continue;
            }
            int t = head.job().tokens();
            if (!batch.isEmpty() && (key == null || !key.equals(head.job().batchKey()) || tokens + t > options.maxBatchTokens()
                    || (options.maxBatchJobs() > 0 && batch.size() >= options.maxBatchJobs()))) {
                break;
            }
            queue.pollFirst();
            batch.add(head);
            tokens += t;
            key = head.job().batchKey();
            if (key == null) {
                break;
            }
        }
        if (!batch.isEmpty()) {
            listener.batch(batch.size(), tokens, queue.size());
        }
        return batch;
    }

    private void encodeLoop() {
        while (true) {
            List<Entry<J>> batch;
            try {
                batch = next();
            } catch (InterruptedException e) {
                failQueued(new CancellationException("the scheduler was stopped"));
                return;
            }
            if (batch.isEmpty()) {
                return;
            }
            long start = System.nanoTime();
            List<J> jobs = new ArrayList<>(batch.size());
            for (Entry<J> e : batch) {
                ((Job) e.job()).startedAt = start;
                jobs.add(e.job());
            }
            Throwable failure = null;
            try {
                runner.run(jobs);
            } catch (Throwable t) {
                failure = t;
            }
            long end = System.nanoTime();
            for (Entry<J> e : batch) {
                ((Job) e.job()).endedAt = end;
                if (failure == null) {
                    e.future().complete(e.job());
                } else {
                    e.future().completeExceptionally(failure);
                }
            }
        }
    }

    private synchronized void failQueued(Throwable t) {
        for (Entry<J> e; (e = queue.pollFirst()) != null; ) {
            e.future().completeExceptionally(t);
        }
    }

    /**
     * Stops taking new jobs, runs what is already submitted (up to {@code timeoutMillis}), then stops the threads;
     * jobs still unfinished then fail with a {@link CancellationException}.
     */
    public void close(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        tokenizers.shutdown();
        try {
            tokenizers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            synchronized (this) {
                closing = true;
                notifyAll();
            }
            encoder.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tokenizers.shutdownNow();
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        if (encoder.isAlive()) {
            encoder.interrupt();
        }
        failQueued(new CancellationException("the scheduler was closed before this job ran"));
    }

    @Override
    public void close() {
        close(TimeUnit.MINUTES.toMillis(1));
    }
}
