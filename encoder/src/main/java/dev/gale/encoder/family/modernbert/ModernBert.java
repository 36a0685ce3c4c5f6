package dev.gale.encoder.family.modernbert;

import dev.gale.encoder.nn.TaskHeads;
import dev.gale.encoder.nn.Head;
import dev.gale.encoder.family.HeadWiring;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.family.Family;
import dev.gale.encoder.family.Wiring;
import dev.gale.encoder.model.HfConfig;
import dev.gale.encoder.model.ModelLoadException;
import dev.gale.encoder.model.WeightMap;
import dev.gale.encoder.nn.Activation;
import dev.gale.encoder.nn.Embeddings;
import dev.gale.encoder.nn.Encoder;
import dev.gale.encoder.nn.EncoderLayer;
import dev.gale.encoder.nn.FeedForward;
import dev.gale.encoder.nn.LayerNorm;
import dev.gale.encoder.nn.PositionBias;
import dev.gale.encoder.nn.SelfAttention;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code modeling_modernbert.py} {@code ModernBertModel}: pre-norm layers (the first without an attention
 * norm), fused {@code Wqkv}, RoPE with one theta for global and one for local layers, local layers seeing
 * keys within {@code local_attention / 2} either side, GeGLU feed-forward ({@code Wi} = input | gate),
 * optional biases ({@code norm_bias}, {@code attention_bias}, {@code mlp_bias}) and {@code final_norm}.
 */
public final class ModernBert implements Family {

    @Override
    public List<String> modelTypes() {
        return List.of("modernbert");
    }

    @Override
    public List<String> weightPrefixes(String modelType) {
        return List.of("model.");
    }

    @Override
    public Encoder build(HfConfig c, WeightMap w) {
        int hidden = c.positive("hidden_size");
        int layers = c.positive("num_hidden_layers");
        int heads = c.positive("num_attention_heads");
        int inter = c.positive("intermediate_size");
        int positions = c.positive("max_position_embeddings");
        int vocab = c.positive("vocab_size");
        float eps = c.eps("norm_eps", 1e-5);
        boolean normBias = c.bool("norm_bias", false);
        boolean attentionBias = c.bool("attention_bias", false);
        boolean mlpBias = c.bool("mlp_bias", false);
        int localAttention = c.positive("local_attention", 128);
        int window = localAttention / 2;
        Activation act = Activation.fromHf(c.text("hidden_activation", "gelu"), c.source(), "hidden_activation");
        int headSize = Wiring.headSize(c.source(), hidden, heads);
        List<String> layerTypes = layerTypes(c, layers);
        JsonNode rope = c.node("rope_parameters");
        double globalTheta = c.ropeTheta(rope == null ? null : rope.get("full_attention"), "rope_parameters.full_attention",
                c.number("global_rope_theta", 160000));
        double localTheta = c.ropeTheta(rope == null ? null : rope.get("sliding_attention"), "rope_parameters.sliding_attention",
                c.number("local_rope_theta", 10000));

        Embeddings embeddings = new Embeddings(w.require("embeddings.tok_embeddings.weight", vocab, hidden), null,
                Embeddings.FROM_ZERO, null, Wiring.norm(w, "embeddings.norm", hidden, eps, normBias), null, false);
        Wiring.layerCount(w, "layers.", layers, "num_hidden_layers");
        List<EncoderLayer> list = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            String p = "layers." + i + ".";
            boolean local = layerTypes.get(i).equals("sliding_attention");
            SelfAttention attention = new SelfAttention(
                    Wiring.linear(w, p + "attn.Wqkv", hidden, 3 * hidden, attentionBias), heads, headSize,
                    (float) (1 / Math.sqrt(headSize)), new PositionBias.Rope(local ? localTheta : globalTheta), local ? window : 0,
                    Wiring.linear(w, p + "attn.Wo", hidden, hidden, attentionBias));
            FeedForward ffn = new FeedForward(Wiring.linear(w, p + "mlp.Wi", hidden, 2 * inter, mlpBias), act, true,
                    Wiring.linear(w, p + "mlp.Wo", inter, hidden, mlpBias));
            // ModernBertEncoderLayer: layer 0's attn_norm is nn.Identity (the embeddings' norm just ran)
            LayerNorm attentionNorm = i == 0 ? null : Wiring.norm(w, p + "attn_norm", hidden, eps, normBias);
            list.add(new EncoderLayer(attentionNorm, attention, Wiring.norm(w, p + "mlp_norm", hidden, eps, normBias), ffn));
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("positions", "RoPE, theta " + fmt(globalTheta) + " global / " + fmt(localTheta) + " local");
        options.put("layers", String.join(" ", layerTypes.stream().map(t -> t.equals("sliding_attention") ? "L" : "G").toList())
                + " (G global, L local)");
        options.put("local_window", "+-" + window + " tokens");
        options.put("activation", act.label() + " (GeGLU)");
        return new Encoder("modernbert", hidden, positions, embeddings, Encoder.Residual.PRE_NORM, list,
                Wiring.norm(w, "final_norm", hidden, eps, normBias), options);
    }

    private static String fmt(double theta) {
        return theta == Math.rint(theta) ? Long.toString((long) theta) : Double.toString(theta);
    }

    /** {@code layer_types}, or the older {@code global_attn_every_n_layers} rule (layer i is global when i % n == 0). */
    private static List<String> layerTypes(HfConfig c, int layers) {
        List<String> types = new ArrayList<>();
        JsonNode node = c.node("layer_types");
        if (node != null && node.isArray()) {
            node.forEach(t -> types.add(t.asText()));
            if (types.size() != layers) {
                throw new ModelLoadException(c.source() + ": layer_types has " + types.size() + " entries, num_hidden_layers is " + layers);
            }
            for (String t : types) {
                if (!t.equals("full_attention") && !t.equals("sliding_attention")) {
                    throw new ModelLoadException(c.source() + ": layer_types entry '" + t
                            + "' is not supported (expected full_attention or sliding_attention)");
                }
            }
            return types;
        }
        int every = c.positive("global_attn_every_n_layers", 3);
        for (int i = 0; i < layers; i++) {
            types.add(i % every == 0 ? "full_attention" : "sliding_attention");
        }
        return types;
    }

    /**
     * {@code ModernBertPredictionHead} ({@code head}: dense with classifier_bias, classifier_activation, norm with
     * norm_bias) over the first token or, with {@code classifier_pooling: mean}, the sequence mean, then
     * {@code classifier}; per token the same head then {@code classifier}; the masked LM as the head then
     * {@code decoder} (tied to the token embeddings, bias when decoder_bias).
     */
    @Override
    public TaskHeads heads(HfConfig c, WeightMap w, Encoder encoder) {
        int h = encoder.hiddenSize();
        float eps = c.eps("norm_eps", 1e-5);
        c.only("classifier_pooling", List.of("cls", "mean"), "expected cls or mean");
        Head.Input pooled = c.text("classifier_pooling", "cls").equals("mean") ? Head.Input.MEAN : Head.Input.FIRST;
        Activation act = Activation.fromHf(c.text("classifier_activation", "gelu"), c.source(), "classifier_activation");
        java.util.function.Function<Head.Step, List<Head.Step>> withHead = last -> List.of(HeadWiring.dense(w, "head.dense", h, h, act),
                HeadWiring.norm(w, "head.norm", h, eps), last);
        return HeadWiring.of(c, HeadWiring.task(c),
                () -> new Head(pooled, withHead.apply(HeadWiring.dense(w, "classifier", h, HeadWiring.outputs(w, "classifier", h), null))),
                () -> new Head(Head.Input.TOKENS, withHead.apply(HeadWiring.dense(w, "classifier", h, HeadWiring.outputs(w, "classifier", h), null))),
                () -> new Head(Head.Input.SELECTED, withHead.apply(HeadWiring.decoder(w, "decoder", null, encoder, h))));
    }
}
