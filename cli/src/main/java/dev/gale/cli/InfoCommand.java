package dev.gale.cli;

import dev.gale.encoder.PoolingConfig;
import dev.gale.encoder.nn.Encoder;
import dev.gale.encoder.nn.SelfAttention;
import dev.gale.encoder.nn.TaskHeads;
import dev.gale.encoder.model.LoadedModel;
import dev.gale.encoder.model.ModelLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true, description = "Describe a model: architecture, sizes, pooling, task heads and their labels, max length.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() {
        try (Arena arena = Arena.ofConfined()) {
            LoadedModel model = ModelLoader.load(modelOptions.model, arena);
            Encoder e = model.encoder();
            PoolingConfig p = model.pooling();
            SelfAttention at = e.layers().getFirst().attention();
            PrintStream out = System.out;
            out.printf(Locale.ROOT, "model          %s (%s)%n", model.name(), model.format());
            out.printf(Locale.ROOT, "architecture   %s encoder, %d layers, hidden %d, %d heads of %d, intermediate %d, %s%n",
                    e.family(), e.layers().size(), e.hiddenSize(), at.heads(), at.headSize(), e.layers().getFirst().ffn().intermediateSize(),
                    e.residual() == Encoder.Residual.PRE_NORM ? "pre-norm" : "post-norm");
            e.options().forEach((k, v) -> out.printf(Locale.ROOT, "  %-12s %s%n", k, v));
            out.printf(Locale.ROOT, "parameters     %,d%n", e.parameterCount());
            out.printf(Locale.ROOT, "vocabulary     %,d tokens, %d token types, %d tokens per sequence at most%n",
                    e.embeddings().vocabSize(), e.embeddings().typeVocabSize(), e.maxLength());
            out.printf(Locale.ROOT, "embedding      %d dimensions, %s pooling, %s%s%n", e.hiddenSize(), p.mode().stName(),
                    p.normalize() ? "L2-normalized" : "not normalized", model.poolingFromModel() ? "" : " (defaults: the model does not say)");
            model.sentenceTransformers().dense().forEach(d -> out.printf(Locale.ROOT, "  dense        %d -> %d, %s%n", d.in(), d.out(),
                    d.activation().name().toLowerCase(Locale.ROOT)));
            if (!model.sentenceTransformers().prompts().isEmpty()) {
                out.printf(Locale.ROOT, "prompts        %s%s%n", model.sentenceTransformers().prompts().keySet(),
                        model.sentenceTransformers().defaultPromptName() == null ? "" : ", default " + model.sentenceTransformers().defaultPromptName());
            }
            TaskHeads heads = model.heads();
            if (heads.describe().isEmpty()) {
                out.printf(Locale.ROOT, "heads          none%s%n", heads.missing() == null ? "" : " (" + heads.missing() + ")");
            }
            for (String head : heads.describe()) {
                out.printf(Locale.ROOT, "head           %s%n", head);
            }
            if (!heads.labels().isEmpty()) {
                out.printf(Locale.ROOT, "labels         %s%n", String.join(", ", heads.labels()));
            }
            out.printf(Locale.ROOT, "max length     %d tokens (longer texts are truncated)%n", model.maxLength());
            out.printf(Locale.ROOT, "tokenizer      %s%n", model.tokenizer().pipeline());
        }
        return Gale.OK;
    }
}
