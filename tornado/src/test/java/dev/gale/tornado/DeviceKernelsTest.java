package dev.gale.tornado;

import dev.gale.encoder.cpu.Activations;
import dev.gale.encoder.cpu.MatMul;
import dev.gale.encoder.cpu.Norms;
import dev.gale.encoder.nn.Activation;
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
 * The device kernels on TornadoVM's default device (PoCL's CPU device here) against the CPU backend's
 * scalar controls, which compute in double. Shapes that are not multiples of the tile or work-group
 * size, so the edge paths run.
 */
class DeviceKernelsTest {

    private static float[] random(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    @ParameterizedTest(name = "M={0} K={1} N={2} {3}")
    @CsvSource({"37, 40, 50, NONE", "1, 384, 1152, NONE", "64, 384, 1536, GELU", "200, 1536, 384, NONE", "37, 40, 50, GELU_TANH",
            "37, 40, 50, RELU", "37, 40, 50, SILU", "37, 40, 50, TANH"})
    void matmulMatchesTheScalarControl(int m, int k, int n, String activation) throws Exception {
        Random random = new Random(m * 31L + n);
        float[] a = random(random, m * k);
        float[] w = random(random, k * n);
        float[] bias = random(random, n);
        float[] expected = new float[m * n];
        MatMul.matmulScalar(a, w, bias, expected, m, k, n);
        if (!activation.equals("NONE")) {
            for (int i = 0; i < expected.length; i++) {
                expected[i] = Activations.scalar(Activation.valueOf(activation), expected[i]);
            }
        }
        int code = activation.equals("NONE") ? MatMulKernels.NONE : TornadoEncoder.code(Activation.valueOf(activation));

        FloatArray da = FloatArray.fromArray(a);
        FloatArray dw = FloatArray.fromArray(w);
        FloatArray db = FloatArray.fromArray(bias);
        FloatArray dc = new FloatArray(m * n);
        KernelContext context = new KernelContext();
        TaskGraph graph = new TaskGraph("g")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, da, dw, db)
                .task("matmul", MatMulKernels::matmul, context, da, dw, db, dc, IntArray.fromElements(m, 0), k, n, code)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, dc);
        WorkerGrid1D grid = new WorkerGrid1D(MatMulKernels.globalSize(m, n));
        grid.setLocalWork(MatMulKernels.TS * MatMulKernels.TS, 1, 1);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
            plan.withGridScheduler(new GridScheduler("g.matmul", grid)).execute();
        }
        for (int i = 0; i < expected.length; i++) {
            // float accumulation over K terms against a double control
            assertEquals(expected[i], dc.get(i), 1e-4 * Math.sqrt(k) * (1 + Math.abs(expected[i])), "element " + i);
        }
    }

    @ParameterizedTest(name = "rows={0} hidden={1} residual={2}")
    @CsvSource({"5, 384, 1", "3, 100, 0", "17, 768, 1"})
    void layerNormMatchesTheScalarControl(int rows, int hidden, int withResidual) throws Exception {
        Random random = new Random(rows * 7L + hidden);
        float[] x = random(random, rows * hidden);
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * 3 + 2; // a mean and a spread far from (0, 1)
        }
        float[] residual = random(random, rows * hidden);
        float[] gamma = random(random, hidden);
        float[] beta = random(random, hidden);
        float[] expected = x.clone();
        Norms.addLayerNormScalar(expected, withResidual == 1 ? residual : null, gamma, beta, 1e-12f, hidden, rows);

        FloatArray dx = FloatArray.fromArray(x);
        FloatArray dr = FloatArray.fromArray(residual);
        FloatArray dg = FloatArray.fromArray(gamma);
        FloatArray dbeta = FloatArray.fromArray(beta);
        KernelContext context = new KernelContext();
        TaskGraph graph = new TaskGraph("n")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, dx, dr, dg, dbeta)
                .task("norm", NormKernels::addLayerNorm, context, dx, dr, dg, dbeta, 1e-12f, hidden, withResidual)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, dx);
        WorkerGrid1D grid = new WorkerGrid1D(rows * NormKernels.LOCAL);
        grid.setLocalWork(NormKernels.LOCAL, 1, 1);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
            plan.withGridScheduler(new GridScheduler("n.norm", grid)).execute();
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], dx.get(i), 1e-4 * (1 + Math.abs(expected[i])), "element " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"GELU", "GELU_TANH", "RELU", "SILU"})
    void gateMatchesTheScalarControl(Activation activation) throws Exception {
        int rows = 9;
        int inter = 37;
        float[] f = random(new Random(inter), rows * 2 * inter);
        float[] expected = new float[rows * inter];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < inter; c++) {
                expected[r * inter + c] = Activations.scalar(activation, f[r * 2 * inter + c]) * f[r * 2 * inter + inter + c];
            }
        }
        FloatArray df = FloatArray.fromArray(f);
        FloatArray dg = new FloatArray(rows * inter);
        TaskGraph graph = new TaskGraph("g")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, df)
                .task("gate", MatMulKernels::gate, new KernelContext(), df, dg, IntArray.fromElements(rows), inter, TornadoEncoder.code(activation))
                .transferToHost(DataTransferMode.EVERY_EXECUTION, dg);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot()).withGridScheduler(EmbeddingKernelsTest.grid("g.gate", rows * inter))) {
            plan.execute();
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], dg.get(i), 1e-6 * (1 + Math.abs(expected[i])), "element " + i);
        }
    }

    /** A pre-norm layer's two kernels: out = LayerNorm(x) leaving x as it was, then x += residual. */
    @ParameterizedTest(name = "rows={0} hidden={1}")
    @CsvSource({"5, 384", "3, 100"})
    void layerNormIntoAndResidualAddMatchTheScalarControl(int rows, int hidden) throws Exception {
        Random random = new Random(rows * 13L + hidden);
        float[] x = random(random, rows * hidden);
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * 3 + 2;
        }
        float[] residual = random(random, rows * hidden);
        float[] gamma = random(random, hidden);
        float[] beta = random(random, hidden);
        float[] normalized = x.clone();
        Norms.addLayerNormScalar(normalized, null, gamma, beta, 1e-5f, hidden, rows);
        float[] sum = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            sum[i] = x[i] + residual[i];
        }

        FloatArray dx = FloatArray.fromArray(x);
        FloatArray dr = FloatArray.fromArray(residual);
        FloatArray dg = FloatArray.fromArray(gamma);
        FloatArray dbeta = FloatArray.fromArray(beta);
        FloatArray out = new FloatArray(rows * hidden);
        KernelContext context = new KernelContext();
        TaskGraph graph = new TaskGraph("p")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, dx, dr, dg, dbeta)
                .task("norm", NormKernels::layerNormInto, context, dx, out, dg, dbeta, 1e-5f, hidden)
                .task("add", NormKernels::add, context, dx, dr, IntArray.fromElements(rows), hidden)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, dx, out);
        WorkerGrid1D normGrid = new WorkerGrid1D(rows * NormKernels.LOCAL);
        normGrid.setLocalWork(NormKernels.LOCAL, 1, 1);
        int local = EmbeddingKernels.LOCAL;
        WorkerGrid1D addGrid = new WorkerGrid1D((rows * hidden + local - 1) / local * local);
        addGrid.setLocalWork(local, 1, 1);
        GridScheduler scheduler = new GridScheduler("p.norm", normGrid);
        scheduler.addWorkerGrid("p.add", addGrid);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
            plan.withGridScheduler(scheduler).execute();
        }
        for (int i = 0; i < x.length; i++) {
            assertEquals(normalized[i], out.get(i), 1e-4 * (1 + Math.abs(normalized[i])), "normalized element " + i);
            assertEquals(sum[i], dx.get(i), 1e-6 * (1 + Math.abs(sum[i])), "sum element " + i);
        }
    }
}
