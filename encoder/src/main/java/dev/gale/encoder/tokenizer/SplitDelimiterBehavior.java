package dev.gale.encoder.tokenizer;

/** Hugging Face's {@code SplitDelimiterBehavior}: what a split does with the delimiters it finds. */
public enum SplitDelimiterBehavior {
    /** the delimiters are dropped */
    REMOVED,
    /** each delimiter is a piece of its own */
    ISOLATED,
    /** a delimiter joins the piece before it */
    MERGED_WITH_PREVIOUS,
    /** a delimiter joins the piece after it */
    MERGED_WITH_NEXT,
    /** runs of delimiters become one piece */
    CONTIGUOUS;

    /** The JSON spelling ({@code "removed"}, {@code "merged_with_previous"}, ...), or null. */
    public static SplitDelimiterBehavior fromJson(String name) {
        return switch (name) {
            case "removed", "Removed" -> REMOVED;
            case "isolated", "Isolated" -> ISOLATED;
            case "merged_with_previous", "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
            case "merged_with_next", "MergedWithNext" -> MERGED_WITH_NEXT;
            case "contiguous", "Contiguous" -> CONTIGUOUS;
            default -> null;
        };
    }
}
