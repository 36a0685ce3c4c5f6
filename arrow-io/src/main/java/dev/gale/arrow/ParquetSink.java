package dev.gale.arrow;

import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.BaseListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Parquet output, written with parquet-java on the calling thread, so rows land in the order they come.
 * Row groups are cut at {@link #ROW_GROUP_BYTES}, which bounds the writer's memory. Lists and structs (the
 * task outputs) are written as Parquet LISTs and groups. The embedding is a
 * Parquet LIST of FLOAT (Parquet has no fixed-size list), null where the text was null: Arrow C++ cannot
 * write or read null rows of a fixed_size_list column in Parquet (apache/arrow#24425, #35692), and readers
 * (pyarrow, Spark, DuckDB) see an ordinary {@code list<float>}.
 */
final class ParquetSink implements TableSink {
    static final long ROW_GROUP_BYTES = 64L << 20;

    private final AtomicOutput output;
    private final Schema schema;
    private final RowWriter rows;
    private final ParquetWriter<Integer> writer;

    ParquetSink(String output, Schema schema) throws IOException {
        this(output, schema, CompressionCodecName.SNAPPY);
    }

    ParquetSink(String output, Schema schema, CompressionCodecName codec) throws IOException {
        this.schema = schema;
        MessageType parquetSchema = new MessageType("schema", schema.getFields().stream().map(ParquetSchemas::toParquet).toList());
        this.output = AtomicOutput.file(output);
        if (this.output.isStdout()) {
            this.output.close();
            throw new BadInputException("Parquet cannot go to stdout; give --output a file name");
        }
        this.rows = new RowWriter(parquetSchema);
        try {
            this.writer = new Builder(new LocalOutputFile(this.output.temp()), rows)
                    .withConf(new PlainParquetConfiguration())
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .withCodecFactory(ParquetCodecs.INSTANCE)
                    .withCompressionCodec(codec)
                    .withRowGroupSize(ROW_GROUP_BYTES)
                    .build();
        } catch (IOException | RuntimeException e) {
            this.output.close();
            throw e;
        }
    }

    @Override
    public void write(VectorSchemaRoot batch) throws IOException {
        try (batch) {
            rows.batch = batch;
            for (int r = 0; r < batch.getRowCount(); r++) {
                writer.write(r);
            }
        } finally {
            rows.batch = null;
        }
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public void commit() throws IOException {
        writer.close();
        output.commit();
    }

    @Override
    public void close() throws IOException {
        try (output) {
            writer.close();
        }
    }

    private static final class Builder extends ParquetWriter.Builder<Integer, Builder> {
        private final RowWriter rows;

        Builder(OutputFile file, RowWriter rows) {
            super(file);
            this.rows = rows;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Integer> getWriteSupport(Configuration conf) {
            return rows;
        }

        @Override
        protected WriteSupport<Integer> getWriteSupport(ParquetConfiguration conf) {
            return rows;
        }
    }

    /** Writes row r of the current batch, one column at a time; a null value is a field left out. */
    private static final class RowWriter extends WriteSupport<Integer> {
        private final MessageType schema;
        private RecordConsumer out;
        VectorSchemaRoot batch;

        RowWriter(MessageType schema) {
            this.schema = schema;
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(schema, Map.of());
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(schema, Map.of());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            out = recordConsumer;
        }

        @Override
        public void write(Integer row) {
            int r = row;
            out.startMessage();
            List<FieldVector> vectors = batch.getFieldVectors();
            for (int c = 0; c < vectors.size(); c++) {
                field(vectors.get(c), vectors.get(c).getName(), c, r);
            }
            out.endMessage();
        }

        /** Value {@code i} of {@code v} as field {@code index} of the current group; a null is a field left out. */
        private void field(FieldVector v, String name, int index, int i) {
            if (v.isNull(i)) {
                return;
            }
            out.startField(name, index);
            value(v, i);
            out.endField(name, index);
        }

        private void value(FieldVector v, int i) {
            switch (v) {
                case BaseListVector list -> writeList(list, i);
                case StructVector struct -> {
                    out.startGroup();
                    List<FieldVector> members = struct.getChildrenFromFields();
                    for (int c = 0; c < members.size(); c++) {
                        field(members.get(c), members.get(c).getName(), c, i);
                    }
                    out.endGroup();
                }
                case BaseVariableWidthVector s -> out.addBinary(Binary.fromConstantByteArray(s.get(i)));
                case BaseLargeVariableWidthVector s -> out.addBinary(Binary.fromConstantByteArray(s.get(i)));
                case TinyIntVector n -> out.addInteger(n.get(i));
                case SmallIntVector n -> out.addInteger(n.get(i));
                case IntVector n -> out.addInteger(n.get(i));
                case DateDayVector d -> out.addInteger(d.get(i));
                case BigIntVector n -> out.addLong(n.get(i));
                case TimeStampVector t -> out.addLong(t.get(i));
                case Float4Vector f -> out.addFloat(f.get(i));
                case Float8Vector f -> out.addDouble(f.get(i));
                case BitVector b -> out.addBoolean(b.get(i) != 0);
                default -> throw new IllegalStateException("no Parquet writer for " + v.getField());
            }
        }

        /** LIST &gt; repeated group list &gt; element, the spec's three levels; an empty list has no "list" field. */
        private void writeList(BaseListVector list, int i) {
            int start = list.getElementStartIndex(i);
            int end = list.getElementEndIndex(i);
            out.startGroup();
            if (end > start) {
                FieldVector items = (FieldVector) list.getChildrenFromFields().getFirst();
                out.startField("list", 0);
                for (int j = start; j < end; j++) {
                    out.startGroup();
                    field(items, "element", 0, j);
                    out.endGroup();
                }
                out.endField("list", 0);
            }
            out.endGroup();
        }

        @Override
        public String getName() {
            return "gale";
        }
    }
}
