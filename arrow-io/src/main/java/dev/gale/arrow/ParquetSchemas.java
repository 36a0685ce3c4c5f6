package dev.gale.arrow;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.util.Locale;

/**
 * Parquet and Arrow types of columns, both ways. Gale reads top-level primitive columns: strings, binary,
 * booleans, 32- and 64-bit integers, floats, dates and timestamps; anything else is refused with the
 * column's name. It writes those, and lists and structs of them (the embedding, a LIST of FLOAT; the task
 * outputs, LISTs of groups).
 */
final class ParquetSchemas {
    private ParquetSchemas() {}

    /** The Arrow field for a top-level Parquet column, or null if Gale cannot read it. */
    static Field toArrow(Type type) {
        if (!type.isPrimitive() || type.isRepetition(Type.Repetition.REPEATED)) {
            return null;
        }
        PrimitiveType p = type.asPrimitiveType();
        LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
        ArrowType arrow = switch (p.getPrimitiveTypeName()) {
            case BOOLEAN -> logical == null ? ArrowType.Bool.INSTANCE : null;
            case INT32 -> logical == null || isSignedInt(logical, 32) ? new ArrowType.Int(32, true)
                    : logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation ? new ArrowType.Date(DateUnit.DAY) : null;
            case INT64 -> logical == null || isSignedInt(logical, 64) ? new ArrowType.Int(64, true)
                    : logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t
                    ? new ArrowType.Timestamp(arrowUnit(t.getUnit()), t.isAdjustedToUTC() ? "UTC" : null) : null;
            case FLOAT -> logical == null ? new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE) : null;
            case DOUBLE -> logical == null ? new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE) : null;
            case BINARY -> logical == null ? ArrowType.Binary.INSTANCE
                    : logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                      || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                      || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation ? ArrowType.Utf8.INSTANCE : null;
            default -> null;
        };
        if (arrow == null) {
            return null;
        }
        boolean nullable = type.isRepetition(Type.Repetition.OPTIONAL);
        return new Field(type.getName(), nullable ? FieldType.nullable(arrow) : FieldType.notNullable(arrow), null);
    }

    /** A top-level Parquet column as a reader would say it: "string", "int64", "list", ... */
    static String describe(Type type) {
        Field arrow = toArrow(type);
        if (arrow != null) {
            return TableSource.describe(arrow);
        }
        if (!type.isPrimitive()) {
            LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
            return logical == null ? "struct" : logical.toString().toLowerCase(Locale.ROOT);
        }
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        return type.asPrimitiveType().getPrimitiveTypeName().name().toLowerCase(Locale.ROOT)
                + (logical == null ? "" : " " + logical.toString().toLowerCase(Locale.ROOT));
    }

    /**
     * The Parquet column for an Arrow field, or an error naming it if Gale cannot write it. Lists (and
     * fixed-size lists, which Parquet lacks) become the spec's three-level LIST, as Arrow C++ and Spark write
     * it; structs become groups.
     */
    static Type toParquet(Field field) {
        Type.Repetition repetition = field.isNullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
        String name = field.getName();
        if (field.getType() instanceof ArrowType.List || field.getType() instanceof ArrowType.FixedSizeList) {
            Field item = field.getChildren().getFirst();
            Type element = toParquet(new Field("element", item.getFieldType(), item.getChildren()));
            return Types.buildGroup(repetition).as(LogicalTypeAnnotation.listType())
                    .addField(Types.repeatedGroup().addField(element).named("list"))
                    .named(name);
        }
        if (field.getType() instanceof ArrowType.Struct) {
            return Types.buildGroup(repetition).addFields(field.getChildren().stream().map(ParquetSchemas::toParquet).toArray(Type[]::new))
                    .named(name);
        }
        return switch (field.getType()) {
            case ArrowType.Utf8 u -> Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.stringType()).named(name);
            case ArrowType.LargeUtf8 u -> Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.stringType()).named(name);
            case ArrowType.Binary b -> Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
            case ArrowType.Bool b -> Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
            case ArrowType.Int i when i.getIsSigned() && i.getBitWidth() <= 32 ->
                    Types.primitive(PrimitiveTypeName.INT32, repetition).as(LogicalTypeAnnotation.intType(i.getBitWidth(), true)).named(name);
            case ArrowType.Int i when i.getIsSigned() -> Types.primitive(PrimitiveTypeName.INT64, repetition).named(name);
            case ArrowType.FloatingPoint f when f.getPrecision() == FloatingPointPrecision.SINGLE ->
                    Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(name);
            case ArrowType.FloatingPoint f when f.getPrecision() == FloatingPointPrecision.DOUBLE ->
                    Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
            case ArrowType.Date d when d.getUnit() == DateUnit.DAY ->
                    Types.primitive(PrimitiveTypeName.INT32, repetition).as(LogicalTypeAnnotation.dateType()).named(name);
            case ArrowType.Timestamp t -> Types.primitive(PrimitiveTypeName.INT64, repetition)
                    .as(LogicalTypeAnnotation.timestampType(t.getTimezone() != null, parquetUnit(t.getUnit()))).named(name);
            default -> throw new BadInputException("column '" + name + "' is " + TableSource.describe(field)
                    + ", which Gale cannot write to Parquet yet; write Arrow (.arrow) instead, or do not --keep it");
        };
    }

    private static boolean isSignedInt(LogicalTypeAnnotation logical, int bits) {
        return logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i && i.isSigned() && i.getBitWidth() <= bits;
    }

    private static org.apache.arrow.vector.types.TimeUnit arrowUnit(TimeUnit unit) {
        return switch (unit) {
            case MILLIS -> org.apache.arrow.vector.types.TimeUnit.MILLISECOND;
            case MICROS -> org.apache.arrow.vector.types.TimeUnit.MICROSECOND;
            case NANOS -> org.apache.arrow.vector.types.TimeUnit.NANOSECOND;
        };
    }

    private static TimeUnit parquetUnit(org.apache.arrow.vector.types.TimeUnit unit) {
        return switch (unit) {
            case SECOND -> throw new BadInputException("timestamps in seconds cannot be written to Parquet; write Arrow instead");
            case MILLISECOND -> TimeUnit.MILLIS;
            case MICROSECOND -> TimeUnit.MICROS;
            case NANOSECOND -> TimeUnit.NANOS;
        };
    }
}
