package dev.gale.encoder.cpu;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
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
 * Only the L x L scores of the sequence itself are computed: no pad token and no mask exist.
 */
public final class Attention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private Attention() {}

    /** Scratch for one thread: K transposed (D, L) and one row of scores (L), for L up to maxLength. */
    public record Scratch(float[] keysT, float[] scores) {
        public Scratch(int headSize, int maxLength) {
            this(new float[headSize * maxLength], new float[maxLength]);
        }
    }

    public static void attend(float[] qkv, float[] out, int start, int length, int hidden, int head, int headSize,
                              Scratch scratch) {
        int stride = 3 * hidden;
        int qOff = head * headSize;
        int kOff = hidden + head * headSize;
        int vOff = 2 * hidden + head * headSize;
        float scale = (float) (1 / Math.sqrt(headSize));
        float[] kt = scratch.keysT();
        float[] s = scratch.scores();
        for (int j = 0; j < length; j++) {
            int row = (start + j) * stride + kOff;
            for (int d = 0; d < headSize; d++) {
                kt[d * length + j] = qkv[row + d];
            }
        }
        for (int i = 0; i < length; i++) {
            scores(qkv, (start + i) * stride + qOff, scale, kt, s, length, headSize);
            float inv = 1 / softmax(s, length);
            weightedSum(qkv, (start * stride) + vOff, stride, s, inv, length, out, (start + i) * hidden + head * headSize, headSize);
        }
    }

    // Small methods on purpose: C2 keeps their vectors in registers; in one large method it boxed them.

    /** s[j] = (q . k_j) * scale for j < length, vectorized over j; kt is K transposed, (D, length). */
    private static void scores(float[] qkv, int qRow, float scale, float[] kt, float[] s, int length, int headSize) {
        int bound = S.loopBound(length);
        Arrays.fill(s, 0, length, 0f);
        for (int d = 0; d < headSize; d++) {
            float q = qkv[qRow + d] * scale;
            int base = d * length;
            int j = 0;
            for (; j < bound; j += V) {
                FloatVector.broadcast(S, q).fma(FloatVector.fromArray(S, kt, base + j), FloatVector.fromArray(S, s, j)).intoArray(s, j);
            }
            for (; j < length; j++) {
                s[j] = Math.fma(q, kt[base + j], s[j]);
            }
        }
    }

    /** s = exp(s - max(s)) in place; returns the sum. */
    private static float softmax(float[] s, int length) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < length; j++) {
            max = Math.max(max, s[j]);
        }
        int bound = S.loopBound(length);
        FloatVector sum = FloatVector.zero(S);
        int j = 0;
        for (; j < bound; j += V) {
            FloatVector e = FloatVector.fromArray(S, s, j).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(s, j);
            sum = sum.add(e);
        }
        float total = sum.reduceLanes(VectorOperators.ADD);
        for (; j < length; j++) {
            s[j] = (float) Math.exp(s[j] - max);
            total += s[j];
        }
        return total;
    }

    /** out[d] = inv * sum_t p[t] v_t[d], vectorized over the head dimension; v_t starts at vBase + t * stride. */
    private static void weightedSum(float[] qkv, int vBase, int stride, float[] p, float inv, int length,
                                    float[] out, int oRow, int headSize) {
        int d = 0;
        for (; d + V <= headSize; d += V) {
            FloatVector acc = FloatVector.zero(S);
            for (int t = 0; t < length; t++) {
                acc = FloatVector.broadcast(S, p[t]).fma(FloatVector.fromArray(S, qkv, vBase + t * stride + d), acc);
            }
            acc.mul(inv).intoArray(out, oRow + d);
        }
        for (; d < headSize; d++) {
            float acc = 0;
            for (int t = 0; t < length; t++) {
                acc = Math.fma(p[t], qkv[vBase + t * stride + d], acc);
            }
            out[oRow + d] = acc * inv;
        }
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
