package dev.gale.arrow;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.BaseListVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;

import java.io.IOException;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Map;

/**
 * JSONL output: one object per row with the kept columns (or, for JSONL input, the line's other fields)
 * and the new columns ({@code "embedding": [...]}, {@code "label": ...}), {@code null} for a null output.
 * Lists are arrays and structs objects, their fields in order, so that a row reads as transformers' pipelines
 * and TEI write it; fill-mask's {@code predictions} of a text with one mask is that mask's list alone, as the
 * fill-mask pipeline returns it.
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
            for (int r = 0; r < batch.getRowCount(); r++) {
                json.writeStartObject();
                for (FieldVector v : vectors) {
                    if (v.getName().equals(LinesReader.FIELDS)) {
                        ObjectNode fields = (ObjectNode) JSON.readTree(((VarCharVector) v).get(r));
                        for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> field : fields.properties()) {
                            json.writeFieldName(field.getKey());
                            json.writeTree(field.getValue());
                        }
                    } else {
                        json.writeFieldName(v.getName());
                        if (v.getName().equals(FillMaskScorer.PREDICTIONS) && v instanceof ListVector masks
                                && masks.getDataVector() instanceof ListVector perMask && !masks.isNull(r)
                                && masks.getElementEndIndex(r) - masks.getElementStartIndex(r) == 1) {
                            // the fill-mask pipeline returns a text with one mask as a flat list of predictions
                            writeVector(perMask, masks.getElementStartIndex(r));
                        } else {
                            writeVector(v, r);
                        }
                    }
                }
                json.writeEndObject();
                json.writeRaw('\n');
            }
        }
    }

    /** Value {@code i} of {@code v}: lists as arrays, structs as objects, the rest as {@link #writeValue} writes them. */
    private void writeVector(FieldVector v, int i) throws IOException {
        if (v.isNull(i)) {
            json.writeNull();
            return;
        }
        switch (v) {
            case FixedSizeListVector list when list.getDataVector() instanceof Float4Vector data -> {
                int size = list.getListSize();
                json.writeStartArray();
                for (int j = 0; j < size; j++) {
                    json.writeNumber(data.getDataBuffer().getFloat(4L * ((long) i * size + j)));
                }
                json.writeEndArray();
            }
            case BaseListVector list -> {
                FieldVector items = (FieldVector) list.getChildrenFromFields().getFirst();
                json.writeStartArray();
                for (int j = list.getElementStartIndex(i); j < list.getElementEndIndex(i); j++) {
                    writeVector(items, j);
                }
                json.writeEndArray();
            }
            case StructVector struct -> {
                json.writeStartObject();
                for (FieldVector member : struct.getChildrenFromFields()) {
                    json.writeFieldName(member.getName());
                    writeVector(member, i);
                }
                json.writeEndObject();
            }
            case Float4Vector f -> json.writeNumber(f.get(i));
            case IntVector n -> json.writeNumber(n.get(i));
            default -> writeValue(v.getObject(i));
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
