package dev.gale.encoder;

import dev.gale.encoder.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link ModelLoader#CACHE_PROPERTY}: a built-in model's ONNX file kept out of its jar gives the same model. */
class BuiltinModelCacheTest {
    private static final List<String> TEXTS = List.of("one sentence", "A second, longer sentence for the cache test.");

    @TempDir
    Path dir;

    @Test
    void theCachedFileIsTheJarEntryAndLoadsTheSameModel() throws IOException {
        List<float[]> expected = embed();   // no cache: inflated from the jar
        Path cache = dir.resolve("models");
        String before = System.getProperty(ModelLoader.CACHE_PROPERTY);
        System.setProperty(ModelLoader.CACHE_PROPERTY, cache.toString());
        try {
            assertSame(expected, embed());   // inflated, and written to the cache
            List<Path> files = files(cache);
            assertEquals(1, files.size(), files.toString());
            // the same bytes as the jar entry, as the tests' own reference extraction gives them
            assertEquals(-1, Files.mismatch(files.getFirst(), ReferenceModels.onnx(ReferenceModels.MINILM)));
            assertSame(expected, embed());   // mapped from the cache

            // a file of the wrong size (a copy cut short) is not used, and is replaced
            Files.write(files.getFirst(), new byte[100]);
            assertSame(expected, embed());
            assertEquals(-1, Files.mismatch(files.getFirst(), ReferenceModels.onnx(ReferenceModels.MINILM)));
            assertEquals(1, files(cache).size());
        } finally {
            if (before == null) {
                System.clearProperty(ModelLoader.CACHE_PROPERTY);
            } else {
                System.setProperty(ModelLoader.CACHE_PROPERTY, before);
            }
        }
    }

    private static List<float[]> embed() {
        try (EmbeddingModel model = EmbeddingModel.load(ReferenceModels.MINILM)) {
            return model.embed(TEXTS);
        }
    }

    private static void assertSame(List<float[]> expected, List<float[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "text " + i);
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
