package dev.gale.tornado;

import dev.gale.encoder.TokenMemory;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.BlockingQueue;

/**
 * One input region of a {@link TornadoEncoder}: two TornadoVM {@code IntArray}s, ids and offsets, over
 * native memory that has room for TornadoVM's array header in front of the data. A caller writes a
 * batch into {@link #ids()} and {@link #offsets()} (the Arrow pipeline builds its {@code List<Int32>}
 * vector over them), and the device graph transfers those very bytes.
 * <pre>
 *   [header | ids: int32 (tokens)] [pad] [header | offsets: int32 (sequences + 1)]
 * </pre>
 */
final class InputSlot implements TokenMemory {
    private static final long HEADER = TornadoNativeArray.ARRAY_HEADER;

    final int index;
    final IntArray deviceIds;
    final IntArray deviceOffsets;
    private final MemorySegment ids;
    private final MemorySegment offsets;
    private final BlockingQueue<InputSlot> free;
    /** Tokens the device has read from this slot (under the encoder's lock). */
    long tokensRead;

    InputSlot(int index, long tokens, int sequences, Arena arena, BlockingQueue<InputSlot> free) {
        this.index = index;
        this.free = free;
        long idsBytes = HEADER + 4 * tokens;
        long offsetsAt = (idsBytes + 63) & ~63L;
        MemorySegment all = arena.allocate(offsetsAt + HEADER + 4L * (sequences + 1), 64);
        deviceIds = IntArray.fromSegmentShallow(all.asSlice(0, idsBytes));
        deviceOffsets = IntArray.fromSegmentShallow(all.asSlice(offsetsAt, HEADER + 4L * (sequences + 1)));
        ids = deviceIds.getSegment();
        offsets = deviceOffsets.getSegment();
    }

    @Override
    public MemorySegment ids() {
        return ids;
    }

    @Override
    public MemorySegment offsets() {
        return offsets;
    }

    /** Whether {@code segment} starts inside {@code region} (a batch over this memory, or a slice of one). */
    static boolean within(MemorySegment segment, MemorySegment region) {
        if (!segment.isNative()) {
            return false;
        }
        long a = segment.address();
        return a >= region.address() && a + segment.byteSize() <= region.address() + region.byteSize();
    }

    @Override
    public void release() {
        if (free != null) {
            free.add(this);
        }
    }
}
