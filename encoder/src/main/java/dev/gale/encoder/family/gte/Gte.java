package dev.gale.encoder.family.gte;

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
}
