package dev.gale.cli;

import dev.gale.encoder.PoolingConfig;
import dev.gale.encoder.model.BertConfig;
import dev.gale.encoder.model.LoadedModel;
import dev.gale.encoder.model.ModelLoader;
import dev.gale.encoder.model.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true, description = "Describe a model: architecture, sizes, pooling, max length.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() {
        try (Arena arena = Arena.ofConfined()) {
            LoadedModel model = ModelLoader.load(modelOptions.model, arena);
            BertConfig c = model.config();
            PoolingConfig p = model.pooling();
            long parameters = model.weights().tensors().values().stream()
                    .filter(t -> t.dtype().isFloating()).mapToLong(Tensor::elementCount).sum();
            PrintStream out = System.out;
            out.printf(Locale.ROOT, "model          %s (%s)%n", model.name(), model.format());
            out.printf(Locale.ROOT, "architecture   %s encoder, %d layers, hidden %d, %d heads of %d, intermediate %d, %s%n",
                    c.modelType(), c.numHiddenLayers(), c.hiddenSize(), c.numAttentionHeads(), c.headSize(), c.intermediateSize(), c.hiddenAct());
            out.printf(Locale.ROOT, "parameters     %,d%n", parameters);
            out.printf(Locale.ROOT, "vocabulary     %,d tokens, %d token types, %d positions%n", c.vocabSize(), c.typeVocabSize(), c.maxPositionEmbeddings());
            out.printf(Locale.ROOT, "embedding      %d dimensions, %s pooling, %s%s%n", c.hiddenSize(), p.mode().name().toLowerCase(Locale.ROOT),
                    p.normalize() ? "L2-normalized" : "not normalized", model.poolingFromModel() ? "" : " (defaults: the model does not say)");
            out.printf(Locale.ROOT, "max length     %d tokens (longer texts are truncated)%n", model.maxLength());
            out.printf(Locale.ROOT, "tokenizer      %s%n", model.tokenizer().pipeline());
            out.printf(Locale.ROOT, "layer norm eps %s%n", c.layerNormEps());
        }
        return Gale.OK;
    }
}
