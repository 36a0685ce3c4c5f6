package dev.gale.encoder.family.nomicbert;

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
}
