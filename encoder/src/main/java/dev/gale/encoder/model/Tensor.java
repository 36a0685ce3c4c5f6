package dev.gale.encoder.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A named tensor whose little-endian data lives in a memory segment (usually a slice of a mapped file).
 * The shape is the Hugging Face shape; {@code transposed} says the data of a 2-D tensor is stored as
 * the transpose of that shape (ONNX exports keep Linear weights as (in, out), Hugging Face as (out, in)).
 */
public record Tensor(String name, DType dtype, long[] shape, MemorySegment data, boolean transposed, String source) {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    public Tensor {
        long expectedBytes = elementCount(shape) * dtype.byteSize();
        if (data.byteSize() != expectedBytes) {
            throw new ModelLoadException(source + ": tensor '" + name + "' of shape " + Arrays.toString(shape) + " " + dtype
                    + " needs " + expectedBytes + " bytes but has " + data.byteSize() + " (truncated or corrupt file?)");
        }
    }

    public long elementCount() {
        return elementCount(shape);
    }

    static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The element at flat index {@code i} of the stored data, converted to float. */
    public float getFloat(long i) {
        return switch (dtype) {
            case F32 -> data.getAtIndex(F32, i);
            case F16 -> Float.float16ToFloat(data.getAtIndex(I16, i));
            case BF16 -> Float.intBitsToFloat(data.getAtIndex(I16, i) << 16);
            case F64 -> (float) data.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i);
            default -> throw new ModelLoadException(source + ": tensor '" + name + "' is " + dtype + ", expected a floating-point type");
        };
    }

    /** dst[offset + j] = element {@code i + j} of the stored data as float, for j in [0, count): one bulk copy for F32. */
    public void copyTo(long i, float[] dst, int offset, int count) {
        if (dtype == DType.F32) {
            MemorySegment.copy(data, F32, i * Float.BYTES, dst, offset, count);
        } else {
            for (int j = 0; j < count; j++) {
                dst[offset + j] = getFloat(i + j);
            }
        }
    }

    /** dst[dstOffset + i] += row {@code row} of this (rows, width) tensor, for i in [0, width). */
    public void addRowTo(long row, int width, float[] dst, int dstOffset) {
        long base = row * width;
        if (dtype == DType.F32) {
            for (int i = 0; i < width; i++) {
                dst[dstOffset + i] += data.getAtIndex(F32, base + i);
            }
        } else {
            for (int i = 0; i < width; i++) {
                dst[dstOffset + i] += getFloat(base + i);
            }
        }
    }

    /** The stored data converted to float, in storage order. */
    public float[] toFloatArray() {
        long n = elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new ModelLoadException(source + ": tensor '" + name + "' has " + n + " elements, too many for one array");
        }
        float[] out = new float[(int) n];
        if (dtype == DType.F32) {
            MemorySegment.copy(data, F32, 0, out, 0, out.length);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = getFloat(i);
            }
        }
        return out;
    }

    public long[] toLongArray() {
        long n = elementCount();
        long[] out = new long[Math.toIntExact(n)];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case I64 -> data.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i);
                case I32 -> data.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
                default -> throw new ModelLoadException(source + ": tensor '" + name + "' is " + dtype + ", expected an integer type");
            };
        }
        return out;
    }
}
