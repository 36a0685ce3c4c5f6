package dev.gale.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Parquet input, read with parquet-java one row group at a time and handed out as Arrow batches of at
 * most {@code rowsPerBatch} rows. Only the requested columns are decoded. Memory is bounded by one row
 * group's compressed pages plus one batch, whatever the file's size.
 */
final class ParquetTableReader extends ArrowReader {
    private final ParquetFileReader file;
    private final String name;
    private final MessageType parquetSchema;
    private final List<ColumnDescriptor> columns = new ArrayList<>();
    private final Schema schema;
    private final int rowsPerBatch;
    private PageReadStore rowGroup;
    private List<ColumnReader> readers;
    private long rowGroupLeft;

    ParquetTableReader(Path path, String name, List<String> textColumns, List<String> keep, int rowsPerBatch, BufferAllocator allocator) throws IOException {
        super(allocator);
        this.name = name;
        this.rowsPerBatch = rowsPerBatch;
        try {
            this.file = ParquetFileReader.open(new LocalInputFile(path), ParquetReadOptions.builder(new PlainParquetConfiguration()).withCodecFactory(ParquetCodecs.INSTANCE).build());
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(name + ": not a readable Parquet file (" + firstLine(e) + ")");
        }
        try {
            parquetSchema = file.getFooter().getFileMetaData().getSchema();
            List<String> wanted = new ArrayList<>(textColumns);
            keep.stream().filter(k -> !wanted.contains(k)).forEach(wanted::add);
            List<Field> fields = new ArrayList<>();
            for (String column : wanted) {
                Type type = find(column);
                Field field = ParquetSchemas.toArrow(type);
                if (field == null) {
                    throw new BadInputException(name + ": column '" + column + "' is " + ParquetSchemas.describe(type)
                            + ", which Gale cannot read yet; the columns are: " + columnList());
                }
                if (textColumns.contains(column) && !(field.getType() instanceof org.apache.arrow.vector.types.pojo.ArrowType.Utf8)) {
                    throw new BadInputException(name + ": column '" + column + "' is " + ParquetSchemas.describe(type)
                            + ", expected a string column (utf8 or large_utf8); the columns are: " + columnList());
                }
                fields.add(field);
                columns.add(parquetSchema.getColumnDescription(new String[]{column}));
            }
            schema = new Schema(fields);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private Type find(String column) {
        if (!parquetSchema.containsField(column)) {
            throw new BadInputException(name + ": no column '" + column + "'; the columns are: " + columnList());
        }
        return parquetSchema.getType(column);
    }

    private String columnList() {
        return parquetSchema.getFields().stream().map(t -> t.getName() + " (" + ParquetSchemas.describe(t) + ")")
                .collect(Collectors.joining(", "));
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    long rowCount() {
        return file.getRecordCount();
    }

    @Override
    protected Schema readSchema() {
        return schema;
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        prepareLoadNextBatch();
        VectorSchemaRoot root = getVectorSchemaRoot();
        for (FieldVector v : root.getFieldVectors()) {
            v.setInitialCapacity(rowsPerBatch);
            v.allocateNew();
        }
        int rows = 0;
        while (rows < rowsPerBatch) {
            if (rowGroupLeft == 0 && !nextRowGroup()) {
                break;
            }
            int n = (int) Math.min(rowsPerBatch - rows, rowGroupLeft);
            for (int c = 0; c < columns.size(); c++) {
                read(readers.get(c), columns.get(c).getMaxDefinitionLevel(), root.getVector(c), rows, n);
            }
            rows += n;
            rowGroupLeft -= n;
        }
        for (FieldVector v : root.getFieldVectors()) {
            v.setValueCount(rows);
        }
        root.setRowCount(rows);
        return rows > 0;
    }

    private boolean nextRowGroup() throws IOException {
        do {
            rowGroup = file.readNextRowGroup();
            if (rowGroup == null) {
                return false;
            }
        } while (rowGroup.getRowCount() == 0);
        String createdBy = file.getFooter().getFileMetaData().getCreatedBy();
        ColumnReadStoreImpl store = new ColumnReadStoreImpl(rowGroup, new NoConverter(), parquetSchema, createdBy);
        readers = new ArrayList<>();
        for (ColumnDescriptor column : columns) {
            readers.add(store.getColumnReader(column));
        }
        rowGroupLeft = rowGroup.getRowCount();
        return true;
    }

    /** Reads the next {@code n} values of a flat column into rows [at, at + n) of {@code vector}. */
    private static void read(ColumnReader reader, int maxDefinition, FieldVector vector, int at, int n) {
        for (int i = at; i < at + n; i++) {
            if (reader.getCurrentDefinitionLevel() == maxDefinition) {
                switch (vector) {
                    case VarCharVector v -> {
                        ByteBuffer b = reader.getBinary().toByteBuffer();
                        v.setSafe(i, b, b.position(), b.remaining());
                    }
                    case VarBinaryVector v -> {
                        ByteBuffer b = reader.getBinary().toByteBuffer();
                        v.setSafe(i, b, b.position(), b.remaining());
                    }
                    case IntVector v -> v.setSafe(i, reader.getInteger());
                    case DateDayVector v -> v.setSafe(i, reader.getInteger());
                    case BigIntVector v -> v.setSafe(i, reader.getLong());
                    case TimeStampVector v -> v.setSafe(i, reader.getLong());
                    case Float4Vector v -> v.setSafe(i, reader.getFloat());
                    case Float8Vector v -> v.setSafe(i, reader.getDouble());
                    case BitVector v -> v.setSafe(i, reader.getBoolean() ? 1 : 0);
                    default -> throw new IllegalStateException("no reader for " + vector.getField());
                }
            } else {
                vector.setNull(i);
            }
            reader.consume();
        }
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    protected void closeReadSource() throws IOException {
        file.close();
    }

    /** Values are read straight from the column readers; record assembly, which needs converters, is never used. */
    private static final class NoConverter extends GroupConverter {
        @Override
        public Converter getConverter(int fieldIndex) {
            return new PrimitiveConverter() { };
        }

        @Override
        public void start() {
        }

        @Override
        public void end() {
        }
    }
}
