package dev.gale.encoder.tokenizer;

/**
 * Hugging Face's {@code Normalizer}: rewrites a text in place, keeping each char's alignment to the
 * original (see {@link NormalizedString}). Implementations are immutable and thread-safe; the types
 * tokenizer.json names are in {@code dev.gale.encoder.tokenizer.normalizers}.
 */
@FunctionalInterface
public interface Normalizer {

    void normalize(NormalizedString text);

    /** The normalized form of a plain string (for added tokens and tests). */
    default String normalize(String text) {
        NormalizedString s = NormalizedString.of(text);
        normalize(s);
        return s.toString();
    }
}
