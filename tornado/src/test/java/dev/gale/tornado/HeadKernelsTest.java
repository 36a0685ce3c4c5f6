package dev.gale.tornado;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The head kernels on TornadoVM's default device against scalar controls written out here in double: the input
 * rows a head gathers, and SpladePooling fused into the last Linear. Sequences of lengths 0, 1, one past the tile and
 * several tiles, a vocabulary that is not a multiple of the tile.
 */
class HeadKernelsTest {
    private static final int[] LENGTHS = {3, 0, 1, 17, 40, 16};

    private static float[] random(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static int[] starts() {
        int[] starts = new int[LENGTHS.length];
        for (int s = 1; s < LENGTHS.length; s++) {
            starts[s] = starts[s - 1] + LENGTHS[s - 1];
        }
        return starts;
    }

    private static int tokens() {
        int t = 0;
        for (int l : LENGTHS) {
            t += l;
        }
        return t;
    }

    @ParameterizedTest(name = "mode={0}")
    @CsvSource({"0", "1", "2"})
    void gatherMatchesTheScalarControl(int mode) throws Exception {
        int hidden = 37;
        int tokens = tokens();
        int[] starts = starts();
        float[] x = random(new Random(mode), tokens * hidden);
        int[] selected = {5, 0, 76, 5, 40};
        int rows = mode == HeadKernels.SELECTED ? selected.length : LENGTHS.length;
        double[] expected = new double[rows * hidden];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < hidden; i++) {
                double v = 0;
                if (mode == HeadKernels.SELECTED) {
                    v = x[selected[r] * hidden + i];
                } else if (LENGTHS[r] > 0 && mode == HeadKernels.FIRST) {
                    v = x[starts[r] * hidden + i];
                } else if (LENGTHS[r] > 0) {
                    for (int t = 0; t < LENGTHS[r]; t++) {
                        v += x[(starts[r] + t) * hidden + i];
                    }
                    v /= LENGTHS[r];
                }
                expected[r * hidden + i] = v;
            }
        }
        FloatArray dx = FloatArray.fromArray(x);
        FloatArray out = new FloatArray(rows * hidden);
        TaskGraph graph = new TaskGraph("h")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, dx)
                .task("gather", HeadKernels::gather, new KernelContext(), dx, out, IntArray.fromArray(starts), IntArray.fromArray(LENGTHS),
                        IntArray.fromArray(selected), IntArray.fromElements(rows), hidden, mode)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot()).withGridScheduler(EmbeddingKernelsTest.grid("h.gather",
                rows * hidden))) {
            plan.execute();
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], out.get(i), 1e-5 * (1 + Math.abs(expected[i])), "element " + i);
        }
    }

    /**
     * out[s, c] = max over the sequence's tokens of log(1 + relu(y)), or the sum of log(1 + relu(y)), y = act(a · w + b);
     * 0 for the empty sequence.
     */
    @ParameterizedTest(name = "K={0} N={1} activation={2} sum={3}")
    @CsvSource({"24, 203, 0, 0", "24, 203, 0, 1", "40, 50, 3, 0", "33, 17, 1, 1"})
    void spladeMatchesTheScalarControl(int k, int n, int activation, int sum) throws Exception {
        int tokens = tokens();
        int[] starts = starts();
        int sequences = LENGTHS.length;
        Random random = new Random(k * 31L + n);
        float[] a = random(random, tokens * k);
        float[] w = random(random, k * n);
        float[] bias = random(random, n);
        double[] expected = new double[sequences * n];
        for (int s = 0; s < sequences; s++) {
            for (int c = 0; c < n; c++) {
                double acc = 0;
                for (int t = starts[s]; t < starts[s] + LENGTHS[s]; t++) {
                    double y = bias[c];
                    for (int i = 0; i < k; i++) {
                        y += (double) a[t * k + i] * w[i * n + c];
                    }
                    if (activation == MatMulKernels.RELU) {
                        y = Math.max(0, y);
                    } else if (activation == MatMulKernels.GELU) {
                        y = 0.5 * y * (1 + erf(y / Math.sqrt(2)));
                    }
                    acc = sum == 1 ? acc + Math.log1p(Math.max(0, y)) : Math.max(acc, y);
                }
                expected[s * n + c] = sum == 1 ? acc : Math.log1p(acc);
            }
        }
        FloatArray da = FloatArray.fromArray(a);
        FloatArray dw = FloatArray.fromArray(w);
        FloatArray db = FloatArray.fromArray(bias);
        FloatArray out = new FloatArray(sequences * n);
        int[] size = {tokens, sequences, 0, 0, 0};
        TaskGraph graph = new TaskGraph("h")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, da, dw, db)
                .task("splade", HeadKernels::splade, new KernelContext(), da, dw, db, out, IntArray.fromArray(starts), IntArray.fromArray(LENGTHS),
                        IntArray.fromArray(size), k, n, activation, sum)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        int ts = MatMulKernels.TS;
        WorkerGrid1D grid = new WorkerGrid1D(sequences * ((n + ts - 1) / ts) * ts * ts);
        grid.setLocalWork(ts * ts, 1, 1);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot()).withGridScheduler(new GridScheduler("h.splade", grid))) {
            plan.execute();
        }
        for (int i = 0; i < expected.length; i++) {
            // float accumulation over K terms (and up to 40 tokens for the sum) against a double control
            assertEquals(expected[i], out.get(i), 1e-4 * Math.sqrt(k) * (1 + Math.abs(expected[i])), "element " + i);
        }
    }

    /** erf in double by Abramowitz and Stegun 7.1.26, |error| below 1.5e-7. */
    private static double erf(double z) {
        double t = 1 / (1 + 0.3275911 * Math.abs(z));
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double r = 1 - poly * Math.exp(-z * z);
        return z < 0 ? -r : r;
    }
}
