package dev.gale.encoder.family.nomicbert;

import dev.gale.encoder.nn.Activation;
import dev.gale.encoder.nn.TaskHeads;
import dev.gale.encoder.nn.Head;
import dev.gale.encoder.family.HeadWiring;
import dev.gale.encoder.family.Family;
import dev.gale.encoder.family.RotaryBert;
import dev.gale.encoder.model.HfConfig;
import dev.gale.encoder.model.WeightMap;
import dev.gale.encoder.nn.Encoder;

import java.util.List;

/** {@code modeling_nomic_bert.py} {@code NomicBertModel}: {@link RotaryBert} without biases in attention and MLP (SwiGLU by default). */
public final class NomicBert implements Family {
    @Override
    public List<String> modelTypes() {
        return List.of("nomic_bert");
    }

    @Override
    public List<String> weightPrefixes(String modelType) {
        return List.of("nomic_bert.");
    }

    @Override
    public Encoder build(HfConfig config, WeightMap weights) {
        return RotaryBert.build(config, weights, false, false, "silu");
    }

    /**
     * {@code NomicBertPooler} (dense, tanh on the first token) + classifier; {@code classifier} per token;
     * {@code NomicBertOnlyMLMHead} ({@code cls.predictions}: transform dense, hidden_act, layer_norm, decoder, bias).
     */
    @Override
    public TaskHeads heads(HfConfig c, WeightMap w, Encoder encoder) {
        int h = encoder.hiddenSize();
        float eps = c.eps("layer_norm_eps", 1e-12);
        return HeadWiring.of(c, HeadWiring.task(c),
                () -> new Head(Head.Input.FIRST, List.of(HeadWiring.dense(w, "pooler.dense", h, h, Activation.TANH),
                        HeadWiring.dense(w, "classifier", h, HeadWiring.outputs(w, "classifier", h), null))),
                () -> new Head(Head.Input.TOKENS, List.of(HeadWiring.dense(w, "classifier", h, HeadWiring.outputs(w, "classifier", h), null))),
                () -> new Head(Head.Input.SELECTED, List.of(HeadWiring.dense(w, "cls.predictions.transform.dense", h, h,
                                Activation.fromHf(c.text("hidden_act", "silu"), c.source(), "hidden_act")),
                        HeadWiring.norm(w, "cls.predictions.transform.layer_norm", h, eps),
                        HeadWiring.decoder(w, "cls.predictions.decoder", "cls.predictions.bias", encoder, h))));
    }
}
