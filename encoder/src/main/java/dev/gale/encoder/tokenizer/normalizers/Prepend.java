package dev.gale.encoder.tokenizer.normalizers;

import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.Normalizer;

/**
 * Hugging Face's {@code Prepend} ({@code normalizers/prepend.rs}): {@code prepend} in front of a
 * non-empty text, every char of it aligned to the text's first char.
 */
public record Prepend(String prepend) implements Normalizer {

    @Override
    public void normalize(NormalizedString text) {
        text.prepend(prepend);
    }
}
