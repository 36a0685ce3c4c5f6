package dev.gale.encoder.cpu;

import dev.gale.encoder.nn.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The activations of {@link Activation}, each written once for lanes and once as the scalar control.
 * GELU in its exact form, x/2 (1 + erf(x / sqrt 2)), as BERT's {@code hidden_act="gelu"} defines it:
 * erf uses Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7). The tanh form is transformers'
 * {@code NewGELUActivation}; SiLU is x / (1 + e^-x).
 */
public final class Activations {
    static {
        KernelCompilation.install();   // C2 only, before any of this class's methods can be compiled
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    private static final float P = 0.3275911f;
    private static final float A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f, A5 = 1.061405429f;

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    private Activations() {}

    /** {@code activation} in place over x[offset, offset + length). */
    public static void apply(Activation activation, float[] x, int offset, int length) {
        switch (activation) {
            case GELU -> gelu(x, offset, length);
            case GELU_TANH -> geluTanh(x, offset, length);
            case RELU -> relu(x, offset, length);
            case SILU -> silu(x, offset, length);
            case TANH -> tanh(x, offset, length);
        }
    }

    public static float scalar(Activation activation, float x) {
        return switch (activation) {
            case GELU -> geluScalar(x);
            case GELU_TANH -> geluTanhScalar(x);
            case RELU -> Math.max(0f, x);
            case SILU -> siluScalar(x);
            case TANH -> (float) Math.tanh(x);
        };
    }

    /**
     * The gated (GLU) form for rows [rowStart, rowEnd) of f, (rows, 2I): g[r, c] = act(f[r, c]) * f[r, I + c],
     * written to g, (rows, I).
     */
    public static void gate(Activation activation, float[] f, float[] g, int intermediate, int rowStart, int rowEnd) {
        for (int r = rowStart; r < rowEnd; r++) {
            int from = r * 2 * intermediate;
            apply(activation, f, from, intermediate);
            int to = r * intermediate;
            int c = 0;
            for (; c + S.length() <= intermediate; c += S.length()) {
                FloatVector.fromArray(S, f, from + c).mul(FloatVector.fromArray(S, f, from + intermediate + c)).intoArray(g, to + c);
            }
            for (; c < intermediate; c++) {
                g[to + c] = f[from + c] * f[from + intermediate + c];
            }
        }
    }

    /** x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), with tanh(u) = 1 - 2 / (e^2u + 1). */
    public static void geluTanh(float[] x, int offset, int length) {
        int i = offset;
        int end = offset + length;
        for (; i + S.length() <= end; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector u = v.mul(v).mul(0.044715f).add(1f).mul(v).mul(SQRT_2_OVER_PI);
            FloatVector tanh = u.lanewise(VectorOperators.TANH);
            v.mul(0.5f).mul(tanh.add(1f)).intoArray(x, i);
        }
        for (; i < end; i++) {
            x[i] = geluTanhScalar(x[i]);
        }
    }

    public static float geluTanhScalar(float x) {
        return (float) (0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))));
    }

    public static void relu(float[] x, int offset, int length) {
        int i = offset;
        int end = offset + length;
        for (; i + S.length() <= end; i += S.length()) {
            FloatVector.fromArray(S, x, i).max(0f).intoArray(x, i);
        }
        for (; i < end; i++) {
            x[i] = Math.max(0f, x[i]);
        }
    }

    public static void silu(float[] x, int offset, int length) {
        int i = offset;
        int end = offset + length;
        for (; i + S.length() <= end; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            v.div(v.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(x, i);
        }
        for (; i < end; i++) {
            x[i] = siluScalar(x[i]);
        }
    }

    public static void tanh(float[] x, int offset, int length) {
        int i = offset;
        int end = offset + length;
        for (; i + S.length() <= end; i += S.length()) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.TANH).intoArray(x, i);
        }
        for (; i < end; i++) {
            x[i] = (float) Math.tanh(x[i]);
        }
    }

    public static float siluScalar(float x) {
        return (float) (x / (1 + Math.exp(-x)));
    }

    /** In place over x[offset, offset + length). */
    public static void gelu(float[] x, int offset, int length) {
        int i = offset;
        int end = offset + length;
        for (; i + S.length() <= end; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector z = v.mul(INV_SQRT2);
            FloatVector az = z.abs();
            FloatVector t = az.fma(P, 1f);
            t = FloatVector.broadcast(S, 1f).div(t);
            FloatVector poly = t.fma(A5, A4).fma(t, FloatVector.broadcast(S, A3)).fma(t, FloatVector.broadcast(S, A2))
                    .fma(t, FloatVector.broadcast(S, A1)).mul(t);
            FloatVector e = az.mul(az).neg().lanewise(VectorOperators.EXP);
            FloatVector erfAbs = poly.mul(e).neg().add(1f);
            FloatVector erf = erfAbs.blend(erfAbs.neg(), z.compare(VectorOperators.LT, 0f));
            v.mul(0.5f).mul(erf.add(1f)).intoArray(x, i);
        }
        for (; i < end; i++) {
            x[i] = geluScalar(x[i]);
        }
    }

    public static float geluScalar(float x) {
        return 0.5f * x * (1f + erf(x * INV_SQRT2));
    }

    public static float erf(float z) {
        float az = Math.abs(z);
        float t = 1f / Math.fma(az, P, 1f);
        float poly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
        float r = 1f - poly * (float) Math.exp(-(double) az * az);
        return z < 0 ? -r : r;
    }
}
