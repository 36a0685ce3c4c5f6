package dev.gale.encoder.family.bert;

import dev.gale.encoder.family.Family;
import dev.gale.encoder.family.HeadWiring;
import dev.gale.encoder.family.Wiring;
import dev.gale.encoder.model.HfConfig;
import dev.gale.encoder.model.WeightMap;
import dev.gale.encoder.nn.Activation;
import dev.gale.encoder.nn.Embeddings;
import dev.gale.encoder.nn.Encoder;
import dev.gale.encoder.nn.EncoderLayer;
import dev.gale.encoder.nn.FeedForward;
import dev.gale.encoder.nn.Head;
import dev.gale.encoder.nn.TaskHeads;
import dev.gale.encoder.nn.Linear;
import dev.gale.encoder.nn.PositionBias;
import dev.gale.encoder.nn.SelfAttention;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code modeling_bert.py} {@code BertModel} and the checkpoints that share its layer exactly:
 * RoBERTa, XLM-RoBERTa and CamemBERT ({@code modeling_roberta.py}: positions count from padding_idx + 1)
 * and ELECTRA's discriminator ({@code modeling_electra.py}: embeddings of {@code embedding_size},
 * projected to the hidden size by {@code embeddings_project}).
 */
public final class Bert implements Family {
    private static final List<String> ROBERTA = List.of("roberta", "xlm-roberta", "camembert");

    @Override
    public List<String> modelTypes() {
        return List.of("bert", "roberta", "xlm-roberta", "camembert", "electra");
    }

    @Override
    public List<String> weightPrefixes(String modelType) {
        return List.of(ROBERTA.contains(modelType) ? "roberta." : modelType + ".");
    }

    @Override
    public Encoder build(HfConfig c, WeightMap w) {
        String type = c.modelType();
        c.only("position_embedding_type", List.of("absolute"), "expected absolute; relative_key variants are not implemented");
        c.only("is_decoder", List.of(false), "Gale runs encoders");
        c.only("add_cross_attention", List.of(false), "Gale runs encoders");
        int hidden = c.positive("hidden_size");
        int layers = c.positive("num_hidden_layers");
        int heads = c.positive("num_attention_heads");
        int inter = c.positive("intermediate_size");
        int positions = c.positive("max_position_embeddings");
        int types = c.integer("type_vocab_size", 2);
        int vocab = c.positive("vocab_size");
        int embeddingSize = type.equals("electra") ? c.positive("embedding_size", hidden) : hidden;
        float eps = c.eps("layer_norm_eps", 1e-12);
        Activation act = Activation.fromHf(c.text("hidden_act", "gelu"), c.source(), "hidden_act");
        int headSize = Wiring.headSize(c.source(), hidden, heads);

        Embeddings.PositionIds positionIds = ROBERTA.contains(type)
                ? new Embeddings.PositionIds.AfterPadding(c.integer("pad_token_id", 1)) : Embeddings.FROM_ZERO;
        Linear projection = embeddingSize != hidden ? Wiring.linear(w, "embeddings_project", embeddingSize, hidden, true) : null;
        Embeddings embeddings = new Embeddings(
                w.require("embeddings.word_embeddings.weight", vocab, embeddingSize),
                w.require("embeddings.position_embeddings.weight", positions, embeddingSize),
                positionIds,
                types > 0 ? w.require("embeddings.token_type_embeddings.weight", types, embeddingSize) : null,
                Wiring.norm(w, "embeddings.LayerNorm", embeddingSize, eps, true),
                projection, false);

        Wiring.layerCount(w, "encoder.layer.", layers, "num_hidden_layers");
        List<EncoderLayer> list = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            String p = "encoder.layer." + i + ".";
            Linear qkv = Linear.fused(
                    Wiring.linear(w, p + "attention.self.query", hidden, hidden, true),
                    Wiring.linear(w, p + "attention.self.key", hidden, hidden, true),
                    Wiring.linear(w, p + "attention.self.value", hidden, hidden, true));
            SelfAttention attention = new SelfAttention(qkv, heads, headSize, (float) (1 / Math.sqrt(headSize)), PositionBias.NONE, 0,
                    Wiring.linear(w, p + "attention.output.dense", hidden, hidden, true));
            FeedForward ffn = new FeedForward(Wiring.linear(w, p + "intermediate.dense", hidden, inter, true), act, false,
                    Wiring.linear(w, p + "output.dense", inter, hidden, true));
            list.add(new EncoderLayer(Wiring.norm(w, p + "attention.output.LayerNorm", hidden, eps, true), attention,
                    Wiring.norm(w, p + "output.LayerNorm", hidden, eps, true), ffn));
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("positions", ROBERTA.contains(type) ? "absolute, from padding_idx + 1" : "absolute");
        options.put("activation", act.label());
        if (projection != null) {
            options.put("embedding_size", Integer.toString(embeddingSize));
        }
        return new Encoder(type, hidden, embeddings.maxSequenceLength(), embeddings, Encoder.Residual.POST_NORM, list, null, options);
    }

    /**
     * BERT: {@code BertPooler} (tanh) + {@code classifier}; {@code classifier} per token; {@code BertOnlyMLMHead}
     * ({@code cls.predictions}: transform dense + hidden_act + LayerNorm, decoder tied to the word embeddings, bias).
     * RoBERTa, XLM-R, CamemBERT: {@code RobertaClassificationHead} (dense, tanh, out_proj on {@code <s>});
     * {@code RobertaLMHead} (dense, gelu, layer_norm, decoder, bias). ELECTRA: {@code ElectraClassificationHead}
     * (dense, gelu, out_proj); the generator's {@code generator_predictions} (dense to embedding_size, gelu,
     * LayerNorm) and {@code generator_lm_head}.
     */
    @Override
    public TaskHeads heads(HfConfig c, WeightMap w, Encoder encoder) {
        String type = c.modelType();
        int h = encoder.hiddenSize();
        float eps = c.eps("layer_norm_eps", 1e-12);
        HeadWiring.Task task = HeadWiring.task(c);
        if (ROBERTA.contains(type)) {
            return HeadWiring.of(c, task,
                    () -> new Head(Head.Input.FIRST, List.of(HeadWiring.dense(w, "classifier.dense", h, h, Activation.TANH),
                            HeadWiring.dense(w, "classifier.out_proj", h, HeadWiring.outputs(w, "classifier.out_proj", h), null))),
                    () -> new Head(Head.Input.TOKENS, List.of(HeadWiring.dense(w, "classifier", h, HeadWiring.outputs(w, "classifier", h), null))),
                    () -> new Head(Head.Input.SELECTED, List.of(HeadWiring.dense(w, "lm_head.dense", h, h, Activation.GELU),
                            HeadWiring.norm(w, "lm_head.layer_norm", h, eps), HeadWiring.decoder(w, "lm_head.decoder", "lm_head.bias", encoder, h))));
        }
        if (type.equals("electra")) {
            int e = c.positive("embedding_size", h);
            return HeadWiring.of(c, task,
                    () -> new Head(Head.Input.FIRST, List.of(HeadWiring.dense(w, "classifier.dense", h, h, Activation.GELU),
                            HeadWiring.dense(w, "classifier.out_proj", h, HeadWiring.outputs(w, "classifier.out_proj", h), null))),
                    () -> new Head(Head.Input.TOKENS, List.of(HeadWiring.dense(w, "classifier", h, HeadWiring.outputs(w, "classifier", h), null))),
                    () -> new Head(Head.Input.SELECTED, List.of(HeadWiring.dense(w, "generator_predictions.dense", h, e, Activation.GELU),
                            HeadWiring.norm(w, "generator_predictions.LayerNorm", e, eps),
                            HeadWiring.decoder(w, "generator_lm_head", null, encoder, e))));
        }
        Activation act = Activation.fromHf(c.text("hidden_act", "gelu"), c.source(), "hidden_act");
        return HeadWiring.of(c, task,
                () -> new Head(Head.Input.FIRST, List.of(HeadWiring.dense(w, "pooler.dense", h, h, Activation.TANH),
                        HeadWiring.dense(w, "classifier", h, HeadWiring.outputs(w, "classifier", h), null))),
                () -> new Head(Head.Input.TOKENS, List.of(HeadWiring.dense(w, "classifier", h, HeadWiring.outputs(w, "classifier", h), null))),
                () -> new Head(Head.Input.SELECTED, List.of(HeadWiring.dense(w, "cls.predictions.transform.dense", h, h, act),
                        HeadWiring.norm(w, "cls.predictions.transform.LayerNorm", h, eps),
                        HeadWiring.decoder(w, "cls.predictions.decoder", "cls.predictions.bias", encoder, h))));
    }
}
