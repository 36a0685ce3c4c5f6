package dev.gale.encoder.cpu;

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
        int bound = S.loopBound(length);
        for (int i = 0; i < length; i++) {
            int qRow = (start + i) * stride + qOff;
            // scores[j] = (q_i . k_j) * scale, vectorized over j
            java.util.Arrays.fill(s, 0, length, 0f);
            for (int d = 0; d < headSize; d++) {
                float q = qkv[qRow + d] * scale;
                FloatVector qv = FloatVector.broadcast(S, q);
                int base = d * length;
                int j = 0;
                for (; j < bound; j += V) {
                    qv.fma(FloatVector.fromArray(S, kt, base + j), FloatVector.fromArray(S, s, j)).intoArray(s, j);
                }
                for (; j < length; j++) {
                    s[j] = Math.fma(q, kt[base + j], s[j]);
                }
            }
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < length; j++) {
                max = Math.max(max, s[j]);
            }
            float sum = 0;
            int j = 0;
            FloatVector sumV = FloatVector.zero(S);
            for (; j < bound; j += V) {
                FloatVector e = FloatVector.fromArray(S, s, j).sub(max).lanewise(VectorOperators.EXP);
                e.intoArray(s, j);
                sumV = sumV.add(e);
            }
            sum = sumV.reduceLanes(VectorOperators.ADD);
            for (; j < length; j++) {
                s[j] = (float) Math.exp(s[j] - max);
                sum += s[j];
            }
            float inv = 1 / sum;
            // context_i = sum_j p_j v_j, vectorized over the head dimension
            int oRow = (start + i) * hidden + head * headSize;
            int d = 0;
            for (; d + V <= headSize; d += V) {
                FloatVector acc = FloatVector.zero(S);
                for (int t = 0; t < length; t++) {
                    acc = FloatVector.broadcast(S, s[t]).fma(FloatVector.fromArray(S, qkv, (start + t) * stride + vOff + d), acc);
                }
                acc.mul(inv).intoArray(out, oRow + d);
            }
            for (; d < headSize; d++) {
                float acc = 0;
                for (int t = 0; t < length; t++) {
                    acc = Math.fma(s[t], qkv[(start + t) * stride + vOff + d], acc);
                }
                out[oRow + d] = acc * inv;
            }
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
