package dev.gale.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Matrix multiplication for the device: C = A · W + bias, optionally followed by an activation, and the
 * gate of a gated feed-forward (GeGLU, SwiGLU).
 * <pre>
 *   M rows (tokens), K inputs, N outputs, TS tile side, I intermediate
 *   a (M, K), w (K, N) (the (in, out) layout), bias (N), c (M, N), all row-major
 * </pre>
 * Activations travel as an int code ({@link #NONE}, {@link #GELU}, ...), baked into the kernel when it compiles.
 * One work-group of TS x TS work-items computes a TS x TS tile of C, walking K in steps of TS with both
 * tiles staged in local memory. The grid is one-dimensional (work-group g is tile row g / tilesN, tile
 * column g % tilesN): the two-dimensional KernelContext case gave wrong results on PoCL in our checks.
 */
public final class MatMulKernels {
    /** Tile side; a work-group is TS * TS work-items. */
    public static final int TS = 16;

    /** Activation codes, as {@link dev.gale.encoder.nn.Activation} names them. */
    public static final int NONE = 0, GELU = 1, GELU_TANH = 2, RELU = 3, SILU = 4, TANH = 5;

    private static final float P = 0.3275911f;
    private static final float SQRT_2_OVER_PI = 0.7978845608f;
    private static final float A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f, A5 = 1.061405429f;

    private MatMulKernels() {}

    /** Global size for {@link #matmul}: one work-group per tile of C. */
    public static int globalSize(int m, int n) {
        return ((m + TS - 1) / TS) * ((n + TS - 1) / TS) * TS * TS;
    }

    /**
     * c = a · w + bias, then the activation of code {@code activation} (0 for none). M is {@code size[0]}, read on the device, so that one
     * compiled kernel serves every batch (TornadoVM bakes scalar arguments into the kernel). Local size TS * TS.
     */
    public static void matmul(KernelContext context, FloatArray a, FloatArray w, FloatArray bias, FloatArray c,
                              IntArray size, int k, int n, int activation) {
        int m = size.get(0);
        float[] aTile = context.allocateFloatLocalArray(TS * TS);
        float[] wTile = context.allocateFloatLocalArray(TS * TS);
        int tilesN = (n + TS - 1) / TS;
        int group = context.groupIdx;
        int local = context.localIdx;
        int lr = local / TS;
        int lc = local % TS;
        int row = (group / tilesN) * TS + lr;
        int col = (group % tilesN) * TS + lc;
        float sum = 0f;
        for (int t = 0; t < k; t += TS) {
            int ak = t + lc;
            if (row < m && ak < k) {
                aTile[lr * TS + lc] = a.get(row * k + ak);
            } else {
                aTile[lr * TS + lc] = 0f;
            }
            int wk = t + lr;
            if (wk < k && col < n) {
                wTile[lr * TS + lc] = w.get(wk * n + col);
            } else {
                wTile[lr * TS + lc] = 0f;
            }
            context.localBarrier();
            for (int i = 0; i < TS; i++) {
                sum += aTile[lr * TS + i] * wTile[i * TS + lc];
            }
            context.localBarrier();
        }
        if (row < m && col < n) {
            c.set(row * n + col, activate(sum + bias.get(col), activation));
        }
    }

    /**
     * The gate of a gated feed-forward: g[t, c] = act(f[t, c]) * f[t, I + c], f (T, 2I) the input projection
     * (the activated half first), g (T, I). T is {@code size[0]}; one work-item per element of g.
     */
    public static void gate(KernelContext context, FloatArray f, FloatArray g, IntArray size, int intermediate, int activation) {
        int tokens = size.get(0);
        int i = context.globalIdx;
        if (i < tokens * intermediate) {
            int t = i / intermediate;
            int c = i % intermediate;
            int from = t * 2 * intermediate + c;
            g.set(i, activate(f.get(from), activation) * f.get(from + intermediate));
        }
    }

    /** The activation of code {@code activation} at v, computed as the CPU backend's scalar controls do. */
    static float activate(float v, int activation) {
        float r = v;
        if (activation == GELU) {
            r = 0.5f * v * (1f + erf(v * 0.70710678f));
        } else if (activation == GELU_TANH) {
            // tanh(u) = 1 - 2 / (e^2u + 1), u clamped to +-10 where tanh is +-1 in float: the kernels compile with
            // relaxed math, under which an infinite e^2u gave NaN on PoCL
            float u = TornadoMath.clamp(SQRT_2_OVER_PI * (v + 0.044715f * v * v * v), -10f, 10f);
            r = 0.5f * v * (2f - 2f / (TornadoMath.exp(2f * u) + 1f));
        } else if (activation == RELU) {
            r = TornadoMath.max(0f, v);
        } else if (activation == SILU) {
            // e^-v kept finite (relaxed math): below v = -80 the result is v e^80 ~ 0 either way
            r = v / (1f + TornadoMath.exp(TornadoMath.min(-v, 80f)));
        } else if (activation == TANH) {
            // tanh(v) = 1 - 2 / (e^2v + 1), v clamped to +-10 (tanh is +-1 there in float; relaxed math)
            r = 1f - 2f / (TornadoMath.exp(2f * TornadoMath.clamp(v, -10f, 10f)) + 1f);
        }
        return r;
    }

    /** erf by Abramowitz and Stegun 7.1.26 (|error| below 1.5e-7), as the CPU backend computes it. */
    private static float erf(float z) {
        float az = TornadoMath.abs(z);
        float t = 1f / (az * P + 1f);
        float poly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
        float r = 1f - poly * TornadoMath.exp(-az * az);
        float result = r;
        if (z < 0f) {
            result = -r;
        }
        return result;
    }
}
