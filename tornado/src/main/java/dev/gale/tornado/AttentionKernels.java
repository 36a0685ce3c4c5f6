package dev.gale.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Self-attention over a padding-free batch: each query attends only to the keys of its own sequence.
 * <pre>
 *   T tokens, H hidden, NH heads, D head size (H = NH * D), L the length of a token's sequence
 *   qkv (T, 3H): q | k | v per token, heads side by side       out (T, H)
 *   start, length (T): first token and length of each token's sequence
 *   scores (T, NH, maxKeys): scratch, one row per (token, head); maxKeys &gt;= the longest sequence
 * </pre>
 * T is {@code size[0]}, read on the device so that one compiled kernel serves every batch.
 * One work-item per (token, head) (global size at least T * NH, resized per batch): scores against its sequence's keys, a softmax with the maximum
 * subtracted, then the weighted sum of the values. Nothing is computed for padding, because there is none.
 */
public final class AttentionKernels {
    private AttentionKernels() {}

    public static void attention(KernelContext context, FloatArray qkv, FloatArray out, FloatArray scores, IntArray start,
                                 IntArray length, IntArray size, int heads, int headSize, int maxKeys) {
        int tokens = size.get(0);
        int hidden = heads * headSize;
        int stride = 3 * hidden;
        float scale = 1f / TornadoMath.sqrt((float) headSize);
        int th = context.globalIdx;
        if (th < tokens * heads) {
            int t = th / heads;
            int h = th % heads;
            int s0 = start.get(t);
            int len = length.get(t);
            int base = th * maxKeys;
            int q = t * stride + h * headSize;
            float max = -3.0e38f;
            for (int j = 0; j < len; j++) {
                int kRow = (s0 + j) * stride + hidden + h * headSize;
                float dot = 0f;
                for (int d = 0; d < headSize; d++) {
                    dot += qkv.get(q + d) * qkv.get(kRow + d);
                }
                float score = dot * scale;
                scores.set(base + j, score);
                max = TornadoMath.max(max, score);
            }
            float sum = 0f;
            for (int j = 0; j < len; j++) {
                float p = TornadoMath.exp(scores.get(base + j) - max);
                scores.set(base + j, p);
                sum += p;
            }
            float inv = 1f / sum;
            for (int d = 0; d < headSize; d++) {
                float acc = 0f;
                for (int j = 0; j < len; j++) {
                    acc += scores.get(base + j) * qkv.get((s0 + j) * stride + 2 * hidden + h * headSize + d);
                }
                out.set(t * hidden + h * headSize + d, acc * inv);
            }
        }
    }
}
