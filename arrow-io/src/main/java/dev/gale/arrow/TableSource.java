package dev.gale.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An input table opened for streaming: Parquet (parquet-java, decoding only the needed columns), Arrow
 * IPC file or stream, JSONL or plain text lines. Batches come from {@link #reader()};
 * the columns asked for are checked when opening, with an error that lists the columns there are.
 */
public final class TableSource implements AutoCloseable {
    private final String name;
    private final TableFormat format;
    private final ArrowReader reader;
    private final Schema schema;
    private final long rowCount;

    private TableSource(String name, TableFormat format, ArrowReader reader, Schema schema, long rowCount) {
        this.name = name;
        this.format = format;
        this.reader = reader;
        this.schema = schema;
        this.rowCount = rowCount;
    }

    /**
     * Opens {@code input} ("-" is stdin, for the stream formats) holding a string column {@code textColumn}
     * and the columns in {@code keep}.
     */
    public static TableSource open(String input, TableFormat format, String textColumn, List<String> keep,
                                   int rowsPerBatch, BufferAllocator allocator) throws IOException {
        return open(input, format, textColumn, null, keep, rowsPerBatch, allocator);
    }

    /**
     * As above, with a second string column {@code pairColumn} (a pair's second text; a JSONL field), or null.
     */
    public static TableSource open(String input, TableFormat format, String textColumn, String pairColumn, List<String> keep,
                                   int rowsPerBatch, BufferAllocator allocator) throws IOException {
        boolean stdin = input.equals("-");
        if (stdin && (format == TableFormat.PARQUET || format == TableFormat.ARROW)) {
            throw new BadInputException(format.id() + " input cannot come from stdin (it is read from the end); give --input a file");
        }
        String name = stdin ? "stdin" : input;
        Path path = stdin ? null : Path.of(input);
        if (path != null && !Files.isRegularFile(path)) {
            throw new BadInputException(input + ": " + (Files.exists(path) ? "not a regular file" : "no such file"));
        }
        if (path != null && format.columnar() && Files.size(path) == 0) {
            throw new BadInputException(input + ": empty file");
        }
        switch (format) {
            case PARQUET -> {
                ParquetTableReader reader = new ParquetTableReader(path, name, texts(textColumn, pairColumn), keep, rowsPerBatch, allocator);
                return new TableSource(name, format, reader, reader.getVectorSchemaRoot().getSchema(), reader.rowCount());
            }
            case ARROW -> {
                FileChannel channel = FileChannel.open(path);
                ArrowFileReader reader = new ArrowFileReader(channel, allocator);
                Schema schema = schemaOf(reader, name);
                checkColumns(schema, name, texts(textColumn, pairColumn), keep);
                return new TableSource(name, format, reader, schema, -1);
            }
            case ARROWS -> {
                ArrowStreamReader reader = new ArrowStreamReader(open(path), allocator);
                Schema schema = schemaOf(reader, name);
                checkColumns(schema, name, texts(textColumn, pairColumn), keep);
                return new TableSource(name, format, reader, schema, -1);
            }
            case JSONL, TEXT -> {
                if (format == TableFormat.TEXT && pairColumn != null) {
                    throw new BadInputException(name + ": text lines hold one text each; give JSONL or a table for a pair column ('"
                            + pairColumn + "')");
                }
                List<String> texts = texts(textColumn, pairColumn);
                if (keep.stream().anyMatch(k -> !texts.contains(k))) {
                    throw new BadInputException(name + ": lines have no columns to keep but the " + (pairColumn == null ? "text '" + textColumn + "'"
                            : "texts '" + textColumn + "' and '" + pairColumn + "'") + "; JSONL output keeps every other field of JSONL input");
                }
                LinesReader reader = new LinesReader(open(path), name, format == TableFormat.JSONL, texts, rowsPerBatch, allocator);
                return new TableSource(name, format, reader, reader.getVectorSchemaRoot().getSchema(), path == null ? -1 : countLines(path));
            }
            default -> throw new IllegalStateException(format.toString());
        }
    }

    private static InputStream open(Path path) throws IOException {
        return new BufferedInputStream(path == null ? System.in : Files.newInputStream(path), 1 << 16);
    }

    private static Schema schemaOf(ArrowReader reader, String name) throws IOException {
        try {
            return reader.getVectorSchemaRoot().getSchema();
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw new BadInputException(name + ": not a readable Arrow IPC file (" + firstLine(e) + ")");
        }
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    /** Lines in a file, counting a last line without a terminator; for the progress bar's total. */
    private static long countLines(Path path) throws IOException {
        long lines = 0;
        int last = '\n';
        try (InputStream in = Files.newInputStream(path)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
                last = buffer[n - 1];
            }
        }
        return last == '\n' ? lines : lines + 1;
    }

    /** The text column, then the pair column if there is one. */
    private static List<String> texts(String textColumn, String pairColumn) {
        return pairColumn == null ? List.of(textColumn) : List.of(textColumn, pairColumn);
    }

    /** Fails unless every {@code texts} column is a Utf8 / LargeUtf8 column and every {@code keep} column exists. */
    static void checkColumns(Schema schema, String name, List<String> texts, List<String> keep) {
        for (String text : texts) {
            Field field = find(schema, name, text);
            ArrowType type = field.getType();
            if (!(type instanceof ArrowType.Utf8 || type instanceof ArrowType.LargeUtf8) || field.getDictionary() != null) {
                throw new BadInputException(name + ": column '" + text + "' is " + describe(field)
                        + ", expected a string column (utf8 or large_utf8); the columns are: " + columns(schema));
            }
        }
        for (String k : keep) {
            Field kept = find(schema, name, k);
            if (kept.getDictionary() != null) {
                throw new BadInputException(name + ": column '" + k + "' is dictionary-encoded, which --keep does not support yet");
            }
        }
    }

    private static Field find(Schema schema, String name, String column) {
        for (Field f : schema.getFields()) {
            if (f.getName().equals(column)) {
                return f;
            }
        }
        throw new BadInputException(name + ": no column '" + column + "'; the columns are: " + columns(schema));
    }

    private static String columns(Schema schema) {
        return schema.getFields().stream().filter(f -> !f.getName().equals(LinesReader.FIELDS))
                .map(f -> f.getName() + " (" + describe(f) + ")").collect(Collectors.joining(", "));
    }

    static String describe(Field f) {
        String type = switch (f.getType()) {
            case ArrowType.Int i -> (i.getIsSigned() ? "int" : "uint") + i.getBitWidth();
            case ArrowType.FloatingPoint p -> switch (p.getPrecision()) {
                case HALF -> "float16";
                case SINGLE -> "float32";
                case DOUBLE -> "float64";
            };
            case ArrowType.Utf8 u -> "utf8";
            case ArrowType.LargeUtf8 u -> "large_utf8";
            case ArrowType.Binary b -> "binary";
            case ArrowType.Bool b -> "bool";
            case ArrowType.List l -> "list<" + describe(f.getChildren().getFirst()) + ">";
            case ArrowType.FixedSizeList l -> "fixed_size_list<" + describe(f.getChildren().getFirst()) + ">[" + l.getListSize() + "]";
            default -> f.getType().toString().toLowerCase(java.util.Locale.ROOT);
        };
        return f.getDictionary() != null ? "dictionary of " + type : type;
    }

    public String name() {
        return name;
    }

    public TableFormat format() {
        return format;
    }

    /** Batches in input order; the reader owns its root, reloaded on each batch. */
    public ArrowReader reader() {
        return reader;
    }

    public Schema schema() {
        return schema;
    }

    /** Rows in the input, or -1 where the format does not say without reading it all. */
    public long rowCount() {
        return rowCount;
    }

    /** Where row {@code row} (0-based) of the input is, for error messages. */
    public String where(long row) {
        return switch (format) {
            case JSONL, TEXT -> name + ":" + (row + 1);
            default -> name + ", row " + row;
        };
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
