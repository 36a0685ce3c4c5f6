package dev.gale.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Self-attention over a padding-free batch: each query attends only to the keys of its own sequence, with
 * the position schemes of {@link dev.gale.encoder.nn.PositionBias} prepared on the host (as the CPU backend's
 * {@code PositionBiases} prepares them) and applied here.
 * <pre>
 *   T tokens, NH heads, D head size, W attention width = NH * D, L the length of a token's sequence,
 *   i the query's and j the key's index in that sequence, P the model's max length, R = 2 span (DeBERTa)
 *   qkv (T, 3W): q | k | v per token, heads side by side       out (T, W)
 *   start, length (T): first token and length of each token's sequence
 *   scores (T, NH, maxKeys): scratch, one row per (token, head); maxKeys &gt;= the longest sequence
 *   cos, sin (P, D/2): RoPE's tables                 byDistance (NH, 2P - 1): MPNet's bias by j - i + P - 1
 *   posKey, posQuery (R, W): DeBERTa's projected relative embeddings    relIndex (2P - 1): r by i - j + P - 1
 * </pre>
 * T is {@code size[0]}, read on the device so that one compiled kernel serves every batch; every other
 * count is a scalar, baked in when the kernel compiles. Arrays a layer does not use are one-element stand-ins.
 */
public final class AttentionKernels {
    /** Bits of {@code biasMode}: MPNet's relative buckets, DeBERTa's content-to-position and position-to-content terms. */
    public static final int BUCKETS = 1, C2P = 2, P2C = 4;

    private AttentionKernels() {}

    /**
     * RoPE in transformers' rotate_half form on Q and K in place: for d &lt; D/2, (x_d, x_{d+D/2}) rotated by the
     * angle of the token's position in its sequence. One work-item per (token, head) (global size at least T * NH).
     */
    public static void rope(KernelContext context, FloatArray qkv, FloatArray cos, FloatArray sin, IntArray start, IntArray size,
                            int heads, int headSize) {
        int tokens = size.get(0);
        int width = heads * headSize;
        int half = headSize / 2;
        int th = context.globalIdx;
        if (th < tokens * heads) {
            int t = th / heads;
            int h = th % heads;
            int table = (t - start.get(t)) * half;
            for (int block = 0; block < 2; block++) {
                int o = t * 3 * width + block * width + h * headSize;
                for (int d = 0; d < half; d++) {
                    float x1 = qkv.get(o + d);
                    float x2 = qkv.get(o + d + half);
                    float c = cos.get(table + d);
                    float s = sin.get(table + d);
                    qkv.set(o + d, x1 * c - x2 * s);
                    qkv.set(o + d + half, x2 * c + x1 * s);
                }
            }
        }
    }

    /**
     * out = softmax(q k^T scale + bias(i, j)) v per (token, head), over the keys of the token's sequence
     * (those with |i - j| &lt;= window when window &gt; 0). bias(i, j) is, by the bits of {@code biasMode}:
     * byDistance[h, j - i] (BUCKETS), q_i . posKey[r(i - j)] scale (C2P), k_j . posQuery[r(i - j)] scale (P2C).
     * One work-item per (token, head) (global size at least T * NH, resized per batch): the scores, a softmax with
     * the maximum subtracted, then the weighted sum of the values. Nothing is computed for padding, because there is none.
     */
    public static void attention(KernelContext context, FloatArray qkv, FloatArray out, FloatArray scores, IntArray start,
                                 IntArray length, IntArray size, int heads, int headSize, int maxKeys, float scale, int window,
                                 int biasMode, FloatArray byDistance, FloatArray posKey, FloatArray posQuery, IntArray relIndex,
                                 int maxLength) {
        int tokens = size.get(0);
        int width = heads * headSize;
        int stride = 3 * width;
        int th = context.globalIdx;
        if (th < tokens * heads) {
            int t = th / heads;
            int h = th % heads;
            int s0 = start.get(t);
            int len = length.get(t);
            int i = t - s0;
            int first = 0;
            int end = len;
            if (window > 0) {
                first = TornadoMath.max(0, i - window);
                end = TornadoMath.min(len, i + window + 1);
            }
            int base = th * maxKeys;
            int q = t * stride + h * headSize;
            float max = -3.0e38f;
            for (int j = first; j < end; j++) {
                int kRow = (s0 + j) * stride + width + h * headSize;
                float dot = 0f;
                for (int d = 0; d < headSize; d++) {
                    dot += qkv.get(q + d) * qkv.get(kRow + d);
                }
                if ((biasMode & (C2P | P2C)) != 0) {
                    int r = relIndex.get(i - j + maxLength - 1) * width + h * headSize;
                    if ((biasMode & C2P) != 0) {
                        for (int d = 0; d < headSize; d++) {
                            dot += qkv.get(q + d) * posKey.get(r + d);
                        }
                    }
                    if ((biasMode & P2C) != 0) {
                        for (int d = 0; d < headSize; d++) {
                            dot += qkv.get(kRow + d) * posQuery.get(r + d);
                        }
                    }
                }
                float score = dot * scale;
                if ((biasMode & BUCKETS) != 0) {
                    score += byDistance.get(h * (2 * maxLength - 1) + j - i + maxLength - 1);
                }
                scores.set(base + j, score);
                max = TornadoMath.max(max, score);
            }
            float sum = 0f;
            for (int j = first; j < end; j++) {
                float p = TornadoMath.exp(scores.get(base + j) - max);
                scores.set(base + j, p);
                sum += p;
            }
            float inv = 1f / sum;
            for (int d = 0; d < headSize; d++) {
                float acc = 0f;
                for (int j = first; j < end; j++) {
                    acc += scores.get(base + j) * qkv.get((s0 + j) * stride + 2 * width + h * headSize + d);
                }
                out.set(t * width + h * headSize + d, acc * inv);
            }
        }
    }
}
