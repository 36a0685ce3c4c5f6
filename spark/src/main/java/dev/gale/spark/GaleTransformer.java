package dev.gale.spark;

import dev.gale.encoder.EmbeddingModel;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * What Gale's Spark ML transformers share: the model params, and the one way a partition goes through Gale.
 * <pre>
 *   partition rows  -> chunks of batchRows rows, in order
 *   chunk           -> its texts (null stays null) -> one padding-free batch through the model of this JVM
 *                      ({@link GaleModels}), cut into passes of at most maxBatchTokens tokens
 *                   -> each row with the new columns appended, in the same order
 * </pre>
 * At most two chunks per task are in memory at a time, whatever the partition's size: the one the task waits for
 * and the next, which a scorer that can ({@link ChunkScorer#start}) tokenizes meanwhile. A subclass names its text
 * columns, its new columns and how a chunk of texts becomes their values ({@link ChunkScorer}).
 *
 * @param <T> the transformer itself, so that setters chain
 */
public abstract class GaleTransformer<T extends GaleTransformer<T>> extends Transformer {
    private static final long serialVersionUID = 1L;
    public static final String DEFAULT_MODEL = "all-minilm-l6-v2";
    public static final int DEFAULT_BATCH_ROWS = 512;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> model;
    private final Param<String> device;
    private final IntParam maxBatchTokens;
    private final IntParam threads;
    private final IntParam batchRows;

    protected GaleTransformer(String uid, String defaultOutputCol) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "the string column to score");
        outputCol = new Param<>(this, "outputCol", "the column the result goes to");
        model = new Param<>(this, "model", "a built-in alias (its jar on the class path), or a Hugging Face directory or ONNX "
                + "file every executor can read");
        device = new Param<>(this, "device", "where the encoder runs: cpu, or a device id of gale devices");
        maxBatchTokens = new IntParam(this, "maxBatchTokens", "tokens per encoder pass (bounds activation memory)",
                ParamValidators.gtEq(1));
        threads = new IntParam(this, "threads", "encoder threads per executor, 0 for the executor's cores", ParamValidators.gtEq(0));
        batchRows = new IntParam(this, "batchRows", "rows a task hands Gale at once (one padding-free batch)", ParamValidators.gtEq(1));
        setDefault(outputCol, defaultOutputCol);
        setDefault(model, DEFAULT_MODEL);
        setDefault(device, "cpu");
        setDefault(maxBatchTokens, EmbeddingModel.Options.DEFAULT_MAX_BATCH_TOKENS);
        setDefault(threads, 0);
        setDefault(batchRows, DEFAULT_BATCH_ROWS);
    }

    @SuppressWarnings("unchecked")
    protected final T self() {
        return (T) this;
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> model() {
        return model;
    }

    public Param<String> device() {
        return device;
    }

    public IntParam maxBatchTokens() {
        return maxBatchTokens;
    }

    public IntParam threads() {
        return threads;
    }

    public IntParam batchRows() {
        return batchRows;
    }

    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    public String getModel() {
        return getOrDefault(model);
    }

    public String getDevice() {
        return getOrDefault(device);
    }

    public int getMaxBatchTokens() {
        return (Integer) getOrDefault(maxBatchTokens);
    }

    public int getThreads() {
        return (Integer) getOrDefault(threads);
    }

    public int getBatchRows() {
        return (Integer) getOrDefault(batchRows);
    }

    public T setInputCol(String column) {
        set(inputCol, column);
        return self();
    }

    public T setOutputCol(String column) {
        set(outputCol, column);
        return self();
    }

    public T setModel(String name) {
        set(model, name);
        return self();
    }

    public T setDevice(String name) {
        set(device, name);
        return self();
    }

    public T setMaxBatchTokens(int tokens) {
        set(maxBatchTokens, tokens);
        return self();
    }

    public T setThreads(int count) {
        set(threads, count);
        return self();
    }

    public T setBatchRows(int rows) {
        set(batchRows, rows);
        return self();
    }

    /** The model as this transformer's params say; embedders add their dimensions and normalization. */
    protected ModelSpec.Builder spec() {
        return ModelSpec.builder(getModel()).device(getDevice()).maxBatchTokens(getMaxBatchTokens()).threads(getThreads());
    }

    /** The text columns, in the order {@link ChunkScorer#score} gets them; an optional one may be null. */
    protected abstract List<String> textColumns();

    /** The new columns, appended after the input's. */
    protected abstract List<StructField> outputFields();

    /** Turns one chunk's texts into the new columns' values; shipped to the executors with each task. */
    protected abstract ChunkScorer scorer();

    /**
     * The new columns' values for a chunk: {@code texts[c][r]} is column c's text of row r (null where the row has
     * none); the result's {@code [r]} holds row r's new values, in {@link #outputFields()} order.
     */
    public interface ChunkScorer extends Serializable {
        Object[][] score(String[][] texts);

        /**
         * Starts scoring a chunk and returns what waits for it: a scorer that can prepare a chunk ahead (tokenize
         * it while the encoder runs the one before) returns before the work is done; by default the chunk is
         * scored now, on the task's thread.
         */
        default Pending start(String[][] texts) {
            Object[][] done = score(texts);
            return () -> done;
        }

        /** Loads the model {@link #score} uses into this JVM, if it is not there yet ({@link GaleModels}). */
        void load();
    }

    /** A started chunk's values: {@link #get} waits for them, on the task's thread. */
    public interface Pending {
        Object[][] get();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        if (!isDefined(inputCol)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": inputCol is not set; expected the name of a string column");
        }
        for (String c : textColumns()) {
            if (c == null) {
                continue;
            }
            if (!Arrays.asList(schema.fieldNames()).contains(c)) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": column '" + c + "' is not in the input; its columns are "
                        + Arrays.toString(schema.fieldNames()));
            }
            StructField f = schema.apply(c);
            if (!f.dataType().equals(DataTypes.StringType)) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": column '" + c + "' is " + f.dataType().simpleString()
                        + ", expected string");
            }
        }
        StructType out = schema;
        for (StructField f : outputFields()) {
            if (Arrays.asList(schema.fieldNames()).contains(f.name())) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": output column '" + f.name()
                        + "' is already in the input; set another outputCol");
            }
            out = out.add(f);
        }
        return out;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = transformSchema(dataset.schema());
        List<String> columns = textColumns();
        int[] index = new int[columns.size()];
        for (int c = 0; c < index.length; c++) {
            index[c] = columns.get(c) == null ? -1 : dataset.schema().fieldIndex(columns.get(c));
        }
        ChunkScorer scorer = scorer();
        if (GaleModels.checkModelIfLocal(dataset.sparkSession(), getModel(), getClass().getSimpleName())) {
            GaleModels.loadAhead(scorer::load);   // this JVM is the executor: the model loads while Spark plans the job
        }
        return dataset.toDF().mapPartitions(new Chunks(index, getBatchRows(), scorer), Encoders.row(schema));
    }

    @Override
    public T copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /**
     * A partition in chunks of {@code rows} rows: rows keep their order. The chunk after the one being waited for is
     * started first (read from the input on the task's thread, handed to the scorer), so at most two chunks of a
     * task are in memory at a time, whatever the partition's size.
     */
    private record Chunks(int[] textIndex, int rows, ChunkScorer scorer) implements MapPartitionsFunction<Row, Row> {
        private record Started(List<Row> rows, Pending values) {}

        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            return new Iterator<>() {
                private final ArrayDeque<Started> ahead = new ArrayDeque<>(2);
                private Iterator<Row> chunk = Collections.emptyIterator();

                @Override
                public boolean hasNext() {
                    while (!chunk.hasNext()) {
                        fill();
                        Started next = ahead.poll();
                        if (next == null) {
                            return false;
                        }
                        chunk = withValues(next.rows(), next.values().get());
                    }
                    return true;
                }

                /** Up to two chunks started: the one to wait for next and the one after, on its way meanwhile. */
                private void fill() {
                    while (ahead.size() < 2 && input.hasNext()) {
                        List<Row> in = new ArrayList<>(rows);
                        while (in.size() < rows && input.hasNext()) {
                            in.add(input.next());
                        }
                        ahead.add(new Started(in, scorer.start(texts(in))));
                    }
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return chunk.next();
                }
            };
        }

        private String[][] texts(List<Row> in) {
            String[][] texts = new String[textIndex.length][in.size()];
            for (int c = 0; c < textIndex.length; c++) {
                if (textIndex[c] >= 0) {
                    for (int r = 0; r < in.size(); r++) {
                        Row row = in.get(r);
                        texts[c][r] = row.isNullAt(textIndex[c]) ? null : row.getString(textIndex[c]);
                    }
                }
            }
            return texts;
        }

        private static Iterator<Row> withValues(List<Row> in, Object[][] added) {
            List<Row> out = new ArrayList<>(in.size());
            for (int r = 0; r < in.size(); r++) {
                Row row = in.get(r);
                Object[] values = new Object[row.length() + added[r].length];
                for (int i = 0; i < row.length(); i++) {
                    values[i] = row.get(i);
                }
                System.arraycopy(added[r], 0, values, row.length(), added[r].length);
                out.add(RowFactory.create(values));
            }
            return out.iterator();
        }
    }
}
