package dev.gale.encoder.tokenizer;

import java.util.Arrays;

/**
 * The ids of one encoded text or text pair, special tokens included, never padded.
 *
 * @param ids token ids, (tokens)
 * @param typeIds token type (segment) ids, (tokens)
 * @param truncated whether tokens were dropped to respect the maximum length
 */
public record Encoding(int[] ids, int[] typeIds, boolean truncated) {

    public Encoding {
        if (ids.length != typeIds.length) {
            throw new IllegalArgumentException("ids has " + ids.length
                    + " entries but typeIds has " + typeIds.length);
        }
    }

    /** The number of tokens. */
    public int length() {
        return ids.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && truncated == e.truncated
                && Arrays.equals(ids, e.ids) && Arrays.equals(typeIds, e.typeIds);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(ids) + Arrays.hashCode(typeIds))
                + Boolean.hashCode(truncated);
    }

    @Override
    public String toString() {
        return "Encoding[ids=" + Arrays.toString(ids) + ", typeIds=" + Arrays.toString(typeIds)
                + ", truncated=" + truncated + "]";
    }
}
