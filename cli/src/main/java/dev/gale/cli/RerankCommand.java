package dev.gale.cli;

import dev.gale.arrow.RerankScorer;
import dev.gale.encoder.Reranker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "rerank", mixinStandardHelpOptions = true,
        description = {"Score (query, passage) pairs with a cross-encoder (a one-label *ForSequenceClassification checkpoint), "
                + "as sentence-transformers' CrossEncoder.predict and TEI's /rerank: N rows in, the same N rows out, in order, "
                + "with 'index' (the input row, from 0) and 'score' (null for a null text or pair).",
                "The passages are the text column and the query is --query; or, from a table or JSONL, each row holds its own "
                        + "pair: --column (the query) and --pair-column (the passage).",
                "Scores go through the model's activation (sigmoid, unless its config says Identity); --raw-scores gives the logits.",
                "With --top-k K the output holds only the K best rows, highest score first (ties in input order): the one case "
                        + "where fewer rows come out than go in.",
                "The output appears under its name only when complete."})
final class RerankCommand implements Callable<Integer> {
    @Mixin
    TaskModelOptions model;
    @Mixin
    IoOptions io;
    @Mixin
    BatchOptions batch;

    @Option(names = "--query", paramLabel = "TEXT", description = "The query every passage (row) is scored against.")
    String query;

    @Option(names = "--pair-column", paramLabel = "NAME",
            description = "Instead of --query: the column (or JSONL field) holding each row's passage; --column holds its query.")
    String pairColumn;

    @Option(names = "--top-k", paramLabel = "K", description = "Write only the K best rows, highest score first.")
    int topK;

    @Option(names = "--raw-scores", description = "Raw logits, without the model's activation.")
    boolean raw;

    @Override
    public Integer call() throws Exception {
        if ((query == null) == (pairColumn == null)) {
            throw new IllegalArgumentException(query == null
                    ? "give --query \"...\" (scored against every row's text), or --pair-column with each row's passage"
                    : "give --query or --pair-column, not both");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("--top-k must be positive, got " + topK);
        }
        var options = batch.options(io, model.runtime).pairColumn(pairColumn).topK(topK).build();
        try (Reranker reranker = Reranker.load(model.model, model.options(batch.maxBatchTokens))) {
            batch.run(new RerankScorer(reranker, query, raw), io, options,
                    new Progress.Words("rerank", "reranked", "null texts or pairs (null scores)"));
        }
        return Gale.OK;
    }
}
