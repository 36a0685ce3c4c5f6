package dev.gale.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The output column: {@code embedding FixedSizeList<Float32>[D]}, whose data buffer the encoder writes
 * into directly.
 * <pre>  R rows, D dimensions; data float32 (R, D) row-major </pre>
 */
public final class EmbeddingColumn {
    public static final String NAME = "embedding";
    private static final ArrowType FLOAT32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);

    private EmbeddingColumn() {}

    public static Field field(int dimensions) {
        return new Field(NAME, FieldType.nullable(new ArrowType.FixedSizeList(dimensions)),
                List.of(new Field("item", FieldType.nullable(FLOAT32), null)));
    }

    /** A vector of {@code rows} rows, all valid, its data allocated and ready for the encoder. */
    static FixedSizeListVector allocate(int dimensions, int rows, BufferAllocator allocator) {
        FixedSizeListVector vector = (FixedSizeListVector) field(dimensions).createVector(allocator);
        try {
            vector.setInitialCapacity(rows);
            vector.allocateNew();
            FieldVector data = (FieldVector) vector.getDataVector();
            vector.getValidityBuffer().setOne(0, BitVectorHelper.getValidityBufferSize(rows));
            data.getValidityBuffer().setOne(0, BitVectorHelper.getValidityBufferSize(rows * dimensions));
            vector.setValueCount(rows);
            return vector;
        } catch (RuntimeException | Error e) {
            vector.close();
            throw e;
        }
    }

    /** The (rows, D) float32 data of {@code vector}: the memory the encoder writes, not a copy. */
    static MemorySegment data(FixedSizeListVector vector) {
        long bytes = 4L * vector.getValueCount() * vector.getListSize();
        return ArrowMemory.segment(((FieldVector) vector.getDataVector()).getDataBuffer(), bytes);
    }
}
