package dev.gale.encoder.tokenizer;

import java.util.function.IntPredicate;

/**
 * Hugging Face's {@code Pattern} ({@code tokenizer/pattern.rs}): finds the matches in a text, as
 * (start, end, isMatch) triples that cover it end to end, in chars. {@link OnigPattern} is the regex one.
 */
@FunctionalInterface
public interface SplitPattern {

    /** (start, end, 1 for a match / 0 for the text between) triples covering {@code inside}. */
    IntList findMatches(CharSequence inside);

    /** Every code point that {@code test} accepts is a match of its own ({@code Fn(char) -> bool}). */
    static SplitPattern ofCodePoints(IntPredicate test) {
        return inside -> {
            int n = inside.length();
            Matches matches = new Matches(n);
            for (int i = 0; i < n; ) {
                int cp = UnicodeCategories.codePointAt(inside, i, n);
                int next = i + Character.charCount(cp);
                if (test.test(cp)) {
                    matches.add(i, next);
                }
                i = next;
            }
            return matches.finish();
        };
    }

    /**
     * The triples of {@link #findMatches} built from the matches in order, the text between them (and
     * around them) added as non-matches, as every pattern of pattern.rs does; the empty text without a
     * match is one empty non-match.
     */
    final class Matches {

        private final IntList triples = new IntList(16);
        private final int length;
        private int end; // where the last match ended

        /** For a text of {@code length} chars. */
        public Matches(int length) {
            this.length = length;
        }

        /** The next match, {@code [start, end)}, which starts where the last one ended or after it. */
        public void add(int start, int end) {
            if (this.end != start) {
                triples.add(this.end, start, 0);
            }
            triples.add(start, end, 1);
            this.end = end;
        }

        /** The triples, the text after the last match included. */
        public IntList finish() {
            if (end != length || triples.size() == 0) {
                triples.add(end, length, 0);
            }
            return triples;
        }
    }
}
