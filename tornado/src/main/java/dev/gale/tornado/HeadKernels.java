package dev.gale.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The ends of a task head ({@link dev.gale.encoder.nn.Head}) on the device, as {@link dev.gale.encoder.cpu.CpuHeads}
 * computes them: the head's input rows gathered from the last hidden states, and SpladePooling fused into the
 * vocabulary projection. The steps in between are {@link MatMulKernels#matmul} and {@link NormKernels#addLayerNorm}.
 * <pre>
 *   T tokens, S sequences in this run; H hidden; R the head's input rows; K inputs, N outputs of the last Linear
 *   x (T, H) the last hidden states; seqStart, seqLength (S), run-local
 *   size: the encoder's {T, S, ...}; headRows: {R}; selected (R): the named rows (run-local token indices)
 *   rows (R, H); a (T, K) the input of the last Linear, w (K, N), bias (N); out (S, N)
 * </pre>
 * Counts are read on the device (TornadoVM bakes scalar arguments into the kernel) and the grids resized per run.
 */
public final class HeadKernels {
    /** What {@link #gather} reads: each sequence's first token, its mean, or the named rows. */
    public static final int FIRST = 0, MEAN = 1, SELECTED = 2;

    private static final int TS = MatMulKernels.TS;

    private HeadKernels() {}

    /**
     * rows = the first token of each sequence, the mean of its tokens (zeros for an empty sequence), or the rows of x
     * that {@code selected} names; R = {@code headRows[0]}. One work-item per element of rows (global size at least R * H).
     */
    public static void gather(KernelContext context, FloatArray x, FloatArray rows, IntArray seqStart, IntArray seqLength,
                              IntArray selected, IntArray headRows, int hidden, int mode) {
        int count = headRows.get(0);
        int g = context.globalIdx;
        if (g < count * hidden) {
            int r = g / hidden;
            int i = g % hidden;
            float v = 0f;
            if (mode == SELECTED) {
                v = x.get(selected.get(r) * hidden + i);
            } else {
                int first = seqStart.get(r);
                int length = seqLength.get(r);
                if (length > 0) {
                    v = x.get(first * hidden + i);
                    if (mode == MEAN) {
                        for (int t = 1; t < length; t++) {
                            v += x.get((first + t) * hidden + i);
                        }
                        v = v / length;
                    }
                }
            }
            rows.set(g, v);
        }
    }

    /**
     * SpladePooling over the last Linear: out[s, c] = log(1 + relu(max over the sequence's tokens t of y[t, c])), or with
     * {@code sum} 1 the sum over t of log(1 + relu(y[t, c])), where y = activation(a · w + bias) (log1p and relu are
     * monotone, so the max is taken first, from 0, as CpuHeads does). An empty sequence gives zeros. The (T, N) logits
     * are never stored: one work-group of TS * TS work-items per (sequence, tile of TS columns) walks the sequence's
     * tokens TS at a time, computes that TS x TS tile of y as {@link MatMulKernels#matmul} does, and keeps a running max
     * (or sum) per work-item; the TS partials of a column are then reduced in local memory. Global size S * tilesN * TS * TS.
     */
    public static void splade(KernelContext context, FloatArray a, FloatArray w, FloatArray bias, FloatArray out, IntArray seqStart,
                              IntArray seqLength, IntArray size, int k, int n, int activation, int sum) {
        int sequences = size.get(1);
        float[] aTile = context.allocateFloatLocalArray(TS * TS);
        float[] wTile = context.allocateFloatLocalArray(TS * TS);
        float[] partial = context.allocateFloatLocalArray(TS * TS);
        int tilesN = (n + TS - 1) / TS;
        int group = context.groupIdx;
        int s = group / tilesN;
        int local = context.localIdx;
        int lr = local / TS;
        int lc = local % TS;
        int col = (group % tilesN) * TS + lc;
        int first = 0;
        int length = 0;
        if (s < sequences) {
            first = seqStart.get(s);
            length = seqLength.get(s);
        }
        float acc = 0f;
        // the same trip counts for the whole work-group (length is the group's), so every work-item meets every barrier
        for (int r0 = 0; r0 < length; r0 += TS) {
            int row = first + r0 + lr;
            int valid = 0;
            if (r0 + lr < length) {
                valid = 1;
            }
            float dot = 0f;
            for (int t = 0; t < k; t += TS) {
                int ak = t + lc;
                if (valid == 1 && ak < k) {
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
                    dot += aTile[lr * TS + i] * wTile[i * TS + lc];
                }
                context.localBarrier();
            }
            if (valid == 1 && col < n) {
                float y = MatMulKernels.activate(dot + bias.get(col), activation);
                if (sum == 1) {
                    acc += TornadoMath.log(1f + TornadoMath.max(0f, y));
                } else {
                    acc = TornadoMath.max(acc, y);
                }
            }
        }
        partial[local] = acc;
        context.localBarrier();
        for (int stride = TS / 2; stride > 0; stride /= 2) {
            if (lr < stride) {
                float other = partial[(lr + stride) * TS + lc];
                if (sum == 1) {
                    partial[local] = partial[local] + other;
                } else {
                    partial[local] = TornadoMath.max(partial[local], other);
                }
            }
            context.localBarrier();
        }
        if (lr == 0 && s < sequences && col < n) {
            float v = partial[lc];
            if (sum == 0) {
                v = TornadoMath.log(1f + v);
            }
            out.set(s * n + col, v);
        }
    }
}
