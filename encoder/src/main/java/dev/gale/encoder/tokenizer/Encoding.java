package dev.gale.encoder.tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * One encoded text or text pair, special tokens included, never padded: Hugging Face's
 * {@code Encoding}. Arrays are (tokens) unless said otherwise; -1 stands for Hugging Face's None.
 *
 * <p>Offsets are char offsets (Java {@code String} indices, UTF-16) into the token's own input text:
 * for a pair, tokens of the second text point into the second text. Special tokens added by the
 * post-processor have offsets (0, 0). Hugging Face reports Unicode code points; the two agree on any
 * text without characters outside the Basic Multilingual Plane.
 *
 * @param ids token ids
 * @param typeIds token type (segment) ids
 * @param tokens the tokens' strings, as the vocabulary spells them
 * @param offsets (tokens * 2) start and end of each token in its input text
 * @param specialTokensMask 1 for a token the post-processor added, else 0
 * @param wordIds index of the pre-tokenized word each token comes from, -1 for added special tokens
 * @param sequenceIds 0 or 1: which input the token comes from, -1 for added special tokens
 * @param truncated whether tokens were dropped to respect the maximum length
 */
public record Encoding(int[] ids, int[] typeIds, String[] tokens, int[] offsets, int[] specialTokensMask,
                       int[] wordIds, int[] sequenceIds, boolean truncated) {

    public Encoding {
        int n = ids.length;
        if (typeIds.length != n || tokens.length != n || offsets.length != 2 * n
                || specialTokensMask.length != n || wordIds.length != n || sequenceIds.length != n) {
            throw new IllegalArgumentException("an encoding of " + n + " ids has " + typeIds.length
                    + " type ids, " + tokens.length + " tokens, " + offsets.length / 2 + " offsets, "
                    + specialTokensMask.length + " mask entries, " + wordIds.length + " word ids and "
                    + sequenceIds.length + " sequence ids");
        }
    }

    /** Ids and type ids alone (benchmarks, batches built by hand): no strings, offsets (0, 0). */
    public static Encoding ofIds(int[] ids, int[] typeIds) {
        int n = ids.length;
        int[] minus = new int[n];
        Arrays.fill(minus, -1);
        return new Encoding(ids, typeIds, new String[n], new int[2 * n], new int[n], minus, minus.clone(),
                false);
    }

    static final Encoding EMPTY = new Encoding(new int[0], new int[0], new String[0], new int[0], new int[0],
            new int[0], new int[0], false);

    /** The number of tokens. */
    public int length() {
        return ids.length;
    }

    public int offsetStart(int token) {
        return offsets[2 * token];
    }

    public int offsetEnd(int token) {
        return offsets[2 * token + 1];
    }

    /** Tokens {@code [from, to)}, marked truncated when that drops any. */
    public Encoding slice(int from, int to) {
        boolean dropped = truncated || from > 0 || to < ids.length;
        return new Encoding(Arrays.copyOfRange(ids, from, to), Arrays.copyOfRange(typeIds, from, to),
                Arrays.copyOfRange(tokens, from, to), Arrays.copyOfRange(offsets, 2 * from, 2 * to),
                Arrays.copyOfRange(specialTokensMask, from, to), Arrays.copyOfRange(wordIds, from, to),
                Arrays.copyOfRange(sequenceIds, from, to), dropped);
    }

    /** The same tokens with every sequence id set to {@code sequenceId}. */
    public Encoding withSequenceId(int sequenceId) {
        int[] sequence = new int[ids.length];
        Arrays.fill(sequence, sequenceId);
        return new Encoding(ids, typeIds, tokens, offsets, specialTokensMask, wordIds, sequence, truncated);
    }

    /** The same tokens with every type id set to {@code typeId}. */
    public Encoding withTypeId(int typeId) {
        int[] types = new int[ids.length];
        Arrays.fill(types, typeId);
        return new Encoding(ids, types, tokens, offsets, specialTokensMask, wordIds, sequenceIds, truncated);
    }

    /** The same tokens with other offsets. */
    public Encoding withOffsets(int[] newOffsets) {
        return new Encoding(ids, typeIds, tokens, newOffsets, specialTokensMask, wordIds, sequenceIds,
                truncated);
    }

    /** One special token, as a post-processor inserts it: offsets (0, 0), no word, no sequence. */
    public static Encoding special(int[] ids, String[] tokens, int typeId) {
        int n = ids.length;
        int[] types = new int[n];
        Arrays.fill(types, typeId);
        int[] mask = new int[n];
        Arrays.fill(mask, 1);
        int[] minus = new int[n];
        Arrays.fill(minus, -1);
        return new Encoding(ids.clone(), types, tokens.clone(), new int[2 * n], mask, minus, minus.clone(),
                false);
    }

    /** The encodings end to end ({@code Encoding::merge} without growing offsets). */
    public static Encoding concat(List<Encoding> parts) {
        int n = 0;
        boolean truncated = false;
        for (Encoding e : parts) {
            n += e.length();
            truncated |= e.truncated;
        }
        int[] ids = new int[n];
        int[] types = new int[n];
        String[] tokens = new String[n];
        int[] offsets = new int[2 * n];
        int[] mask = new int[n];
        int[] words = new int[n];
        int[] sequences = new int[n];
        int at = 0;
        for (Encoding e : parts) {
            int k = e.length();
            System.arraycopy(e.ids, 0, ids, at, k);
            System.arraycopy(e.typeIds, 0, types, at, k);
            System.arraycopy(e.tokens, 0, tokens, at, k);
            System.arraycopy(e.offsets, 0, offsets, 2 * at, 2 * k);
            System.arraycopy(e.specialTokensMask, 0, mask, at, k);
            System.arraycopy(e.wordIds, 0, words, at, k);
            System.arraycopy(e.sequenceIds, 0, sequences, at, k);
            at += k;
        }
        return new Encoding(ids, types, tokens, offsets, mask, words, sequences, truncated);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && truncated == e.truncated
                && Arrays.equals(ids, e.ids) && Arrays.equals(typeIds, e.typeIds)
                && Arrays.equals(tokens, e.tokens) && Arrays.equals(offsets, e.offsets)
                && Arrays.equals(specialTokensMask, e.specialTokensMask) && Arrays.equals(wordIds, e.wordIds)
                && Arrays.equals(sequenceIds, e.sequenceIds);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(ids) + Arrays.hashCode(offsets)) + Boolean.hashCode(truncated);
    }

    @Override
    public String toString() {
        return "Encoding[ids=" + Arrays.toString(ids) + ", typeIds=" + Arrays.toString(typeIds)
                + ", tokens=" + Arrays.toString(tokens) + ", offsets=" + Arrays.toString(offsets)
                + ", specialTokensMask=" + Arrays.toString(specialTokensMask)
                + ", wordIds=" + Arrays.toString(wordIds) + ", sequenceIds=" + Arrays.toString(sequenceIds)
                + ", truncated=" + truncated + "]";
    }
}
