package dev.gale.arrow;

import dev.gale.encoder.Scheduler;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Batch scoring: a table in, the same rows out in the same order, with the columns a {@link Scorer} appends
 * (an embedding, a label and scores, entities, ...).
 * <pre>
 *   reader thread    source batches, cut to at most rowsPerBatch rows (buffers moved, not copied)
 *     -> Scheduler   (the one Gale has: the server uses it too)
 *          tokenizer pool   one job per batch: scorer.prepare (text column -> token ids)
 *          encoder thread   scorer.score -> the new columns; a batch of rowsPerBatch rows is one job, cut to
 *                           max-batch-tokens passes by the scorer (TokenBatch.cuts)
 *     -> queue (2 * depth)  futures in input order
 *   calling thread   kept columns + new columns -> sink
 * </pre>
 * The queue is bounded, so a slow stage stops the ones before it and memory stays bounded by about
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

    /** A batch of rows for the scheduler: read, then tokenized (batch), then scored (columns). */
    private static final class Job<P extends Scorer.Prepared> extends Scheduler.Job {
        final Input input;
        final P batch;
        List<FieldVector> columns;
        private boolean encoded;   // the encoder closed the token batch

        Job(Input input, P batch) {
            this.input = input;
            this.batch = batch;
        }

        @Override
        public int tokens() {
            return (int) Math.min(Integer.MAX_VALUE, batch.tokens());
        }

        /** Frees whatever the job still holds. */
        void release() {
            if (!encoded) {
                batch.close();
            }
            if (columns != null) {
                columns.forEach(FieldVector::close);
            }
            input.close();
        }
    }

    private final CompletableFuture<Job<P>> endOfInput = CompletableFuture.completedFuture(null);

    private final Scorer<P> scorer;
    private final TableSource source;
    private final BufferAllocator allocator;
    private final Options options;
    private final BlockingQueue<CompletableFuture<Job<P>>> pending;
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
        this.pending = new ArrayBlockingQueue<>(2 * options.depth());
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
        dev.gale.encoder.JvmFlags.requireArrowAccess();
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
        // each job runs alone (a batch of rows is a whole encoder pass, or more): the budget is the scorer's to cut
        Scheduler<Job<P>> scheduler = new Scheduler<>(new Scheduler.Options(1, 1, options.tokenizerThreads(), "gale"), this::encode, null);
        Thread reader = Thread.ofPlatform().name("gale-read").start(() -> guard(() -> read(kept, scheduler)));
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
            drain();
            scheduler.close(TimeUnit.MINUTES.toMillis(1));
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
    private void read(List<String> kept, Scheduler<Job<P>> scheduler) throws Exception {
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
                put(pending, scheduler.submit(() -> prepare(input, memory)));
                t = System.nanoTime();
            }
            row += count;
        }
        put(pending, endOfInput);
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

    private Job<P> prepare(Input input, TokenMemory memory) {
        if (failure.get() != null) {
            input.close();
            if (memory != null) {
                memory.release();
            }
            throw new CancellationException();
        }
        long t = System.nanoTime();
        try {
            return new Job<>(input, scorer.prepare(new Scorer.Rows(input.text(), input.pair(), input.firstRow(), source,
                    options.truncate(), memory), allocator));
        } catch (RuntimeException | Error e) {
            input.close();
            throw e;
        } finally {
            tokenizeNanos.addAndGet(System.nanoTime() - t);
        }
    }

    /** Encoder thread (the scheduler's): a prepared batch in, the new columns out; its token buffers freed. */
    private void encode(List<Job<P>> jobs) {
        for (Job<P> job : jobs) {
            if (failure.get() != null) {
                job.release();
                throw new CancellationException();
            }
            long t = System.nanoTime();
            try (P ready = job.batch) {
                job.encoded = true;
                job.columns = scorer.score(ready, allocator);
                nulls += ready.nulls();
                truncated += ready.truncated();
                encodeNanos += System.nanoTime() - t;
            } catch (Throwable e) {
                job.input.close();
                throw e;
            }
        }
    }

    /** Calling thread: kept columns and the new ones, to the sink, in order. */
    private void write(TableSink sink, Listener listener) throws Exception {
        while (true) {
            CompletableFuture<Job<P>> next = take(pending);
            if (next == endOfInput) {
                return;
            }
            Job<P> batch = next.join();
            long t = System.nanoTime();
            int count = batch.input.text().getValueCount();
            batch.input.dropTexts();
            List<FieldVector> vectors = new ArrayList<>(batch.input.keep());
            vectors.addAll(batch.columns);
            VectorSchemaRoot root = new VectorSchemaRoot(vectors);
            root.setRowCount(count);
            sink.write(root);
            writeNanos += System.nanoTime() - t;
            rows += count;
            tokens += batch.batch.tokens();
            listener.written(count, batch.batch.tokens());
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

    /** After a failure: frees whatever is still queued, once it has run (or failed). */
    private void drain() {
        for (CompletableFuture<Job<P>> f; (f = pending.poll()) != null; ) {
            release(f);
        }
    }

    private void release(Object item) {
        if (item instanceof CompletableFuture<?> future && future != endOfInput) {
            future.thenAccept(j -> ((Job<?>) j).release());
        }
    }
}
