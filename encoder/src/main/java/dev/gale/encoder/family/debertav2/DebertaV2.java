package dev.gale.encoder.family.debertav2;

import dev.gale.encoder.nn.TaskHeads;
import dev.gale.encoder.nn.Head;
import dev.gale.encoder.family.HeadWiring;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.family.Family;
import dev.gale.encoder.family.Wiring;
import dev.gale.encoder.model.HfConfig;
import dev.gale.encoder.model.ModelLoadException;
import dev.gale.encoder.model.OnnxExport;
import dev.gale.encoder.model.Tensor;
import dev.gale.encoder.model.WeightMap;
import dev.gale.encoder.nn.Activation;
import dev.gale.encoder.nn.Embeddings;
import dev.gale.encoder.nn.Encoder;
import dev.gale.encoder.nn.EncoderLayer;
import dev.gale.encoder.nn.FeedForward;
import dev.gale.encoder.nn.LayerNorm;
import dev.gale.encoder.nn.Linear;
import dev.gale.encoder.nn.PositionBias;
import dev.gale.encoder.nn.SelfAttention;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code modeling_deberta_v2.py} {@code DebertaV2Model} (DeBERTa-v2 and -v3): BERT's post-norm layer with
 * {@code DisentangledSelfAttention}: content-to-position and position-to-content terms over the shared,
 * layer-normed {@code encoder.rel_embeddings}, log-bucketed relative positions, keys optionally shared
 * with the content projections ({@code share_att_key}). The convolution layer ({@code conv_kernel_size})
 * is refused. From an ONNX export, the relative embeddings or their projections may come folded (see
 * {@link OnnxExport}).
 */
public final class DebertaV2 implements Family {

    private static final String REL_EMBEDDINGS = "encoder.rel_embeddings.weight";

    @Override
    public List<String> modelTypes() {
        return List.of("deberta-v2");
    }

    @Override
    public List<String> weightPrefixes(String modelType) {
        return List.of("deberta.");
    }

    @Override
    public Encoder build(HfConfig c, WeightMap w) {
        if (c.integer("conv_kernel_size", 0) > 0) {
            throw new ModelLoadException(c.source() + ": conv_kernel_size " + c.integer("conv_kernel_size")
                    + " is not supported (the DeBERTa-v2 convolution layer is not implemented; expected 0)");
        }
        int hidden = c.positive("hidden_size");
        int layers = c.positive("num_hidden_layers");
        int heads = c.positive("num_attention_heads");
        int inter = c.positive("intermediate_size");
        int positions = c.positive("max_position_embeddings");
        int vocab = c.positive("vocab_size");
        int types = c.integer("type_vocab_size", 0);
        int embeddingSize = c.positive("embedding_size", hidden);
        float eps = c.eps("layer_norm_eps", 1e-7);
        Activation act = Activation.fromHf(c.text("hidden_act", "gelu"), c.source(), "hidden_act");
        int headSize = c.positive("attention_head_size", Wiring.headSize(c.source(), hidden, heads));
        int width = heads * headSize;
        boolean relative = c.bool("relative_attention", false);
        boolean positionBiased = c.bool("position_biased_input", true);
        boolean shareKey = c.bool("share_att_key", false);
        Set<String> terms = attentionTerms(c);
        int buckets = c.integer("position_buckets", -1);
        int maxRelative = c.integer("max_relative_positions", -1);
        if (maxRelative < 1) {
            maxRelative = positions;
        }
        int span = buckets > 0 ? buckets : maxRelative;
        Set<String> relNorm = new TreeSet<>();
        for (String s : c.text("norm_rel_ebd", "none").toLowerCase(java.util.Locale.ROOT).split("\\|")) {
            relNorm.add(s.strip());
        }
        if (!Set.of("none", "layer_norm").containsAll(relNorm)) {
            throw new ModelLoadException(c.source() + ": norm_rel_ebd '" + c.text("norm_rel_ebd") + "' is not supported (expected none or layer_norm)");
        }

        Linear projection = embeddingSize != hidden ? Wiring.linear(w, "embeddings.embed_proj", embeddingSize, hidden, false) : null;
        Embeddings embeddings = new Embeddings(
                w.require("embeddings.word_embeddings.weight", vocab, embeddingSize),
                positionBiased ? w.require("embeddings.position_embeddings.weight", positions, embeddingSize) : null,
                Embeddings.FROM_ZERO,
                types > 0 ? w.require("embeddings.token_type_embeddings.weight", types, embeddingSize) : null,
                Wiring.norm(w, "embeddings.LayerNorm", hidden, eps, true), projection, true);

        // an ONNX export may hold them folded: normalized already (OnnxExport.FOLDED_REL_EMBEDDINGS), or only as each
        // layer's projections of them (OnnxExport.foldedPositionKeys / foldedPositionQueries)
        Tensor relEmbeddings = null;
        LayerNorm relLayerNorm = null;
        if (relative && w.contains(REL_EMBEDDINGS)) {
            relEmbeddings = w.require(REL_EMBEDDINGS, 2L * span, hidden);
            relLayerNorm = relNorm.contains("layer_norm") ? Wiring.norm(w, "encoder.LayerNorm", hidden, eps, true) : null;
        } else if (relative && w.contains(OnnxExport.FOLDED_REL_EMBEDDINGS)) {
            relEmbeddings = w.require(OnnxExport.FOLDED_REL_EMBEDDINGS, 2L * span, hidden);
        }
        // DisentangledSelfAttention counts the pos_att_type terms in its scale even without relative_attention
        float scale = (float) (1 / Math.sqrt(headSize * (1.0 + terms.size())));

        Wiring.layerCount(w, "encoder.layer.", layers, "num_hidden_layers");
        List<EncoderLayer> list = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            String p = "encoder.layer." + i + ".";
            Linear query = Wiring.linear(w, p + "attention.self.query_proj", hidden, width, true);
            Linear key = Wiring.linear(w, p + "attention.self.key_proj", hidden, width, true);
            Linear value = Wiring.linear(w, p + "attention.self.value_proj", hidden, width, true);
            PositionBias bias = PositionBias.NONE;
            if (relative && !terms.isEmpty()) {
                Tensor keys = terms.contains("c2p") ? w.optional(OnnxExport.foldedPositionKeys(i), 2L * span, width) : null;
                Tensor queries = terms.contains("p2c") ? w.optional(OnnxExport.foldedPositionQueries(i), 2L * span, width) : null;
                boolean projectKeys = terms.contains("c2p") && keys == null;
                boolean projectQueries = terms.contains("p2c") && queries == null;
                if ((projectKeys || projectQueries) && relEmbeddings == null) {
                    throw new ModelLoadException(w.source() + ": tensor '" + REL_EMBEDDINGS + "' is missing (expected shape ["
                            + 2 * span + ", " + hidden + "]), and no constant of an ONNX export was found to stand for it or for layer "
                            + i + "'s projected " + (projectKeys ? "c2p position keys" : "p2c position queries"));
                }
                Linear posKey = !projectKeys ? null
                        : shareKey ? key : Wiring.linear(w, p + "attention.self.pos_key_proj", hidden, width, true);
                Linear posQuery = !projectQueries ? null
                        : shareKey ? query : Wiring.linear(w, p + "attention.self.pos_query_proj", hidden, width, true);
                bias = new PositionBias.Disentangled(relEmbeddings, relLayerNorm, posKey, posQuery, keys, queries, span, buckets,
                        maxRelative);
            }
            SelfAttention attention = new SelfAttention(Linear.fused(query, key, value), heads, headSize, scale, bias, 0,
                    Wiring.linear(w, p + "attention.output.dense", width, hidden, true));
            FeedForward ffn = new FeedForward(Wiring.linear(w, p + "intermediate.dense", hidden, inter, true), act, false,
                    Wiring.linear(w, p + "output.dense", inter, hidden, true));
            list.add(new EncoderLayer(Wiring.norm(w, p + "attention.output.LayerNorm", hidden, eps, true), attention,
                    Wiring.norm(w, p + "output.LayerNorm", hidden, eps, true), ffn));
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("positions", (positionBiased ? "absolute + " : "") + (relative ? "relative " + terms : "none"));
        if (relative) {
            options.put("position_buckets", buckets > 0 ? Integer.toString(buckets) : "none");
            options.put("max_relative_positions", Integer.toString(maxRelative));
            options.put("share_att_key", Boolean.toString(shareKey));
        }
        options.put("activation", act.label());
        return new Encoder("deberta-v2", hidden, positions, embeddings, Encoder.Residual.POST_NORM, list, null, options);
    }

    /** {@code pos_att_type}: a list or a "p2c|c2p" string; only c2p and p2c exist in DeBERTa-v2. */
    private static Set<String> attentionTerms(HfConfig c) {
        Set<String> terms = new TreeSet<>();
        JsonNode node = c.node("pos_att_type");
        if (node == null || node.isNull()) {
            return terms;
        }
        if (node.isTextual()) {
            for (String s : node.asText().toLowerCase(java.util.Locale.ROOT).split("\\|")) {
                if (!s.isBlank()) {
                    terms.add(s.strip());
                }
            }
        } else {
            node.forEach(t -> terms.add(t.asText()));
        }
        if (!Set.of("c2p", "p2c").containsAll(terms)) {
            throw new ModelLoadException(c.source() + ": pos_att_type " + node + " is not supported (expected c2p and/or p2c)");
        }
        return terms;
    }

    /**
     * {@code ContextPooler} (dense of pooler_hidden_size, pooler_hidden_act, on the first token) + classifier;
     * {@code classifier} per token; the masked LM as {@code DebertaV2OnlyMLMHead} ({@code lm_predictions.lm_head}:
     * dense, hidden_act, LayerNorm, the word embeddings, bias) or, for {@code legacy} checkpoints,
     * {@code cls.predictions} (transform to embedding_size, LayerNorm, decoder, bias).
     */
    @Override
    public TaskHeads heads(HfConfig c, WeightMap w, Encoder encoder) {
        int h = encoder.hiddenSize();
        int pooler = c.positive("pooler_hidden_size", h);
        float eps = c.eps("layer_norm_eps", 1e-7);
        Activation act = Activation.fromHf(c.text("hidden_act", "gelu"), c.source(), "hidden_act");
        return HeadWiring.of(c, HeadWiring.task(c),
                () -> new Head(Head.Input.FIRST, List.of(HeadWiring.dense(w, "pooler.dense", h, pooler,
                                Activation.fromHf(c.text("pooler_hidden_act", "gelu"), c.source(), "pooler_hidden_act")),
                        HeadWiring.dense(w, "classifier", pooler, HeadWiring.outputs(w, "classifier", pooler), null))),
                () -> new Head(Head.Input.TOKENS, List.of(HeadWiring.dense(w, "classifier", h, HeadWiring.outputs(w, "classifier", h), null))),
                () -> {
                    if (w.contains("lm_predictions.lm_head.dense.weight")) {
                        return new Head(Head.Input.SELECTED, List.of(HeadWiring.dense(w, "lm_predictions.lm_head.dense", h, h, act),
                                HeadWiring.norm(w, "lm_predictions.lm_head.LayerNorm", h, eps),
                                HeadWiring.decoder(w, "lm_predictions.lm_head.decoder", "lm_predictions.lm_head.bias", encoder, h)));
                    }
                    int e = c.positive("embedding_size", h);
                    return new Head(Head.Input.SELECTED, List.of(HeadWiring.dense(w, "cls.predictions.transform.dense", h, e, act),
                            HeadWiring.norm(w, "cls.predictions.transform.LayerNorm", e, eps),
                            HeadWiring.decoder(w, "cls.predictions.decoder", "cls.predictions.bias", encoder, e)));
                });
    }
}
