package dev.gale.encoder.cpu;

import dev.gale.encoder.nn.Activation;
import dev.gale.encoder.nn.Linear;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * C = A · B + bias, optionally followed by an activation, for the Linear layers of the encoder.
 * <pre>
 *   M  rows of A and C (tokens)       K  columns of A, rows of B (in features)
 *   N  columns of B and C (out features)
 *   a is (M, K), b is (K, N), bias is (N), c is (M, N), all row-major
 *   packed B: panels of NR = 2V columns (V = vector lanes), each (K, NR) contiguous,
 *             the last panel padded with zero columns
 * </pre>
 * B is a weight matrix, so it is packed once ({@link #pack}): the micro-kernel then reads each panel
 * as one sequential stream (no stride of N floats between rows, which defeats the prefetchers and the
 * TLB). The micro-kernel keeps a 4 x 2V tile of C in 8 vector registers: per step of K, two vector
 * loads of B, four broadcasts of A and eight FMAs, which keeps the FMA unit busy. (An 8 x 2V tile is no
 * faster once compiled, and C1 cannot compile it: HotSpot then sometimes leaves it in C1-compiled,
 * boxed code for good, about 80 times slower.) Panels are the outer loop and row tiles the inner
 * one, so a panel (K x 2V floats, at most 192 KB) stays in L2 for all the rows of a call.
 * Every row goes through that one kernel, tails included (a tile of fewer rows re-reads its last row
 * and stores only its own rows): Vector API code that runs rarely is never compiled by C2 and then runs
 * boxed, hundreds of times slower. {@link #matmulScalar} is the control the tests compare with.
 */
public final class MatMul {
    static {
        KernelCompilation.install();   // C2 only, before any of this class's methods can be compiled
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final int MR = 4;
    /** Width of a packed panel. */
    public static final int NR = 2 * V;

    private MatMul() {}

    /** B (K, N) in panels of {@link #NR} columns. */
    public record Packed(float[] data, int k, int n) {
        public int panels() {
            return (n + NR - 1) / NR;
        }
    }

    /** Packs row-major B (K, N) into panels; done once per weight matrix. */
    public static Packed pack(float[] b, int k, int n) {
        if (b.length < (long) k * n) {
            throw new IllegalArgumentException("B holds " + b.length + " floats, (" + k + ", " + n + ") needs " + (long) k * n);
        }
        int panels = (n + NR - 1) / NR;
        float[] data = new float[panels * k * NR];
        for (int q = 0; q < panels; q++) {
            int j0 = q * NR;
            int width = Math.min(NR, n - j0);
            for (int p = 0; p < k; p++) {
                System.arraycopy(b, p * n + j0, data, (q * k + p) * NR, width);
            }
        }
        return new Packed(data, k, n);
    }

    /**
     * Packs W^T of {@code linear} (B = W^T is (in, out)) straight from its tensors: the packed panels are the
     * only copy of the weight the CPU backend keeps.
     */
    public static Packed pack(Linear linear) {
        int k = linear.in();
        int n = linear.out();
        int panels = (n + NR - 1) / NR;
        float[] data = new float[Math.multiplyExact(panels * k, NR)];
        // row p of B (input p's weight to every output) in one read, then dealt out to the panels
        float[] row = new float[n];
        for (int p = 0; p < k; p++) {
            linear.inputRow(p, 0, n, row, 0);
            for (int q = 0; q < panels; q++) {
                int j0 = q * NR;
                System.arraycopy(row, j0, data, (q * k + p) * NR, Math.min(NR, n - j0));
            }
        }
        return new Packed(data, k, n);
    }

    /** Rows [rowStart, rowEnd) of C = A · B + bias, then {@code activation} unless it is null. */
    public static void matmul(float[] a, Packed b, float[] bias, float[] c, int rowStart, int rowEnd, Activation activation) {
        matmul(a, b.data(), b.k(), b.n(), bias, c, rowStart, rowEnd, activation);
    }

    /**
     * The same over B already laid out in panels in {@code packed} (K, N as for {@link #pack}), for callers
     * that pack into scratch memory of their own on every call (attention) and so skip the record.
     */
    public static void matmul(float[] a, float[] packed, int k, int n, float[] bias, float[] c, int rowStart, int rowEnd,
                              Activation activation) {
        int panels = (n + NR - 1) / NR;
        for (int q = 0; q < panels; q++) {
            for (int i = rowStart; i < rowEnd; i += MR) {
                tile(a, packed, k, n, bias, c, q, i, Math.min(MR, rowEnd - i));
            }
        }
        if (activation != null) {
            Activations.apply(activation, c, rowStart * n, (rowEnd - rowStart) * n);
        }
    }

    /**
     * C[i : i+rows, panel q] for rows in 1..4; rows past {@code rows} re-read the last row and are not
     * stored. The masks cover the panel's columns that exist (all of them but in a padded last panel);
     * they are made here, not passed in: a vector or mask object that crosses a call C2 does not inline
     * stays boxed, and the whole kernel then runs tens of times slower.
     */
    private static void tile(float[] a, float[] pb, int k, int n, float[] bias, float[] c, int q, int i, int rows) {
        int j = q * NR;
        VectorMask<Float> m0 = S.indexInRange(j, n);
        VectorMask<Float> m1 = S.indexInRange(j + V, n);
        FloatVector bias0 = FloatVector.fromArray(S, bias, j, m0);
        FloatVector bias1 = FloatVector.fromArray(S, bias, j + V, m1);
        FloatVector c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1, c30 = bias0, c31 = bias1;
        int a0 = i * k;
        int a1 = rows > 1 ? a0 + k : a0;
        int a2 = rows > 2 ? a1 + k : a1;
        int a3 = rows > 3 ? a2 + k : a2;
        int panel = q * k * NR;
        for (int p = 0; p < k; p++) {
            int o = panel + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, pb, o);
            FloatVector b1 = FloatVector.fromArray(S, pb, o + V);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        int o = i * n + j;
        c00.intoArray(c, o, m0);
        c01.intoArray(c, o + V, m1);
        if (rows > 1) {
            c10.intoArray(c, o + n, m0);
            c11.intoArray(c, o + n + V, m1);
        }
        if (rows > 2) {
            c20.intoArray(c, o + 2 * n, m0);
            c21.intoArray(c, o + 2 * n + V, m1);
        }
        if (rows > 3) {
            c30.intoArray(c, o + 3 * n, m0);
            c31.intoArray(c, o + 3 * n + V, m1);
        }
    }

    /** Plain scalar control: C = A · B + bias for all M rows. */
    public static void matmulScalar(float[] a, float[] b, float[] bias, float[] c, int m, int k, int n) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = bias[j];
                for (int p = 0; p < k; p++) {
                    sum += (double) a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = (float) sum;
            }
        }
    }
}
