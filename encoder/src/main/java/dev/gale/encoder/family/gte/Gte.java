package dev.gale.encoder.family.gte;

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

/** {@code modeling_gte.py} {@code GteModel}: {@link RotaryBert} with biased attention projections and down_proj (GeGLU by default). */
public final class Gte implements Family {
    @Override
    public List<String> modelTypes() {
        return List.of("gte");
    }

    @Override
    public List<String> weightPrefixes(String modelType) {
        return List.of("gte.", "new.");   // "new." is Alibaba's original NewModel
    }

    @Override
    public Encoder build(HfConfig config, WeightMap weights) {
        return RotaryBert.build(config, weights, true, true, "gelu");
    }

    /**
     * {@code GtePooler} (dense, tanh on the first token) + classifier; {@code classifier} per token; {@code GteLMHead}
     * (dense, gelu, layer_norm, decoder with its bias); save_pretrained writes GteLMHead's norm under the hub
     * checkpoints' name {@code lm_head.norm}, which transformers renames on load.
     */
    @Override
    public TaskHeads heads(HfConfig c, WeightMap w, Encoder encoder) {
        int h = encoder.hiddenSize();
        float eps = c.eps("layer_norm_eps", 1e-12);
        return HeadWiring.of(c, HeadWiring.task(c),
                () -> new Head(Head.Input.FIRST, List.of(HeadWiring.dense(w, "pooler.dense", h, h, Activation.TANH),
                        HeadWiring.dense(w, "classifier", h, HeadWiring.outputs(w, "classifier", h), null))),
                () -> new Head(Head.Input.TOKENS, List.of(HeadWiring.dense(w, "classifier", h, HeadWiring.outputs(w, "classifier", h), null))),
                () -> new Head(Head.Input.SELECTED, List.of(HeadWiring.dense(w, "lm_head.dense", h, h, Activation.GELU),
                        HeadWiring.norm(w, "lm_head.layer_norm", "lm_head.norm", h, eps), HeadWiring.decoder(w, "lm_head.decoder", null, encoder, h))));
    }
}
