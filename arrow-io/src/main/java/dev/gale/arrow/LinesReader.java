package dev.gale.arrow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Text lines as Arrow batches: plain text (one text per line) or JSONL (one object per line with a text
 * field). Strict UTF-8: a malformed byte sequence is an error naming the line, never a replacement
 * character. A UTF-8 BOM and CRLF line ends are accepted; an empty line is an empty text.
 * <p>
 * Columns: the text (Utf8; a JSON null gives a null row), for JSONL a pair's second text if asked for, and,
 * for JSONL, {@link #FIELDS}: the line's other fields as a JSON object, so that the output can keep them.
 */
final class LinesReader extends ArrowReader {
    /** The JSONL object without its text field. */
    static final String FIELDS = "__gale_jsonl_fields";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final InputStream in;
    private final String name;
    private final boolean jsonl;
    /** The text field, then the pair's field if any: one Utf8 column each. */
    private final List<String> textFields;
    private final int rowsPerBatch;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] line = new byte[1 << 12];
    private final byte[] buffer = new byte[1 << 16];
    private int bufferStart;
    private int bufferEnd;
    private long lineNumber;
    private long bytesRead;

    LinesReader(InputStream in, String name, boolean jsonl, List<String> textFields, int rowsPerBatch, BufferAllocator allocator) {
        super(allocator);
        if (!jsonl && textFields.size() != 1) {
            throw new IllegalArgumentException("text lines hold one text");
        }
        this.in = in;
        this.name = name;
        this.jsonl = jsonl;
        this.textFields = List.copyOf(textFields);
        this.rowsPerBatch = rowsPerBatch;
    }

    @Override
    protected Schema readSchema() {
        List<Field> fields = new ArrayList<>();
        for (String field : textFields) {
            fields.add(new Field(field, FieldType.nullable(ArrowType.Utf8.INSTANCE), null));
        }
        if (jsonl) {
            fields.add(new Field(FIELDS, FieldType.notNullable(ArrowType.Utf8.INSTANCE), null));
        }
        return new Schema(fields);
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        prepareLoadNextBatch();
        VectorSchemaRoot root = getVectorSchemaRoot();
        int texts = textFields.size();
        VarCharVector text = (VarCharVector) root.getVector(0);
        VarCharVector fields = jsonl ? (VarCharVector) root.getVector(texts) : null;
        for (int t = 0; t < texts; t++) {
            ((VarCharVector) root.getVector(t)).allocateNew(rowsPerBatch);
        }
        if (fields != null) {
            fields.allocateNew(rowsPerBatch);
        }
        int rows = 0;
        while (rows < rowsPerBatch) {
            int length = readLine();
            if (length < 0) {
                break;
            }
            String decoded = check(length);
            if (!jsonl) {
                text.setSafe(rows, line, 0, length);
            } else {
                ObjectNode object = parse(decoded);
                for (int t = 0; t < texts; t++) {
                    JsonNode value = object.remove(textFields.get(t));
                    if (!value.isNull()) {
                        ((VarCharVector) root.getVector(t)).setSafe(rows, value.asText().getBytes(StandardCharsets.UTF_8));
                    }
                }
                fields.setSafe(rows, JSON.writeValueAsBytes(object));
            }
            rows++;
        }
        if (rows == 0 && lineNumber == 0) {
            throw new BadInputException(name + ": empty input, expected " + (jsonl ? "one JSON object" : "one text") + " per line");
        }
        root.setRowCount(rows);
        return rows > 0;
    }

    /** Reads the next line, without its terminator, into {@code line}; its length, or -1 at the end. */
    private int readLine() throws IOException {
        int length = 0;
        while (true) {
            if (bufferStart == bufferEnd) {
                bufferEnd = in.read(buffer);
                bufferStart = 0;
                if (bufferEnd <= 0) {
                    bufferEnd = 0;
                    if (length == 0) {
                        return -1;
                    }
                    break;
                }
                bytesRead += bufferEnd;
            }
            int end = bufferStart;
            while (end < bufferEnd && buffer[end] != '\n') {
                end++;
            }
            int n = end - bufferStart;
            if (length + n > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
            }
            System.arraycopy(buffer, bufferStart, line, length, n);
            length += n;
            bufferStart = end;
            if (end < bufferEnd) {
                bufferStart++;
                break;
            }
        }
        lineNumber++;
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        if (lineNumber == 1 && length >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
            System.arraycopy(line, 3, line, 0, length - 3);
            length -= 3;
        }
        return length;
    }

    /** The line as text, decoded strictly: a malformed byte sequence is an error naming the line. */
    private String check(int length) {
        try {
            return decoder.decode(ByteBuffer.wrap(line, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw new BadInputException(name + ":" + lineNumber + ": invalid UTF-8");
        }
    }

    private ObjectNode parse(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadInputException(name + ":" + lineNumber + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new BadInputException(name + ":" + lineNumber + ": expected a JSON object with a '" + textFields.getFirst() + "' field");
        }
        for (String field : textFields) {
            JsonNode value = object.get(field);
            if (value == null || !(value.isTextual() || value.isNull())) {
                throw new BadInputException(name + ":" + lineNumber + ": field '" + field + "' is "
                        + (value == null ? "missing" : value.getNodeType().toString().toLowerCase(Locale.ROOT) + ", expected a string or null"));
            }
        }
        return object;
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    protected void closeReadSource() throws IOException {
        in.close();
    }
}
