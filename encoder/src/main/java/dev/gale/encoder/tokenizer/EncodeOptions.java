package dev.gale.encoder.tokenizer;

/**
 * How {@link Tokenizer#encode(String, String, EncodeOptions)} encodes: Hugging Face's truncation
 * parameters (stride 0) and {@code add_special_tokens}. Build with {@link #builder()}.
 *
 * @param maxLength the most tokens, special tokens included; 0 for no limit
 * @param strategy which sequence of a pair gives up tokens
 * @param direction which end of a sequence is cut
 * @param addSpecialTokens whether the post-processor adds its special tokens
 */
public record EncodeOptions(int maxLength, Truncation.Strategy strategy, Truncation.Direction direction,
                            boolean addSpecialTokens) {

    /** No truncation, special tokens added. */
    public static final EncodeOptions DEFAULT = builder().build();

    public EncodeOptions {
        if (maxLength < 0) {
            throw new IllegalArgumentException("maxLength is " + maxLength + "; expected 0 (no limit) or more");
        }
        if (strategy == null || direction == null) {
            throw new IllegalArgumentException("strategy and direction must be set");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link EncodeOptions}; defaults: no limit, longest_first, right, special tokens added. */
    public static final class Builder {
        private int maxLength;
        private Truncation.Strategy strategy = Truncation.Strategy.LONGEST_FIRST;
        private Truncation.Direction direction = Truncation.Direction.RIGHT;
        private boolean addSpecialTokens = true;

        private Builder() {}

        public Builder maxLength(int maxLength) {
            this.maxLength = Math.max(0, maxLength);
            return this;
        }

        public Builder strategy(Truncation.Strategy strategy) {
            this.strategy = strategy;
            return this;
        }

        public Builder direction(Truncation.Direction direction) {
            this.direction = direction;
            return this;
        }

        public Builder addSpecialTokens(boolean addSpecialTokens) {
            this.addSpecialTokens = addSpecialTokens;
            return this;
        }

        public EncodeOptions build() {
            return new EncodeOptions(maxLength, strategy, direction, addSpecialTokens);
        }
    }
}
