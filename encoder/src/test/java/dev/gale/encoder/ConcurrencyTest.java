package dev.gale.encoder;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** One model shared by several threads gives each caller the embeddings of its own texts. */
class ConcurrencyTest {
    @Test
    void sharedModelFromFourThreads() throws Exception {
        List<String> texts = Corpus.all().subList(0, 240);
        try (EmbeddingModel model = EmbeddingModel.load(ReferenceModels.MINILM, new EmbeddingModel.Options(null, null, 0, 0, 2, 512))) {
            List<float[]> expected = model.embed(texts);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<float[]>>> futures = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    List<String> part = texts.subList(t * 60, (t + 1) * 60);
                    futures.add(pool.submit(() -> model.embed(part)));
                }
                for (int t = 0; t < 4; t++) {
                    List<float[]> actual = futures.get(t).get();
                    for (int i = 0; i < 60; i++) {
                        // other batch compositions and JIT states change the last bits only
                        assertArrayEquals(expected.get(t * 60 + i), actual.get(i), 1e-6f, "thread " + t + " text " + i);
                    }
                }
            } finally {
                pool.shutdown();
            }
        }
    }
}
