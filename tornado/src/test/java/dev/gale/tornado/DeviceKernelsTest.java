package dev.gale.tornado;

import dev.gale.encoder.cpu.Activations;
import dev.gale.encoder.cpu.MatMul;
import dev.gale.encoder.cpu.Norms;
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

    @ParameterizedTest(name = "M={0} K={1} N={2} gelu={3}")
    @CsvSource({"37, 40, 50, 0", "1, 384, 1152, 0", "64, 384, 1536, 1", "200, 1536, 384, 0"})
    void matmulMatchesTheScalarControl(int m, int k, int n, int gelu) throws Exception {
        Random random = new Random(m * 31L + n);
        float[] a = random(random, m * k);
        float[] w = random(random, k * n);
        float[] bias = random(random, n);
        float[] expected = new float[m * n];
        MatMul.matmulScalar(a, w, bias, expected, m, k, n);
        if (gelu == 1) {
            for (int i = 0; i < expected.length; i++) {
                expected[i] = Activations.geluScalar(expected[i]);
            }
        }

        FloatArray da = FloatArray.fromArray(a);
        FloatArray dw = FloatArray.fromArray(w);
        FloatArray db = FloatArray.fromArray(bias);
        FloatArray dc = new FloatArray(m * n);
        KernelContext context = new KernelContext();
        TaskGraph graph = new TaskGraph("g")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, da, dw, db)
                .task("matmul", MatMulKernels::matmul, context, da, dw, db, dc, IntArray.fromElements(m, 0), k, n, gelu)
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
}
