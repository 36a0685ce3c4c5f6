package dev.gale.cli;

import dev.gale.arrow.EmbeddingScorer;
import dev.gale.arrow.SparseScorer;
import dev.gale.arrow.TokenEmbeddingScorer;
import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.SparseEmbedder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed the text column of a table or the lines of a file: N rows in, the same N rows out, in order, "
                + "with an 'embedding' column (null for a null text).",
                "--sparse writes SPLADE sparse embeddings instead ('sparse': a list of {index, value}, the non-zero entries, "
                        + "as TEI's /embed_sparse) from a masked-LM checkpoint; --all-tokens writes every token's last hidden "
                        + "state ('embeddings': a list of vectors, special tokens included, as TEI's /embed_all).",
                "Parquet and Arrow output hold the --keep columns and the new column; JSONL output from JSONL input "
                        + "keeps every other field of each line.",
                "The output appears under its name only when complete."})
final class EmbedCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;
    @Mixin
    IoOptions io;
    @Mixin
    BatchOptions batch;

    @ArgGroup(exclusive = true)
    Output output = new Output();

    static final class Output {
        @Option(names = "--sparse", description = "SPLADE sparse embeddings ('sparse') from a *ForMaskedLM checkpoint: "
                + "max over tokens of log(1 + relu(logits)), as sentence-transformers' SparseEncoder.")
        boolean sparse;

        @Option(names = "--all-tokens", description = "Every token's vector ('embeddings'), not pooled: the last hidden states.")
        boolean allTokens;
    }

    @Override
    public Integer call() throws Exception {
        if ((output.sparse || output.allTokens) && modelOptions.poolingGiven()) {
            throw new IllegalArgumentException("--pooling, --normalize and --dimensions shape a pooled embedding; "
                    + (output.sparse ? "--sparse" : "--all-tokens") + " does not pool");
        }
        var options = batch.options(io, modelOptions.runtime).build();
        if (output.sparse) {
            try (SparseEmbedder embedder = SparseEmbedder.load(modelOptions.model, modelOptions.runtime.taskOptions(batch.maxBatchTokens))) {
                batch.run(new SparseScorer(embedder, modelOptions.prompt(embedder.loaded().sentenceTransformers())), io, options,
                        Progress.Words.EMBED);
            }
            return Gale.OK;
        }
        try (EmbeddingModel model = modelOptions.load(batch.maxBatchTokens)) {
            String prompt = modelOptions.prompt(model.loaded().sentenceTransformers());
            batch.run(output.allTokens ? new TokenEmbeddingScorer(model, prompt) : new EmbeddingScorer(model, prompt), io, options,
                    Progress.Words.EMBED);
        }
        return Gale.OK;
    }
}
