package dev.gale.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.tokenizer.EncodeOptions;
import dev.gale.encoder.tokenizer.Encoding;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tiny random-weight models of the reference scripts ({@code reference/models_fixtures.py}) that Gale
 * loads today, text to last hidden states, against transformers 5.18 on the same inputs: the ids from
 * Gale's tokenizer must be the ones transformers fed the model, and every hidden state must agree.
 */
class ReferenceModelsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"bert-uncased", "bert-cased"})
    void lastHiddenStatesMatchTransformers(String family) throws Exception {
        Path dir = Path.of(ReferenceModelsTest.class.getResource("/reference/tokenizers/" + family).toURI());
        List<JsonNode> records = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(dir.resolve("hidden_states.jsonl.gz"))), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                records.add(MAPPER.readTree(line));
            }
        }
        double worst = 0;
        try (EmbeddingModel model = EmbeddingModel.load(dir.toString())) {
            for (JsonNode r : records) {
                String a = text(r.get("a"));
                String b = r.hasNonNull("b") ? text(r.get("b")) : null;
                Encoding e = model.tokenizer().encode(a, b, EncodeOptions.builder().maxLength(100).build());
                assertArrayEquals(ints(r.get("ids")), e.ids(), family + ": ids of " + r.get("a"));
                float[] ours = model.hiddenStates(e);
                JsonNode expected = r.get("last_hidden_state");
                assertEquals(expected.size(), ours.length, family + ": hidden state size of " + r.get("a"));
                for (int i = 0; i < ours.length; i++) {
                    double want = expected.get(i).asDouble();
                    worst = Math.max(worst, Math.abs(want - ours[i]));
                }
            }
        }
        System.out.printf("%s: %d inputs, worst hidden-state max|diff| %.2e%n", family, records.size(), worst);
        // 7 significant digits in the fixture, float32 on both sides, values of order 1.
        assertTrue(worst < 1e-4, family + ": worst |diff| " + worst);
        assertEquals(30, records.size());
    }

    private static final List<String> TEXTS = texts();

    // The fixture's text indices: the corpus, then the adversarial set.
    private static List<String> texts() {
        List<String> texts = new ArrayList<>();
        for (String name : new String[] {"/corpus/texts.jsonl", "/corpus/adversarial.jsonl"}) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    ReferenceModelsTest.class.getResourceAsStream(name), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    texts.add(MAPPER.readTree(line).get("text").asText());
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return texts;
    }

    private static String text(JsonNode node) {
        return node.isInt() ? TEXTS.get(node.asInt()) : node.asText();
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
