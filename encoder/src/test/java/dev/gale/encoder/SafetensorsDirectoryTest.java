package dev.gale.encoder;

import dev.gale.encoder.model.BertConfig;
import dev.gale.encoder.model.OnnxExport;
import dev.gale.encoder.model.SafeTensors;
import dev.gale.encoder.model.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Hugging Face model directory (config.json, model.safetensors in the (out, in) layout, tokenizer.json,
 * sentence-transformers files) written from the ONNX weights, loaded back, gives the ONNX path's numbers.
 */
class SafetensorsDirectoryTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"all-minilm-l6-v2, mean, 256, ''", "bge-small-en-v1.5, cls, 512, bert."})
    void loadsLikeTheOnnxExport(String name, String pooling, int maxLength, String prefix) throws Exception {
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(ReferenceModels.onnx(name))) {
            OnnxExport.Contents onnx = OnnxExport.read(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena), name);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            onnx.weights().tensors().forEach((k, v) -> tensors.put(prefix + k, new Tensor(prefix + k, v.dtype(), v.shape(), v.data(), v.transposed(), v.source())));
            SafeTensors.writeF32(dir.resolve("model.safetensors"), tensors);
            BertConfig config = onnx.inferredConfig();
            Files.writeString(dir.resolve("config.json"), config.toJson());
        }
        Files.copy(ReferenceModels.tokenizer(name), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("modules.json"), """
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                 {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                 {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]""");
        Files.createDirectories(dir.resolve("1_Pooling"));
        Files.writeString(dir.resolve("1_Pooling/config.json"), """
                {"word_embedding_dimension": 384, "pooling_mode_cls_token": %s, "pooling_mode_mean_tokens": %s,
                 "pooling_mode_max_tokens": false, "pooling_mode_mean_sqrt_len_tokens": false}"""
                .formatted(pooling.equals("cls"), pooling.equals("mean")));
        Files.writeString(dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\": %d, \"do_lower_case\": false}".formatted(maxLength));

        List<String> texts = Corpus.all().subList(0, 200);
        try (EmbeddingModel fromOnnx = EmbeddingModel.load(name); EmbeddingModel fromDir = EmbeddingModel.load(dir.toString())) {
            assertEquals("safetensors", fromDir.loaded().format());
            assertEquals(fromOnnx.pooling(), fromDir.pooling());
            assertEquals(maxLength, fromDir.maxLength());
            List<float[]> expected = fromOnnx.embed(texts);
            List<float[]> actual = fromDir.embed(texts);
            double worst = 0;
            for (int i = 0; i < texts.size(); i++) {
                worst = Math.max(worst, ReferenceModels.maxAbsDiff(expected.get(i), actual.get(i)));
            }
            // the same float weights in another layout: only summation order may differ
            assertTrue(worst <= 1e-6, "max |diff| " + worst);
        }
    }
}
