package dev.gale.encoder.tokenizer.pretokenizers;

import dev.gale.encoder.tokenizer.PreTokenizedString;
import dev.gale.encoder.tokenizer.PreTokenizer;
import dev.gale.encoder.tokenizer.SplitDelimiterBehavior;
import dev.gale.encoder.tokenizer.SplitPattern;

/**
 * Hugging Face's {@code Punctuation} ({@code pre_tokenizers/punctuation.rs}): splits on every
 * punctuation char ({@code is_punc}: ASCII punctuation or Unicode P*), handled as {@code behavior}
 * says (isolated by default).
 */
public final class Punctuation implements PreTokenizer {

    private static final SplitPattern PUNCTUATION =
            SplitPattern.ofCodePoints(cp -> CharClasses.is(cp, CharClasses.BERT_PUNCTUATION));

    private final SplitDelimiterBehavior behavior;

    public Punctuation(SplitDelimiterBehavior behavior) {
        this.behavior = behavior;
    }

    public SplitDelimiterBehavior behavior() {
        return behavior;
    }

    @Override
    public void preTokenize(PreTokenizedString text) {
        text.split((index, piece, out) -> piece.split(PUNCTUATION, behavior, out));
    }
}
