package dev.gale.bench;

import dev.gale.encoder.EmbeddingModel;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;

/**
 * The heap a loaded model keeps: used heap after a full collection, before and after
 * {@link EmbeddingModel#load} (and one embedding, so the backend has built everything it keeps), against
 * the fp32 size of the model's weights. Run with a fixed heap so that collections are full:
 * {@code java -Xms4g -Xmx4g -XX:+UseSerialGC -cp ... dev.gale.bench.HeapAfterLoad MODEL}.
 */
public final class HeapAfterLoad {
    private HeapAfterLoad() {}

    public static void main(String[] args) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = settledHeap(memory);
        try (EmbeddingModel model = EmbeddingModel.load(args[0])) {
            model.embed(List.of("warm up the backend"));
            long after = settledHeap(memory);
            long weights = model.architecture().parameterCount() * Float.BYTES;
            long retained = after - before;
            System.out.printf(java.util.Locale.ROOT, "%s: weights %.1f MiB fp32, retained heap %.1f MiB = %.3fx%n", args[0],
                    weights / 1048576.0, retained / 1048576.0, (double) retained / weights);
        }
    }

    private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
