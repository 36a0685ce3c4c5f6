package dev.gale.cli;

import dev.gale.arrow.Scorer;
import dev.gale.arrow.ScoringPipeline;
import dev.gale.arrow.TableFormat;
import dev.gale.encoder.EmbeddingModel;
import picocli.CommandLine.Option;

/** How a table is scored: batch sizes, tokenizer threads, progress; and the run itself, shared by embed and the task commands. */
final class BatchOptions {
    @Option(names = {"--batch-rows", "--batch-texts"}, paramLabel = "N",
            description = "Rows read, tokenized and written per step (default: ${DEFAULT-VALUE}). "
                    + "The encoder regroups them by --max-batch-tokens.")
    int batchRows = 512;

    @Option(names = "--max-batch-tokens", paramLabel = "N",
            description = "Tokens per encoder pass, bounding activation memory (default: "
                    + EmbeddingModel.Options.DEFAULT_MAX_BATCH_TOKENS + ").")
    int maxBatchTokens;

    @Option(names = "--tokenizer-threads", paramLabel = "N", description = "Threads tokenizing ahead of the encoder (default: all cores).")
    int tokenizerThreads = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-q", "--quiet"}, description = "No progress or summary on stderr.")
    boolean quiet;

    /** The pipeline's options for these and the command's own. */
    ScoringPipeline.Options.Builder options(IoOptions io, RuntimeOptions runtime) {
        return ScoringPipeline.Options.builder(io.column).keep(io.keep).truncate(runtime.truncate).rowsPerBatch(batchRows)
                .tokenizerThreads(tokenizerThreads);
    }

    /** Runs {@code scorer} over the input into the output, with progress and a summary on stderr. */
    <P extends Scorer.Prepared> void run(Scorer<P> scorer, IoOptions io, ScoringPipeline.Options options, Progress.Words words)
            throws Exception {
        TableFormat inputFormat = io.inputFormat();
        try (Progress progress = new Progress(System.err, !quiet, inputFormat.columnar() ? "rows" : "texts", words)) {
            progress.finish(ScoringPipeline.run(scorer, io.input, inputFormat, io.output, io.outputFormat(), options, progress));
        }
    }
}
