package dev.gale.encoder.nn;

import dev.gale.encoder.model.Tensor;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A whole encoder as a recipe of Hugging Face modules over the loaded tensors: what each family package
 * builds from its config and weight names, and what every backend interprets (each laying the weights
 * out once, its own way). Nothing here computes.
 *
 * @param family        the Hugging Face model_type ("bert", "xlm-roberta", "deberta-v2", ...)
 * @param hiddenSize    H, the width of the hidden states
 * @param maxLength     the longest sequence the model takes (its position table, or its config)
 * @param residual      where the layers put their norms
 * @param layers        in order
 * @param finalNorm     after the last layer (ModernBERT's final_norm), or null
 * @param options       the family's distinctive options, for {@code gale info}, in display order
 */
public record Encoder(String family, int hiddenSize, int maxLength, Embeddings embeddings, Residual residual,
                      List<EncoderLayer> layers, LayerNorm finalNorm, Map<String, String> options) {

    public enum Residual {
        /** x = norm(x + f(x)): BERT and its descendants */
        POST_NORM,
        /** x = x + f(norm(x)): ModernBERT */
        PRE_NORM
    }

    public Encoder {
        layers = List.copyOf(layers);
        options = Collections.unmodifiableMap(new java.util.LinkedHashMap<>(options));
        int width = embeddings.projection() != null ? embeddings.projection().out() : embeddings.size();
        if (width != hiddenSize) {
            throw new IllegalArgumentException("embeddings give " + width + " features, hidden size is " + hiddenSize);
        }
    }

    /** The weights the recipe uses (each tensor once, a shared one too): the model's parameter count. */
    public long parameterCount() {
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Consumer<Tensor> add = t -> {
            if (t != null) {
                seen.add(t);
            }
        };
        Consumer<Linear> linear = l -> {
            if (l != null) {
                l.parts().forEach(p -> {
                    add.accept(p.weight());
                    add.accept(p.bias());
                });
            }
        };
        Consumer<LayerNorm> norm = n -> {
            if (n != null) {
                add.accept(n.weight());
                add.accept(n.bias());
            }
        };
        add.accept(embeddings.word());
        add.accept(embeddings.position());
        add.accept(embeddings.tokenType());
        norm.accept(embeddings.norm());
        linear.accept(embeddings.projection());
        for (EncoderLayer l : layers) {
            norm.accept(l.attentionNorm());
            norm.accept(l.ffnNorm());
            linear.accept(l.attention().qkv());
            linear.accept(l.attention().output());
            linear.accept(l.ffn().in());
            linear.accept(l.ffn().out());
            switch (l.attention().bias()) {
                case PositionBias.RelativeBuckets b -> add.accept(b.table());
                case PositionBias.Disentangled d -> {
                    add.accept(d.relEmbeddings());
                    norm.accept(d.relNorm());
                    linear.accept(d.posKey());
                    linear.accept(d.posQuery());
                    add.accept(d.projectedKeys());
                    add.accept(d.projectedQueries());
                }
                default -> { }
            }
        }
        norm.accept(finalNorm);
        return seen.stream().mapToLong(Tensor::elementCount).sum();
    }

    /** The widest feed-forward input projection of any layer (I, or 2I when gated). */
    public int maxFfnWidth() {
        return layers.stream().mapToInt(l -> l.ffn().in().out()).max().orElse(0);
    }

    /** The widest attention (N * D) of any layer. */
    public int maxAttentionWidth() {
        return layers.stream().mapToInt(l -> l.attention().width()).max().orElse(0);
    }
}
