package dev.gale.encoder.family;

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
 * The layout transformers 5 gives NomicBERT ({@code modeling_nomic_bert.py}) and GTE ({@code modeling_gte.py}):
 * word (+ token type) embeddings and a LayerNorm, then post-norm layers with RoPE self-attention
 * and a gated MLP, down(act(gate(x)) * up(x)). They differ in biases only. Checkpoints carry the names of
 * the models' original code, which transformers 5 also writes back ({@code conversion_mapping.py}):
 * NomicBERT {@code emb_ln}, {@code encoder.layers.N.attn.Wqkv}, {@code mlp.fc11} (up), {@code fc12} (gate);
 * GTE {@code encoder.layer.N.attention.qkv_proj}, {@code mlp.up_gate_proj} (up | gate), {@code attn_ln};
 * the names of transformers' own modules ({@code layers.N.self_attn.q_proj}, ...) are read as well.
 */
public final class RotaryBert {
    private RotaryBert() {}

    /**
     * @param attentionBias q/k/v/o projections have biases (GTE)
     * @param downBias      down_proj has a bias (GTE)
     */
    public static Encoder build(HfConfig c, WeightMap w, boolean attentionBias, boolean downBias, String defaultActivation) {
        int hidden = c.positive("hidden_size");
        int layers = c.positive("num_hidden_layers");
        int heads = c.positive("num_attention_heads");
        int inter = c.positive("intermediate_size");
        int positions = c.positive("max_position_embeddings");
        int vocab = c.positive("vocab_size");
        int types = c.integer("type_vocab_size", 2);
        float eps = c.eps("layer_norm_eps", 1e-12);
        Activation act = Activation.fromHf(c.text("hidden_act", defaultActivation), c.source(), "hidden_act");
        int headSize = c.positive("head_dim", Wiring.headSize(c.source(), hidden, heads));
        int width = heads * headSize;
        double theta = c.ropeTheta(c.node("rope_parameters"), "rope_parameters", 10000);
        boolean transformersNames = w.countIndexed("layers.") > 0;
        boolean nomic = c.modelType().equals("nomic_bert");
        String embeddingNorm = transformersNames || !w.contains("emb_ln.weight") ? "embeddings.LayerNorm" : "emb_ln";
        Embeddings embeddings = new Embeddings(w.require("embeddings.word_embeddings.weight", vocab, hidden), null, Embeddings.FROM_ZERO,
                types > 0 ? w.require("embeddings.token_type_embeddings.weight", types, hidden) : null,
                Wiring.norm(w, embeddingNorm, hidden, eps, true), null, false);
        PositionBias rope = new PositionBias.Rope(theta);
        String layerPrefix = transformersNames ? "layers." : nomic ? "encoder.layers." : "encoder.layer.";
        Wiring.layerCount(w, layerPrefix, layers, "num_hidden_layers");
        List<EncoderLayer> list = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            String p = layerPrefix + i + ".";
            Linear qkv;
            Linear output;
            Linear gateUp;
            Linear down;
            String attentionNorm;
            String mlpNorm;
            if (transformersNames) {
                qkv = Linear.fused(
                        Wiring.linear(w, p + "self_attn.q_proj", hidden, width, attentionBias),
                        Wiring.linear(w, p + "self_attn.k_proj", hidden, width, attentionBias),
                        Wiring.linear(w, p + "self_attn.v_proj", hidden, width, attentionBias));
                output = Wiring.linear(w, p + "self_attn.o_proj", width, hidden, attentionBias);
                gateUp = Linear.fused(Wiring.linear(w, p + "mlp.gate_proj", hidden, inter, false),
                        Wiring.linear(w, p + "mlp.up_proj", hidden, inter, false));
                down = Wiring.linear(w, p + "mlp.down_proj", inter, hidden, downBias);
                attentionNorm = p + "post_attention_layernorm";
                mlpNorm = p + "post_mlp_layernorm";
            } else if (nomic) {
                qkv = Wiring.linear(w, p + "attn.Wqkv", hidden, 3 * width, attentionBias);
                output = Wiring.linear(w, p + "attn.out_proj", width, hidden, attentionBias);
                gateUp = Linear.fused(Wiring.linear(w, p + "mlp.fc12", hidden, inter, false),
                        Wiring.linear(w, p + "mlp.fc11", hidden, inter, false));
                down = Wiring.linear(w, p + "mlp.fc2", inter, hidden, downBias);
                attentionNorm = p + "norm1";
                mlpNorm = p + "norm2";
            } else {
                qkv = Wiring.linear(w, p + "attention.qkv_proj", hidden, 3 * width, attentionBias);
                output = Wiring.linear(w, p + "attention.o_proj", width, hidden, attentionBias);
                // up_gate_proj is up | gate; the gated feed-forward takes the activated half first
                Linear upGate = Wiring.linear(w, p + "mlp.up_gate_proj", hidden, 2 * inter, false);
                gateUp = Linear.fused(upGate.rows(inter, inter), upGate.rows(0, inter));
                down = Wiring.linear(w, p + "mlp.down_proj", inter, hidden, downBias);
                attentionNorm = p + "attn_ln";
                mlpNorm = p + "mlp_ln";
            }
            SelfAttention attention = new SelfAttention(qkv, heads, headSize, (float) (1 / Math.sqrt(headSize)), rope, 0, output);
            FeedForward ffn = new FeedForward(gateUp, act, true, down);
            list.add(new EncoderLayer(Wiring.norm(w, attentionNorm, hidden, eps, true), attention,
                    Wiring.norm(w, mlpNorm, hidden, eps, true), ffn));
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("positions", "RoPE, theta " + (theta == Math.rint(theta) ? Long.toString((long) theta) : Double.toString(theta)));
        options.put("activation", act.label() + " (gated)");
        if (width != hidden) {
            options.put("head_dim", Integer.toString(headSize));
        }
        return new Encoder(c.modelType(), hidden, positions, embeddings, Encoder.Residual.POST_NORM, list, null, options);
    }
}
