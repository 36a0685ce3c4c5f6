package dev.gale.encoder.tokenizer.normalizers;

import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.Normalizer;
import java.util.List;

/** Hugging Face's {@code Sequence} ({@code normalizers/utils.rs}): each normalizer in turn. */
public record Sequence(List<Normalizer> normalizers) implements Normalizer {

    public Sequence {
        normalizers = List.copyOf(normalizers);
    }

    @Override
    public void normalize(NormalizedString text) {
        for (Normalizer normalizer : normalizers) {
            normalizer.normalize(text);
        }
    }
}
