package dev.gale.encoder.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GELU in its exact form, x/2 (1 + erf(x / sqrt 2)), as BERT's {@code hidden_act="gelu"} defines it.
 * erf uses Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7), written once for lanes and once
 * as the scalar control.
 */
public final class Activations {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    private static final float P = 0.3275911f;
    private static final float A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f, A5 = 1.061405429f;

    private Activations() {}

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
