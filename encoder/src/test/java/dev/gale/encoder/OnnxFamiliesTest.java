package dev.gale.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.model.ModelLoadException;
import dev.gale.encoder.tokenizer.EncodeOptions;
import dev.gale.encoder.tokenizer.Encoding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A tiny model of every family as {@code torch.onnx.export} writes it, with the dynamo exporter (torch 2.13's
 * default) and the TorchScript one ({@code dynamo=False}), from reference/onnx_fixtures.py: loaded from model.onnx
 * with the model's config.json and tokenizer files beside it, every hidden state must be transformers' (the
 * records of the model variant the export was made from, reference/models/V/hidden_states.jsonl.gz). DeBERTa-v2
 * exports are refused with one line: the exporters fold its relative position embeddings into constants.
 */
class OnnxFamiliesTest {

    @TempDir
    Path tmp;

    static Stream<Arguments> exports() throws IOException {
        try (Stream<Path> list = Files.list(HiddenStateFixtures.folder("onnx"))) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream()
                    .flatMap(v -> Stream.of(Arguments.of(v, "dynamo"), Arguments.of(v, "legacy")));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("exports")
    void exportGivesTransformersHiddenStates(String variant, String exporter) throws Exception {
        Path fixture = HiddenStateFixtures.folder("onnx/" + variant);
        Path model = HiddenStateFixtures.folder(Files.readString(fixture.resolve("source.txt")).strip());
        Path tokenizerFrom = HiddenStateFixtures.folder(Files.readString(model.resolve("tokenizer-from.txt")).strip());
        Path dir = tmp.resolve(variant + "-" + exporter);
        Files.createDirectories(dir);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(fixture.resolve(exporter + ".onnx.gz")))) {
            Files.copy(in, dir.resolve("model.onnx"));
        }
        Files.copy(model.resolve("config.json"), dir.resolve("config.json"));
        for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(tokenizerFrom.resolve(f), dir.resolve(f));
        }
        if (variant.startsWith("deberta-v2")) {
            // both exporters fold LayerNorm(rel_embeddings) into a constant (dynamo also the position projections)
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> EmbeddingModel.load(dir.resolve("model.onnx").toString()));
            assertEquals(dir.resolve("model.onnx") + ": tensor 'encoder.rel_embeddings.weight' is not in this DeBERTa-v2 export: "
                    + "torch.onnx.export folds the relative position embeddings (their LayerNorm, and with the dynamo exporter "
                    + "the position projections too) into constants, which Gale does not read back; load the safetensors model",
                    e.getMessage());
            return;
        }
        List<JsonNode> records = HiddenStateFixtures.records(model);
        double worst = 0;
        try (EmbeddingModel loaded = EmbeddingModel.load(dir.resolve("model.onnx").toString())) {
            for (JsonNode r : records) {
                String a = HiddenStateFixtures.text(r.get("a"));
                String b = r.hasNonNull("b") ? HiddenStateFixtures.text(r.get("b")) : null;
                Encoding e = loaded.tokenizer().encode(a, b, EncodeOptions.builder().maxLength(r.get("max_length").asInt()).build());
                int[] ids = HiddenStateFixtures.ints(r.get("ids"));
                if (r.get("ids_match_tokenizer_json").asBoolean()) {
                    assertArrayEquals(ids, e.ids(), variant + ": ids of " + r.get("a"));
                } else {
                    e = Encoding.ofIds(ids, r.hasNonNull("type_ids") ? HiddenStateFixtures.ints(r.get("type_ids")) : new int[ids.length]);
                }
                float[] ours = loaded.hiddenStates(e);
                float[] expected = HiddenStateFixtures.floats(r.get("last_hidden_state"));
                assertEquals(expected.length, ours.length, variant + ": hidden state size of " + r.get("a"));
                for (int i = 0; i < ours.length; i++) {
                    worst = Math.max(worst, Math.abs(expected[i] - ours[i]));
                }
            }
        }
        System.out.printf("%s %s: %d inputs, worst hidden-state max|diff| %.2e%n", variant, exporter, records.size(), worst);
        // 7 significant digits in the fixture, float32 on both sides (as ReferenceModelsTest)
        assertTrue(worst < 1e-5, variant + " " + exporter + ": worst |diff| " + worst);
    }
}
