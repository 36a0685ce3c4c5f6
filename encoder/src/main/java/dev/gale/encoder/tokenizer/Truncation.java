package dev.gale.encoder.tokenizer;

/**
 * Hugging Face's truncation ({@code utils/truncation.rs}) for direction Right and stride 0: the
 * kept ids are always a prefix of each sequence.
 */
final class Truncation {

    private Truncation() {}

    /**
     * The lengths the LongestFirst strategy keeps of a pair of sequences of lengths
     * {@code n1} and {@code n2} so that they fit {@code maxLength} (special tokens already
     * deducted). Not a fair split: when both must shrink, the longer one gets
     * {@code maxLength / 2 + maxLength % 2} and the other {@code maxLength / 2}, even if the
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
