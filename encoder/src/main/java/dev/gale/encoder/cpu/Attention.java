package dev.gale.encoder.cpu;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product self-attention for one (sequence, head) of a packed, padding-free batch.
 * <pre>
 *   T  tokens of the whole batch     W  attention width = heads * D     D  head size
 *   L  tokens of this sequence, rows [start, start + L) of the batch
 *   qkv is (T, 3W): per token Q (W) | K (W) | V (W), head h at columns h*D of each block
 *   out is (T, W): the heads' contexts side by side, before the output projection
 * </pre>
 * Only the L x L scores of the sequence itself are computed: no pad token and no mask exist. Both
 * products go through the GEMM micro-kernel of {@link MatMul}: the head's Q (scaled) is gathered into an
 * (L, D) block and K^T packed into panels, so S = Q K^T is one small GEMM; the position bias (if any) is
 * added and a local window applied; each row of S becomes exp(s - max) in place; V is packed likewise and
 * C = P V is a second GEMM, each row then divided by its sum of exponentials on the way out.
 */
public final class Attention {
    static {
        KernelCompilation.install();   // C2 only, before any of this class's methods can be compiled
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private Attention() {}

    /**
     * Scratch for one thread, for L up to maxLength: the gathered Q (L, D) and K (L, D), packed K^T and V,
     * the scores (L, L), the context (L, D), 1 / row sums (L), a row of zeros (the GEMM's bias), and the
     * relative-position products of {@link ScoreBias} (grown on first use).
     */
    public static final class Scratch {
        final float[] q, k, keys, values, scores, context, inverse, zeros;
        float[] positions = new float[0];
        float[] positions2 = new float[0];

        public Scratch(int headSize, int maxLength) {
            q = new float[maxLength * headSize];
            k = new float[maxLength * headSize];
            keys = new float[panels(maxLength) * headSize * MatMul.NR];
            values = new float[panels(headSize) * maxLength * MatMul.NR];
            scores = new float[maxLength * maxLength];
            context = new float[maxLength * headSize];
            inverse = new float[maxLength];
            zeros = new float[Math.max(maxLength, Math.max(headSize, 256))];
        }

        private static int panels(int n) {
            return (n + MatMul.NR - 1) / MatMul.NR;
        }

        float[] positions(int n) {
            if (positions.length < n) {
                positions = new float[n];
            }
            return positions;
        }

        float[] positions2(int n) {
            if (positions2.length < n) {
                positions2 = new float[n];
            }
            return positions2;
        }

        float[] zeros(int n) {
            return n <= zeros.length ? zeros : new float[n];
        }
    }

    /**
     * Adds a position bias to the (L, L) scores of one (sequence, head): scores[i * L + j] += bias(i, j).
     * {@code q} holds the head's scaled queries (L, D), {@code k} its keys (L, D) when {@link #needsKeys()}.
     */
    public interface ScoreBias {
        void add(float[] scores, int length, int head, float[] q, float[] k, Scratch scratch);

        default boolean needsKeys() {
            return false;
        }
    }

    /** {@link #attend(float[], float[], int, int, int, int, int, float, ScoreBias, int, Scratch)} with no bias or window. */
    public static void attend(float[] qkv, float[] out, int start, int length, int width, int head, int headSize, float scale,
                              Scratch scratch) {
        attend(qkv, out, start, length, width, head, headSize, scale, null, 0, scratch);
    }

    /**
     * One (sequence, head): out rows [start, start + L), columns of {@code head} = softmax(Q K^T scale + bias) V,
     * keys limited to |i - j| <= window when window > 0.
     */
    public static void attend(float[] qkv, float[] out, int start, int length, int width, int head, int headSize, float scale,
                              ScoreBias bias, int window, Scratch scratch) {
        int stride = 3 * width;
        int nr = MatMul.NR;
        float[] q = scratch.q;
        float[] keys = scratch.keys;
        float[] values = scratch.values;
        for (int i = 0; i < length; i++) {
            scaledCopy(qkv, (start + i) * stride + head * headSize, q, i * headSize, headSize, scale);
        }
        if (bias != null && bias.needsKeys()) {
            for (int j = 0; j < length; j++) {
                System.arraycopy(qkv, (start + j) * stride + width + head * headSize, scratch.k, j * headSize, headSize);
            }
        }
        // K^T (D, L) in panels of NR keys; V (L, D) in panels of NR dimensions; padding columns zero
        int keyPanels = (length + nr - 1) / nr;
        Arrays.fill(keys, 0, keyPanels * headSize * nr, 0f);
        for (int j = 0; j < length; j++) {
            int row = (start + j) * stride + width + head * headSize;
            int at = (j / nr) * headSize * nr + j % nr;
            for (int d = 0; d < headSize; d++) {
                keys[at + d * nr] = qkv[row + d];
            }
        }
        int valuePanels = (headSize + nr - 1) / nr;
        for (int p = 0; p < valuePanels; p++) {
            int w = Math.min(nr, headSize - p * nr);
            for (int t = 0; t < length; t++) {
                int at = (p * length + t) * nr;
                System.arraycopy(qkv, (start + t) * stride + 2 * width + head * headSize + p * nr, values, at, w);
                if (w < nr) {
                    Arrays.fill(values, at + w, at + nr, 0f);
                }
            }
        }
        float[] scores = scratch.scores;
        MatMul.matmul(q, keys, headSize, length, scratch.zeros, scores, 0, length, null);
        if (bias != null) {
            bias.add(scores, length, head, q, scratch.k, scratch);
        }
        if (window > 0) {
            for (int i = 0; i < length; i++) {
                int row = i * length;
                Arrays.fill(scores, row, row + Math.max(0, i - window), Float.NEGATIVE_INFINITY);
                Arrays.fill(scores, row + Math.min(length, i + window + 1), row + length, Float.NEGATIVE_INFINITY);
            }
        }
        float[] inverse = scratch.inverse;
        for (int i = 0; i < length; i++) {
            inverse[i] = 1 / exponentials(scores, i * length, length);
        }
        float[] context = scratch.context;
        MatMul.matmul(scores, values, length, headSize, scratch.zeros, context, 0, length, null);
        for (int i = 0; i < length; i++) {
            scaledCopy(context, i * headSize, out, (start + i) * width + head * headSize, headSize, inverse[i]);
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

    /** The scalar control of plain attention: scale 1 / sqrt(D), no bias, every key. */
    public static void attendScalar(float[] qkv, float[] out, int start, int length, int width, int head, int headSize) {
        attendScalar(qkv, out, start, length, width, head, headSize, 1 / Math.sqrt(headSize), null, 0);
    }

    /**
     * Scalar control in double, written the way the attention formula reads: bias(i, j) is added to the
     * scaled score (null for none), keys outside the window (when window > 0) are left out.
     */
    public static void attendScalar(float[] qkv, float[] out, int start, int length, int width, int head, int headSize,
                                    double scale, double[][] bias, int window) {
        int stride = 3 * width;
        double[] p = new double[length];
        for (int i = 0; i < length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < length; j++) {
                if (window > 0 && Math.abs(i - j) > window) {
                    p[j] = Double.NEGATIVE_INFINITY;
                    continue;
                }
                double dot = 0;
                for (int d = 0; d < headSize; d++) {
                    dot += (double) qkv[(start + i) * stride + head * headSize + d] * qkv[(start + j) * stride + width + head * headSize + d];
                }
                p[j] = dot * scale + (bias == null ? 0 : bias[i][j]);
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
                    acc += p[j] * qkv[(start + j) * stride + 2 * width + head * headSize + d];
                }
                out[(start + i) * width + head * headSize + d] = (float) (acc / sum);
            }
        }
    }
}
