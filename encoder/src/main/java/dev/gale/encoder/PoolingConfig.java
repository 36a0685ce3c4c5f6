package dev.gale.encoder;

/**
 * How token vectors become one sentence vector, as sentence-transformers' Pooling and Normalize modules
 * define it. {@code dimensions} > 0 keeps only the first dimensions (Matryoshka) and renormalizes.
 * {@code skipTokens} leaves the first tokens of every sequence out of the pooling: a prompt's tokens when
 * the Pooling module says {@code include_prompt: false}.
 */
public record PoolingConfig(Mode mode, boolean normalize, int dimensions, int skipTokens) {

    /** The modes of sentence-transformers' {@code Pooling.POOLING_MODES}, by their {@code pooling_mode} names. */
    public enum Mode {
        /** "cls": the hidden state of the first (pooled) token */
        CLS("cls"),
        /** "mean": the mean of the sequence's token states, special tokens included (the attention mask) */
        MEAN("mean"),
        /** "max": the element-wise maximum over the token states */
        MAX("max"),
        /** "mean_sqrt_len_tokens": the sum of the token states divided by sqrt(tokens) */
        MEAN_SQRT_LEN("mean_sqrt_len_tokens"),
        /** "weightedmean": token t (from 1) weighted by t, the sum divided by the sum of the weights */
        WEIGHTED_MEAN("weightedmean"),
        /** "lasttoken": the hidden state of the last token */
        LAST_TOKEN("lasttoken");

        private final String stName;

        Mode(String stName) {
            this.stName = stName;
        }

        /** The name sentence-transformers uses ({@code pooling_mode}). */
        public String stName() {
            return stName;
        }

        /** The mode named {@code name} as sentence-transformers or Gale's CLI spells it, or null. */
        public static Mode of(String name) {
            for (Mode m : values()) {
                if (m.stName.equals(name) || m.name().equalsIgnoreCase(name.replace('-', '_'))) {
                    return m;
                }
            }
            return null;
        }
    }

    public PoolingConfig {
        if (mode == null) {
            throw new IllegalArgumentException("pooling mode is required");
        }
        if (dimensions < 0) {
            throw new IllegalArgumentException("dimensions must be positive, got " + dimensions);
        }
        if (skipTokens < 0) {
            throw new IllegalArgumentException("skipTokens must not be negative, got " + skipTokens);
        }
    }

    public PoolingConfig(Mode mode, boolean normalize, int dimensions) {
        this(mode, normalize, dimensions, 0);
    }

    public PoolingConfig withDimensions(int dims) {
        return new PoolingConfig(mode, normalize, dims, skipTokens);
    }

    public PoolingConfig withNormalize(boolean n) {
        return new PoolingConfig(mode, n, dimensions, skipTokens);
    }

    public PoolingConfig withMode(Mode m) {
        return new PoolingConfig(m, normalize, dimensions, skipTokens);
    }

    public PoolingConfig withSkipTokens(int skip) {
        return new PoolingConfig(mode, normalize, dimensions, skip);
    }

    /** Width of the pooled output for a model of hidden size {@code hidden}. */
    public int outputSize(int hidden) {
        if (dimensions > hidden) {
            throw new IllegalArgumentException("dimensions " + dimensions + " exceeds the model's hidden size " + hidden);
        }
        return dimensions == 0 ? hidden : dimensions;
    }
}
