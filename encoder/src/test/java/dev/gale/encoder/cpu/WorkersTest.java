package dev.gale.encoder.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WorkersTest {

    @Test
    void everyTaskRunsExactlyOnceWhateverItsCost() {
        try (Workers workers = new Workers(2)) {
            for (int tasks : new int[]{0, 1, 2, 3, 97}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(1, tasks));
                workers.forEach(tasks, t -> {
                    if (t % 7 == 0) {
                        busy(200_000); // a few long tasks among short ones
                    }
                    runs.incrementAndGet(t);
                });
                for (int t = 0; t < tasks; t++) {
                    assertEquals(1, runs.get(t), "task " + t + " of " + tasks);
                }
            }
        }
    }

    @Test
    void rowsAreCutIntoTasksThatCoverEachRowOnce() {
        try (Workers workers = new Workers(2)) {
            int rows = 2 * Workers.MAX_ROWS_PER_TASK * 2 + 5; // full tasks and a tail of 5
            AtomicIntegerArray covered = new AtomicIntegerArray(rows);
            workers.forRows(rows, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    covered.incrementAndGet(r);
                }
            });
            for (int r = 0; r < rows; r++) {
                assertEquals(1, covered.get(r), "row " + r);
            }
        }
    }

    @Test
    void aFailingTaskFailsTheCall() {
        try (Workers workers = new Workers(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> workers.forEach(10, t -> {
                if (t == 6) {
                    throw new IllegalStateException("task 6 failed");
                }
            }));
            assertEquals("task 6 failed", e.getMessage());
        }
    }

    private static long busy(int n) {
        long x = 0;
        for (int i = 0; i < n; i++) {
            x += i * 31L ^ x;
        }
        return x;
    }
}
