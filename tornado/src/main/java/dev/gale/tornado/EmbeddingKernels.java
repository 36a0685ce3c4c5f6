package dev.gale.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The ends of the encoder on the device: the batch's index and the embedding sum at the start, pooling
 * at the end.
 * <pre>
 *   T tokens, S sequences in this run; H hidden, D output dimensions (D &lt;= H)
 *   size: {T, S, tokenBase, sequenceBase, hasTypes}, read on the device so that one compiled kernel
 *         serves every batch
 *   ids (tokenBase + T), offsets (sequenceBase + S + 1): the batch as it came, an Arrow List&lt;Int32&gt;'s
 *         values and offsets; this run is sequences [sequenceBase, sequenceBase + S) of it
 *   types (T): token types, read only if hasTypes is 1 (otherwise all 0)
 *   start, length (T): first token and length of each token's sequence, run-local
 *   positionIds (T): each token's row of the position table
 *   seqStart, seqLength (S): the same per sequence
 *   word (V, E), position (P, E), tokenType (types, E); e (T, E) the embedding sum (E = H unless projected)
 *   x (T, H); pooled (S, D)
 * </pre>
 * The kernels whose extent is a per-batch count ({@code size}) take a {@link KernelContext} and a grid
 * that the host resizes per batch: a {@code @Parallel} loop over a bound read from device memory compiles
 * to a single work-item walking the whole range (TornadoVM cannot size its grid).
 */
public final class EmbeddingKernels {
    /** Work-group size of the per-batch kernels. */
    public static final int LOCAL = 64;

    public static final int CLS = 0, MEAN = 1, MAX = 2;

    private EmbeddingKernels() {}

    /** The device copy of a batch's ids and offsets, from the input region they were transferred into. */
    public static void load(IntArray fromIds, IntArray fromOffsets, IntArray ids, IntArray offsets, int tokens, int sequences, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            if (i < tokens) {
                ids.set(i, fromIds.get(i));
            }
            if (i <= sequences) {
                offsets.set(i, fromOffsets.get(i));
            }
        }
    }

    /**
     * Per token and per sequence: where its sequence starts in this run, and how long it is; per token its
     * position id: its index in the sequence, or with {@code paddingIdx} &gt;= 0 (RoBERTa's family) padding_idx
     * plus the count of non-pad tokens up to it, padding_idx for a pad token, as transformers'
     * {@code create_position_ids_from_input_ids}. One work-item per sequence (global size at least S).
     */
    public static void index(KernelContext context, IntArray ids, IntArray offsets, IntArray start, IntArray length,
                             IntArray positionIds, IntArray seqStart, IntArray seqLength, IntArray size, int paddingIdx) {
        int sequences = size.get(1);
        int tokenBase = size.get(2);
        int sequenceBase = size.get(3);
        int s = context.globalIdx;
        if (s < sequences) {
            int first = offsets.get(sequenceBase + s) - tokenBase;
            int n = offsets.get(sequenceBase + s + 1) - tokenBase - first;
            seqStart.set(s, first);
            seqLength.set(s, n);
            int nonPad = 0;
            for (int t = first; t < first + n; t++) {
                start.set(t, first);
                length.set(t, n);
                int p = t - first;
                if (paddingIdx >= 0) {
                    p = paddingIdx;
                    if (ids.get(tokenBase + t) != paddingIdx) {
                        nonPad++;
                        p = paddingIdx + nonPad;
                    }
                }
                positionIds.set(t, p);
            }
        }
    }

    /**
     * e = word[id] + position[positionId] (when {@code withPosition} is 1) + tokenType[type]; the norm and the
     * projection follow as their own tasks. One work-item per element of e (global size at least T * E).
     */
    public static void embed(KernelContext context, IntArray ids, IntArray types, IntArray positionIds, FloatArray word,
                             FloatArray position, FloatArray tokenType, FloatArray e, IntArray size, int hidden, int withPosition) {
        int tokens = size.get(0);
        int tokenBase = size.get(2);
        int hasTypes = size.get(4);
        int g = context.globalIdx;
        if (g < tokens * hidden) {
            int t = g / hidden;
            int i = g % hidden;
            int w = ids.get(tokenBase + t) * hidden;
            int y = hasTypes == 1 ? types.get(t) * hidden : 0;
            float v = word.get(w + i) + tokenType.get(y + i);
            if (withPosition == 1) {
                v += position.get(positionIds.get(t) * hidden + i);
            }
            e.set(g, v);
        }
    }

    /**
     * pooled = CLS, mean or max of each sequence's rows of x, first D dimensions, L2-normalized if
     * {@code normalize} is 1 (divided by max(norm, 1e-12), as sentence-transformers does). An empty
     * sequence (a null row) pools to zeros. One work-item per sequence (global size at least S).
     */
    public static void pool(KernelContext context, FloatArray x, FloatArray pooled, IntArray seqStart, IntArray seqLength,
                            IntArray size, int hidden, int dims, int mode, int normalize) {
        int sequences = size.get(1);
        int s = context.globalIdx;
        if (s < sequences) {
            int first = seqStart.get(s);
            int length = seqLength.get(s);
            float squares = 0f;
            for (int i = 0; i < dims; i++) {
                float v = 0f;
                if (length > 0) {
                    v = x.get(first * hidden + i);
                    if (mode == MEAN) {
                        for (int t = 1; t < length; t++) {
                            v += x.get((first + t) * hidden + i);
                        }
                        v = v / length;
                    } else if (mode == MAX) {
                        for (int t = 1; t < length; t++) {
                            v = TornadoMath.max(v, x.get((first + t) * hidden + i));
                        }
                    }
                }
                pooled.set(s * dims + i, v);
                squares += v * v;
            }
            if (normalize == 1) {
                float inv = 1f / TornadoMath.max(TornadoMath.sqrt(squares), 1e-12f);
                for (int i = 0; i < dims; i++) {
                    pooled.set(s * dims + i, pooled.get(s * dims + i) * inv);
                }
            }
        }
    }
}
