package dev.gale.cli;

import dev.gale.arrow.FillMaskScorer;
import dev.gale.encoder.FillMask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "fill-mask", mixinStandardHelpOptions = true,
        description = {"Predict the masked tokens of the text column of a table or the lines of a file with a *ForMaskedLM "
                + "checkpoint, as transformers' fill-mask pipeline: N rows in, the same N rows out, in order, with "
                + "'predictions' (null for a null text): each with 'score', 'token' (the id), 'token_str' and 'sequence' "
                + "(the text with the token filled in).",
                "Every text must hold the model's mask token ([MASK], <mask>, ...; a text without one stops the run with an "
                        + "error naming its row). In JSONL a text with one mask has a list of predictions, one with several "
                        + "a list per mask, as the pipeline returns them; Parquet and Arrow always hold a list per mask "
                        + "(list<list<struct>>).",
                "The output appears under its name only when complete."})
final class FillMaskCommand implements Callable<Integer> {
    @Mixin
    TaskModelOptions model;
    @Mixin
    IoOptions io;
    @Mixin
    BatchOptions batch;

    @Option(names = "--top-k", paramLabel = "K", description = "Predictions per mask (default: ${DEFAULT-VALUE}).")
    int topK = 5;

    @Override
    public Integer call() throws Exception {
        if (topK < 1) {
            throw new IllegalArgumentException("--top-k must be at least 1, got " + topK);
        }
        var options = batch.options(io, model.runtime).build();
        try (FillMask fill = FillMask.load(model.model, model.options(batch.maxBatchTokens))) {
            batch.run(new FillMaskScorer(fill, topK), io, options,
                    new Progress.Words("fill-mask", "filled", "null texts (null predictions)"));
        }
        return Gale.OK;
    }
}
