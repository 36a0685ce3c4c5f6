package dev.gale.encoder.bert;

import dev.gale.encoder.model.Tensor;
import dev.gale.encoder.model.WeightMap;

/**
 * {@code BertEmbeddings}: word + absolute position + token type embeddings, then LayerNorm.
 * The tables stay where the loader put them (a mapped file, F32/F16/BF16); rows are read on gather.
 */
public record BertEmbeddings(
        Tensor wordEmbeddings,       // (vocab, hidden)
        Tensor positionEmbeddings,   // (max_position, hidden)
        Tensor tokenTypeEmbeddings,  // (type_vocab, hidden)
        float[] layerNormWeight,     // (hidden)
        float[] layerNormBias) {     // (hidden)

    static BertEmbeddings load(WeightMap w, int vocab, int positions, int types, int hidden) {
        return new BertEmbeddings(
                w.require("embeddings.word_embeddings.weight", vocab, hidden),
                w.require("embeddings.position_embeddings.weight", positions, hidden),
                w.require("embeddings.token_type_embeddings.weight", types, hidden),
                w.vector("embeddings.LayerNorm.weight", hidden),
                w.vector("embeddings.LayerNorm.bias", hidden));
    }
}
