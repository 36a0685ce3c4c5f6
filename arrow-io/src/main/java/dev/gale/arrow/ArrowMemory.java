package dev.gale.arrow;

import org.apache.arrow.memory.ArrowBuf;

import java.lang.foreign.MemorySegment;

/** Views of Arrow buffers as memory segments: the same memory, no copy. */
final class ArrowMemory {
    private ArrowMemory() {}

    /** The first {@code bytes} of {@code buffer}. */
    static MemorySegment segment(ArrowBuf buffer, long bytes) {
        if (bytes > buffer.capacity()) {
            throw new IllegalArgumentException("a view of " + bytes + " bytes over a buffer of " + buffer.capacity());
        }
        return bytes == 0 ? MemorySegment.NULL : MemorySegment.ofAddress(buffer.memoryAddress()).reinterpret(bytes);
    }
}
