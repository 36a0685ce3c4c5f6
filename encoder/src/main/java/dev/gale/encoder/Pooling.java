package dev.gale.encoder;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Pooling of last hidden states into sentence vectors.
 * <pre>  T tokens, H hidden, D output dimensions; hidden is (T, H); out receives (sequences, D) float32 </pre>
 */
public final class Pooling {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Pooling() {}

    /**
     * Pools sequence s (rows [start, start + length) of hidden) into row s of out. An empty sequence
     * (how a batch carries a null row) pools to zeros.
     */
    public static void pool(float[] hidden, int hiddenSize, int start, int length, PoolingConfig config,
                            MemorySegment out, int s, float[] scratch) {
        int dims = config.outputSize(hiddenSize);
        if (length == 0) {
            out.asSlice((long) s * dims * 4, (long) dims * 4).fill((byte) 0);
            return;
        }
        // sentence-transformers masks the skipped (prompt) tokens out: what is pooled is rows [first, end)
        int end = start + length;
        int first = Math.min(start + config.skipTokens(), end);
        int pooled = end - first;
        switch (config.mode()) {
            case CLS -> copyRow(hidden, hiddenSize, pooled > 0 ? first : start, scratch, dims);
            case LAST_TOKEN -> copyRow(hidden, hiddenSize, end - 1, scratch, dims);
            case MEAN, MEAN_SQRT_LEN -> {
                Arrays.fill(scratch, 0, dims, 0f);
                for (int t = first; t < end; t++) {
                    int row = t * hiddenSize;
                    for (int i = 0; i < dims; i++) {
                        scratch[i] += hidden[row + i];
                    }
                }
                // torch.clamp(mask sum, min=1e-9): no token left gives zeros, not NaN
                float divisor = (float) (config.mode() == PoolingConfig.Mode.MEAN ? Math.max(pooled, 1e-9) : Math.sqrt(Math.max(pooled, 1e-9)));
                for (int i = 0; i < dims; i++) {
                    scratch[i] /= divisor;
                }
            }
            case WEIGHTED_MEAN -> {
                Arrays.fill(scratch, 0, dims, 0f);
                double weights = 0;
                for (int t = first; t < end; t++) {
                    float w = t - start + 1;   // position in the sequence, from 1
                    weights += w;
                    int row = t * hiddenSize;
                    for (int i = 0; i < dims; i++) {
                        scratch[i] += w * hidden[row + i];
                    }
                }
                float divisor = (float) Math.max(weights, 1e-9);
                for (int i = 0; i < dims; i++) {
                    scratch[i] /= divisor;
                }
            }
            case MAX -> {
                Arrays.fill(scratch, 0, dims, Float.NEGATIVE_INFINITY);
                for (int t = first; t < end; t++) {
                    int row = t * hiddenSize;
                    for (int i = 0; i < dims; i++) {
                        scratch[i] = Math.max(scratch[i], hidden[row + i]);
                    }
                }
            }
        }
        if (config.normalize()) {
            double norm = 0;
            for (int i = 0; i < dims; i++) {
                norm += (double) scratch[i] * scratch[i];
            }
            // sentence-transformers' Normalize divides by max(norm, 1e-12)
            float inv = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
            for (int i = 0; i < dims; i++) {
                scratch[i] *= inv;
            }
        }
        MemorySegment.copy(scratch, 0, out, F32, (long) s * dims * 4, dims);
    }

    private static void copyRow(float[] hidden, int hiddenSize, int row, float[] to, int dims) {
        System.arraycopy(hidden, row * hiddenSize, to, 0, dims);
    }
}
