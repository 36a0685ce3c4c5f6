package dev.gale.encoder.family;

import dev.gale.encoder.model.ModelLoadException;
import dev.gale.encoder.model.WeightMap;
import dev.gale.encoder.nn.Linear;
import dev.gale.encoder.nn.LayerNorm;

/** The lookups every family's wiring repeats: a Linear or LayerNorm by its Hugging Face module name. */
public final class Wiring {
    private Wiring() {}

    /** {@code name}.weight (out, in) and, when {@code bias}, {@code name}.bias (out). */
    public static Linear linear(WeightMap w, String name, int in, int out, boolean bias) {
        return Linear.of(w.require(name + ".weight", out, in), bias ? w.require(name + ".bias", out) : null);
    }

    /** As {@link #linear}, the bias taken when the checkpoint has one. */
    public static Linear linearMaybeBias(WeightMap w, String name, int in, int out) {
        return Linear.of(w.require(name + ".weight", out, in), w.optional(name + ".bias", out));
    }

    public static LayerNorm norm(WeightMap w, String name, int size, float eps, boolean bias) {
        return new LayerNorm(w.require(name + ".weight", size), bias ? w.require(name + ".bias", size) : null, eps);
    }

    /** The checkpoint holds exactly {@code expected} layers named {@code prefix}N. */
    public static void layerCount(WeightMap w, String prefix, int expected, String field) {
        int found = w.countIndexed(prefix);
        if (found != expected) {
            throw new ModelLoadException(w.source() + ": has " + found + " layers named " + prefix + "N, config says " + field
                    + " = " + expected);
        }
    }

    /** hidden / heads, refusing a remainder. */
    public static int headSize(String source, int hidden, int heads) {
        if (hidden % heads != 0) {
            throw new ModelLoadException(source + ": hidden size " + hidden + " is not a multiple of num_attention_heads " + heads);
        }
        return hidden / heads;
    }
}
