package dev.gale.encoder.nn;

import dev.gale.encoder.model.Tensor;

/**
 * {@code torch.nn.LayerNorm} over the last dimension: (x - mean) / sqrt(var + eps) * weight + bias.
 * ModernBERT's norms have no bias ({@code norm_bias=false}): {@code bias} is then null.
 */
public record LayerNorm(Tensor weight, Tensor bias, float eps) {

    public int size() {
        return (int) weight.shape()[0];
    }

    public float[] weightArray() {
        return weight.toFloatArray();
    }

    /** The bias, or zeros when the norm has none. */
    public float[] biasOrZeros() {
        return bias == null ? new float[size()] : bias.toFloatArray();
    }
}
