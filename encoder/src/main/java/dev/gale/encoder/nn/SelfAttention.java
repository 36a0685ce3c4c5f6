package dev.gale.encoder.nn;

/**
 * Multi-head self-attention over one sequence at a time (padding-free): Q, K, V from one fused projection,
 * softmax(Q K^T * scale + position bias) V per head, then the output projection.
 * <pre>  H hidden, N heads, D head size (N * D may differ from H: NomicBERT's head_dim) </pre>
 *
 * @param qkv      Linear H -> 3 N D: query | key | value, heads side by side within each
 * @param heads    N
 * @param headSize D
 * @param scale    multiplies Q K^T: 1 / sqrt(D), or DeBERTa's 1 / sqrt(D * (1 + terms))
 * @param bias     the position scheme
 * @param window   ModernBERT's local attention: a query sees keys with |i - j| <= window; 0 = every key
 * @param output   Linear N D -> H
 */
public record SelfAttention(Linear qkv, int heads, int headSize, float scale, PositionBias bias, int window, Linear output) {

    public SelfAttention {
        if (qkv.out() != 3 * heads * headSize) {
            throw new IllegalArgumentException("qkv gives " + qkv.out() + " outputs, expected 3 * " + heads + " * " + headSize);
        }
        if (output.in() != heads * headSize) {
            throw new IllegalArgumentException("output takes " + output.in() + " inputs, expected " + heads * headSize);
        }
        if (window < 0) {
            throw new IllegalArgumentException("window must be >= 0, got " + window);
        }
    }

    public int width() {
        return heads * headSize;
    }
}
