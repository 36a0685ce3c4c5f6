package dev.gale.encoder.nn;

/**
 * One transformer layer, in one of the two residual forms of {@link Encoder.Residual}:
 * <pre>
 *   post-norm (BERT):       a = attentionNorm(x + attention(x))      x' = ffnNorm(a + ffn(a))
 *   pre-norm (ModernBERT):  a = x + attention(attentionNorm(x))      x' = a + ffn(ffnNorm(a))
 * </pre>
 * A pre-norm layer's attention norm may be null: ModernBERT's first layer has none (the embeddings' norm
 * just ran).
 */
public record EncoderLayer(LayerNorm attentionNorm, SelfAttention attention, LayerNorm ffnNorm, FeedForward ffn) {}
