package dev.gale.tornado;

import dev.gale.encoder.Corpus;
import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.ReferenceModels;
import dev.gale.encoder.tokenizer.Encoding;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole encoder on TornadoVM's default device against ONNX Runtime on the same ONNX file: token ids
 * (the tokenizer's own parity with Hugging Face is tested in the encoder module) through ORT, pooled here
 * as sentence-transformers does, against the device's pooled output. A varied slice of the corpus (PoCL
 * runs the kernels slowly): every 40th text, from short lines to texts past the max length, plus
 * adversarial ones (empty, control and zero-width characters, CJK, emoji).
 */
class TornadoEncoderTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"all-minilm-l6-v2, false", "bge-small-en-v1.5, true"})
    void matchesOnnxRuntime(String name, boolean cls) throws Exception {
        List<String> texts = new ArrayList<>();
        List<String> corpus = Corpus.texts();
        for (int i = 0; i < corpus.size(); i += 40) {
            texts.add(corpus.get(i));
        }
        List<String> adversarial = Corpus.adversarial();
        for (int i = 0; i < adversarial.size(); i += 10) {
            texts.add(adversarial.get(i));
        }
        EmbeddingModel.Options device = new EmbeddingModel.Options(null, null, 0, 0, 0, 2048, "tornado");
        try (EmbeddingModel tornado = EmbeddingModel.load(name, device); ReferenceModels.Ort ort = new ReferenceModels.Ort(name)) {
            List<float[]> actual = tornado.embed(texts);
            List<Encoding> encodings = tornado.tokenize(texts);
            int hidden = tornado.architecture().hiddenSize();
            double worstCosine = 1, worstDiff = 0;
            for (int t = 0; t < texts.size(); t++) {
                int[] ids = encodings.get(t).ids();
                float[] expected = ReferenceModels.pool(ort.hiddenStates(ids, null), ids.length, hidden, cls);
                worstCosine = Math.min(worstCosine, ReferenceModels.cosine(expected, actual.get(t)));
                worstDiff = Math.max(worstDiff, ReferenceModels.maxAbsDiff(expected, actual.get(t)));
            }
            System.out.printf("%s on the TornadoVM device: %d texts, worst cosine %.8f, worst max|diff| %.2e%n",
                    name, texts.size(), worstCosine, worstDiff);
            assertTrue(worstCosine >= 0.9999, "worst cosine " + worstCosine);
            assertTrue(worstDiff <= 1e-3, "worst max|diff| " + worstDiff);
        }
    }
}
