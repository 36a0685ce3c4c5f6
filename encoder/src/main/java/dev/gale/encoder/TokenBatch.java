package dev.gale.encoder;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * A padding-free batch of token sequences: all token ids packed end to end, plus int32 offsets where
 * sequence s is tokens [offsets[s], offsets[s+1]). This is exactly the layout of an Arrow
 * {@code List<Int32>} vector (values + offsets), and the offsets are FlashAttention's {@code cu_seqlens}.
 * <pre>
 *   ids      int32 (offsets[n])         token ids
 *   typeIds  int32 (offsets[n]) or null token type (segment) ids; null means all 0
 *   offsets  int32 (n + 1)              first offset may be non-zero (a slice of a larger vector)
 * </pre>
 * The segments are views: nothing is copied, and the caller keeps them alive while the batch is used.
 */
public record TokenBatch(MemorySegment ids, MemorySegment typeIds, MemorySegment offsets, int sequenceCount) {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;

    public TokenBatch {
        if (sequenceCount < 0 || offsets.byteSize() < 4L * (sequenceCount + 1)) {
            throw new IllegalArgumentException("offsets hold " + offsets.byteSize() / 4 + " entries, need " + (sequenceCount + 1));
        }
        int previous = offsets.getAtIndex(I32, 0);
        if (previous < 0) {
            throw new IllegalArgumentException("offsets[0] is negative: " + previous);
        }
        for (int s = 1; s <= sequenceCount; s++) {
            int next = offsets.getAtIndex(I32, s);
            if (next < previous) {
                throw new IllegalArgumentException("offsets decrease at sequence " + (s - 1) + ": " + previous + " > " + next);
            }
            previous = next;
        }
        if (ids.byteSize() < 4L * previous) {
            throw new IllegalArgumentException("ids hold " + ids.byteSize() / 4 + " tokens, offsets need " + previous);
        }
        if (typeIds != null && typeIds.byteSize() < 4L * previous) {
            throw new IllegalArgumentException("typeIds hold " + typeIds.byteSize() / 4 + " tokens, offsets need " + previous);
        }
    }

    /** A batch over Java arrays (wrapped, not copied into native memory). */
    public static TokenBatch of(List<int[]> sequences, List<int[]> typeIds) {
        int[] offsets = new int[sequences.size() + 1];
        for (int s = 0; s < sequences.size(); s++) {
            offsets[s + 1] = offsets[s] + sequences.get(s).length;
        }
        int[] ids = new int[offsets[sequences.size()]];
        int[] types = typeIds == null ? null : new int[ids.length];
        for (int s = 0; s < sequences.size(); s++) {
            System.arraycopy(sequences.get(s), 0, ids, offsets[s], sequences.get(s).length);
            if (types != null) {
                if (typeIds.get(s).length != sequences.get(s).length) {
                    throw new IllegalArgumentException("sequence " + s + " has " + sequences.get(s).length + " ids but "
                            + typeIds.get(s).length + " type ids");
                }
                System.arraycopy(typeIds.get(s), 0, types, offsets[s], typeIds.get(s).length);
            }
        }
        return new TokenBatch(MemorySegment.ofArray(ids), types == null ? null : MemorySegment.ofArray(types),
                MemorySegment.ofArray(offsets), sequences.size());
    }

    public static TokenBatch of(List<int[]> sequences) {
        return of(sequences, null);
    }

    /**
     * Where a token budget cuts the batch: boundaries 0 = b[0] < b[1] < ... < b[k] = sequenceCount, each run of
     * sequences [b[i], b[i+1]) holding at most {@code maxTokens} tokens (a longer sequence makes a run alone).
     * How every entry point splits a batch for the encoder.
     */
    public int[] cuts(int maxTokens) {
        int n = sequenceCount;
        int[] b = new int[n + 1];
        int k = 0;
        int first = 0;
        while (first < n) {
            int end = first + 1;
            int tokens = length(first);
            while (end < n && tokens + length(end) <= maxTokens) {
                tokens += length(end);
                end++;
            }
            b[++k] = end;
            first = end;
        }
        return java.util.Arrays.copyOf(b, k + 1);
    }

    /** Sequences [from, to) as a batch over the same memory (no copy). */
    public TokenBatch slice(int from, int to) {
        if (from < 0 || to < from || to > sequenceCount) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + sequenceCount + " sequences");
        }
        return new TokenBatch(ids, typeIds, offsets.asSlice(4L * from, 4L * (to - from + 1)), to - from);
    }

    private int base() {
        return offsets.getAtIndex(I32, 0);
    }

    /** Total tokens in the batch. */
    public int tokenCount() {
        return offsets.getAtIndex(I32, sequenceCount) - base();
    }

    /** First token row of sequence s, counted from the batch's first token. */
    public int start(int s) {
        return offsets.getAtIndex(I32, s) - base();
    }

    public int length(int s) {
        return offsets.getAtIndex(I32, s + 1) - offsets.getAtIndex(I32, s);
    }

    public int maxLength() {
        int max = 0;
        for (int s = 0; s < sequenceCount; s++) {
            max = Math.max(max, length(s));
        }
        return max;
    }

    /** Token id at batch row {@code row}. */
    public int id(int row) {
        return ids.getAtIndex(I32, base() + (long) row);
    }

    public int typeId(int row) {
        return typeIds == null ? 0 : typeIds.getAtIndex(I32, base() + (long) row);
    }
}
