package dev.gale.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The task outputs' Arrow fields, and their vectors built from plain values: a {@link List} is a list, an
 * {@code Object[]} a struct (its values in the struct's field order), a {@link String} utf8, a {@link Float}
 * float32, an {@link Integer} int32, null a null.
 */
final class Columns {
    static final ArrowType FLOAT32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
    static final ArrowType INT32 = new ArrowType.Int(32, true);

    private Columns() {}

    static Field utf8(String name) {
        return new Field(name, FieldType.nullable(ArrowType.Utf8.INSTANCE), null);
    }

    static Field float32(String name) {
        return new Field(name, FieldType.nullable(FLOAT32), null);
    }

    static Field int32(String name) {
        return new Field(name, FieldType.nullable(INT32), null);
    }

    /** A field that is never null (struct members, and rerank's index). */
    static Field required(Field field) {
        return new Field(field.getName(), new FieldType(false, field.getType(), null), field.getChildren());
    }

    /** {@code name list<item>}, nullable, the items never null; the item named "item", as pyarrow names it. */
    static Field list(String name, Field item) {
        return new Field(name, FieldType.nullable(ArrowType.List.INSTANCE),
                List.of(new Field("item", new FieldType(false, item.getType(), null), item.getChildren())));
    }

    /** A struct of required members (for a list's items: the name is the list's). */
    static Field struct(Field... members) {
        return new Field("item", FieldType.notNullable(ArrowType.Struct.INSTANCE), List.of(members).stream().map(Columns::required).toList());
    }

    /** A vector of {@code field} with one value per row, as the class comment says. */
    static FieldVector vector(Field field, List<?> values, BufferAllocator allocator) {
        FieldVector vector = field.createVector(allocator);
        try {
            vector.setInitialCapacity(values.size());
            vector.allocateNew();
            for (int r = 0; r < values.size(); r++) {
                set(vector, r, values.get(r));
            }
            vector.setValueCount(values.size());
            return vector;
        } catch (RuntimeException | Error e) {
            vector.close();
            throw e;
        }
    }

    /** One vector per field, {@code columns[c]} the values of {@code fields[c]}; all or none (closed on failure). */
    static List<FieldVector> vectors(List<Field> fields, BufferAllocator allocator, List<?>... columns) {
        List<FieldVector> out = new java.util.ArrayList<>(columns.length);
        try {
            for (int c = 0; c < columns.length; c++) {
                out.add(vector(fields.get(c), columns[c], allocator));
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.forEach(FieldVector::close);
            throw e;
        }
    }

    private static void set(FieldVector vector, int i, Object value) {
        if (value == null) {
            // a list's offsets are filled over the gap by the next startNewValue / setValueCount
            if (!(vector instanceof ListVector)) {
                vector.setNull(i);
            }
            return;
        }
        switch (vector) {
            case ListVector list -> {
                List<?> items = (List<?>) value;
                int start = list.startNewValue(i);
                FieldVector child = list.getDataVector();
                for (int j = 0; j < items.size(); j++) {
                    set(child, start + j, items.get(j));
                }
                list.endValue(i, items.size());
            }
            case StructVector struct -> {
                Object[] members = (Object[]) value;
                struct.setIndexDefined(i);
                for (int c = 0; c < members.length; c++) {
                    set((FieldVector) struct.getChildByOrdinal(c), i, members[c]);
                }
            }
            case VarCharVector s -> s.setSafe(i, ((String) value).getBytes(StandardCharsets.UTF_8));
            case Float4Vector f -> f.setSafe(i, (Float) value);
            case IntVector n -> n.setSafe(i, (Integer) value);
            default -> throw new IllegalStateException("no writer for " + vector.getField());
        }
    }
}
