package dev.gale.encoder.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * LayerNorm over the hidden dimension, with the residual add fused in (BERT's AddNorm).
 * <pre>  H hidden size; x and residual are (tokens, H) row-major; gamma and beta are (H) </pre>
 */
public final class Norms {
    static {
        KernelCompilation.install();   // C2 only, before any of this class's methods can be compiled
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Norms() {}

    /** For rows [rowStart, rowEnd): x = LayerNorm(x + residual) (residual may be null). */
    public static void addLayerNorm(float[] x, float[] residual, float[] gamma, float[] beta, float eps,
                                    int hidden, int rowStart, int rowEnd) {
        int bound = S.loopBound(hidden);
        for (int r = rowStart; r < rowEnd; r++) {
            int o = r * hidden;
            FloatVector sumV = FloatVector.zero(S);
            int i = 0;
            for (; i < bound; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, o + i);
                if (residual != null) {
                    v = v.add(FloatVector.fromArray(S, residual, o + i));
                    v.intoArray(x, o + i);
                }
                sumV = sumV.add(v);
            }
            float sum = sumV.reduceLanes(VectorOperators.ADD);
            for (; i < hidden; i++) {
                if (residual != null) {
                    x[o + i] += residual[o + i];
                }
                sum += x[o + i];
            }
            float mean = sum / hidden;
            FloatVector varV = FloatVector.zero(S);
            i = 0;
            for (; i < bound; i += S.length()) {
                FloatVector d = FloatVector.fromArray(S, x, o + i).sub(mean);
                varV = d.fma(d, varV);
            }
            float var = varV.reduceLanes(VectorOperators.ADD);
            for (; i < hidden; i++) {
                float d = x[o + i] - mean;
                var += d * d;
            }
            float inv = (float) (1 / Math.sqrt(var / hidden + eps));
            i = 0;
            for (; i < bound; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, o + i).sub(mean).mul(inv);
                v.fma(FloatVector.fromArray(S, gamma, i), FloatVector.fromArray(S, beta, i)).intoArray(x, o + i);
            }
            for (; i < hidden; i++) {
                x[o + i] = (x[o + i] - mean) * inv * gamma[i] + beta[i];
            }
        }
    }

    /** For rows [rowStart, rowEnd): x += residual (a pre-norm layer's residual connection). */
    public static void add(float[] x, float[] residual, int hidden, int rowStart, int rowEnd) {
        int from = rowStart * hidden;
        int end = rowEnd * hidden;
        int i = from;
        for (; i + S.length() <= end; i += S.length()) {
            FloatVector.fromArray(S, x, i).add(FloatVector.fromArray(S, residual, i)).intoArray(x, i);
        }
        for (; i < end; i++) {
            x[i] += residual[i];
        }
    }

    /** Scalar control, in double. */
    public static void addLayerNormScalar(float[] x, float[] residual, float[] gamma, float[] beta, float eps, int hidden, int rows) {
        for (int r = 0; r < rows; r++) {
            int o = r * hidden;
            double mean = 0;
            for (int i = 0; i < hidden; i++) {
                if (residual != null) {
                    x[o + i] += residual[o + i];
                }
                mean += x[o + i];
            }
            mean /= hidden;
            double var = 0;
            for (int i = 0; i < hidden; i++) {
                var += (x[o + i] - mean) * (x[o + i] - mean);
            }
            double inv = 1 / Math.sqrt(var / hidden + eps);
            for (int i = 0; i < hidden; i++) {
                x[o + i] = (float) ((x[o + i] - mean) * inv * gamma[i] + beta[i]);
            }
        }
    }
}
