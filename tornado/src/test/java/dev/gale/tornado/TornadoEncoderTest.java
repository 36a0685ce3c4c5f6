package dev.gale.tornado;

import dev.gale.encoder.EmbeddingModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole encoder on TornadoVM's default device against the CPU backend, which the encoder module's
 * tests hold to ONNX Runtime (cosine >= 0.99999): the device must give cosine >= 0.9999 and max |diff| <= 1e-3.
 */
class TornadoEncoderTest {

    @Test
    void miniLmOnTheDeviceMatchesTheCpu() {
        List<String> texts = new ArrayList<>(List.of("The cat sits on the mat.", "", "A feline rests on a rug.",
                "Ünïcödé, 漢字 and emoji 😀 in one line", "word ".repeat(300)));
        EmbeddingModel.Options device = new EmbeddingModel.Options(null, null, 0, 0, 0, 1024, "tornado");
        try (EmbeddingModel cpu = EmbeddingModel.load("all-minilm-l6-v2");
             EmbeddingModel tornado = EmbeddingModel.load("all-minilm-l6-v2", device)) {
            List<float[]> expected = cpu.embed(texts);
            List<float[]> actual = tornado.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                float[] e = expected.get(i);
                float[] g = actual.get(i);
                double dot = 0, ne = 0, ng = 0, max = 0;
                for (int d = 0; d < e.length; d++) {
                    dot += (double) e[d] * g[d];
                    ne += (double) e[d] * e[d];
                    ng += (double) g[d] * g[d];
                    max = Math.max(max, Math.abs(e[d] - g[d]));
                }
                double cosine = dot / Math.sqrt(ne * ng);
                assertTrue(cosine >= 0.9999, "text " + i + ": cosine " + cosine);
                assertTrue(max <= 1e-3, "text " + i + ": max |diff| " + max);
            }
            assertEquals(expected.size(), actual.size());
        }
    }
}
