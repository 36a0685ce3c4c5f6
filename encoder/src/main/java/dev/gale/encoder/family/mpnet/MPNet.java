package dev.gale.encoder.family.mpnet;

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
 * {@code modeling_mpnet.py} {@code MPNetModel}: BERT's post-norm layer, RoBERTa's positions (from
 * padding_idx + 1, no token types), plus one relative-position bias table shared by all layers
 * ({@code encoder.relative_attention_bias}, T5-style buckets: 32 of them up to distance 128, the values
 * {@code MPNetEncoder.compute_position_bias} uses whatever the config says).
 */
public final class MPNet implements Family {
    private static final int BUCKETS = 32;
    private static final int MAX_DISTANCE = 128;

    @Override
    public List<String> modelTypes() {
        return List.of("mpnet");
    }

    @Override
    public List<String> weightPrefixes(String modelType) {
        return List.of("mpnet.");
    }

    @Override
    public Encoder build(HfConfig c, WeightMap w) {
        int hidden = c.positive("hidden_size");
        int layers = c.positive("num_hidden_layers");
        int heads = c.positive("num_attention_heads");
        int inter = c.positive("intermediate_size");
        int positions = c.positive("max_position_embeddings");
        int vocab = c.positive("vocab_size");
        int tableRows = c.positive("relative_attention_num_buckets", BUCKETS);
        float eps = c.eps("layer_norm_eps", 1e-12);
        Activation act = Activation.fromHf(c.text("hidden_act", "gelu"), c.source(), "hidden_act");
        int headSize = Wiring.headSize(c.source(), hidden, heads);
        if (tableRows < BUCKETS) {
            throw new dev.gale.encoder.model.ModelLoadException(c.source() + ": relative_attention_num_buckets " + tableRows
                    + " is not supported (MPNet always looks up " + BUCKETS + " buckets)");
        }
        Embeddings embeddings = new Embeddings(
                w.require("embeddings.word_embeddings.weight", vocab, hidden),
                w.require("embeddings.position_embeddings.weight", positions, hidden),
                new Embeddings.PositionIds.AfterPadding(c.integer("pad_token_id", 1)), null,
                Wiring.norm(w, "embeddings.LayerNorm", hidden, eps, true), null, false);
        PositionBias bias = new PositionBias.RelativeBuckets(w.require("encoder.relative_attention_bias.weight", tableRows, heads),
                BUCKETS, MAX_DISTANCE);
        Wiring.layerCount(w, "encoder.layer.", layers, "num_hidden_layers");
        List<EncoderLayer> list = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            String p = "encoder.layer." + i + ".";
            Linear qkv = Linear.fused(
                    Wiring.linear(w, p + "attention.attn.q", hidden, hidden, true),
                    Wiring.linear(w, p + "attention.attn.k", hidden, hidden, true),
                    Wiring.linear(w, p + "attention.attn.v", hidden, hidden, true));
            SelfAttention attention = new SelfAttention(qkv, heads, headSize, (float) (1 / Math.sqrt(headSize)), bias, 0,
                    Wiring.linear(w, p + "attention.attn.o", hidden, hidden, true));
            FeedForward ffn = new FeedForward(Wiring.linear(w, p + "intermediate.dense", hidden, inter, true), act, false,
                    Wiring.linear(w, p + "output.dense", inter, hidden, true));
            list.add(new EncoderLayer(Wiring.norm(w, p + "attention.LayerNorm", hidden, eps, true), attention,
                    Wiring.norm(w, p + "output.LayerNorm", hidden, eps, true), ffn));
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("positions", "absolute, from padding_idx + 1, + relative bias");
        options.put("relative_buckets", BUCKETS + " up to distance " + MAX_DISTANCE);
        options.put("activation", act.label());
        return new Encoder("mpnet", hidden, embeddings.maxSequenceLength(), embeddings, Encoder.Residual.POST_NORM, list, null, options);
    }

    /**
     * {@code MPNetClassificationHead} (dense, tanh, out_proj on the first token); {@code classifier} per token;
     * {@code MPNetLMHead} (dense, gelu, layer_norm, decoder tied to the word embeddings, bias).
     */
    @Override
    public TaskHeads heads(HfConfig c, WeightMap w, Encoder encoder) {
        int h = encoder.hiddenSize();
        float eps = c.eps("layer_norm_eps", 1e-12);
        return HeadWiring.of(c, HeadWiring.task(c),
                () -> new Head(Head.Input.FIRST, List.of(HeadWiring.dense(w, "classifier.dense", h, h, Activation.TANH),
                        HeadWiring.dense(w, "classifier.out_proj", h, HeadWiring.outputs(w, "classifier.out_proj", h), null))),
                () -> new Head(Head.Input.TOKENS, List.of(HeadWiring.dense(w, "classifier", h, HeadWiring.outputs(w, "classifier", h), null))),
                () -> new Head(Head.Input.SELECTED, List.of(HeadWiring.dense(w, "lm_head.dense", h, h, Activation.GELU),
                        HeadWiring.norm(w, "lm_head.layer_norm", h, eps), HeadWiring.decoder(w, "lm_head.decoder", "lm_head.bias", encoder, h))));
    }
}
