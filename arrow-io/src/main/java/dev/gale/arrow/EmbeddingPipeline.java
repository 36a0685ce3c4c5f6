package dev.gale.arrow;

import dev.gale.encoder.EmbeddingModel;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.List;

/**
 * Batch embedding: a table in, the same rows out in the same order, with an {@code embedding} column
 * ({@link ScoringPipeline} with an {@link EmbeddingScorer}). The encoder reads the token ids from the Arrow
 * vector the tokenizer wrote and writes straight into the embedding vector's data buffer.
 */
public final class EmbeddingPipeline {
    private EmbeddingPipeline() {}

    /**
     * @param textColumn       the Utf8 / LargeUtf8 column to embed
     * @param keep             input columns copied to the output, in this order, before the embedding
     * @param truncate         cut texts over the model's max length (else fail naming the row)
     * @param rowsPerBatch     rows read, tokenized and written per step
     * @param tokenizerThreads threads tokenizing batches ahead of the encoder
     * @param depth            batches queued between stages
     * @param prompt           prepended to every text (sentence-transformers' prompts, see {@link EmbeddingModel#prompt}); "" for none
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

        /** The pipeline's options (the prompt goes to the scorer). */
        public ScoringPipeline.Options scoring() {
            return ScoringPipeline.Options.builder(textColumn).keep(keep).truncate(truncate).rowsPerBatch(rowsPerBatch)
                    .tokenizerThreads(tokenizerThreads).depth(depth).build();
        }
    }

    /**
     * The output schema for {@code source}: the kept columns, then {@code embedding FixedSizeList<Float32>[dimensions]}.
     * JSONL written from JSONL input also carries each line's other fields.
     */
    public static Schema outputSchema(TableSource source, Options options, int dimensions, TableFormat output) {
        return ScoringPipeline.outputSchema(source, options.scoring(), List.of(EmbeddingColumn.field(dimensions)), output);
    }

    /**
     * Embeds {@code input} into {@code output} (a file name, or "-" for stdin / stdout where the format allows),
     * in the given formats; the output appears only when complete. {@code listener} first hears the input's row
     * count (-1 if unknown), then each written batch.
     */
    public static ScoringPipeline.Summary run(EmbeddingModel model, String input, TableFormat inputFormat, String output,
                                              TableFormat outputFormat, Options options, ScoringPipeline.Listener listener) throws Exception {
        return ScoringPipeline.run(new EmbeddingScorer(model, options.prompt()), input, inputFormat, output, outputFormat,
                options.scoring(), listener);
    }

    /**
     * Embeds every row of {@code source} into {@code sink} and commits it; on failure nothing is committed.
     * The sink's schema says which columns to carry: all of its fields but the last, the embedding.
     */
    public static ScoringPipeline.Summary run(EmbeddingModel model, TableSource source, TableSink sink, BufferAllocator allocator,
                                              Options options, ScoringPipeline.Listener listener) throws Exception {
        return ScoringPipeline.run(new EmbeddingScorer(model, options.prompt()), source, sink, allocator, options.scoring(), listener);
    }
}
