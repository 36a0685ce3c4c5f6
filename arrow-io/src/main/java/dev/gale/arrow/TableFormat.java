package dev.gale.arrow;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The table formats Gale reads and writes, named as on the command line. */
public enum TableFormat {
    PARQUET("parquet", ".parquet", ".pq"),
    /** Arrow IPC file format (random access, with a footer); also what Feather v2 is. */
    ARROW("arrow", ".arrow", ".feather", ".ipc"),
    /** Arrow IPC stream format. */
    ARROWS("arrows", ".arrows", ".arrowstream"),
    JSONL("jsonl", ".jsonl", ".ndjson"),
    /** One text per line; input only. */
    TEXT("text", ".txt");

    private final String id;
    private final String[] extensions;

    TableFormat(String id, String... extensions) {
        this.id = id;
        this.extensions = extensions;
    }

    public String id() {
        return id;
    }

    public boolean columnar() {
        return this == PARQUET || this == ARROW || this == ARROWS;
    }

    /** The format named {@code name} (as {@link #id()}), or a one-line error listing the known ones. */
    public static TableFormat named(String name) {
        for (TableFormat f : values()) {
            if (f.id.equals(name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new BadInputException("unknown format '" + name + "'; expected one of "
                + Arrays.stream(values()).map(TableFormat::id).collect(Collectors.joining(", ")));
    }

    /** The format a file name's extension says, or {@code fallback} ("-", or an extension Gale does not know). */
    public static TableFormat ofPath(String path, TableFormat fallback) {
        String lower = path.toLowerCase(Locale.ROOT);
        for (TableFormat f : values()) {
            for (String extension : f.extensions) {
                if (lower.endsWith(extension)) {
                    return f;
                }
            }
        }
        return fallback;
    }
}
