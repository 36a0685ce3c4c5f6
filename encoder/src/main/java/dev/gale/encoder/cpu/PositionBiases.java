package dev.gale.encoder.cpu;

import dev.gale.encoder.nn.Linear;
import dev.gale.encoder.nn.PositionBias;

/**
 * The position schemes of {@link PositionBias} as the CPU computes them, each prepared once per layer.
 * <pre>  W attention width = N heads * D head size; L sequence length; i query, j key </pre>
 */
public final class PositionBiases {
    private PositionBiases() {}

    /**
     * Rotary embeddings, transformers' {@code rotate_half} form: for d < D/2, (x_d, x_{d+D/2}) is rotated by
     * p * inv_freq[d], inv_freq[d] = 1 / theta^(2d / D), computed in float32 as transformers does.
     */
    public static final class Rope {
        private final int headSize;
        private final float[] cos, sin;   // (maxLength, D/2)

        public Rope(PositionBias.Rope rope, int headSize, int maxLength) {
            if (headSize % 2 != 0) {
                throw new IllegalArgumentException("rotary embeddings need an even head size, got " + headSize);
            }
            this.headSize = headSize;
            int half = headSize / 2;
            cos = new float[maxLength * half];
            sin = new float[maxLength * half];
            for (int d = 0; d < half; d++) {
                float exponent = (float) (2 * d) / headSize;
                float invFreq = 1f / (float) Math.pow(rope.theta(), exponent);
                for (int p = 0; p < maxLength; p++) {
                    float angle = p * invFreq;
                    cos[p * half + d] = (float) Math.cos(angle);
                    sin[p * half + d] = (float) Math.sin(angle);
                }
            }
        }

        /** cos(p * inv_freq[d]) as (maxLength, D/2), row p: the table a device uploads. */
        public float[] cosTable() {
            return cos.clone();
        }

        /** sin(p * inv_freq[d]) as (maxLength, D/2). */
        public float[] sinTable() {
            return sin.clone();
        }

        /** Rotates Q and K of every head of one token in place: qkv row at {@code row0}, (3W) wide, position p. */
        public void apply(float[] qkv, int row0, int heads, int p) {
            int half = headSize / 2;
            int t = p * half;
            int width = heads * headSize;
            for (int block = 0; block < 2; block++) {          // Q, then K
                for (int h = 0; h < heads; h++) {
                    int o = row0 + block * width + h * headSize;
                    for (int d = 0; d < half; d++) {
                        float x1 = qkv[o + d];
                        float x2 = qkv[o + d + half];
                        float c = cos[t + d];
                        float s = sin[t + d];
                        qkv[o + d] = x1 * c - x2 * s;
                        qkv[o + d + half] = x2 * c + x1 * s;
                    }
                }
            }
        }
    }

    /** MPNet's T5-style bucket of relative position j - i ({@code MPNetEncoder.relative_position_bucket}), float32 as torch. */
    public static int mpnetBucket(int relative, int buckets, int maxDistance) {
        int n = -relative;
        int half = buckets / 2;
        int ret = n < 0 ? half : 0;
        n = Math.abs(n);
        int maxExact = half / 2;
        if (n < maxExact) {
            return ret + n;
        }
        float scaled = (float) Math.log((float) n / maxExact) / (float) Math.log((double) maxDistance / maxExact) * (half - maxExact);
        return ret + Math.min(maxExact + (int) scaled, half - 1);
    }

    /** DeBERTa-v2's {@code make_log_bucket_position} of relative position i - j, float32 as torch. */
    public static int debertaBucket(int relative, int bucketSize, int maxPosition) {
        int mid = bucketSize / 2;
        int abs = relative < mid && relative > -mid ? mid - 1 : Math.abs(relative);
        if (abs <= mid) {
            return relative;
        }
        float ratio = (float) Math.log((float) abs / mid) / (float) Math.log((float) ((double) (maxPosition - 1) / mid));
        int log = (int) Math.ceil(ratio * (mid - 1)) + mid;
        return relative < 0 ? -log : log;
    }

    /** MPNet: scores(i, j) += table[bucket(j - i), h], precomputed per head and distance. */
    public static final class RelativeBuckets implements Attention.ScoreBias {
        private final int maxLength;
        private final float[] byDistance;   // (N, 2 maxLength - 1): distance j - i + maxLength - 1

        RelativeBuckets(PositionBias.RelativeBuckets bias, int heads, int maxLength) {
            this.maxLength = maxLength;
            byDistance = byDistance(bias, heads, maxLength);
        }

        /** The bias of head h at distance j - i as (N, 2 maxLength - 1), column j - i + maxLength - 1. */
        public static float[] byDistance(PositionBias.RelativeBuckets bias, int heads, int maxLength) {
            int span = 2 * maxLength - 1;
            float[] byDistance = new float[heads * span];
            for (int h = 0; h < heads; h++) {
                for (int d = -(maxLength - 1); d < maxLength; d++) {
                    int bucket = mpnetBucket(d, bias.buckets(), bias.maxDistance());
                    byDistance[h * span + d + maxLength - 1] = bias.table().getFloat((long) bucket * heads + h);
                }
            }
            return byDistance;
        }

        @Override
        public void add(float[] scores, int length, int head, float[] q, float[] k, Attention.Scratch scratch) {
            int base = head * (2 * maxLength - 1) + maxLength - 1;
            for (int i = 0; i < length; i++) {
                int row = i * length;
                int at = base - i;
                for (int j = 0; j < length; j++) {
                    scores[row + j] += byDistance[at + j];
                }
            }
        }
    }

    /**
     * DeBERTa-v2: c2p(i, j) = q_i . posKey[r(i - j)] and p2c(i, j) = k_j . posQuery[r(i - j)], both scaled as the
     * content score. The projected relative embeddings are computed once per layer and packed per head as the
     * B operand of the GEMM micro-kernel: C2P (L, 2 span) = Q posKey_h^T, P2C (L, 2 span) = K posQuery_h^T.
     */
    public static final class Disentangled implements Attention.ScoreBias {
        private final int headSize, positions, maxLength;
        private final float scale;
        private final MatMul.Packed[] posKey, posQuery;   // per head, (D, 2 span); null without c2p / p2c
        private final int[] index;                        // (2 maxLength - 1): clamp(bucket(i - j) + span), by i - j + maxLength - 1

        Disentangled(PositionBias.Disentangled bias, int heads, int headSize, float scale, int maxLength) {
            this.headSize = headSize;
            this.scale = scale;
            this.maxLength = maxLength;
            positions = 2 * bias.span();
            Projections projected = projections(bias);
            posKey = projected.keys() == null ? null : perHead(projected.keys(), heads, 1f);
            // p2c carries the same scale as the content score; the queries come pre-scaled, the keys do not
            posQuery = projected.queries() == null ? null : perHead(projected.queries(), heads, scale);
            index = index(bias, maxLength);
        }

        /** posKey(rel) and posQuery(rel), each (2 span, W) with the bias added, or null without that term. */
        public record Projections(float[] keys, float[] queries) {}

        /** The projections: the precomputed ones where the recipe carries them (an ONNX exporter folded them), else computed here. */
        public static Projections projections(PositionBias.Disentangled bias) {
            float[] rel = bias.posKey() != null || bias.posQuery() != null ? relativeEmbeddings(bias) : null;
            float[] keys = bias.projectedKeys() != null ? bias.projectedKeys().toFloatArray()
                    : bias.posKey() != null ? project(rel, bias.posKey()) : null;
            float[] queries = bias.projectedQueries() != null ? bias.projectedQueries().toFloatArray()
                    : bias.posQuery() != null ? project(rel, bias.posQuery()) : null;
            return new Projections(keys, queries);
        }

        /** The relative embeddings (2 span, H), normalized by {@code relNorm} when the model has one. */
        private static float[] relativeEmbeddings(PositionBias.Disentangled bias) {
            int positions = 2 * bias.span();
            int hidden = (int) bias.relEmbeddings().shape()[1];
            float[] rel = new float[positions * hidden];
            for (int r = 0; r < positions * hidden; r++) {
                rel[r] = bias.relEmbeddings().getFloat(r);
            }
            if (bias.relNorm() != null) {
                Norms.addLayerNorm(rel, null, bias.relNorm().weightArray(), bias.relNorm().biasOrZeros(), bias.relNorm().eps(),
                        hidden, 0, positions);
            }
            return rel;
        }

        /** rel (2 span, H) . W^T + b: (2 span, W), the projected relative embeddings of posKey or posQuery. */
        private static float[] project(float[] rel, Linear linear) {
            int positions = rel.length / linear.in();
            MatMul.Packed packed = MatMul.pack(linear);
            float[] out = new float[positions * linear.out()];
            MatMul.matmul(rel, packed, linear.biasOrZeros(), out, 0, positions, null);
            return out;
        }

        /** r(i - j) = clamp(bucket(i - j) + span, 0, 2 span - 1), as (2 maxLength - 1), entry i - j + maxLength - 1. */
        public static int[] index(PositionBias.Disentangled bias, int maxLength) {
            int span = bias.span();
            int[] index = new int[2 * maxLength - 1];
            for (int d = -(maxLength - 1); d < maxLength; d++) {
                int bucket = bias.buckets() > 0 && bias.maxRelative() > 0 ? debertaBucket(d, bias.buckets(), bias.maxRelative()) : d;
                index[d + maxLength - 1] = Math.clamp(bucket + span, 0, 2 * span - 1);
            }
            return index;
        }

        private MatMul.Packed[] perHead(float[] projected, int heads, float factor) {
            int width = heads * headSize;
            MatMul.Packed[] packed = new MatMul.Packed[heads];
            for (int h = 0; h < heads; h++) {
                float[] b = new float[headSize * positions];   // (D, 2 span): B[d][r] = projected[r][h D + d]
                for (int r = 0; r < positions; r++) {
                    for (int d = 0; d < headSize; d++) {
                        b[d * positions + r] = projected[r * width + h * headSize + d] * factor;
                    }
                }
                packed[h] = MatMul.pack(b, headSize, positions);
            }
            return packed;
        }

        @Override
        public boolean needsKeys() {
            return posQuery != null;
        }

        @Override
        public void add(float[] scores, int length, int head, float[] q, float[] k, Attention.Scratch scratch) {
            int base = maxLength - 1;
            float[] zeros = scratch.zeros(positions);
            if (posKey != null) {
                float[] c2p = scratch.positions(length * positions);
                MatMul.matmul(q, posKey[head], zeros, c2p, 0, length, null);
                for (int i = 0; i < length; i++) {
                    int row = i * length;
                    for (int j = 0; j < length; j++) {
                        scores[row + j] += c2p[i * positions + index[base + i - j]];
                    }
                }
            }
            if (posQuery != null) {
                float[] p2c = scratch.positions2(length * positions);
                MatMul.matmul(k, posQuery[head], zeros, p2c, 0, length, null);
                for (int i = 0; i < length; i++) {
                    int row = i * length;
                    for (int j = 0; j < length; j++) {
                        scores[row + j] += p2c[j * positions + index[base + i - j]];
                    }
                }
            }
        }
    }
}
