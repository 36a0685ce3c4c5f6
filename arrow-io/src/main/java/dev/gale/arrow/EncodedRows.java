package dev.gale.arrow;

import dev.gale.encoder.EncoderTask;
import dev.gale.encoder.tokenizer.Encoding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A batch tokenized for a task head: the encodings of its rows that have an output, and where they go.
 * Texts are decoded strictly (invalid UTF-8 is an error naming the row) and cut to the task's max length,
 * or refused over it when truncation is off.
 */
final class EncodedRows implements Scorer.Prepared {
    /** Rows in the batch, and the input row number of the first. */
    final int rows;
    final long firstRow;
    private final TableSource source;
    /** The batch row of each encoding, ascending. */
    final int[] present;
    final List<Encoding> encodings;
    /** The text of each encoding (the first text of a pair). */
    final List<String> texts;
    private final long tokens;
    private final long truncated;

    private EncodedRows(Scorer.Rows batch, int[] present, List<Encoding> encodings, List<String> texts) {
        this.rows = batch.count();
        this.firstRow = batch.firstRow();
        this.source = batch.source();
        this.present = present;
        this.encodings = encodings;
        this.texts = texts;
        this.tokens = encodings.stream().mapToLong(Encoding::length).sum();
        this.truncated = encodings.stream().filter(Encoding::truncated).count();
    }

    /** Each text, prefixed by {@code prefix} ("" for none); null texts have no output. */
    static EncodedRows texts(Scorer.Rows rows, EncoderTask task, String prefix) {
        String[] texts = TokenColumn.texts(rows.text(), rows::where);
        List<Integer> present = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        for (int r = 0; r < texts.length; r++) {
            if (texts[r] != null) {
                present.add(r);
                inputs.add(prefix + texts[r]);
            }
        }
        List<Encoding> encodings = task.tokenize(inputs);
        int[] at = present.stream().mapToInt(Integer::intValue).toArray();
        check(rows, task, at, inputs, null, encodings);
        return new EncodedRows(rows, at, encodings, inputs);
    }

    /**
     * Pairs: ({@code query}, text) when a query is given, else (text, pair column). A null text has no output;
     * so has a null pair when {@code pairRequired}, else the text goes alone.
     */
    static EncodedRows pairs(Scorer.Rows rows, EncoderTask task, String query, boolean pairRequired) {
        String[] texts = TokenColumn.texts(rows.text(), rows::where);
        String[] pairs = rows.pair() == null ? new String[texts.length] : TokenColumn.texts(rows.pair(), rows::where);
        List<Integer> present = new ArrayList<>();
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (int r = 0; r < texts.length; r++) {
            if (texts[r] == null) {
                continue;
            }
            if (query != null) {
                present.add(r);
                a.add(query);
                b.add(texts[r]);
            } else if (pairs[r] != null || !pairRequired) {
                present.add(r);
                a.add(texts[r]);
                b.add(pairs[r]);
            }
        }
        List<Encoding> encodings = task.tokenizePairs(a, b);
        int[] at = present.stream().mapToInt(Integer::intValue).toArray();
        check(rows, task, at, a, b, encodings);
        return new EncodedRows(rows, at, encodings, a);
    }

    /** With truncation off, a cut encoding is an error naming its row and its full length. */
    private static void check(Scorer.Rows rows, EncoderTask task, int[] at, List<String> a, List<String> b, List<Encoding> encodings) {
        if (rows.truncate()) {
            return;
        }
        for (int i = 0; i < encodings.size(); i++) {
            if (encodings.get(i).truncated()) {
                boolean pair = b != null && b.get(i) != null;
                int all = (pair ? task.tokenizer().encodePair(a.get(i), b.get(i), 0) : task.tokenizer().encode(a.get(i), 0)).length();
                throw new BadInputException(rows.where(at[i]) + ": " + (pair ? "the pair has " : "text has ") + all
                        + " tokens, more than the max length " + task.maxLength() + " (truncation is off)");
            }
        }
    }

    /** Where encoding {@code i}'s row is, for error messages. */
    String where(int i) {
        return source.where(firstRow + present[i]);
    }

    /**
     * Per batch row, {@code values[i]} at row {@code present[i]} and null elsewhere: the column values for
     * {@link Columns#vector}.
     */
    <T> List<T> spread(List<T> values) {
        List<T> out = Arrays.asList(newArray(rows));
        for (int i = 0; i < present.length; i++) {
            out.set(present[i], values.get(i));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T> T[] newArray(int n) {
        return (T[]) new Object[n];
    }

    @Override
    public long tokens() {
        return tokens;
    }

    @Override
    public long truncated() {
        return truncated;
    }

    @Override
    public long nulls() {
        return rows - present.length;
    }

    @Override
    public void close() {
    }
}
