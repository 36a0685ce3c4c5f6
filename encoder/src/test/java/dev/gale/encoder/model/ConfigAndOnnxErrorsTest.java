package dev.gale.encoder.model;

import dev.gale.encoder.family.Families;
import dev.gale.encoder.family.bert.Bert;

import dev.gale.encoder.ReferenceModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigAndOnnxErrorsTest {
    @TempDir
    Path dir;

    private Path config(String json) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json);
        return file;
    }

    private static final String BERT = """
            {"model_type": "bert", "vocab_size": 30522, "hidden_size": 384, "num_hidden_layers": 6,
             "num_attention_heads": 12, "intermediate_size": 1536, "hidden_act": "gelu",
             "max_position_embeddings": 512, "type_vocab_size": 2, "layer_norm_eps": 1e-12%s}""";

    @Test
    void readsHuggingFaceConfig() throws IOException {
        BertConfig c = BertConfig.read(config(BERT.formatted("")));
        assertEquals(32, c.headSize());
        assertEquals(1e-12f, c.layerNormEps());
        assertEquals(c, BertConfig.read(config(c.toJson())));
    }

    @Test
    void refusesUnsupportedOptionsNamingFileAndField() throws IOException {
        Path gpt2 = config(BERT.formatted("").replace("\"bert\"", "\"gpt2\""));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Families.of(HfConfig.read(gpt2)));
        assertEquals(gpt2 + ": model_type 'gpt2' is not supported (expected one of bert, roberta, xlm-roberta, camembert, "
                + "electra, distilbert, mpnet, deberta-v2, modernbert, nomic_bert, gte)", e.getMessage());

        Path relative = config(BERT.formatted(", \"position_embedding_type\": \"relative_key\""));
        WeightMap none = new WeightMap(java.util.Map.of(), "weights");
        e = assertThrows(ModelLoadException.class, () -> new Bert().build(HfConfig.read(relative), none));
        assertEquals(relative + ": position_embedding_type \"relative_key\" is not supported (expected absolute; relative_key "
                + "variants are not implemented)", e.getMessage());

        Path act = config(BERT.formatted("").replace("\"gelu\"", "\"mish\""));
        e = assertThrows(ModelLoadException.class, () -> new Bert().build(HfConfig.read(act), none));
        assertEquals(act + ": hidden_act 'mish' is not supported (expected one of gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, "
                + "relu, silu, swish, tanh)", e.getMessage());

        Path missing = config("{\"model_type\": \"bert\"}");
        e = assertThrows(ModelLoadException.class, () -> BertConfig.read(missing));
        assertEquals(missing + ": field 'vocab_size' is missing or not an integer", e.getMessage());
    }

    @Test
    void infersConfigFromOnnxGraph() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            BertConfig minilm = OnnxExport.read(map(ReferenceModels.onnx(ReferenceModels.MINILM), arena), "x").inferredConfig();
            // all-MiniLM-L6-v2's published config.json
            assertEquals(new BertConfig("bert", 30522, 384, 6, 12, 1536, "gelu", 512, 2, 1e-12f, "absolute"), minilm);
            BertConfig bge = OnnxExport.read(map(ReferenceModels.onnx(ReferenceModels.BGE), arena), "x").inferredConfig();
            // bge-small-en-v1.5's published config.json
            assertEquals(new BertConfig("bert", 30522, 384, 12, 12, 1536, "gelu", 512, 2, 1e-12f, "absolute"), bge);
        }
    }

    @Test
    void recoversHuggingFaceNamesOfMatMulWeights() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            WeightMap w = OnnxExport.read(map(ReferenceModels.onnx(ReferenceModels.MINILM), arena), "x").weights();
            Tensor key = w.require("encoder.layer.3.attention.self.key.weight", 384, 384);
            assertTrue(key.transposed());
            w.require("encoder.layer.5.intermediate.dense.weight", 1536, 384);
            w.require("encoder.layer.5.output.dense.weight", 384, 1536);
            assertEquals(6, w.layerCount());
        }
    }

    @Test
    void truncatedOnnxFileIsRefused() throws IOException {
        Path full = ReferenceModels.onnx(ReferenceModels.MINILM);
        Path cut = dir.resolve("cut.onnx");
        try (FileChannel in = FileChannel.open(full); FileChannel out = FileChannel.open(cut,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
            in.transferTo(0, in.size() / 2, out);
        }
        try (Arena arena = Arena.ofConfined()) {
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxExport.read(map(cut, arena), cut.toString()));
            assertTrue(e.getMessage().startsWith(cut + ": malformed ONNX protobuf (truncated"), e.getMessage());
        }
    }

    @Test
    void textFileIsNotAnOnnxModel() throws IOException {
        Path bogus = dir.resolve("bogus.onnx");
        Files.writeString(bogus, "{\"this\": \"is json\"}\n");
        try (Arena arena = Arena.ofConfined()) {
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxExport.read(map(bogus, arena), bogus.toString()));
            assertTrue(e.getMessage().startsWith(bogus + ": "), e.getMessage());
        }
    }

    @Test
    void unknownModelSpecListsAliases() {
        try (Arena arena = Arena.ofConfined()) {
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelLoader.load("no-such-model", arena));
            assertEquals("model 'no-such-model' is neither a built-in model (all-minilm-l6-v2, bge-small-en-v1.5) "
                    + "nor an existing file or directory", e.getMessage());
        }
    }

    @Test
    void modelDirectoryWithoutConfigNamesTheMissingFile() throws IOException {
        Files.write(dir.resolve("model.safetensors"), new byte[16]);
        try (Arena arena = Arena.ofConfined()) {
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelLoader.load(dir.toString(), arena));
            assertEquals(dir.resolve("config.json") + ": missing (expected the model's config here)", e.getMessage());
        }
        Files.delete(dir.resolve("model.safetensors"));
        try (Arena arena = Arena.ofConfined()) {
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelLoader.load(dir.toString(), arena));
            assertEquals(dir + ": no model.safetensors, model.safetensors.index.json, model.onnx or onnx/model.onnx in this directory", e.getMessage());
        }
    }

    @Test
    void onnxExportIsTheFileLoadWouldRead() throws IOException {
        assertTrue(ModelLoader.onnxExport("all-minilm-l6-v2").orElseThrow().toString().endsWith("!/all-minilm-l6-v2.onnx"));
        Path nested = Files.createDirectories(dir.resolve("onnx")).resolve("model.onnx");
        Files.write(nested, new byte[16]);
        assertEquals(nested.toUri().toURL(), ModelLoader.onnxExport(dir.toString()).orElseThrow());
        Files.write(dir.resolve("model.onnx"), new byte[16]);
        assertEquals(dir.resolve("model.onnx").toUri().toURL(), ModelLoader.onnxExport(dir.toString()).orElseThrow());
        Files.write(dir.resolve("model.safetensors"), new byte[16]);
        assertTrue(ModelLoader.onnxExport(dir.toString()).isEmpty(), "a safetensors directory has no ONNX export");
        assertTrue(ModelLoader.onnxExport(dir.resolve("model.safetensors").toString()).isEmpty());
    }

    static MemorySegment map(Path file, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        }
    }
}
