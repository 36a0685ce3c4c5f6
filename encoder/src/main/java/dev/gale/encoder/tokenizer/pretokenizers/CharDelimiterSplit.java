package dev.gale.encoder.tokenizer.pretokenizers;

import dev.gale.encoder.tokenizer.PreTokenizedString;
import dev.gale.encoder.tokenizer.PreTokenizer;
import dev.gale.encoder.tokenizer.SplitDelimiterBehavior;
import dev.gale.encoder.tokenizer.SplitPattern;

/**
 * Hugging Face's {@code CharDelimiterSplit} ({@code pre_tokenizers/delimiter.rs}): splits on one
 * char, dropping it.
 */
public final class CharDelimiterSplit implements PreTokenizer {

    private final int delimiter; // a code point
    private final SplitPattern pattern;

    public CharDelimiterSplit(int delimiter) {
        this.delimiter = delimiter;
        this.pattern = SplitPattern.ofCodePoints(cp -> cp == delimiter);
    }

    public int delimiter() {
        return delimiter;
    }

    @Override
    public void preTokenize(PreTokenizedString text) {
        text.split((index, piece, out) -> piece.split(pattern, SplitDelimiterBehavior.REMOVED, out));
    }
}
