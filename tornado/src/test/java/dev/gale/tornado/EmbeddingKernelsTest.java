package dev.gale.tornado;

import dev.gale.encoder.Pooling;
import dev.gale.encoder.PoolingConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Embedding sum and pooling on the device, against a hand computation and the CPU backend's Pooling. */
class EmbeddingKernelsTest {

    /**
     * A batch of 4 sequences over 10 tokens, offsets as Arrow writes them; this run is sequences 1..2, tokens 3..8
     * (lengths 4 and 2, counted from token 3). Position ids count from 0, or (RoBERTa, padding_idx 1) from 2 with
     * the pad token inside sequence 1 at position 1 and not counted, as create_position_ids_from_input_ids does.
     */
    @ParameterizedTest(name = "paddingIdx={0}")
    @CsvSource({"-1, '0 1 2 3 0 1'", "1, '2 3 1 4 2 3'"})
    void indexGivesEachTokenItsSequence(int paddingIdx, String positions) throws Exception {
        int[] offsets = {0, 3, 7, 9, 10};
        int[] ids = {0, 5, 2, 0, 5, 1, 2, 0, 2, 0};
        IntArray dOffsets = IntArray.fromArray(offsets), dIds = IntArray.fromArray(ids);
        IntArray start = new IntArray(6), length = new IntArray(6), positionIds = new IntArray(6);
        IntArray seqStart = new IntArray(2), seqLength = new IntArray(2);
        TaskGraph graph = new TaskGraph("i")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, dIds, dOffsets)
                .task("index", EmbeddingKernels::index, new KernelContext(), dIds, dOffsets, start, length, positionIds, seqStart, seqLength,
                        IntArray.fromElements(6, 2, 3, 1, 0), paddingIdx)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, start, length, positionIds, seqStart, seqLength);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot()).withGridScheduler(grid("i.index", 2))) {
            plan.execute();
        }
        assertArrayEquals(java.util.Arrays.stream(positions.split(" ")).mapToInt(Integer::parseInt).toArray(), positionIds.toHeapArray());
        assertArrayEquals(new int[]{0, 0, 0, 0, 4, 4}, start.toHeapArray());
        assertArrayEquals(new int[]{4, 4, 4, 4, 2, 2}, length.toHeapArray());
        assertArrayEquals(new int[]{0, 4}, seqStart.toHeapArray());
        assertArrayEquals(new int[]{4, 2}, seqLength.toHeapArray());
    }

    @Test
    void embeddingIsTheSumOfThreeTableRows() throws Exception {
        int hidden = 8;
        int vocab = 10;
        // two sequences: tokens 0..2 and 3..4, after two tokens of an earlier run (tokenBase 2)
        int[] ids = {7, 7, 2, 9, 0, 5, 5};
        int[] types = {0, 0, 1, 0, 1};
        int[] start = {0, 0, 0, 3, 3};
        int[] positionIds = {0, 1, 2, 0, 1};
        float[] word = new float[vocab * hidden];
        float[] position = new float[4 * hidden];
        float[] tokenType = new float[2 * hidden];
        for (int i = 0; i < word.length; i++) {
            word[i] = i;
        }
        for (int i = 0; i < position.length; i++) {
            position[i] = 1000 * i;
        }
        for (int i = 0; i < tokenType.length; i++) {
            tokenType[i] = 100_000 * i;
        }
        FloatArray x = new FloatArray(5 * hidden);
        IntArray dIds = IntArray.fromArray(ids), dTypes = IntArray.fromArray(types), dStart = IntArray.fromArray(positionIds);
        FloatArray dWord = FloatArray.fromArray(word), dPos = FloatArray.fromArray(position), dType = FloatArray.fromArray(tokenType);
        TaskGraph graph = new TaskGraph("e")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, dIds, dTypes, dStart, dWord, dPos, dType)
                .task("embed", EmbeddingKernels::embed, new KernelContext(), dIds, dTypes, dStart, dWord, dPos, dType, x, IntArray.fromElements(5, 2, 2, 0, 1), hidden, 1)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, x);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot()).withGridScheduler(grid("e.embed", 5 * hidden))) {
            plan.execute();
        }
        for (int t = 0; t < 5; t++) {
            int p = t - start[t];
            for (int i = 0; i < hidden; i++) {
                // word row ids[2 + t], position row p, type row types[t], written out
                float expected = (ids[2 + t] * hidden + i) + 1000f * (p * hidden + i) + 100_000f * (types[t] * hidden + i);
                assertEquals(expected, x.get(t * hidden + i), "token " + t + " dimension " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0} normalize={1} dims={2}")
    @CsvSource({"CLS, true, 32", "MEAN, true, 32", "MEAN, false, 16", "MAX, true, 32"})
    void poolingMatchesTheCpuBackend(PoolingConfig.Mode mode, boolean normalize, int dims) throws Exception {
        int hidden = 32;
        int[] seqStart = {0, 5, 5, 6};
        int[] seqLength = {5, 0, 1, 9};
        int tokens = 15;
        Random random = new Random(3);
        float[] x = new float[tokens * hidden];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        PoolingConfig config = new PoolingConfig(mode, normalize, dims == hidden ? 0 : dims);
        float[] expected = new float[seqStart.length * dims];
        for (int s = 0; s < seqStart.length; s++) {
            Pooling.pool(x, hidden, seqStart[s], seqLength[s], config, MemorySegment.ofArray(expected), s, new float[hidden]);
        }

        FloatArray dx = FloatArray.fromArray(x);
        FloatArray pooled = new FloatArray(seqStart.length * dims);
        IntArray dStart = IntArray.fromArray(seqStart);
        IntArray dLength = IntArray.fromArray(seqLength);
        int modeId = switch (mode) {
            case CLS -> EmbeddingKernels.CLS;
            case MEAN -> EmbeddingKernels.MEAN;
            case MAX -> EmbeddingKernels.MAX;
            default -> throw new IllegalArgumentException("the device pools cls, mean and max only, not " + mode);
        };
        TaskGraph graph = new TaskGraph("p")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, dx, dStart, dLength)
                .task("pool", EmbeddingKernels::pool, new KernelContext(), dx, pooled, dStart, dLength, IntArray.fromElements(tokens, seqStart.length), hidden, dims, modeId, normalize ? 1 : 0)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, pooled);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot()).withGridScheduler(grid("p.pool", seqStart.length))) {
            plan.execute();
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], pooled.get(i), 1e-5, "value " + i);
        }
    }

    /** A one-dimensional grid of at least {@code items} work-items, in work-groups of {@link EmbeddingKernels#LOCAL}. */
    static GridScheduler grid(String task, int items) {
        int local = EmbeddingKernels.LOCAL;
        WorkerGrid1D grid = new WorkerGrid1D((items + local - 1) / local * local);
        grid.setLocalWork(local, 1, 1);
        GridScheduler scheduler = new GridScheduler();
        scheduler.addWorkerGrid(task, grid);
        return scheduler;
    }
}
