package dev.gale.encoder;

/**
 * How token vectors become one sentence vector, as sentence-transformers' Pooling and Normalize modules
 * define it. {@code dimensions} > 0 keeps only the first dimensions (Matryoshka) and renormalizes.
 */
public record PoolingConfig(Mode mode, boolean normalize, int dimensions) {

    public enum Mode {
        /** The hidden state of the first token ([CLS]). */
        CLS,
        /** The mean of all token states of the sequence, special tokens included (the attention mask). */
        MEAN,
        /** The element-wise maximum over all token states of the sequence. */
        MAX
    }

    public PoolingConfig {
        if (mode == null) {
            throw new IllegalArgumentException("pooling mode is required");
        }
        if (dimensions < 0) {
            throw new IllegalArgumentException("dimensions must be positive, got " + dimensions);
        }
    }

    public PoolingConfig withDimensions(int dims) {
        return new PoolingConfig(mode, normalize, dims);
    }

    public PoolingConfig withNormalize(boolean n) {
        return new PoolingConfig(mode, n, dimensions);
    }

    public PoolingConfig withMode(Mode m) {
        return new PoolingConfig(m, normalize, dimensions);
    }

    /** Width of the pooled output for a model of hidden size {@code hidden}. */
    public int outputSize(int hidden) {
        if (dimensions > hidden) {
            throw new IllegalArgumentException("dimensions " + dimensions + " exceeds the model's hidden size " + hidden);
        }
        return dimensions == 0 ? hidden : dimensions;
    }
}
