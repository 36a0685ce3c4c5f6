package dev.gale.encoder.bert;

import dev.gale.encoder.model.BertConfig;
import dev.gale.encoder.model.ModelLoadException;
import dev.gale.encoder.model.WeightMap;

import java.util.ArrayList;
import java.util.List;

/** The weights of a {@code BertModel} (embeddings + encoder; the pooler head is not used for embeddings). */
public record BertModel(BertConfig config, BertEmbeddings embeddings, List<BertLayer> layers) {

    public static BertModel load(BertConfig config, WeightMap weights) {
        int found = weights.layerCount();
        if (found != config.numHiddenLayers()) {
            throw new ModelLoadException(weights.source() + ": has " + found + " encoder layers, config says num_hidden_layers = "
                    + config.numHiddenLayers());
        }
        BertEmbeddings embeddings = BertEmbeddings.load(weights, config.vocabSize(), config.maxPositionEmbeddings(),
                config.typeVocabSize(), config.hiddenSize());
        List<BertLayer> layers = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(BertLayer.load(weights, i, config.hiddenSize(), config.intermediateSize()));
        }
        return new BertModel(config, embeddings, List.copyOf(layers));
    }
}
