package dev.gale.encoder;

import dev.gale.encoder.nn.Head;

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
     * Runs the encoder, then {@code head}, over {@code batch}, and writes the head's output into {@code out}:
     * {@link Head#outputRows} rows of {@link Head#outputSize} float32, row-major, from byte 0. {@code selected}
     * names the batch rows (tokens, counted from the batch's first) a {@link Head.Input#SELECTED} head reads.
     * This default computes the head on the host over {@link #hiddenStates}; a device backend overrides it
     * so that only the head's output comes back.
     */
    default void head(TokenBatch batch, Head head, int[] selected, MemorySegment out) {
        HostHeads.INSTANCE.run(hiddenStates(batch), head.inputSize(), batch, head, selected, out);
    }

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
