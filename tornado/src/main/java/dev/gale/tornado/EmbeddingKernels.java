package dev.gale.tornado;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The ends of the encoder on the device: the embedding sum at the start and pooling at the end.
 * <pre>
 *   T tokens, S sequences, H hidden, D output dimensions (D &lt;= H)
 *   ids, types, start (T): token id, token type, first token of the token's sequence
 *   word (V, H), position (P, H), tokenType (2, H); x (T, H)
 *   seqStart, seqLength (S); pooled (S, D)
 *   size: {T, S}, read on the device so that one compiled kernel serves every batch
 * </pre>
 */
public final class EmbeddingKernels {
    public static final int CLS = 0, MEAN = 1, MAX = 2;

    private EmbeddingKernels() {}

    /** x = word[id] + position[t - start] + tokenType[type], per token; LayerNorm follows as its own task. */
    public static void embed(IntArray ids, IntArray types, IntArray start, FloatArray word, FloatArray position,
                             FloatArray tokenType, FloatArray x, IntArray size, int hidden) {
        int tokens = size.get(0);
        for (@Parallel int t = 0; t < tokens; t++) {
            int w = ids.get(t) * hidden;
            int p = (t - start.get(t)) * hidden;
            int y = types.get(t) * hidden;
            for (int i = 0; i < hidden; i++) {
                x.set(t * hidden + i, word.get(w + i) + position.get(p + i) + tokenType.get(y + i));
            }
        }
    }

    /**
     * pooled = CLS, mean or max of each sequence's rows of x, first D dimensions, L2-normalized if
     * {@code normalize} is 1 (divided by max(norm, 1e-12), as sentence-transformers does). An empty
     * sequence (a null row) pools to zeros.
     */
    public static void pool(FloatArray x, FloatArray pooled, IntArray seqStart, IntArray seqLength, IntArray size,
                            int hidden, int dims, int mode, int normalize) {
        int sequences = size.get(1);
        for (@Parallel int s = 0; s < sequences; s++) {
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
