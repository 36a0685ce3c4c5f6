package dev.gale.encoder.family.distilbert;

import dev.gale.encoder.nn.TaskHeads;
import dev.gale.encoder.nn.Head;
import dev.gale.encoder.family.HeadWiring;
import dev.gale.encoder.family.Family;
import dev.gale.encoder.family.Wiring;
import dev.gale.encoder.model.HfConfig;
import dev.gale.encoder.model.WeightMap;
import dev.gale.encoder.nn.Activation;
import dev.gale.encoder.nn.Embeddings;
import dev.gale.encoder.nn.Encoder;
import dev.gale.encoder.nn.EncoderLayer;
import dev.gale.encoder.nn.FeedForward;
import dev.gale.encoder.nn.Linear;
import dev.gale.encoder.nn.PositionBias;
import dev.gale.encoder.nn.SelfAttention;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code modeling_distilbert.py} {@code DistilBertModel}: BERT's post-norm layer under other names
 * ({@code q_lin}, {@code sa_layer_norm}, {@code ffn.lin1}, ...), no token types, norms with eps 1e-12.
 * Sinusoidal position embeddings are stored in the position table like learned ones.
 */
public final class DistilBert implements Family {
    private static final float EPS = 1e-12f;   // DistilBERT hard-codes it

    @Override
    public List<String> modelTypes() {
        return List.of("distilbert");
    }

    @Override
    public List<String> weightPrefixes(String modelType) {
        return List.of("distilbert.");
    }

    @Override
    public Encoder build(HfConfig c, WeightMap w) {
        int hidden = c.positive("dim");
        int layers = c.positive("n_layers");
        int heads = c.positive("n_heads");
        int inter = c.positive("hidden_dim");
        int positions = c.positive("max_position_embeddings");
        int vocab = c.positive("vocab_size");
        Activation act = Activation.fromHf(c.text("activation", "gelu"), c.source(), "activation");
        int headSize = Wiring.headSize(c.source(), hidden, heads);
        Embeddings embeddings = new Embeddings(
                w.require("embeddings.word_embeddings.weight", vocab, hidden),
                w.require("embeddings.position_embeddings.weight", positions, hidden),
                Embeddings.FROM_ZERO, null,
                Wiring.norm(w, "embeddings.LayerNorm", hidden, EPS, true), null, false);
        Wiring.layerCount(w, "transformer.layer.", layers, "n_layers");
        List<EncoderLayer> list = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            String p = "transformer.layer." + i + ".";
            Linear qkv = Linear.fused(
                    Wiring.linear(w, p + "attention.q_lin", hidden, hidden, true),
                    Wiring.linear(w, p + "attention.k_lin", hidden, hidden, true),
                    Wiring.linear(w, p + "attention.v_lin", hidden, hidden, true));
            SelfAttention attention = new SelfAttention(qkv, heads, headSize, (float) (1 / Math.sqrt(headSize)), PositionBias.NONE, 0,
                    Wiring.linear(w, p + "attention.out_lin", hidden, hidden, true));
            FeedForward ffn = new FeedForward(Wiring.linear(w, p + "ffn.lin1", hidden, inter, true), act, false,
                    Wiring.linear(w, p + "ffn.lin2", inter, hidden, true));
            list.add(new EncoderLayer(Wiring.norm(w, p + "sa_layer_norm", hidden, EPS, true), attention,
                    Wiring.norm(w, p + "output_layer_norm", hidden, EPS, true), ffn));
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("positions", c.bool("sinusoidal_pos_embds", false) ? "absolute (sinusoidal table)" : "absolute");
        options.put("activation", act.label());
        return new Encoder("distilbert", hidden, positions, embeddings, Encoder.Residual.POST_NORM, list, null, options);
    }

    /**
     * {@code DistilBertForSequenceClassification}: pre_classifier + ReLU + classifier on the first token;
     * {@code classifier} per token; {@code DistilBertForMaskedLM}: vocab_transform + activation,
     * vocab_layer_norm (eps 1e-12), vocab_projector (tied to the word embeddings).
     */
    @Override
    public TaskHeads heads(HfConfig c, WeightMap w, Encoder encoder) {
        int h = encoder.hiddenSize();
        Activation act = Activation.fromHf(c.text("activation", "gelu"), c.source(), "activation");
        return HeadWiring.of(c, HeadWiring.task(c),
                () -> new Head(Head.Input.FIRST, List.of(HeadWiring.dense(w, "pre_classifier", h, h, Activation.RELU),
                        HeadWiring.dense(w, "classifier", h, HeadWiring.outputs(w, "classifier", h), null))),
                () -> new Head(Head.Input.TOKENS, List.of(HeadWiring.dense(w, "classifier", h, HeadWiring.outputs(w, "classifier", h), null))),
                () -> new Head(Head.Input.SELECTED, List.of(HeadWiring.dense(w, "vocab_transform", h, h, act),
                        HeadWiring.norm(w, "vocab_layer_norm", h, 1e-12f), HeadWiring.decoder(w, "vocab_projector", null, encoder, h))));
    }
}
