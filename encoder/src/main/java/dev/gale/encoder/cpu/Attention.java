package dev.gale.encoder.cpu;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product self-attention for one (sequence, head) of a packed, padding-free batch.
 * <pre>
 *   T  tokens of the whole batch     H  hidden size = heads * D     D  head size
 *   L  tokens of this sequence, rows [start, start + L) of the batch
 *   qkv is (T, 3H): per token Q (H) | K (H) | V (H), head h at columns h*D of each block
 *   out is (T, H): the heads' contexts side by side, before the output projection
 * </pre>
 * Only the L x L scores of the sequence itself are computed: no pad token and no mask exist. Both
 * products go through the GEMM micro-kernel of {@link MatMul}: the head's Q (scaled by 1/sqrt(D)) is
 * gathered into an (L, D) block and K^T packed into panels, so S = Q K^T is one small GEMM; each row
 * of S becomes exp(s - max) in place; V is packed likewise and C = P V is a second GEMM, each row then
 * divided by its sum of exponentials on the way out.
 */
public final class Attention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private Attention() {}

    /**
     * Scratch for one thread, for L up to maxLength: the gathered Q (L, D), packed K^T and V, the scores
     * (L, L), the context (L, D), 1 / row sums (L) and a row of zeros (the GEMM's bias).
     */
    public record Scratch(float[] q, float[] keys, float[] values, float[] scores, float[] context, float[] inverse,
                          float[] zeros) {
        public Scratch(int headSize, int maxLength) {
            this(new float[maxLength * headSize], new float[panels(maxLength) * headSize * MatMul.NR],
                    new float[panels(headSize) * maxLength * MatMul.NR], new float[maxLength * maxLength],
                    new float[maxLength * headSize], new float[maxLength], new float[Math.max(maxLength, headSize)]);
        }

        private static int panels(int n) {
            return (n + MatMul.NR - 1) / MatMul.NR;
        }
    }

    public static void attend(float[] qkv, float[] out, int start, int length, int hidden, int head, int headSize,
                              Scratch scratch) {
        int stride = 3 * hidden;
        int nr = MatMul.NR;
        float scale = (float) (1 / Math.sqrt(headSize));
        float[] q = scratch.q();
        float[] keys = scratch.keys();
        float[] values = scratch.values();
        for (int i = 0; i < length; i++) {
            scaledCopy(qkv, (start + i) * stride + head * headSize, q, i * headSize, headSize, scale);
        }
        // K^T (D, L) in panels of NR keys; V (L, D) in panels of NR dimensions; padding columns zero
        int keyPanels = (length + nr - 1) / nr;
        Arrays.fill(keys, 0, keyPanels * headSize * nr, 0f);
        for (int j = 0; j < length; j++) {
            int row = (start + j) * stride + hidden + head * headSize;
            int at = (j / nr) * headSize * nr + j % nr;
            for (int d = 0; d < headSize; d++) {
                keys[at + d * nr] = qkv[row + d];
            }
        }
        int valuePanels = (headSize + nr - 1) / nr;
        for (int p = 0; p < valuePanels; p++) {
            int width = Math.min(nr, headSize - p * nr);
            for (int t = 0; t < length; t++) {
                int at = (p * length + t) * nr;
                System.arraycopy(qkv, (start + t) * stride + 2 * hidden + head * headSize + p * nr, values, at, width);
                if (width < nr) {
                    Arrays.fill(values, at + width, at + nr, 0f);
                }
            }
        }
        float[] scores = scratch.scores();
        MatMul.matmul(q, keys, headSize, length, scratch.zeros(), scores, 0, length, false);
        float[] inverse = scratch.inverse();
        for (int i = 0; i < length; i++) {
            inverse[i] = 1 / exponentials(scores, i * length, length);
        }
        float[] context = scratch.context();
        MatMul.matmul(scores, values, length, headSize, scratch.zeros(), context, 0, length, false);
        for (int i = 0; i < length; i++) {
            scaledCopy(context, i * headSize, out, (start + i) * hidden + head * headSize, headSize, inverse[i]);
        }
    }

    /** to[at : at+n] = from[from0 : from0+n] * scale. */
    private static void scaledCopy(float[] from, int from0, float[] to, int at, int n, float scale) {
        int d = 0;
        for (; d + V <= n; d += V) {
            FloatVector.fromArray(S, from, from0 + d).mul(scale).intoArray(to, at + d);
        }
        for (; d < n; d++) {
            to[at + d] = from[from0 + d] * scale;
        }
    }

    /**
     * s[from : from+length] = exp(s - max) in place; returns their sum. The last partial vector is done
     * with a mask rather than in scalar code: a short sequence's rows are nearly all tail.
     */
    private static float exponentials(float[] s, int from, int length) {
        int end = from + length;
        int bound = from + S.loopBound(length);
        FloatVector maxes = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = from; j < bound; j += V) {
            maxes = maxes.max(FloatVector.fromArray(S, s, j));
        }
        float max = maxes.reduceLanes(VectorOperators.MAX);
        for (int j = bound; j < end; j++) {
            max = Math.max(max, s[j]);
        }
        FloatVector sums = FloatVector.zero(S);
        int j = from;
        for (; j < bound; j += V) {
            FloatVector e = FloatVector.fromArray(S, s, j).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(s, j);
            sums = sums.add(e);
        }
        if (j < end) {
            VectorMask<Float> tail = S.indexInRange(j, end);
            FloatVector e = FloatVector.fromArray(S, s, j, tail).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(s, j, tail);
            sums = sums.add(e, tail);
        }
        return sums.reduceLanes(VectorOperators.ADD);
    }

    /** Scalar control in double, written the way the attention formula reads. */
    public static void attendScalar(float[] qkv, float[] out, int start, int length, int hidden, int head, int headSize) {
        int stride = 3 * hidden;
        double scale = 1 / Math.sqrt(headSize);
        double[] p = new double[length];
        for (int i = 0; i < length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < length; j++) {
                double dot = 0;
                for (int d = 0; d < headSize; d++) {
                    dot += (double) qkv[(start + i) * stride + head * headSize + d] * qkv[(start + j) * stride + hidden + head * headSize + d];
                }
                p[j] = dot * scale;
                max = Math.max(max, p[j]);
            }
            double sum = 0;
            for (int j = 0; j < length; j++) {
                p[j] = Math.exp(p[j] - max);
                sum += p[j];
            }
            for (int d = 0; d < headSize; d++) {
                double acc = 0;
                for (int j = 0; j < length; j++) {
                    acc += p[j] * qkv[(start + j) * stride + 2 * hidden + head * headSize + d];
                }
                out[(start + i) * hidden + head * headSize + d] = (float) (acc / sum);
            }
        }
    }
}
