package dev.gale.cli;

import dev.gale.arrow.ClassifyScorer;
import dev.gale.encoder.TextClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Classify the text column of a table or the lines of a file with a *ForSequenceClassification "
                + "checkpoint, as transformers' text-classification pipeline with top_k=None: N rows in, the same N rows out, "
                + "in order, with 'label' (the best label), 'score' (its score) and 'labels' (every label with its score, "
                + "highest first); nulls for a null text.",
                "Scores are softmax over the labels, sigmoid for a multi-label model (problem_type) or one with a single label, "
                        + "the raw output for regression, as the pipeline's. With --pair-column each row is a text pair "
                        + "(e.g. NLI premise and hypothesis); a null pair classifies the text alone.",
                "The output appears under its name only when complete."})
final class ClassifyCommand implements Callable<Integer> {
    @Mixin
    TaskModelOptions model;
    @Mixin
    IoOptions io;
    @Mixin
    BatchOptions batch;

    @Option(names = "--pair-column", paramLabel = "NAME",
            description = "A second text column (or JSONL field): each row is classified as the pair (--column, --pair-column).")
    String pairColumn;

    @Override
    public Integer call() throws Exception {
        var options = batch.options(io, model.runtime).pairColumn(pairColumn).build();
        try (TextClassifier classifier = TextClassifier.load(model.model, model.options(batch.maxBatchTokens))) {
            batch.run(new ClassifyScorer(classifier, pairColumn != null), io, options,
                    new Progress.Words("classify", "classified", "null texts (null labels)"));
        }
        return Gale.OK;
    }
}
