package dev.gale.arrow;

import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.TokenMemory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

import java.util.ArrayList;
import java.util.List;
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
 * Batch scoring: a table in, the same rows out in the same order, with an embedding column.
 * <pre>
 *   reader thread    source batches, cut to at most rowsPerBatch rows (buffers moved, not copied)
 *     -> tokenizer pool   one task per batch: Utf8 column -> List&lt;Int32&gt; ids (= the TokenBatch)
 *     -> queue (depth)    futures in input order
 *   encoder thread   model.embed(view of the ids buffers) -> straight into the FixedSizeList&lt;Float32&gt; data
 *     -> queue (depth)
 *   calling thread   kept columns + embedding -> sink
 * </pre>
 * The queues are bounded, so a slow stage stops the ones before it and memory stays bounded by about
 * {@code 2 * depth + 3} batches whatever the input size. Any failure stops every stage and is rethrown;
 * the sink is never committed then.
 */
public final class EmbeddingPipeline {

    /**
     * @param textColumn       the Utf8 / LargeUtf8 column to embed
     * @param keep             input columns copied to the output, in this order, before the embedding
     * @param truncate         cut texts over the model's max length (else fail naming the row)
     * @param rowsPerBatch     rows read, tokenized and written per step
     * @param tokenizerThreads threads tokenizing batches ahead of the encoder
     * @param depth            batches queued between stages
     */
    /**
     * @param prompt prepended to every text (sentence-transformers' prompts, see {@link EmbeddingModel#prompt}); "" for none
     */
    public record Options(String textColumn, List<String> keep, boolean truncate, int rowsPerBatch, int tokenizerThreads, int depth,
                          String prompt) {
        public Options {
            keep = List.copyOf(keep);
            prompt = prompt == null ? "" : prompt;
            if (rowsPerBatch < 1 || tokenizerThreads < 1 || depth < 1) {
                throw new IllegalArgumentException("rows per batch, tokenizer threads and queue depth must be at least 1");
            }
        }

        public Options(String textColumn, List<String> keep, boolean truncate, int rowsPerBatch, int tokenizerThreads, int depth) {
            this(textColumn, keep, truncate, rowsPerBatch, tokenizerThreads, depth, "");
        }

        public static Options of(String textColumn, List<String> keep) {
            return new Options(textColumn, keep, true, 512, Math.max(1, Runtime.getRuntime().availableProcessors()), 2);
        }

        public Options withPrompt(String p) {
            return new Options(textColumn, keep, truncate, rowsPerBatch, tokenizerThreads, depth, p);
        }
    }

    /** Hears how a run goes, on the writing thread. */
    public interface Listener {
        /** Before the first batch: the input's row count, or -1 where the format does not tell. */
        default void started(long rows) {
        }

        /** After each batch is written. */
        void written(int rows, long tokens);
    }

    /**
     * What a run did. The stage times are busy time (tokenize: summed over its threads); they overlap,
     * so they add up to more than the wall time when the stages run in parallel.
     */
    public record Summary(long rows, long nulls, long tokens, long truncated,
                          long wallNanos, long readNanos, long tokenizeNanos, long encodeNanos, long writeNanos, long peakArrowBytes) {}

    /** A batch of input rows; {@code keep} may hold {@code text} itself when the text column is kept. */
    private record Input(long firstRow, FieldVector text, List<FieldVector> keep) {
        void close() {
            text.close();
            keep.forEach(FieldVector::close);
        }

        /** Frees the text unless it goes to the output. */
        void dropText() {
            if (!keep.contains(text)) {
                text.close();
            }
        }
    }

    private record Tokenized(Input input, TokenColumn tokens) {}

    private record Encoded(Input input, FixedSizeListVector embedding, long tokens) {}

    private static final CompletableFuture<Tokenized> END_OF_INPUT = CompletableFuture.completedFuture(null);
    private static final Encoded END_OF_OUTPUT = new Encoded(null, null, 0);

    private final EmbeddingModel model;
    /** Leading tokens of every sequence that pooling leaves out: the prompt's, when the model excludes it. */
    private final int promptTokens;
    private final TableSource source;
    private final BufferAllocator allocator;
    private final Options options;
    private final int dimensions;
    private final BlockingQueue<CompletableFuture<Tokenized>> tokenized;
    private final BlockingQueue<Encoded> encoded;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong tokenizeNanos = new AtomicLong();
    private long readNanos;
    private long encodeNanos;
    private long writeNanos;
    private long rows;
    private long nulls;
    private long tokens;
    private long truncated;

    private EmbeddingPipeline(EmbeddingModel model, TableSource source, BufferAllocator allocator, Options options) {
        this.model = model;
        this.promptTokens = model.promptTokens(options.prompt());
        this.source = source;
        this.allocator = allocator;
        this.options = options;
        this.dimensions = model.dimensions();
        this.tokenized = new ArrayBlockingQueue<>(options.depth());
        this.encoded = new ArrayBlockingQueue<>(options.depth());
    }

    /**
     * The output schema for {@code input}: the kept columns, then {@code embedding FixedSizeList<Float32>[dimensions]}.
     * JSONL written from JSONL input also carries each line's other fields.
     */
    public static Schema outputSchema(Schema input, Options options, int dimensions, TableFormat output) {
        List<Field> fields = new ArrayList<>();
        for (String name : options.keep()) {
            fields.add(input.findField(name));
        }
        if (output == TableFormat.JSONL && input.getFields().stream().anyMatch(f -> f.getName().equals(LinesReader.FIELDS))) {
            fields.add(input.findField(LinesReader.FIELDS));
        }
        fields.add(EmbeddingColumn.field(dimensions));
        return new Schema(fields);
    }

    /**
     * Embeds {@code input} into {@code output} (a file name, or "-" for stdin / stdout where the format allows),
     * in the given formats; the output appears only when complete. {@code listener} first hears the input's row
     * count (-1 if unknown), then each written batch.
     */
    public static Summary run(EmbeddingModel model, String input, TableFormat inputFormat, String output, TableFormat outputFormat,
                              Options options, Listener listener) throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
             TableSource source = TableSource.open(input, inputFormat, options.textColumn(), options.keep(), options.rowsPerBatch(), allocator);
             TableSink sink = TableSink.open(output, outputFormat, outputSchema(source.schema(), options, model.dimensions(), outputFormat), allocator)) {
            listener.started(source.rowCount());
            return run(model, source, sink, allocator, options, listener);
        }
    }

    /**
     * Embeds every row of {@code source} into {@code sink} and commits it; on failure nothing is committed.
     * The sink's schema says which columns to carry: all of its fields but the last, the embedding.
     */
    public static Summary run(EmbeddingModel model, TableSource source, TableSink sink, BufferAllocator allocator,
                              Options options, Listener listener) throws Exception {
        return new EmbeddingPipeline(model, source, allocator, options).run(sink, listener);
    }

    private Summary run(TableSink sink, Listener listener) throws Exception {
        long start = System.nanoTime();
        List<Field> outputFields = sink.schema().getFields();
        List<String> kept = outputFields.subList(0, outputFields.size() - 1).stream().map(Field::getName).toList();
        ExecutorService tokenizers = Executors.newFixedThreadPool(options.tokenizerThreads(),
                Thread.ofPlatform().name("gale-tokenize-", 0).daemon().factory());
        Thread reader = Thread.ofPlatform().name("gale-read").start(() -> guard(() -> read(kept, tokenizers)));
        Thread encoder = Thread.ofPlatform().name("gale-encode").start(() -> guard(this::encode));
        try {
            write(sink, listener);
            if (failure.get() == null && rows == 0) {
                throw new BadInputException(source.name() + ": no rows to embed");
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
                List<FieldVector> keep = new ArrayList<>(kept.size());
                for (String name : kept) {
                    keep.add(name.equals(options.textColumn()) ? text : take(root.getVector(name), from, length, count));
                }
                Input input = new Input(row + from, text, keep);
                readNanos += System.nanoTime() - t;
                TokenMemory memory = tokenMemory(length);
                put(tokenized, CompletableFuture.supplyAsync(() -> tokenize(input, memory), tokenizers));
                t = System.nanoTime();
            }
            row += count;
        }
        put(tokenized, END_OF_INPUT);
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
        TokenMemory.Pool pool = model.tokenMemory();
        if (pool == null || !pool.fits(rows, (long) rows * model.maxLength())) {
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

    private Tokenized tokenize(Input input, TokenMemory memory) {
        if (failure.get() != null) {
            input.close();
            if (memory != null) {
                memory.release();
            }
            throw new CancellationException();
        }
        long t = System.nanoTime();
        try {
            TokenColumn tokens = TokenColumn.tokenize(input.text(), options.prompt(), model.tokenizer(), model.maxLength(), options.truncate(),
                    allocator, r -> source.where(input.firstRow() + r), memory);
            return new Tokenized(input, tokens);
        } catch (RuntimeException | Error e) {
            input.close();
            throw e;
        } finally {
            tokenizeNanos.addAndGet(System.nanoTime() - t);
        }
    }

    /** Encoder thread: in input order, the ids buffers in, the embedding vector's data buffer out. */
    private void encode() throws Exception {
        while (true) {
            CompletableFuture<Tokenized> next = take(tokenized);
            if (next == END_OF_INPUT) {
                put(encoded, END_OF_OUTPUT);
                return;
            }
            Tokenized batch = next.join();
            long t = System.nanoTime();
            FixedSizeListVector embedding;
            try (TokenColumn tokens = batch.tokens()) {
                embedding = EmbeddingColumn.allocate(dimensions, tokens.rows(), allocator);
                try {
                    model.embed(tokens.batch(), EmbeddingColumn.data(embedding), promptTokens);
                    for (int r = 0; r < tokens.rows(); r++) {
                        if (batch.input().text().isNull(r)) {
                            embedding.setNull(r);
                        }
                    }
                } catch (RuntimeException | Error e) {
                    embedding.close();
                    throw e;
                }
                nulls += tokens.nulls;
                truncated += tokens.truncated;
                encodeNanos += System.nanoTime() - t;
                put(encoded, new Encoded(batch.input(), embedding, tokens.tokens));
            } catch (Throwable e) {
                batch.input().close();
                throw e;
            }
        }
    }

    /** Calling thread: kept columns and the embedding, to the sink, in order. */
    private void write(TableSink sink, Listener listener) throws Exception {
        while (true) {
            Encoded batch = take(encoded);
            if (batch == END_OF_OUTPUT) {
                return;
            }
            long t = System.nanoTime();
            batch.input().dropText();
            List<FieldVector> vectors = new ArrayList<>(batch.input().keep());
            vectors.add(batch.embedding());
            VectorSchemaRoot root = new VectorSchemaRoot(vectors);
            int count = batch.embedding().getValueCount();
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
        for (CompletableFuture<Tokenized> f; (f = tokenized.poll()) != null; ) {
            release(f);
        }
        for (Encoded e; (e = encoded.poll()) != null; ) {
            release(e);
        }
    }

    private static void release(Object item) {
        if (item instanceof CompletableFuture<?> future && future != END_OF_INPUT) {
            future.thenAccept(t -> {
                Tokenized batch = (Tokenized) t;
                batch.tokens().close();
                batch.input().close();
            });
        } else if (item instanceof Encoded e && e != END_OF_OUTPUT) {
            e.embedding().close();
            e.input().close();
        }
    }
}
