package dev.gale.encoder.tokenizer.pretokenizers;

import dev.gale.encoder.tokenizer.PreTokenizedString;
import dev.gale.encoder.tokenizer.PreTokenizer;
import java.util.List;

/** Hugging Face's {@code Sequence} ({@code pre_tokenizers/sequence.rs}): each pre-tokenizer in turn. */
public final class Sequence implements PreTokenizer {

    private final List<PreTokenizer> pretokenizers;

    public Sequence(List<PreTokenizer> pretokenizers) {
        this.pretokenizers = List.copyOf(pretokenizers);
    }

    public List<PreTokenizer> pretokenizers() {
        return pretokenizers;
    }

    @Override
    public void preTokenize(PreTokenizedString text) {
        for (PreTokenizer pretokenizer : pretokenizers) {
            pretokenizer.preTokenize(text);
        }
    }
}
