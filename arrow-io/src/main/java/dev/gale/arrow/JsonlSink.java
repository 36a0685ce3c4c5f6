package dev.gale.arrow;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Map;

/**
 * JSONL output: one object per row with the kept columns (or, for JSONL input, the line's other fields)
 * and {@code "embedding": [...]}, or {@code null} for a null text.
 */
final class JsonlSink implements TableSink {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicOutput output;
    private final JsonGenerator json;
    private final Schema schema;

    JsonlSink(String output, Schema schema) throws IOException {
        this.schema = schema;
        this.output = AtomicOutput.file(output);
        this.json = JSON.getFactory().createGenerator(this.output.stream(), JsonEncoding.UTF8);
        json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        json.setRootValueSeparator(null); // lines end with our '\n', no space before the next
    }

    @Override
    public void write(VectorSchemaRoot batch) throws IOException {
        try (batch) {
            List<FieldVector> vectors = batch.getFieldVectors();
            FixedSizeListVector embedding = (FixedSizeListVector) vectors.getLast();
            int dims = embedding.getListSize();
            MemorySegment data = EmbeddingColumn.data(embedding);
            for (int r = 0; r < batch.getRowCount(); r++) {
                json.writeStartObject();
                for (FieldVector v : vectors.subList(0, vectors.size() - 1)) {
                    if (v.getName().equals(LinesReader.FIELDS)) {
                        ObjectNode fields = (ObjectNode) JSON.readTree(((VarCharVector) v).get(r));
                        for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> field : fields.properties()) {
                            json.writeFieldName(field.getKey());
                            json.writeTree(field.getValue());
                        }
                    } else {
                        json.writeFieldName(v.getName());
                        writeValue(v.getObject(r));
                    }
                }
                json.writeFieldName(EmbeddingColumn.NAME);
                if (embedding.isNull(r)) {
                    json.writeNull();
                } else {
                    json.writeStartArray();
                    for (int i = 0; i < dims; i++) {
                        json.writeNumber(data.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) r * dims + i));
                    }
                    json.writeEndArray();
                }
                json.writeEndObject();
                json.writeRaw('\n');
            }
        }
    }

    private void writeValue(Object value) throws IOException {
        switch (value) {
            case null -> json.writeNull();
            case Text text -> json.writeString(text.toString());
            case TemporalAccessor time -> json.writeString(time.toString());
            default -> json.writeObject(value);
        }
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public void commit() throws IOException {
        json.flush();
        output.commit();
    }

    @Override
    public void close() throws IOException {
        try (output) {
            json.close();
        }
    }
}
