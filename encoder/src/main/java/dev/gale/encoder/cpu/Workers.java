package dev.gale.encoder.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The CPU backend's threads and how work is split over them. A phase is a list of tasks numbered
 * 0 .. n-1; one worker per thread takes the next task number from a shared counter until none is
 * left. A worker that drew cheap tasks simply takes more, so on skewed costs (a 256-token sequence's
 * attention costs a thousand times a 8-token one's) no core waits on a fixed share, and a phase costs
 * one submit per thread rather than a task tree.
 */
public final class Workers implements AutoCloseable {
    /** The fewest rows per task of a row-parallel phase: a multiple of the GEMM tile height. */
    public static final int ROWS_PER_TASK = 16;
    /**
     * The most: each packed weight panel streamed by a task serves this many rows. At 16 rows a task of a
     * 768 x 3072 GEMM reads 9 MB of weights for 16 rows and runs at about 60 GFLOP/s on one core here; at 64,
     * about 75 to 80 (the weights come from cache or memory a quarter as often).
     */
    public static final int MAX_ROWS_PER_TASK = 64;

    private final ForkJoinPool pool;

    public Workers(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.pool = new ForkJoinPool(threads);
    }

    public int threads() {
        return pool.getParallelism();
    }

    /** Runs body(0) .. body(tasks - 1) and returns when all have; a task's exception is rethrown here. */
    public void forEach(int tasks, IntConsumer body) {
        int workers = Math.min(tasks, pool.getParallelism());
        if (workers <= 1) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            try {
                for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
                    body.accept(t);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                next.set(tasks); // the other workers stop after their current task
            }
        };
        ForkJoinTask<?>[] running = new ForkJoinTask<?>[workers];
        for (int w = 0; w < workers; w++) {
            running[w] = pool.submit(worker);
        }
        for (ForkJoinTask<?> task : running) {
            task.join();
        }
        // the task's own exception, not ForkJoinTask's copy of it with the message repeated
        switch (failure.get()) {
            case null -> { }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            case Throwable e -> throw new IllegalStateException(e);
        }
    }

    /** A body over rows [rowStart, rowEnd). */
    public interface RowRange {
        void run(int rowStart, int rowEnd);
    }

    /**
     * Rows [0, rows) in tasks of {@link #MAX_ROWS_PER_TASK} rows, halved (down to {@link #ROWS_PER_TASK}) while
     * that would leave fewer than two tasks per thread to balance the cores with.
     */
    public void forRows(int rows, RowRange body) {
        int per = MAX_ROWS_PER_TASK;
        while (per > ROWS_PER_TASK && (rows + per - 1) / per < 2 * threads()) {
            per /= 2;
        }
        int size = per;
        int tasks = (rows + size - 1) / size;
        forEach(tasks, t -> body.run(t * size, Math.min(rows, (t + 1) * size)));
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
