package dev.gale.cli;

import dev.gale.arrow.EmbeddingPipeline;
import dev.gale.arrow.TableFormat;
import dev.gale.encoder.EmbeddingModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed the text column of a table or the lines of a file: N rows in, the same N rows out, in order, "
                + "with an 'embedding' column (null for a null text).",
                "Parquet and Arrow output hold the --keep columns and the embedding; JSONL output from JSONL input "
                        + "keeps every other field of each line.",
                "The output appears under its name only when complete."})
final class EmbedCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;
    @Mixin
    IoOptions io;

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

    @Override
    public Integer call() throws Exception {
        EmbeddingPipeline.Options options = new EmbeddingPipeline.Options(io.column, io.keep, modelOptions.truncate,
                batchRows, tokenizerThreads, 2);
        TableFormat inputFormat = io.inputFormat();
        String unit = inputFormat.columnar() ? "rows" : "texts";
        try (EmbeddingModel model = modelOptions.load(maxBatchTokens);
             Progress progress = new Progress(System.err, !quiet, unit)) {
            progress.finish(EmbeddingPipeline.run(model, io.input, inputFormat, io.output, io.outputFormat(),
                    options.withPrompt(modelOptions.prompt(model)), progress));
        }
        return Gale.OK;
    }
}
