package dev.gale.encoder.tokenizer.pretokenizers;

import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.OnigPattern;
import dev.gale.encoder.tokenizer.PreTokenizedString;
import dev.gale.encoder.tokenizer.PreTokenizer;
import dev.gale.encoder.tokenizer.SplitDelimiterBehavior;
import dev.gale.encoder.tokenizer.SplitPattern;

/**
 * Hugging Face's {@code Split} ({@code pre_tokenizers/split.rs}): splits on the matches of an
 * Oniguruma regex (a {@code String} pattern is escaped into one, so an empty string matches between
 * every two chars), handled as {@code behavior} says; with {@code invert} the matches are the words
 * and the text between them the delimiters. GPT-2's regex runs on {@link ByteLevelPattern}'s scanner.
 */
public final class Split implements PreTokenizer {

    private final SplitPattern pattern;
    private final SplitDelimiterBehavior behavior;
    private final boolean invert;

    public Split(SplitPattern pattern, SplitDelimiterBehavior behavior, boolean invert) {
        this.pattern = invert ? inverted(pattern) : pattern;
        this.behavior = behavior;
        this.invert = invert;
    }

    /** The {@code {"String": text}} pattern. */
    public static Split literal(String text, SplitDelimiterBehavior behavior, boolean invert) {
        return new Split(OnigPattern.literal(text), behavior, invert);
    }

    /**
     * The {@code {"Regex": regex}} pattern.
     *
     * @throws IllegalArgumentException when Gale cannot translate {@code regex} (see {@link OnigPattern})
     */
    public static Split regex(String regex, SplitDelimiterBehavior behavior, boolean invert) {
        SplitPattern pattern = regex.equals(ByteLevelPattern.REGEX) ? ByteLevelPattern.INSTANCE
                : OnigPattern.compile(regex);
        return new Split(pattern, behavior, invert);
    }

    public boolean invert() {
        return invert;
    }

    @Override
    public void preTokenize(PreTokenizedString text) {
        text.split((index, piece, out) -> piece.split(pattern, behavior, out));
    }

    // pattern.rs Invert: the same pieces with the match flag flipped
    private static SplitPattern inverted(SplitPattern pattern) {
        return inside -> {
            IntList m = pattern.findMatches(inside);
            for (int i = 2; i < m.size(); i += 3) {
                m.set(i, m.get(i) == 0 ? 1 : 0);
            }
            return m;
        };
    }
}
