package dev.gale.encoder.family;

import dev.gale.encoder.family.bert.Bert;
import dev.gale.encoder.family.debertav2.DebertaV2;
import dev.gale.encoder.family.distilbert.DistilBert;
import dev.gale.encoder.family.gte.Gte;
import dev.gale.encoder.family.modernbert.ModernBert;
import dev.gale.encoder.family.mpnet.MPNet;
import dev.gale.encoder.family.nomicbert.NomicBert;
import dev.gale.encoder.model.HfConfig;
import dev.gale.encoder.model.ModelLoadException;
import dev.gale.encoder.model.Tensor;
import dev.gale.encoder.model.WeightMap;
import dev.gale.encoder.nn.Encoder;
import dev.gale.encoder.nn.TaskHeads;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Every family Gale runs, by {@code model_type}. */
public final class Families {
    public static final List<Family> ALL = List.of(new Bert(), new DistilBert(), new MPNet(), new DebertaV2(), new ModernBert(),
            new NomicBert(), new Gte());

    private Families() {}

    public static Family of(HfConfig config) {
        String type = config.modelType();
        for (Family f : ALL) {
            if (f.modelTypes().contains(type)) {
                return f;
            }
        }
        throw new ModelLoadException(config.source() + ": model_type '" + type + "' is not supported (expected one of "
                + supported() + ")");
    }

    public static String supported() {
        return ALL.stream().flatMap(f -> f.modelTypes().stream()).collect(Collectors.joining(", "));
    }

    /**
     * The encoder of {@code config} over {@code tensors} (names as saved, with or without the family's task
     * prefix; heads' and poolers' weights are left alone).
     */
    public static Encoder build(HfConfig config, Map<String, Tensor> tensors, String source) {
        Family family = of(config);
        for (String prefix : family.weightPrefixes(config.modelType())) {
            if (tensors.keySet().stream().anyMatch(k -> k.startsWith(prefix))) {
                return family.build(config, new WeightMap(stripPrefix(tensors, prefix), source));
            }
        }
        return family.build(config, new WeightMap(tensors, source));
    }

    /**
     * The task heads of {@code config}'s checkpoint over {@code tensors} (as {@link #build} reads them, prefix
     * stripped), for the {@code encoder} built from them.
     */
    public static TaskHeads heads(HfConfig config, Map<String, Tensor> tensors, String source, Encoder encoder) {
        try {
            return wireHeads(config, tensors, source, encoder);
        } catch (ModelLoadException e) {
            // the encoder is whole: embeddings and hidden states still work; the task that needs the head says why not
            return TaskHeads.none(e.getMessage());
        }
    }

    private static TaskHeads wireHeads(HfConfig config, Map<String, Tensor> tensors, String source, Encoder encoder) {
        Family family = of(config);
        for (String prefix : family.weightPrefixes(config.modelType())) {
            if (tensors.keySet().stream().anyMatch(k -> k.startsWith(prefix))) {
                return family.heads(config, new WeightMap(stripPrefix(tensors, prefix), source), encoder);
            }
        }
        return family.heads(config, new WeightMap(tensors, source), encoder);
    }

    /** Drops {@code prefix} from the names that have it. */
    static Map<String, Tensor> stripPrefix(Map<String, Tensor> tensors, String prefix) {
        Map<String, Tensor> stripped = new LinkedHashMap<>();
        tensors.forEach((k, v) -> stripped.put(k.startsWith(prefix) ? k.substring(prefix.length()) : k, v));
        return stripped;
    }
}
