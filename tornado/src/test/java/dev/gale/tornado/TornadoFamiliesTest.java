package dev.gale.tornado;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.HiddenStateFixtures;
import dev.gale.encoder.PoolingConfig;
import dev.gale.encoder.ReferenceModels;
import dev.gale.encoder.TokenBatch;
import dev.gale.encoder.tokenizer.EncodeOptions;
import dev.gale.encoder.tokenizer.Encoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every family's tiny random-weight model (reference/models_fixtures.py) and every variant
 * (reference/model_variants.py: other sizes, odd head counts, other options, float16 and bfloat16 weights) on
 * TornadoVM's default device, against transformers 5.18's last hidden states: all the fixture's inputs (pairs
 * too) as one padding-free batch, cut into runs by the device's capacity; every hidden state, and the
 * mean-pooled vectors from the device's pooling kernel against the mean of the fixture's states.
 */
class TornadoFamiliesTest {
    /** Tokens per device run: less than a fixture's inputs, so a batch takes several runs. */
    private static final int CAPACITY = 1024;

    static Stream<String> families() throws IOException {
        try (Stream<Path> list = Files.list(HiddenStateFixtures.folder("tokenizers"))) {
            return list.filter(p -> Files.exists(p.resolve("hidden_states.jsonl.gz")) && Files.exists(p.resolve("config.json")))
                    .map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    static Stream<String> variants() throws IOException {
        try (Stream<Path> list = Files.list(HiddenStateFixtures.folder("models"))) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void familiesMatchTransformers(String family) {
        Path dir = HiddenStateFixtures.folder("tokenizers/" + family);
        check(family, dir, HiddenStateFixtures.records(dir));
    }

    /** The directory is assembled as ReferenceModelsTest does: the family's tokenizer files, then the variant's model files. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void variantsMatchTransformers(String variant) throws IOException {
        Path fixture = HiddenStateFixtures.folder("models/" + variant);
        Path dir = HiddenStateFixtures.assembleVariant(variant, tmp.resolve(variant));
        check(variant, dir, HiddenStateFixtures.records(fixture));
    }

    private static void check(String name, Path dir, List<JsonNode> records) {
        // the CPU-side model gives the tokenizer and the recipe; the device backend is opened on the recipe
        try (EmbeddingModel model = EmbeddingModel.load(dir.toString())) {
            List<int[]> ids = new ArrayList<>();
            List<int[]> types = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (JsonNode r : records) {
                String a = HiddenStateFixtures.text(r.get("a"));
                String b = r.hasNonNull("b") ? HiddenStateFixtures.text(r.get("b")) : null;
                int maxLength = r.hasNonNull("max_length") ? r.get("max_length").asInt() : 100;
                Encoding e = model.tokenizer().encode(a, b, EncodeOptions.builder().maxLength(maxLength).build());
                int[] recorded = HiddenStateFixtures.ints(r.get("ids"));
                if (r.get("ids_match_tokenizer_json").asBoolean()) {
                    assertArrayEquals(recorded, e.ids(), name + ": ids of " + r.get("a"));
                } else {
                    e = Encoding.ofIds(recorded, r.hasNonNull("type_ids") ? HiddenStateFixtures.ints(r.get("type_ids")) : new int[recorded.length]);
                }
                ids.add(e.ids());
                types.add(e.typeIds());
                expected.add(HiddenStateFixtures.floats(r.get("last_hidden_state")));
            }
            int hidden = model.architecture().hiddenSize();
            TokenBatch batch = TokenBatch.of(ids, types);
            try (TornadoEncoder device = new TornadoEncoder(model.architecture(), TornadoBackendProvider.device("tornado"), CAPACITY)) {
                float[] states = device.hiddenStates(batch);
                float[] pooled = new float[records.size() * hidden];
                device.embed(batch, new PoolingConfig(PoolingConfig.Mode.MEAN, false, 0), MemorySegment.ofArray(pooled));

                double worstState = 0, worstCosine = 1, worstMean = 0;
                for (int s = 0; s < records.size(); s++) {
                    float[] want = expected.get(s);
                    int tokens = ids.get(s).length;
                    assertEquals(want.length, tokens * hidden, name + ": hidden state size of record " + s);
                    float[] mean = new float[hidden];
                    for (int i = 0; i < want.length; i++) {
                        worstState = Math.max(worstState, Math.abs(want[i] - states[batch.start(s) * hidden + i]));
                        mean[i % hidden] += want[i] / tokens;
                    }
                    float[] ours = java.util.Arrays.copyOfRange(pooled, s * hidden, (s + 1) * hidden);
                    worstCosine = Math.min(worstCosine, ReferenceModels.cosine(mean, ours));
                    worstMean = Math.max(worstMean, ReferenceModels.maxAbsDiff(mean, ours));
                }
                System.out.printf("%s on the TornadoVM device: %d inputs (%d tokens), worst hidden-state max|diff| %.2e, "
                        + "mean-pooled worst cosine %.8f, worst max|diff| %.2e%n", name, records.size(), batch.tokenCount(), worstState,
                        worstCosine, worstMean);
                // 7 significant digits in the fixture, float32 on both sides, as the CPU backend's test
                assertTrue(worstState < 1e-5, name + ": worst hidden-state |diff| " + worstState);
                assertTrue(worstCosine >= 0.99999, name + ": worst cosine " + worstCosine);
                assertTrue(worstMean <= 1e-5, name + ": worst mean-pooled |diff| " + worstMean);
            }
        }
    }

    @Test
    void refusesPoolingTheKernelsDoNotImplementInOneLine() {
        Path dir = HiddenStateFixtures.folder("tokenizers/modernbert");
        EmbeddingModel.Options options = new EmbeddingModel.Options(PoolingConfig.Mode.MEAN_SQRT_LEN, null, 0, 0, 0, 2048, "tornado");
        try (EmbeddingModel model = EmbeddingModel.load(dir.toString(), options)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.embed("a text"));
            assertEquals("the TornadoVM backend pools cls, mean or max; mean_sqrt_len_tokens pooling needs --device cpu", e.getMessage());
        }
    }
}
