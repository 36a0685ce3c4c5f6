package dev.gale.encoder.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * C = A · B + bias, optionally followed by GELU, for the Linear layers of the encoder.
 * <pre>
 *   M  rows of A and C (tokens)       K  columns of A, rows of B (in features)
 *   N  columns of B and C (out features)
 *   a is (M, K), b is (K, N), bias is (N), c is (M, N), all row-major
 * </pre>
 * The vector kernel keeps a 4 x 2V tile of C in registers (V = vector lanes) and streams rows of B;
 * rows are split across threads by the caller. Every row goes through that one kernel: Vector API code
 * that runs rarely is never compiled by C2 and then runs boxed, hundreds of times slower. {@link #matmulScalar} is the control the tests compare with.
 */
public final class MatMul {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final int MR = 4;
    private static final int NR = 2 * V;

    private MatMul() {}

    /** Rows [rowStart, rowEnd) of C = A · B + bias, then GELU if {@code gelu}. */
    public static void matmul(float[] a, float[] b, float[] bias, float[] c, int k, int n,
                              int rowStart, int rowEnd, boolean gelu) {
        // Column panels outside, row tiles inside: a (K, 2V) panel of B stays in cache for all rows.
        // The last tile may have fewer than MR rows: it runs the same (hot, compiled) kernel.
        int j = 0;
        for (; j + NR <= n; j += NR) {
            for (int i = rowStart; i < rowEnd; i += MR) {
                tile4x2(a, b, bias, c, k, n, i, j, Math.min(MR, rowEnd - i));
            }
        }
        for (; j < n; j++) {
            for (int i = rowStart; i < rowEnd; i++) {
                c[i * n + j] = dot(a, i * k, b, j, k, n) + bias[j];
            }
        }
        if (gelu) {
            Activations.gelu(c, rowStart * n, (rowEnd - rowStart) * n);
        }
    }

    /** C[i : i+rows, j : j+2V] for rows in 1..4; missing rows re-read the last row and are not stored. */
    private static void tile4x2(float[] a, float[] b, float[] bias, float[] c, int k, int n, int i, int j, int rows) {
        FloatVector c00 = FloatVector.fromArray(S, bias, j), c01 = FloatVector.fromArray(S, bias, j + V);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        int a0 = i * k;
        int a1 = rows > 1 ? a0 + k : a0;
        int a2 = rows > 2 ? a1 + k : a1;
        int a3 = rows > 3 ? a2 + k : a2;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, p * n + j);
            FloatVector b1 = FloatVector.fromArray(S, b, p * n + j + V);
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
        c00.intoArray(c, o);
        c01.intoArray(c, o + V);
        if (rows > 1) {
            c10.intoArray(c, o + n);
            c11.intoArray(c, o + n + V);
        }
        if (rows > 2) {
            c20.intoArray(c, o + 2 * n);
            c21.intoArray(c, o + 2 * n + V);
        }
        if (rows > 3) {
            c30.intoArray(c, o + 3 * n);
            c31.intoArray(c, o + 3 * n + V);
        }
    }

    private static float dot(float[] a, int aOffset, float[] b, int column, int k, int n) {
        float sum = 0;
        for (int p = 0; p < k; p++) {
            sum = Math.fma(a[aOffset + p], b[p * n + column], sum);
        }
        return sum;
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
