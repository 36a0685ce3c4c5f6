package dev.gale.encoder.tokenizer.pretokenizers;

import dev.gale.encoder.tokenizer.PreTokenizedString;
import dev.gale.encoder.tokenizer.PreTokenizer;
import dev.gale.encoder.tokenizer.SplitDelimiterBehavior;
import dev.gale.encoder.tokenizer.SplitPattern;

/**
 * Hugging Face's {@code Digits} ({@code pre_tokenizers/digits.rs}): splits numbers
 * ({@code char::is_numeric}: Nd, Nl and No) from the rest, each digit a word of its own with
 * {@code individual_digits}, runs of digits together without.
 */
public final class Digits implements PreTokenizer {

    private static final SplitPattern NUMERIC = SplitPattern.ofCodePoints(cp -> CharClasses.is(cp, CharClasses.NUMERIC));

    private final boolean individualDigits;

    public Digits(boolean individualDigits) {
        this.individualDigits = individualDigits;
    }

    public boolean individualDigits() {
        return individualDigits;
    }

    @Override
    public void preTokenize(PreTokenizedString text) {
        SplitDelimiterBehavior behavior =
                individualDigits ? SplitDelimiterBehavior.ISOLATED : SplitDelimiterBehavior.CONTIGUOUS;
        text.split((index, piece, out) -> piece.split(NUMERIC, behavior, out));
    }
}
