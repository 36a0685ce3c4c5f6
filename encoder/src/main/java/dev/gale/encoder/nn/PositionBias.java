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
     *
     * @param relEmbeddings (2 span, H), the first 2 span rows of {@code rel_embeddings}
     * @param posKey        projection of the relative embeddings for c2p (the layer's key projection when
     *                      {@code share_att_key}), or null without c2p
     * @param posQuery      likewise for p2c (the query projection when shared), or null without p2c
     * @param span          {@code position_buckets} if > 0, else {@code max_relative_positions}
     * @param buckets       {@code position_buckets}, or -1 for plain (unbucketed) distances
     * @param maxRelative   {@code max_relative_positions}
     */
    record Disentangled(Tensor relEmbeddings, LayerNorm relNorm, Linear posKey, Linear posQuery, int span, int buckets,
                        int maxRelative) implements PositionBias {}

    PositionBias NONE = new None();
}
