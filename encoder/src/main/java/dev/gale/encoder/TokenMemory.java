package dev.gale.encoder;

import java.lang.foreign.MemorySegment;

/**
 * Native memory for one batch's token ids and offsets that a device backend reads in place: a caller
 * that writes its {@link TokenBatch} here (the Arrow pipeline builds its {@code List<Int32>} vector over
 * it) spares the backend a host-side copy before the transfer to the device.
 * <pre>
 *   ids      int32 (tokens())         token ids, packed end to end
 *   offsets  int32 (sequences() + 1)  offsets[0] = 0, sequence s is ids [offsets[s], offsets[s+1])
 * </pre>
 * A batch whose {@code ids} and {@code offsets} start at these addresses (or is a
 * {@link TokenBatch#slice slice} of one) is read without a copy. Call {@link #release()} once the batch
 * has been encoded; the memory then goes back to the backend's pool.
 */
public interface TokenMemory {

    MemorySegment ids();

    MemorySegment offsets();

    /** Token capacity of {@link #ids()}. */
    default long tokens() {
        return ids().byteSize() / Integer.BYTES;
    }

    /** Sequence capacity of {@link #offsets()}. */
    default int sequences() {
        return (int) (offsets().byteSize() / Integer.BYTES - 1);
    }

    /** Returns the memory to its pool. */
    void release();

    /** A backend's fixed set of input regions; callers take them in batch order and release them after encoding. */
    interface Pool {

        /** Whether one region holds a batch of {@code sequences} sequences and {@code tokens} tokens. */
        boolean fits(int sequences, long tokens);

        /** A free region, waiting at most {@code timeoutMillis}; null if none became free in that time. */
        TokenMemory poll(long timeoutMillis) throws InterruptedException;
    }
}
