package dev.gale.encoder;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Pooling of a hand-written (tokens, hidden) matrix, expectations worked out by hand. */
class PoolingTest {
    // two sequences in one packed batch: rows 0-1 are sequence 0, rows 2-4 sequence 1; hidden = 4
    private static final float[] STATES = {
            3, 0, 4, 0,
            1, 2, 0, -2,
            0, 0, 0, 1,
            6, -3, 0, 1,
            0, 3, 3, 1};

    private static float[] pool(PoolingConfig config, int sequence, int start, int length) {
        int dims = config.outputSize(4);
        float[] out = new float[(sequence + 1) * dims];
        java.util.Arrays.fill(out, Float.NaN); // pooling must write every value of its row
        Pooling.pool(STATES, 4, start, length, config, MemorySegment.ofArray(out), sequence, new float[4]);
        float[] row = new float[dims];
        System.arraycopy(out, sequence * dims, row, 0, dims);
        return row;
    }

    @Test
    void cls() {
        assertArrayEquals(new float[]{3, 0, 4, 0}, pool(new PoolingConfig(PoolingConfig.Mode.CLS, false, 0), 0, 0, 2));
        // |(3, 0, 4, 0)| = 5
        assertArrayEquals(new float[]{0.6f, 0, 0.8f, 0}, pool(new PoolingConfig(PoolingConfig.Mode.CLS, true, 0), 0, 0, 2), 1e-7f);
    }

    @Test
    void meanOverTheSequenceOnly() {
        // rows 2..4: (0+6+0)/3, (0-3+3)/3, (0+0+3)/3, (1+1+1)/3
        assertArrayEquals(new float[]{2, 0, 1, 1}, pool(new PoolingConfig(PoolingConfig.Mode.MEAN, false, 0), 1, 2, 3), 1e-7f);
    }

    @Test
    void max() {
        assertArrayEquals(new float[]{6, 3, 3, 1}, pool(new PoolingConfig(PoolingConfig.Mode.MAX, false, 0), 1, 2, 3));
    }

    @Test
    void matryoshkaTruncatesThenRenormalizes() {
        // mean of rows 0..1 = (2, 1, 2, -1); first 2 dims (2, 1), norm sqrt 5
        float s = (float) Math.sqrt(5);
        assertArrayEquals(new float[]{2 / s, 1 / s}, pool(new PoolingConfig(PoolingConfig.Mode.MEAN, true, 2), 0, 0, 2), 1e-7f);
        assertArrayEquals(new float[]{2, 1, 2}, pool(new PoolingConfig(PoolingConfig.Mode.MEAN, false, 3), 0, 0, 2), 1e-7f);
    }

    @Test
    void emptySequencePoolsToZerosInEveryMode() {
        // an empty sequence is how a batch carries a null row; it must not divide by zero or read another row
        for (PoolingConfig.Mode mode : PoolingConfig.Mode.values()) {
            assertArrayEquals(new float[4], pool(new PoolingConfig(mode, true, 0), 0, 1, 0), mode.toString());
        }
    }

    @Test
    void tooManyDimensionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PoolingConfig(PoolingConfig.Mode.MEAN, false, 5).outputSize(4));
    }
}
