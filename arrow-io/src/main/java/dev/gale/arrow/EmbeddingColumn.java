package dev.gale.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The output column: {@code embedding FixedSizeList<Float32>[D]}, whose data buffer the encoder writes
 * into directly. Parquet gets the same values as {@code List<Float32>} (see {@link #toList}).
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

    /**
     * The Parquet form: Arrow C++ can neither write null rows of a fixed_size_list column to Parquet nor read
     * them back (apache/arrow#24425, #35692), and Parquet stores fixed-size lists as lists anyway.
     */
    public static Field parquetField() {
        return new Field(NAME, FieldType.nullable(ArrowType.List.INSTANCE),
                List.of(new Field("element", FieldType.nullable(FLOAT32), null)));
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

    /**
     * Moves {@code vector}'s data into a {@code List<Float32>} vector without copying. Rows of null
     * embeddings must take no values in a list for Parquet, so when there are nulls the valid rows are
     * first moved down over them, in place. {@code vector} is left empty.
     */
    static ListVector toList(FixedSizeListVector vector, BufferAllocator allocator) {
        int rows = vector.getValueCount();
        int dims = vector.getListSize();
        ListVector list = (ListVector) parquetField().createVector(allocator);
        try {
            list.setInitialCapacity(rows);
            list.allocateNew();
            MemorySegment data = data(vector);
            long rowBytes = 4L * dims;
            int valid = 0;
            for (int r = 0; r < rows; r++) {
                if (!vector.isNull(r)) {
                    if (valid != r) {
                        MemorySegment.copy(data, r * rowBytes, data, valid * rowBytes, rowBytes);
                    }
                    valid++;
                    list.setNotNull(r);
                }
                list.getOffsetBuffer().setInt(4L * (r + 1), valid * dims);
            }
            FieldVector values = (FieldVector) vector.getDataVector();
            values.makeTransferPair(list.getDataVector()).transfer();
            list.getDataVector().setValueCount(valid * dims);
            list.setLastSet(rows - 1);
            list.setValueCount(rows);
            vector.clear();
            return list;
        } catch (RuntimeException | Error e) {
            list.close();
            throw e;
        }
    }
}
