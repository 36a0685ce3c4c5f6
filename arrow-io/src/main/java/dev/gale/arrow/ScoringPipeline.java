package dev.gale.arrow;

import dev.gale.encoder.TokenMemory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Batch scoring: a table in, the same rows out in the same order, with the columns a {@link Scorer} appends
 * (an embedding, a label and scores, entities, ...).
 * <pre>
 *   reader thread    source batches, cut to at most rowsPerBatch rows (buffers moved, not copied)
 *     -> tokenizer pool   one task per batch: scorer.prepare (text column -> token ids)
 *     -> queue (depth)    futures in input order
 *   encoder thread   scorer.score -> the new columns
 *     -> queue (depth)
 *   calling thread   kept columns + new columns -> sink
 * </pre>
 * The queues are bounded, so a slow stage stops the ones before it and memory stays bounded by about
 * {@code 2 * depth + 3} batches whatever the input size. Any failure stops every stage and is rethrown;
 * the sink is never committed then. With {@link Options#topK} the sink keeps only the K rows of highest
 * {@code score} (see {@link TopRows}): the one case where fewer rows come out than go in.
 *
 * @param <P> the scorer's prepared batch
 */
public final class ScoringPipeline<P extends Scorer.Prepared> {

    /**
     * @param textColumn       the Utf8 / LargeUtf8 column to score
     * @param pairColumn       a second string column, the pair's second text (classify, rerank), or null
     * @param keep             input columns copied to the output, in this order, before the new columns
     * @param truncate         cut texts over the model's max length (else fail naming the row)
     * @param rowsPerBatch     rows read, tokenized and written per step
     * @param tokenizerThreads threads tokenizing batches ahead of the encoder
     * @param depth            batches queued between stages
     * @param topK             write only the K rows of highest {@code score}, highest first; 0 for every row
     */
    public record Options(String textColumn, String pairColumn, List<String> keep, boolean truncate, int rowsPerBatch,
                          int tokenizerThreads, int depth, int topK) {
        public Options {
            keep = List.copyOf(keep);
            if (rowsPerBatch < 1 || tokenizerThreads < 1 || depth < 1) {
                throw new IllegalArgumentException("rows per batch, tokenizer threads and queue depth must be at least 1");
            }
            if (topK < 0) {
                throw new IllegalArgumentException("top-k must be positive, got " + topK);
            }
            if (textColumn.equals(pairColumn)) {
                throw new IllegalArgumentException("the pair column must differ from the text column '" + textColumn + "'");
            }
        }

        public static Builder builder(String textColumn) {
            return new Builder(textColumn);
        }

        public static final class Builder {
            private final String textColumn;
            private String pairColumn;
            private List<String> keep = List.of();
            private boolean truncate = true;
            private int rowsPerBatch = 512;
            private int tokenizerThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
            private int depth = 2;
            private int topK;

            private Builder(String textColumn) {
                this.textColumn = textColumn;
            }

            public Builder pairColumn(String column) {
                this.pairColumn = column;
                return this;
            }

            public Builder keep(List<String> columns) {
                this.keep = columns;
                return this;
            }

            public Builder truncate(boolean truncate) {
                this.truncate = truncate;
                return this;
            }

            public Builder rowsPerBatch(int rows) {
                this.rowsPerBatch = rows;
                return this;
            }

            public Builder tokenizerThreads(int threads) {
                this.tokenizerThreads = threads;
                return this;
            }

            public Builder depth(int depth) {
                this.depth = depth;
                return this;
            }

            public Builder topK(int k) {
                this.topK = k;
                return this;
            }

            public Options build() {
                return new Options(textColumn, pairColumn, keep, truncate, rowsPerBatch, tokenizerThreads, depth, topK);
            }
        }
    }

    /** Hears how a run goes, on the writing thread. */
    public interface Listener {
        /** Before the first batch: the input's row count, or -1 where the format does not tell. */
        default void started(long rows) {
        }

        /** After each batch is scored and handed to the sink. */
        void written(int rows, long tokens);
    }

    /**
     * What a run did: rows read and scored (with {@link Options#topK}, more than were written). The stage
     * times are busy time (tokenize: summed over its threads); they overlap, so they add up to more than the
     * wall time when the stages run in parallel.
     */
    public record Summary(long rows, long nulls, long tokens, long truncated,
                          long wallNanos, long readNanos, long tokenizeNanos, long encodeNanos, long writeNanos, long peakArrowBytes) {}

    /** A batch of input rows; {@code keep} may hold {@code text} or {@code pair} themselves when they are kept. */
    private record Input(long firstRow, FieldVector text, FieldVector pair, List<FieldVector> keep) {
        void close() {
            text.close();
            if (pair != null) {
                pair.close();
            }
            keep.forEach(FieldVector::close);
        }

        /** Frees the texts unless they go to the output. */
        void dropTexts() {
            if (!keep.contains(text)) {
                text.close();
            }
            if (pair != null && !keep.contains(pair)) {
                pair.close();
            }
        }
    }

    /** A batch read and tokenized: the input rows and what the scorer made of them. */
    private record Ready<P>(Input input, P batch) {}

    private record Scored(Input input, List<FieldVector> columns, long tokens) {}

    private final CompletableFuture<Ready<P>> endOfInput = CompletableFuture.completedFuture(null);
    private static final Scored END_OF_OUTPUT = new Scored(null, null, 0);

    private final Scorer<P> scorer;
    private final TableSource source;
    private final BufferAllocator allocator;
    private final Options options;
    private final BlockingQueue<CompletableFuture<Ready<P>>> prepared;
    private final BlockingQueue<Scored> scored;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong tokenizeNanos = new AtomicLong();
    private long readNanos;
    private long encodeNanos;
    private long writeNanos;
    private long rows;
    private long nulls;
    private long tokens;
    private long truncated;

    private ScoringPipeline(Scorer<P> scorer, TableSource source, BufferAllocator allocator, Options options) {
        this.scorer = scorer;
        this.source = source;
        this.allocator = allocator;
        this.options = options;
        this.prepared = new ArrayBlockingQueue<>(options.depth());
        this.scored = new ArrayBlockingQueue<>(options.depth());
    }

    /**
     * The output schema for {@code source}: the kept columns, then {@code outputs} (the scorer's fields). JSONL
     * written from JSONL input also carries each line's other fields. A kept column named like an output is an error.
     */
    public static Schema outputSchema(TableSource source, Options options, List<Field> outputs, TableFormat output) {
        Set<String> names = new HashSet<>();
        outputs.forEach(f -> names.add(f.getName()));
        Schema input = source.schema();
        List<Field> fields = new ArrayList<>();
        for (String name : options.keep()) {
            if (names.contains(name)) {
                throw new BadInputException(source.name() + ": column '" + name + "' would clash with the output column of that name; "
                        + "do not --keep it");
            }
            fields.add(input.findField(name));
        }
        if (output == TableFormat.JSONL && input.getFields().stream().anyMatch(f -> f.getName().equals(LinesReader.FIELDS))) {
            fields.add(input.findField(LinesReader.FIELDS));
        }
        fields.addAll(outputs);
        return new Schema(fields);
    }

    /**
     * Scores {@code input} into {@code output} (a file name, or "-" for stdin / stdout where the format allows),
     * in the given formats; the output appears only when complete. {@code listener} first hears the input's row
     * count (-1 if unknown), then each scored batch.
     */
    public static <P extends Scorer.Prepared> Summary run(Scorer<P> scorer, String input, TableFormat inputFormat, String output,
                                                          TableFormat outputFormat, Options options, Listener listener) throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
             TableSource source = TableSource.open(input, inputFormat, options.textColumn(), options.pairColumn(), options.keep(),
                     options.rowsPerBatch(), allocator);
             TableSink sink = open(output, outputFormat, outputSchema(source, options, scorer.fields(), outputFormat), options, allocator)) {
            listener.started(source.rowCount());
            return run(scorer, source, sink, allocator, options, listener);
        }
    }

    /** The sink for {@code options}: {@link TableSink#open}, kept to the top K rows when asked. */
    private static TableSink open(String output, TableFormat format, Schema schema, Options options, BufferAllocator allocator)
            throws java.io.IOException {
        TableSink sink = TableSink.open(output, format, schema, allocator);
        if (options.topK() == 0) {
            return sink;
        }
        try {
            return new TopRows(sink, options.topK(), TopRows.SCORE, allocator);
        } catch (RuntimeException e) {
            sink.close();
            throw e;
        }
    }

    /**
     * Scores every row of {@code source} into {@code sink} and commits it; on failure nothing is committed.
     * The sink's schema says which columns to carry: all of its fields but the scorer's, at the end.
     */
    public static <P extends Scorer.Prepared> Summary run(Scorer<P> scorer, TableSource source, TableSink sink, BufferAllocator allocator,
                                                          Options options, Listener listener) throws Exception {
        return new ScoringPipeline<>(scorer, source, allocator, options).run(sink, listener);
    }

    private Summary run(TableSink sink, Listener listener) throws Exception {
        long start = System.nanoTime();
        List<Field> outputFields = sink.schema().getFields();
        List<String> kept = outputFields.subList(0, outputFields.size() - scorer.fields().size()).stream().map(Field::getName).toList();
        ExecutorService tokenizers = Executors.newFixedThreadPool(options.tokenizerThreads(),
                Thread.ofPlatform().name("gale-tokenize-", 0).daemon().factory());
        Thread reader = Thread.ofPlatform().name("gale-read").start(() -> guard(() -> read(kept, tokenizers)));
        Thread encoder = Thread.ofPlatform().name("gale-encode").start(() -> guard(this::encode));
        try {
            write(sink, listener);
            if (failure.get() == null && rows == 0) {
                throw new BadInputException(source.name() + ": no rows to " + scorer.task());
            }
            if (failure.get() == null) {
                long t = System.nanoTime();
                sink.commit();
                writeNanos += System.nanoTime() - t;
            }
        } catch (Throwable t) {
            fail(t);
        } finally {
            reader.join();
            encoder.join();
            tokenizers.shutdown();
            tokenizers.awaitTermination(1, TimeUnit.MINUTES);
            drain();
        }
        Throwable t = failure.get();
        if (t != null) {
            throw t instanceof Exception e ? e : new RuntimeException(t);
        }
        return new Summary(rows, nulls, tokens, truncated, System.nanoTime() - start, readNanos, tokenizeNanos.get(), encodeNanos, writeNanos,
                allocator.getPeakMemoryAllocation());
    }

    private interface Stage {
        void run() throws Exception;
    }

    private void guard(Stage stage) {
        try {
            stage.run();
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void fail(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (!(cause instanceof CancellationException)) {
            failure.compareAndSet(null, cause);
        } else {
            failure.compareAndSet(null, new IllegalStateException("pipeline cancelled"));
        }
    }

    /** Reader thread: source batches, cut to rowsPerBatch, handed to the tokenizers in order. */
    private void read(List<String> kept, ExecutorService tokenizers) throws Exception {
        ArrowReader reader = source.reader();
        String pairColumn = options.pairColumn();
        long row = 0;
        while (true) {
            long t = System.nanoTime();
            boolean more = reader.loadNextBatch();
            if (!more) {
                readNanos += System.nanoTime() - t;
                break;
            }
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            int count = root.getRowCount();
            for (int from = 0; from < count; from += options.rowsPerBatch()) {
                int length = Math.min(options.rowsPerBatch(), count - from);
                FieldVector text = take(root.getVector(options.textColumn()), from, length, count);
                FieldVector pair = pairColumn == null ? null : take(root.getVector(pairColumn), from, length, count);
                List<FieldVector> keep = new ArrayList<>(kept.size());
                for (String name : kept) {
                    keep.add(name.equals(options.textColumn()) ? text : name.equals(pairColumn) ? pair
                            : take(root.getVector(name), from, length, count));
                }
                Input input = new Input(row + from, text, pair, keep);
                readNanos += System.nanoTime() - t;
                TokenMemory memory = tokenMemory(length);
                put(prepared, CompletableFuture.supplyAsync(() -> prepare(input, memory), tokenizers));
                t = System.nanoTime();
            }
            row += count;
        }
        put(prepared, endOfInput);
    }

    /** Rows [from, from + length) of a vector of {@code count} rows, moved out of the reader's root. */
    private FieldVector take(FieldVector vector, int from, int length, int count) {
        TransferPair pair = vector.getTransferPair(allocator);
        if (from == 0 && length == count) {
            pair.transfer();
        } else {
            pair.splitAndTransfer(from, length);
        }
        return (FieldVector) pair.getTo();
    }

    /**
     * For a device backend, a free input region of the device for the next batch of {@code rows} rows, taken
     * in batch order (so a batch never waits on a later one): the tokenizer writes the ids there and the
     * device reads them in place. Null on the CPU, or when the batch is larger than the device's regions.
     */
    private TokenMemory tokenMemory(int rows) throws InterruptedException {
        TokenMemory.Pool pool = scorer.tokenMemory();
        if (pool == null || !pool.fits(rows, (long) rows * scorer.maxLength())) {
            return null;
        }
        while (true) {
            TokenMemory memory = pool.poll(100);
            if (memory != null) {
                return memory;
            }
            if (failure.get() != null) {
                throw new CancellationException();
            }
        }
    }

    private Ready<P> prepare(Input input, TokenMemory memory) {
        if (failure.get() != null) {
            input.close();
            if (memory != null) {
                memory.release();
            }
            throw new CancellationException();
        }
        long t = System.nanoTime();
        try {
            return new Ready<>(input, scorer.prepare(new Scorer.Rows(input.text(), input.pair(), input.firstRow(), source,
                    options.truncate(), memory), allocator));
        } catch (RuntimeException | Error e) {
            input.close();
            throw e;
        } finally {
            tokenizeNanos.addAndGet(System.nanoTime() - t);
        }
    }

    /** Encoder thread: in input order, the prepared batch in, the new columns out. */
    private void encode() throws Exception {
        while (true) {
            CompletableFuture<Ready<P>> next = take(prepared);
            if (next == endOfInput) {
                put(scored, END_OF_OUTPUT);
                return;
            }
            Ready<P> batch = next.join();
            long t = System.nanoTime();
            try (P ready = batch.batch()) {
                List<FieldVector> columns = scorer.score(ready, allocator);
                nulls += ready.nulls();
                truncated += ready.truncated();
                encodeNanos += System.nanoTime() - t;
                put(scored, new Scored(batch.input(), columns, ready.tokens()));
            } catch (Throwable e) {
                batch.input().close();
                throw e;
            }
        }
    }

    /** Calling thread: kept columns and the new ones, to the sink, in order. */
    private void write(TableSink sink, Listener listener) throws Exception {
        while (true) {
            Scored batch = take(scored);
            if (batch == END_OF_OUTPUT) {
                return;
            }
            long t = System.nanoTime();
            int count = batch.input().text().getValueCount();
            batch.input().dropTexts();
            List<FieldVector> vectors = new ArrayList<>(batch.input().keep());
            vectors.addAll(batch.columns());
            VectorSchemaRoot root = new VectorSchemaRoot(vectors);
            root.setRowCount(count);
            sink.write(root);
            writeNanos += System.nanoTime() - t;
            rows += count;
            tokens += batch.tokens();
            listener.written(count, batch.tokens());
        }
    }

    private <T> void put(BlockingQueue<T> queue, T item) throws InterruptedException {
        while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
            if (failure.get() != null) {
                release(item);
                throw new CancellationException();
            }
        }
    }

    private <T> T take(BlockingQueue<T> queue) throws InterruptedException {
        while (true) {
            T item = queue.poll(100, TimeUnit.MILLISECONDS);
            if (item != null) {
                return item;
            }
            if (failure.get() != null) {
                throw new CancellationException();
            }
        }
    }

    /** After a failure: frees whatever is still queued. */
    private void drain() {
        for (CompletableFuture<Ready<P>> f; (f = prepared.poll()) != null; ) {
            release(f);
        }
        for (Scored s; (s = scored.poll()) != null; ) {
            release(s);
        }
    }

    private void release(Object item) {
        if (item instanceof CompletableFuture<?> future && future != endOfInput) {
            future.thenAccept(p -> {
                Ready<?> batch = (Ready<?>) p;
                ((Scorer.Prepared) batch.batch()).close();
                batch.input().close();
            });
        } else if (item instanceof Scored s && s != END_OF_OUTPUT) {
            s.columns().forEach(FieldVector::close);
            s.input().close();
        }
    }
}
