package dev.gale.encoder.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A forward-only reader of the protocol buffers wire format over a memory segment.
 * Length-delimited fields are returned as slices of the same segment, so tensor data is never copied.
 */
final class ProtoReader {
    static final int VARINT = 0, FIXED64 = 1, LEN = 2, FIXED32 = 5;

    private final MemorySegment data;
    private final String source;
    private long pos;
    private int tag;

    ProtoReader(MemorySegment data, String source) {
        this.data = data;
        this.source = source;
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() {
        if (pos >= data.byteSize()) {
            return false;
        }
        long key = varint();
        tag = (int) key;
        if (fieldNumber() == 0) {
            throw malformed("field number 0");
        }
        return true;
    }

    int fieldNumber() {
        return tag >>> 3;
    }

    int wireType() {
        return tag & 7;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= data.byteSize()) {
                throw malformed("truncated varint");
            }
            byte b = data.get(ValueLayout.JAVA_BYTE, pos++);
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes");
    }

    float fixed32Float() {
        expectWireType(FIXED32);
        checkAvailable(4);
        float f = data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, pos);
        pos += 4;
        return f;
    }

    MemorySegment bytes() {
        expectWireType(LEN);
        long length = varint();
        if (length < 0) {
            throw malformed("negative length");
        }
        checkAvailable(length);
        MemorySegment slice = data.asSlice(pos, length);
        pos += length;
        return slice;
    }

    ProtoReader message() {
        return new ProtoReader(bytes(), source);
    }

    String string() {
        return new String(bytes().toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** Reads a repeated integer field in either packed or unpacked form, appending to {@code out}. */
    void int64s(LongList out) {
        if (wireType() == LEN) {
            ProtoReader packed = new ProtoReader(bytes(), source);
            while (packed.pos < packed.data.byteSize()) {
                out.add(packed.varint());
            }
        } else {
            expectWireType(VARINT);
            out.add(varint());
        }
    }

    void skip() {
        switch (wireType()) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case LEN -> bytes();
            case FIXED32 -> advance(4);
            default -> throw malformed("unsupported wire type " + wireType());
        }
    }

    private void advance(long n) {
        checkAvailable(n);
        pos += n;
    }

    private void expectWireType(int expected) {
        if (wireType() != expected) {
            throw malformed("field " + fieldNumber() + " has wire type " + wireType() + ", expected " + expected);
        }
    }

    private void checkAvailable(long n) {
        if (pos + n > data.byteSize()) {
            throw malformed("truncated: field " + fieldNumber() + " needs " + n + " bytes, " + (data.byteSize() - pos) + " left");
        }
    }

    private ModelLoadException malformed(String what) {
        return new ModelLoadException(source + ": malformed ONNX protobuf (" + what + ")");
    }

    /** A growable list of longs, to read repeated int64 fields without boxing. */
    static final class LongList {
        private long[] values = new long[4];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
