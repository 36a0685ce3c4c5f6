package dev.gale.encoder;

import java.lang.foreign.MemorySegment;

/**
 * Runs a whole encoder forward pass over a padding-free batch. One call per batch, not per operation,
 * so a device backend can plan the graph and keep activations on the device.
 */
public interface EncoderBackend extends AutoCloseable {

    /** The last hidden states, (tokens, hidden) row-major. */
    float[] hiddenStates(TokenBatch batch);

    /**
     * Pooled sentence vectors written into {@code out} as (sequences, pooling.outputSize(hidden)) float32,
     * row-major, starting at byte 0.
     */
    void embed(TokenBatch batch, PoolingConfig pooling, MemorySegment out);

    /**
     * The regions this backend reads token ids from without a host-side copy, or null when any memory
     * will do (the CPU backend reads every {@link TokenBatch} in place).
     */
    default TokenMemory.Pool tokenMemory() {
        return null;
    }

    /** Transfer and kernel time measured on the device so far, or null for a backend without a device (the CPU). */
    default DeviceTime deviceTime() {
        return null;
    }

    @Override
    void close();
}
