package dev.gale.tornado;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.HiddenStateFixtures;
import dev.gale.encoder.PoolingConfig;
import dev.gale.encoder.ReferenceModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tiny random-weight models of the families the device kernels implement, on TornadoVM's default
 * device, against transformers 5.18's last hidden states (reference/models_fixtures.py), mean-pooled here.
 */
class TornadoFamiliesTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bert-uncased", "roberta", "xlm-roberta", "distilbert"})
    void meanPooledHiddenStatesMatchTransformers(String family) {
        Path dir = HiddenStateFixtures.folder("tokenizers/" + family);
        List<String> texts = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (JsonNode r : HiddenStateFixtures.records(dir)) {
            if (r.hasNonNull("b")) {
                continue;   // the device path embeds single texts
            }
            texts.add(HiddenStateFixtures.text(r.get("a")));
            int tokens = r.get("ids").size();
            int hidden = r.get("hidden_size").asInt();
            float[] states = HiddenStateFixtures.floats(r.get("last_hidden_state"));
            float[] mean = new float[hidden];
            for (int t = 0; t < tokens; t++) {
                for (int i = 0; i < hidden; i++) {
                    mean[i] += states[t * hidden + i] / tokens;
                }
            }
            expected.add(mean);
        }
        EmbeddingModel.Options options = new EmbeddingModel.Options(PoolingConfig.Mode.MEAN, false, 0, 100, 0, 2048, "tornado");
        try (EmbeddingModel model = EmbeddingModel.load(dir.toString(), options)) {
            List<float[]> actual = model.embed(texts);
            double worstCosine = 1, worstDiff = 0;
            for (int t = 0; t < texts.size(); t++) {
                worstCosine = Math.min(worstCosine, ReferenceModels.cosine(expected.get(t), actual.get(t)));
                worstDiff = Math.max(worstDiff, ReferenceModels.maxAbsDiff(expected.get(t), actual.get(t)));
            }
            System.out.printf("%s on the TornadoVM device: %d texts, worst cosine %.8f, worst max|diff| %.2e%n",
                    family, texts.size(), worstCosine, worstDiff);
            assertTrue(worstCosine >= 0.99999, "worst cosine " + worstCosine);
            assertTrue(worstDiff <= 1e-4, "worst max|diff| " + worstDiff);
        }
    }

    @Test
    void refusesWhatTheKernelsDoNotImplementInOneLine() {
        Path dir = HiddenStateFixtures.folder("tokenizers/modernbert");
        EmbeddingModel.Options options = new EmbeddingModel.Options(null, null, 0, 0, 0, 2048, "tornado");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbeddingModel.load(dir.toString(), options));
        assertEquals("the TornadoVM backend runs BERT-layout encoders today (bert, roberta, xlm-roberta, camembert, distilbert); "
                + "modernbert is a pre-norm encoder: use --device cpu", e.getMessage());
    }
}
