package dev.gale.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.model.ModelLoadException;
import dev.gale.encoder.model.OnnxExport;
import dev.gale.encoder.model.SafeTensors;
import dev.gale.encoder.model.WeightMap;
import dev.gale.encoder.tokenizer.EncodeOptions;
import dev.gale.encoder.tokenizer.Encoding;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A tiny model of every family as {@code torch.onnx.export} writes it, with the dynamo exporter (torch 2.13's
 * default) and the TorchScript one ({@code dynamo=False}), from reference/onnx_fixtures.py: loaded from model.onnx
 * with the model's config.json and tokenizer files beside it, every hidden state must be transformers' (the
 * records of the model variant the export was made from, reference/models/V/hidden_states.jsonl.gz). DeBERTa-v2's
 * relative positions come folded into constants where the model does not normalize them (deberta-v2-b: the
 * TorchScript exporter folds rel_embeddings, the dynamo exporter each layer's projected position keys), and as they
 * are where it does (deberta-v2-a: the LayerNorm stays in the graph).
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

    /** An export's bytes, unzipped. */
    private static byte[] export(String variant, String exporter) throws IOException {
        Path file = HiddenStateFixtures.folder("onnx/" + variant).resolve(exporter + ".onnx.gz");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    private static WeightMap onnxWeights(byte[] model, String source) {
        return OnnxExport.read(MemorySegment.ofArray(model), source).weights();
    }

    /**
     * What each exporter leaves of DeBERTa-v2's relative positions, checked against the safetensors weights the
     * exports were made from. deberta-v2-b (no LayerNorm on rel_embeddings, own pos_key_proj, c2p only): the
     * TorchScript exporter folds rel_embeddings[:32] into the input of pos_key_proj, the dynamo exporter each layer's
     * pos_key_proj(rel_embeddings); deberta-v2-a (LayerNorm, shared keys): both leave rel_embeddings and the LayerNorm.
     */
    @Test
    void debertaV2RelativePositionsAsEachExporterLeavesThem() throws IOException {
        int span2 = 32;   // 2 * max_relative_positions (16): position_buckets -1
        int hidden = 12;
        try (Arena arena = Arena.ofConfined()) {
            WeightMap hf = new WeightMap(SafeTensors.read(HiddenStateFixtures.folder("models/deberta-v2-b").resolve("model.safetensors"),
                    arena), "model.safetensors");
            float[] rel = hf.require("encoder.rel_embeddings.weight", span2, hidden).toFloatArray();

            WeightMap legacy = onnxWeights(export("deberta-v2-b", "legacy"), "legacy");
            assertFalse(legacy.contains("encoder.rel_embeddings.weight"));
            assertArrayEquals(rel, legacy.require(OnnxExport.FOLDED_REL_EMBEDDINGS, span2, hidden).toFloatArray());
            assertTrue(legacy.contains("encoder.layer.1.attention.self.pos_key_proj.weight"));
            assertFalse(legacy.contains(OnnxExport.foldedPositionKeys(0)));

            WeightMap dynamo = onnxWeights(export("deberta-v2-b", "dynamo"), "dynamo");
            for (String gone : new String[] {"encoder.rel_embeddings.weight", OnnxExport.FOLDED_REL_EMBEDDINGS,
                    "encoder.layer.0.attention.self.pos_key_proj.weight", "encoder.layer.0.attention.self.pos_key_proj.bias"}) {
                assertFalse(dynamo.contains(gone), gone);
            }
            for (int layer = 0; layer < 2; layer++) {
                String p = "encoder.layer." + layer + ".attention.self.pos_key_proj.";
                float[] w = hf.require(p + "weight", hidden, hidden).toFloatArray();   // (out, in)
                float[] b = hf.require(p + "bias", hidden).toFloatArray();
                float[] folded = dynamo.require(OnnxExport.foldedPositionKeys(layer), span2, hidden).toFloatArray();
                for (int r = 0; r < span2; r++) {
                    for (int o = 0; o < hidden; o++) {
                        double want = b[o];
                        for (int i = 0; i < hidden; i++) {
                            want += (double) rel[r * hidden + i] * w[o * hidden + i];
                        }
                        assertEquals(want, folded[r * hidden + o], 2e-6, "layer " + layer + " position " + r + " feature " + o);
                    }
                }
                assertFalse(dynamo.contains(OnnxExport.foldedPositionQueries(layer)));
            }

            for (String exporter : new String[] {"legacy", "dynamo"}) {
                WeightMap a = onnxWeights(export("deberta-v2-a", exporter), exporter);
                a.require("encoder.rel_embeddings.weight", 16, 20);
                a.require("encoder.LayerNorm.weight", 20);
                assertTrue(a.tensors().keySet().stream().noneMatch(k -> k.startsWith("folded:")), exporter + ": " + a.tensors().keySet());
            }
        }
    }

    /**
     * Constants Gale cannot place are refused in one line: the deberta-v2-b dynamo export with its Tile nodes renamed
     * (the folded position keys no longer reach the attention product the way Gale looks for), and with its Reshape
     * nodes renamed (the product is found, the query it multiplies is not).
     */
    @Test
    void unidentifiedDebertaV2ConstantsAreRefused() throws IOException {
        Path dir = tmp.resolve("deberta-v2-b");
        HiddenStateFixtures.assembleVariant("deberta-v2-b", dir);
        Path onnx = dir.resolve("model.onnx");
        Files.write(onnx, withOpType(export("deberta-v2-b", "dynamo"), "Tile", "Tilf"));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> EmbeddingModel.load(onnx.toString()));
        assertEquals(onnx + ": tensor 'encoder.rel_embeddings.weight' is missing (expected shape [32, 12]), and no constant of "
                + "an ONNX export was found to stand for it or for layer 0's projected c2p position keys", e.getMessage());

        Files.write(onnx, withOpType(export("deberta-v2-b", "dynamo"), "Reshape", "Reshapf"));
        e = assertThrows(ModelLoadException.class, () -> EmbeddingModel.load(onnx.toString()));
        assertEquals(onnx + ": constant 'val_116' of shape [3, 32, 4] is multiplied (MatMul 'node_bmm_1') as relative position "
                + "keys or queries, but the other operand is not a layer's query_proj or key_proj output, so its layer and term "
                + "(c2p or p2c) are unknown", e.getMessage());
    }

    /** The bytes of NodeProto field 4 (op_type, length-delimited) holding {@code opType}. */
    private static byte[] opTypeField(String opType) {
        byte[] name = opType.getBytes(StandardCharsets.US_ASCII);
        byte[] field = new byte[name.length + 2];
        field[0] = (4 << 3) | 2;
        field[1] = (byte) name.length;
        System.arraycopy(name, 0, field, 2, name.length);
        return field;
    }

    /** {@code model} with every node of op type {@code from} given op type {@code to}, of the same length. */
    private static byte[] withOpType(byte[] model, String from, String to) {
        byte[] f = opTypeField(from);
        byte[] t = opTypeField(to);
        byte[] out = model.clone();
        int replaced = 0;
        for (int i = 0; i + f.length <= out.length; i++) {
            if (Arrays.equals(out, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, out, i, t.length);
                replaced++;
            }
        }
        assertTrue(replaced > 0, "no " + from + " node");
        return out;
    }
}
