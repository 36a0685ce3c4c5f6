package dev.gale.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.EncodeOptions;
import dev.gale.encoder.tokenizer.Encoding;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model directories and texts of the user's choosing against transformers and sentence-transformers: the folder
 * {@code GALE_REFERENCE_MODELS} that reference/crosscheck-models wrote. Off without it.
 */
@EnabledIfEnvironmentVariable(named = "GALE_REFERENCE_MODELS", matches = ".+")
class ExternalModelsTest {

    static Stream<String> folders() throws IOException {
        try (Stream<Path> list = Files.list(Path.of(System.getenv("GALE_REFERENCE_MODELS")))) {
            return list.filter(d -> Files.isRegularFile(d.resolve("model-dir.txt"))).map(d -> d.getFileName().toString())
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("folders")
    void matchesTransformers(String name) throws IOException {
        Path folder = Path.of(System.getenv("GALE_REFERENCE_MODELS")).resolve(name);
        String dir = Files.readString(folder.resolve("model-dir.txt")).strip();
        double worst = 0;
        double largest = 0;
        double worstCosine = 1;
        List<JsonNode> records = HiddenStateFixtures.records(folder);
        try (EmbeddingModel model = EmbeddingModel.load(dir)) {
            for (JsonNode r : records) {
                String text = r.get("a").asText();
                Encoding e = model.tokenizer().encode(text, null, EncodeOptions.builder().maxLength(r.get("max_length").asInt()).build());
                int[] ids = HiddenStateFixtures.ints(r.get("ids"));
                if (r.get("ids_match_tokenizer_json").asBoolean()) {
                    assertArrayEquals(ids, e.ids(), dir + ": ids of " + text);
                } else {
                    e = Encoding.ofIds(ids, r.hasNonNull("type_ids") ? HiddenStateFixtures.ints(r.get("type_ids")) : new int[ids.length]);
                }
                float[] ours = model.hiddenStates(e);
                float[] expected = HiddenStateFixtures.floats(r.get("last_hidden_state"));
                assertEquals(expected.length, ours.length, dir + ": hidden state size of " + text);
                for (int i = 0; i < ours.length; i++) {
                    worst = Math.max(worst, Math.abs(expected[i] - ours[i]));
                    largest = Math.max(largest, Math.abs(expected[i]));
                }
            }
            Path st = folder.resolve("expected.jsonl.gz");
            if (Files.isRegularFile(st)) {
                for (JsonNode r : HiddenStateFixtures.jsonl(st)) {
                    float[] actual = model.embed(List.of(r.get("text").asText())).getFirst();
                    worstCosine = Math.min(worstCosine, ReferenceModels.cosine(HiddenStateFixtures.floats(r.get("embedding")), actual));
                }
            }
        }
        System.out.printf("%s: %d texts, worst hidden-state max|diff| %.2e (largest |value| %.2f), worst embedding cosine %.8f%n",
                dir, records.size(), worst, largest, worstCosine);
        // float32 against the float64 answer: 1e-5 on values of order 1, proportionally more on larger ones (a
        // float32 ulp at 4 is 4.8e-7, and a few layers of 200-token sums add a few tens of them)
        assertTrue(worst <= 1e-5 * Math.max(1, largest), dir + ": worst |diff| " + worst + " on values up to " + largest);
        assertTrue(worstCosine >= 0.99999, dir + ": worst cosine " + worstCosine);
    }
}
