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
    /** Rows per task of a row-parallel phase: a multiple of the GEMM tile height, small enough to balance the cores. */
    public static final int ROWS_PER_TASK = 16;

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

    /** Rows [0, rows) in tasks of {@link #ROWS_PER_TASK}. */
    public void forRows(int rows, RowRange body) {
        int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        forEach(tasks, t -> body.run(t * ROWS_PER_TASK, Math.min(rows, (t + 1) * ROWS_PER_TASK)));
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
