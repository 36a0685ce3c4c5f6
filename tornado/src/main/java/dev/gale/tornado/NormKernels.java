package dev.gale.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * LayerNorm with the residual added first: x = LayerNorm(x + residual) per row (post-norm layers), LayerNorm
 * into another buffer (a pre-norm layer's input), and the bare residual add of a pre-norm layer.
 * <pre>  T rows (tokens), H hidden; x, residual, out (T, H); gamma, beta (H) </pre>
 * One work-group of {@link #LOCAL} work-items per row. The mean and the variance are reduced explicitly
 * in local memory, a tree with a barrier per level (TornadoVM's automatic reductions gave wrong results
 * on PoCL in our checks).
 */
public final class NormKernels {
    /** Work-items per row (a power of two). */
    public static final int LOCAL = 64;

    private NormKernels() {}

    /** x = LayerNorm(x + residual); pass {@code withResidual} 0 to normalize x alone. Global size rows * LOCAL. */
    public static void addLayerNorm(KernelContext context, FloatArray x, FloatArray residual, FloatArray gamma, FloatArray beta,
                                    float eps, int hidden, int withResidual) {
        float[] partial = context.allocateFloatLocalArray(LOCAL);
        int row = context.groupIdx;
        int local = context.localIdx;
        int offset = row * hidden;

        float sum = 0f;
        for (int i = local; i < hidden; i += LOCAL) {
            float v = x.get(offset + i);
            if (withResidual == 1) {
                v = v + residual.get(offset + i);
                x.set(offset + i, v);
            }
            sum += v;
        }
        partial[local] = sum;
        context.localBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride /= 2) {
            if (local < stride) {
                partial[local] += partial[local + stride];
            }
            context.localBarrier();
        }
        float mean = partial[0] / hidden;
        context.localBarrier();

        float squares = 0f;
        for (int i = local; i < hidden; i += LOCAL) {
            float d = x.get(offset + i) - mean;
            squares += d * d;
        }
        partial[local] = squares;
        context.localBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride /= 2) {
            if (local < stride) {
                partial[local] += partial[local + stride];
            }
            context.localBarrier();
        }
        float inv = 1f / TornadoMath.sqrt(partial[0] / hidden + eps);

        for (int i = local; i < hidden; i += LOCAL) {
            x.set(offset + i, (x.get(offset + i) - mean) * inv * gamma.get(i) + beta.get(i));
        }
    }

    /**
     * out = LayerNorm(x), x unchanged: the normalized input of a pre-norm block. Global size rows * LOCAL. The
     * same reductions as {@link #addLayerNorm} (a kernel's barriers cannot move into a shared helper).
     */
    public static void layerNormInto(KernelContext context, FloatArray x, FloatArray out, FloatArray gamma, FloatArray beta,
                                     float eps, int hidden) {
        float[] partial = context.allocateFloatLocalArray(LOCAL);
        int row = context.groupIdx;
        int local = context.localIdx;
        int offset = row * hidden;

        float sum = 0f;
        for (int i = local; i < hidden; i += LOCAL) {
            sum += x.get(offset + i);
        }
        partial[local] = sum;
        context.localBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride /= 2) {
            if (local < stride) {
                partial[local] += partial[local + stride];
            }
            context.localBarrier();
        }
        float mean = partial[0] / hidden;
        context.localBarrier();

        float squares = 0f;
        for (int i = local; i < hidden; i += LOCAL) {
            float d = x.get(offset + i) - mean;
            squares += d * d;
        }
        partial[local] = squares;
        context.localBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride /= 2) {
            if (local < stride) {
                partial[local] += partial[local + stride];
            }
            context.localBarrier();
        }
        float inv = 1f / TornadoMath.sqrt(partial[0] / hidden + eps);

        for (int i = local; i < hidden; i += LOCAL) {
            out.set(offset + i, (x.get(offset + i) - mean) * inv * gamma.get(i) + beta.get(i));
        }
    }

    /** x += residual over the first T rows, T = {@code size[0]}: a pre-norm layer's residual. One work-item per element. */
    public static void add(KernelContext context, FloatArray x, FloatArray residual, IntArray size, int hidden) {
        int i = context.globalIdx;
        if (i < size.get(0) * hidden) {
            x.set(i, x.get(i) + residual.get(i));
        }
    }
}
