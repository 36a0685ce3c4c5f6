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
        switch (config.mode()) {
            case CLS -> System.arraycopy(hidden, start * hiddenSize, scratch, 0, dims);
            case MEAN -> {
                Arrays.fill(scratch, 0, dims, 0f);
                for (int t = 0; t < length; t++) {
                    int row = (start + t) * hiddenSize;
                    for (int i = 0; i < dims; i++) {
                        scratch[i] += hidden[row + i];
                    }
                }
                for (int i = 0; i < dims; i++) {
                    scratch[i] /= length;
                }
            }
            case MAX -> {
                System.arraycopy(hidden, start * hiddenSize, scratch, 0, dims);
                for (int t = 1; t < length; t++) {
                    int row = (start + t) * hiddenSize;
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
}
