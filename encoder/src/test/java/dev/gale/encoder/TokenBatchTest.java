package dev.gale.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a token budget cuts a batch, worked out by hand. */
class TokenBatchTest {

    @Test
    void cutsKeepEachRunWithinTheBudget() {
        // lengths 3, 4, 2, 9, 0, 1 with a budget of 7: [3 4] = 7, [2] (2 + 9 > 7), [9] alone (over the budget),
        // [0 1] = 1
        TokenBatch batch = TokenBatch.of(List.of(new int[3], new int[4], new int[2], new int[9], new int[0], new int[1]));
        assertArrayEquals(new int[]{0, 2, 3, 4, 6}, batch.cuts(7));
        assertArrayEquals(new int[]{0, 6}, batch.cuts(100));
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 6}, batch.cuts(1));
        assertArrayEquals(new int[]{0}, TokenBatch.of(List.of()).cuts(8));
        // a slice counts from its own first sequence: lengths 2, 9, 0 with 9: [2] (2 + 9 > 9), [9 0] = 9
        assertArrayEquals(new int[]{0, 1, 3}, batch.slice(2, 5).cuts(9));
    }
}
