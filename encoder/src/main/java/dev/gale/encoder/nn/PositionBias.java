package dev.gale.encoder.nn;

import dev.gale.encoder.model.Tensor;

/**
 * What self-attention adds for token positions, besides absolute embeddings at the input.
 * <pre>  N heads, D head size, L sequence length, i query index, j key index </pre>
 */
public sealed interface PositionBias {

    /** None: positions came in with the embeddings (BERT, RoBERTa, DistilBERT, ELECTRA). */
    record None() implements PositionBias {}

    /**
     * Rotary embeddings on Q and K, the {@code rotate_half} (GPT-NeoX) form transformers uses for ModernBERT,
     * NomicBERT and GTE: dimension d < D/2 pairs with d + D/2, rotated by angle p * theta^(-2d/D).
     */
    record Rope(double theta) implements PositionBias {}

    /**
     * MPNet's {@code relative_attention_bias}: score(i, j) += table[bucket(j - i), h], T5-style buckets
     * ({@code relative_position_bucket}, bidirectional, {@code buckets} in all, log-spaced up to {@code maxDistance}).
     *
     * @param table (buckets, N)
     */
    record RelativeBuckets(Tensor table, int buckets, int maxDistance) implements PositionBias {}

    /**
     * DeBERTa-v2's disentangled attention: content-to-position and position-to-content terms over the relative
     * embeddings {@code relEmbeddings} (normalized by {@code relNorm} when set),
     * <pre>
     *   r = clamp(bucket(i - j) + span, 0, 2 span - 1)
     *   c2p(i, j) = q_i . posKey(rel[r])      p2c(i, j) = k_j . posQuery(rel[r])
     * </pre>
     * scaled as the content score is, by 1 / sqrt(D * (1 + number of terms)) (the layer's attention scale).
     * An ONNX export may carry the projections already applied ({@code projectedKeys}, {@code projectedQueries}:
     * the dynamo exporter folds them into constants), or the relative embeddings already normalized (then
     * {@code relNorm} is null).
     *
     * @param relEmbeddings    (2 span, H), the first 2 span rows of {@code rel_embeddings}; null when every term
     *                         comes projected
     * @param posKey           projection of the relative embeddings for c2p (the layer's key projection when
     *                         {@code share_att_key}), or null without c2p or when {@code projectedKeys} is given
     * @param posQuery         likewise for p2c (the query projection when shared)
     * @param projectedKeys    posKey(rel) (2 span, W), bias included, precomputed; or null
     * @param projectedQueries posQuery(rel) (2 span, W), likewise for p2c; or null
     * @param span             {@code position_buckets} if > 0, else {@code max_relative_positions}
     * @param buckets          {@code position_buckets}, or -1 for plain (unbucketed) distances
     * @param maxRelative      {@code max_relative_positions}
     */
    record Disentangled(Tensor relEmbeddings, LayerNorm relNorm, Linear posKey, Linear posQuery, Tensor projectedKeys,
                        Tensor projectedQueries, int span, int buckets, int maxRelative) implements PositionBias {
        public Disentangled {
            if (posKey != null && projectedKeys != null || posQuery != null && projectedQueries != null) {
                throw new IllegalArgumentException("a term has both a projection and its precomputed result");
            }
            if ((posKey != null || posQuery != null) && relEmbeddings == null) {
                throw new IllegalArgumentException("a position projection needs the relative embeddings");
            }
        }

        /** Whether the content-to-position term is there. */
        public boolean c2p() {
            return posKey != null || projectedKeys != null;
        }

        /** Whether the position-to-content term is there. */
        public boolean p2c() {
            return posQuery != null || projectedQueries != null;
        }
    }

    PositionBias NONE = new None();
}
