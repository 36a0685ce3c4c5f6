package dev.gale.encoder;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulerTest {

    static final class Job extends Scheduler.Job {
        final String name;
        final int tokens;
        final Object key;

        Job(String name, int tokens, Object key) {
            this.name = name;
            this.tokens = tokens;
            this.key = key;
        }

        @Override
        public int tokens() {
            return tokens;
        }

        @Override
        public Object batchKey() {
            return key;
        }
    }

    /** A runner that holds its first batch until released, so that the jobs after it queue up. */
    static final class Recorder implements Scheduler.Runner<Job> {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void run(List<Job> batch) throws Exception {
            batches.add(batch.stream().map(j -> j.name).toList());
            started.countDown();
            release.await();
            if (batch.stream().anyMatch(j -> j.name.startsWith("fail"))) {
                throw new IllegalStateException("runner failed");
            }
        }
    }

    private static Scheduler<Job> scheduler(Recorder r, int maxTokens, int maxJobs) {
        return new Scheduler<>(new Scheduler.Options(maxTokens, maxJobs, 1, "test"), r, null);
    }

    /** Waits until the scheduler has queued {@code n} jobs (they are tokenized on its pool first). */
    private static void awaitQueued(Scheduler<Job> s, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.queued() < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(n, s.queued());
    }

    @Test
    void packsQueuedJobsInOrderWhileTheyFitTheTokenBudget() throws Exception {
        Recorder r = new Recorder();
        try (Scheduler<Job> s = scheduler(r, 8, 0)) {
            CompletableFuture<Job> first = s.submit(() -> new Job("first", 8, "k"));
            r.started.await();
            List<CompletableFuture<Job>> rest = new ArrayList<>();
            // tokens 3 + 4 fit 8; 5 does not join them; 5 + 2 fit; then 6 starts its own batch
            for (String[] j : new String[][]{{"a", "3"}, {"b", "4"}, {"c", "5"}, {"d", "2"}, {"e", "6"}}) {
                rest.add(s.submit(() -> new Job(j[0], Integer.parseInt(j[1]), "k")));
                awaitQueued(s, rest.size());
            }
            r.release.countDown();
            for (CompletableFuture<Job> f : rest) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertEquals("first", first.get().name);
            assertEquals(List.of(List.of("first"), List.of("a", "b"), List.of("c", "d"), List.of("e")), r.batches);
        }
    }

    @Test
    void aJobOverTheBudgetRunsAloneAndKeysAndJobLimitsSplitBatches() throws Exception {
        Recorder r = new Recorder();
        try (Scheduler<Job> s = scheduler(r, 100, 2)) {
            s.submit(() -> new Job("hold", 1, "x"));
            r.started.await();
            List<CompletableFuture<Job>> fs = new ArrayList<>();
            Object[][] jobs = {{"big", 500, "k"}, {"k1", 1, "k"}, {"k2", 1, "k"}, {"k3", 1, "k"}, {"other", 1, "o"}, {"alone", 1, null}, {"k4", 1, "k"}};
            for (Object[] j : jobs) {
                fs.add(s.submit(() -> new Job((String) j[0], (Integer) j[1], j[2])));
                awaitQueued(s, fs.size());
            }
            r.release.countDown();
            for (CompletableFuture<Job> f : fs) {
                f.get(10, TimeUnit.SECONDS);
            }
            // big (500 > 100) alone; at most 2 jobs per batch; a new key or a null key starts a new batch
            assertEquals(List.of(List.of("hold"), List.of("big"), List.of("k1", "k2"), List.of("k3"), List.of("other"), List.of("alone"),
                    List.of("k4")), r.batches);
        }
    }

    @Test
    void aCancelledJobIsDroppedUnrun() throws Exception {
        Recorder r = new Recorder();
        try (Scheduler<Job> s = scheduler(r, 100, 0)) {
            s.submit(() -> new Job("hold", 1, "k"));
            r.started.await();
            CompletableFuture<Job> gone = s.submit(() -> new Job("gone", 1, "k"));
            awaitQueued(s, 1);
            CompletableFuture<Job> kept = s.submit(() -> new Job("kept", 1, "k"));
            awaitQueued(s, 2);
            gone.cancel(false);
            r.release.countDown();
            kept.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(List.of("hold"), List.of("kept")), r.batches);
        }
    }

    @Test
    void failuresReachTheFuturesOfTheirBatchOnly() throws Exception {
        Recorder r = new Recorder();
        r.release.countDown();
        try (Scheduler<Job> s = scheduler(r, 100, 0)) {
            CompletableFuture<Job> bad = s.submit(() -> {
                throw new IllegalArgumentException("cannot tokenize");
            });
            ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
            CompletableFuture<Job> failing = s.submit(() -> new Job("fail", 1, null));
            e = assertThrows(ExecutionException.class, () -> failing.get(10, TimeUnit.SECONDS));
            assertEquals("runner failed", e.getCause().getMessage());
            assertEquals("ok", s.submit(() -> new Job("ok", 1, null)).get(10, TimeUnit.SECONDS).name);
        }
    }

    @Test
    void closeRunsWhatWasSubmittedThenRefusesMore() throws Exception {
        Recorder r = new Recorder();
        Scheduler<Job> s = scheduler(r, 100, 0);
        s.submit(() -> new Job("hold", 1, "k"));
        r.started.await();
        CompletableFuture<Job> queued = s.submit(() -> new Job("queued", 1, "k"));
        awaitQueued(s, 1);
        Thread closer = Thread.ofPlatform().start(() -> s.close(10_000));
        r.release.countDown();
        closer.join();
        assertEquals("queued", queued.get().name);
        assertTrue(queued.get().inferenceNanos() >= 0);
        ExecutionException e = assertThrows(ExecutionException.class, () -> s.submit(() -> new Job("late", 1, "k")).get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }
}
