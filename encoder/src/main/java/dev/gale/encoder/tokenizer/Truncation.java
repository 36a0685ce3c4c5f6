package dev.gale.encoder.tokenizer;

/**
 * Hugging Face's truncation ({@code utils/truncation.rs}, {@code Encoding::truncate}) with stride 0:
 * cuts one sequence or a pair so that together they hold at most {@code maxLength} tokens (special
 * tokens already deducted), keeping the start of each (direction RIGHT) or its end (LEFT).
 */
public final class Truncation {

    /** {@code TruncationStrategy}: which sequence of a pair gives up tokens. */
    public enum Strategy {
        /** take from the longer sequence first, one token at a time */
        LONGEST_FIRST,
        /** take only from the first sequence */
        ONLY_FIRST,
        /** take only from the second sequence */
        ONLY_SECOND;

        /** The Hugging Face spelling ({@code longest_first}, ...), or null. */
        public static Strategy fromName(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT).replace('-', '_')) {
                case "longest_first", "longestfirst" -> LONGEST_FIRST;
                case "only_first", "onlyfirst" -> ONLY_FIRST;
                case "only_second", "onlysecond" -> ONLY_SECOND;
                default -> null;
            };
        }
    }

    /** {@code TruncationDirection}: which end of a sequence is kept. */
    public enum Direction {
        /** keep the start, drop tokens at the end */
        RIGHT,
        /** keep the end, drop tokens at the start */
        LEFT;

        public static Direction fromName(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "right" -> RIGHT;
                case "left" -> LEFT;
                default -> null;
            };
        }
    }

    private Truncation() {}

    /**
     * {@code truncate_encodings}: {@code a} and {@code b} (null for a single sequence) cut to fit
     * {@code maxLength} tokens together.
     *
     * @throws IllegalArgumentException when the strategy cannot make them fit: ONLY_FIRST or
     *     ONLY_SECOND with that sequence too short, or ONLY_SECOND without a second sequence
     */
    public static Encoding[] truncate(Encoding a, Encoding b, int maxLength, Strategy strategy,
                                      Direction direction) {
        if (maxLength == 0) {
            return new Encoding[] {cut(a, 0, direction), b == null ? null : cut(b, 0, direction)};
        }
        int total = a.length() + (b == null ? 0 : b.length());
        if (total <= maxLength) {
            return new Encoding[] {a, b};
        }
        int toRemove = total - maxLength;
        switch (strategy) {
            case LONGEST_FIRST -> {
                if (b == null) {
                    return new Encoding[] {cut(a, total - toRemove, direction), null};
                }
                int[] keep = longestFirst(a.length(), b.length(), maxLength);
                return new Encoding[] {cut(a, keep[0], direction), cut(b, keep[1], direction)};
            }
            case ONLY_FIRST, ONLY_SECOND -> {
                boolean first = strategy == Strategy.ONLY_FIRST;
                if (!first && b == null) {
                    throw new IllegalArgumentException("truncation only_second needs a second sequence, and there is none");
                }
                Encoding target = first ? a : b;
                if (target.length() <= toRemove) {
                    throw new IllegalArgumentException("truncation " + (first ? "only_first" : "only_second")
                            + " cannot fit " + total + " tokens into " + maxLength + ": the "
                            + (first ? "first" : "second") + " sequence has only " + target.length()
                            + " tokens to give");
                }
                Encoding cut = cut(target, target.length() - toRemove, direction);
                return first ? new Encoding[] {cut, b} : new Encoding[] {a, cut};
            }
            default -> throw new IllegalStateException(strategy.toString());
        }
    }

    private static Encoding cut(Encoding e, int keep, Direction direction) {
        if (keep >= e.length()) {
            return e;
        }
        return direction == Direction.RIGHT ? e.slice(0, keep) : e.slice(e.length() - keep, e.length());
    }

    /**
     * The lengths the LongestFirst strategy keeps of a pair of sequences of lengths {@code n1} and
     * {@code n2} so that they fit {@code maxLength}. Not a fair split: when both must shrink, the longer
     * one gets {@code maxLength / 2 + maxLength % 2} and the other {@code maxLength / 2}, even if the
     * shorter one would have fitted in less.
     */
    static int[] longestFirst(int n1, int n2, int maxLength) {
        if (n1 + n2 <= maxLength) {
            return new int[] {n1, n2};
        }
        boolean swap = n1 > n2;
        int shorter = Math.min(n1, n2);
        int longer;
        if (shorter > maxLength) {
            longer = shorter;
        } else {
            longer = Math.max(shorter, maxLength - shorter);
        }
        if (shorter + longer > maxLength) {
            shorter = maxLength / 2;
            longer = shorter + maxLength % 2;
        }
        int keep1 = swap ? longer : shorter;
        int keep2 = swap ? shorter : longer;
        // Encoding::truncate never lengthens.
        return new int[] {Math.min(n1, keep1), Math.min(n2, keep2)};
    }
}
