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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tiny random-weight model of every family from the reference scripts ({@code reference/models_fixtures.py}),
 * text to last hidden states, against transformers 5.18 on the same inputs: the ids from Gale's tokenizer
 * must be the ones transformers fed the model (where transformers tokenized as tokenizer.json does: it
 * rebuilds DeBERTa-v2's normalizer, so those records feed the recorded ids), and every hidden state must agree.
 */
class ReferenceModelsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"bert-uncased", "bert-cased", "distilbert", "electra", "mpnet", "gte", "nomic-bert", "roberta",
            "modernbert", "xlm-roberta", "deberta-v2"})
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
                if (r.get("ids_match_tokenizer_json").asBoolean()) {
                    assertArrayEquals(ints(r.get("ids")), e.ids(), family + ": ids of " + r.get("a"));
                } else {
                    int[] ids = ints(r.get("ids"));
                    e = Encoding.ofIds(ids, r.hasNonNull("type_ids") ? ints(r.get("type_ids")) : new int[ids.length]);
                }
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
        // 7 significant digits in the fixture (5e-7 on values of order 1), float32 on both sides
        assertTrue(worst < 1e-5, family + ": worst |diff| " + worst);
        assertEquals(30, records.size());
    }

    /**
     * The same single-text inputs as one padding-free batch (every sequence's positions, RoPE angles, windows and
     * relative biases restart at its own start): mean-pooled, against the mean of transformers' hidden states.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bert-uncased", "distilbert", "electra", "mpnet", "gte", "nomic-bert", "roberta", "modernbert",
            "xlm-roberta", "deberta-v2"})
    void oneBatchOfManySequencesMatchesTransformers(String family) {
        Path dir = HiddenStateFixtures.folder("tokenizers/" + family);
        List<int[]> ids = new ArrayList<>();
        List<int[]> types = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (JsonNode r : HiddenStateFixtures.records(dir)) {
            if (r.hasNonNull("b")) {
                continue;
            }
            int[] seq = HiddenStateFixtures.ints(r.get("ids"));
            ids.add(seq);
            types.add(new int[seq.length]);
            int hidden = r.get("hidden_size").asInt();
            float[] states = HiddenStateFixtures.floats(r.get("last_hidden_state"));
            float[] mean = new float[hidden];
            for (int t = 0; t < seq.length; t++) {
                for (int i = 0; i < hidden; i++) {
                    mean[i] += states[t * hidden + i] / seq.length;
                }
            }
            expected.add(mean);
        }
        EmbeddingModel.Options options = new EmbeddingModel.Options(PoolingConfig.Mode.MEAN, false, 0, 0, 2, 1 << 20);
        try (EmbeddingModel model = EmbeddingModel.load(dir.toString(), options)) {
            int dims = model.dimensions();
            float[] out = new float[ids.size() * dims];
            model.embed(TokenBatch.of(ids, types), java.lang.foreign.MemorySegment.ofArray(out));
            double worst = 0;
            for (int s = 0; s < ids.size(); s++) {
                for (int i = 0; i < dims; i++) {
                    worst = Math.max(worst, Math.abs(expected.get(s)[i] - out[s * dims + i]));
                }
            }
            System.out.printf("%s: %d sequences in one batch, worst mean-pooled max|diff| %.2e%n", family, ids.size(), worst);
            assertTrue(worst < 1e-5, family + ": worst |diff| " + worst);
        }
    }

    @TempDir
    Path tmp;

    static java.util.stream.Stream<String> variants() throws java.io.IOException {
        try (java.util.stream.Stream<Path> list = Files.list(HiddenStateFixtures.folder("models"))) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    /**
     * Variants of every family with other sizes, odd head counts, other options, float16 and bfloat16 weights,
     * texts from 1 token to past the model's max length (reference/model_variants.py). The directory is assembled
     * here as the script did: the family's tokenizer files, then the variant's model files.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void variantsMatchTransformers(String variant) throws Exception {
        Path fixture = HiddenStateFixtures.folder("models/" + variant);
        Path dir = HiddenStateFixtures.assembleVariant(variant, tmp.resolve(variant));
        List<JsonNode> records = HiddenStateFixtures.records(fixture);
        double worst = 0;
        int truncated = 0;
        try (EmbeddingModel model = EmbeddingModel.load(dir.toString())) {
            for (JsonNode r : records) {
                String a = HiddenStateFixtures.text(r.get("a"));
                String b = r.hasNonNull("b") ? HiddenStateFixtures.text(r.get("b")) : null;
                int maxLength = r.get("max_length").asInt();
                Encoding e = model.tokenizer().encode(a, b, EncodeOptions.builder().maxLength(maxLength).build());
                int[] ids = HiddenStateFixtures.ints(r.get("ids"));
                if (r.get("ids_match_tokenizer_json").asBoolean()) {
                    assertArrayEquals(ids, e.ids(), variant + ": ids of " + r.get("a"));
                } else {
                    e = Encoding.ofIds(ids, r.hasNonNull("type_ids") ? HiddenStateFixtures.ints(r.get("type_ids")) : new int[ids.length]);
                }
                truncated += e.truncated() ? 1 : 0;
                float[] ours = model.hiddenStates(e);
                float[] expected = HiddenStateFixtures.floats(r.get("last_hidden_state"));
                assertEquals(expected.length, ours.length, variant + ": hidden state size of " + r.get("a"));
                for (int i = 0; i < ours.length; i++) {
                    worst = Math.max(worst, Math.abs(expected[i] - ours[i]));
                }
            }
        }
        System.out.printf("%s: %d inputs (%d truncated), worst hidden-state max|diff| %.2e%n", variant, records.size(), truncated, worst);
        assertTrue(worst < 1e-5, variant + ": worst |diff| " + worst);
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
