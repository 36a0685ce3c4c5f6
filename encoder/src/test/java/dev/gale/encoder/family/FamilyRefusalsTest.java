package dev.gale.encoder.family;

import dev.gale.encoder.model.HfConfig;
import dev.gale.encoder.model.ModelLoadException;
import dev.gale.encoder.model.SentenceTransformersConfig;
import dev.gale.encoder.model.WeightMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Options a family does not implement are refused at load, in one line naming the file and the field. */
class FamilyRefusalsTest {
    @TempDir
    Path dir;

    private static final WeightMap NONE = new WeightMap(Map.of(), "weights");

    private String refusal(String json) throws IOException {
        Path config = Files.writeString(dir.resolve("config.json"), json);
        HfConfig c = HfConfig.read(config);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Families.of(c).build(c, NONE));
        return e.getMessage().replace(config.toString(), "config.json");
    }

    @Test
    void familyOptions() throws IOException {
        String deberta = """
                {"model_type": "deberta-v2", "hidden_size": 12, "num_hidden_layers": 1, "num_attention_heads": 3,
                 "intermediate_size": 20, "max_position_embeddings": 24, "vocab_size": 10%s}""";
        assertEquals("config.json: conv_kernel_size 3 is not supported (the DeBERTa-v2 convolution layer is not implemented; "
                + "expected 0)", refusal(deberta.formatted(", \"conv_kernel_size\": 3")));
        assertEquals("config.json: pos_att_type [\"p2p\"] is not supported (expected c2p and/or p2c)",
                refusal(deberta.formatted(", \"pos_att_type\": [\"p2p\"]")));
        String nomic = """
                {"model_type": "nomic_bert", "hidden_size": 12, "num_hidden_layers": 1, "num_attention_heads": 3,
                 "intermediate_size": 20, "max_position_embeddings": 24, "vocab_size": 10,
                 "rope_parameters": {"rope_type": "yarn", "rope_theta": 10000}}""";
        assertEquals("config.json: rope_parameters.rope_type 'yarn' is not supported (expected default)", refusal(nomic));
        String modernbert = """
                {"model_type": "modernbert", "hidden_size": 12, "num_hidden_layers": 2, "num_attention_heads": 3,
                 "intermediate_size": 20, "max_position_embeddings": 24, "vocab_size": 10,
                 "layer_types": ["full_attention", "chunked_attention"]}""";
        assertEquals("config.json: layer_types entry 'chunked_attention' is not supported (expected full_attention or "
                + "sliding_attention)", refusal(modernbert));
        String mpnet = """
                {"model_type": "mpnet", "hidden_size": 12, "num_hidden_layers": 1, "num_attention_heads": 3,
                 "intermediate_size": 20, "max_position_embeddings": 24, "vocab_size": 10, "relative_attention_num_buckets": 16}""";
        assertEquals("config.json: relative_attention_num_buckets 16 is not supported (MPNet always looks up 32 buckets)", refusal(mpnet));
        String bert = """
                {"model_type": "bert", "hidden_size": 12, "num_hidden_layers": 1, "num_attention_heads": 5,
                 "intermediate_size": 20, "max_position_embeddings": 24, "vocab_size": 10}""";
        assertEquals("config.json: hidden size 12 is not a multiple of num_attention_heads 5", refusal(bert));
    }

    @Test
    void missingTensorNamesTheFileAndTheShape() throws IOException {
        String bert = """
                {"model_type": "bert", "hidden_size": 12, "num_hidden_layers": 1, "num_attention_heads": 3,
                 "intermediate_size": 20, "max_position_embeddings": 24, "vocab_size": 10}""";
        assertEquals("weights: tensor 'embeddings.word_embeddings.weight' is missing (expected shape [10, 12])", refusal(bert));
    }

    @Test
    void sentenceTransformersModules() throws IOException {
        Files.writeString(dir.resolve("modules.json"), """
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.base.modules.transformer.Transformer"},
                 {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.sentence_transformer.modules.pooling.Pooling"}]""");
        Files.createDirectories(dir.resolve("1_Pooling"));
        Files.writeString(dir.resolve("1_Pooling/config.json"), "{\"embedding_dimension\": 12, \"pooling_mode\": [\"cls\", \"mean\"]}");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> SentenceTransformersConfig.read(dir));
        assertEquals(dir.resolve("1_Pooling/config.json") + ": pooling_mode [\"cls\",\"mean\"] is not supported (expected one mode; "
                + "concatenated modes are not implemented)", e.getMessage());

        Files.writeString(dir.resolve("modules.json"), """
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                 {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.LayerNorm"}]""");
        e = assertThrows(ModelLoadException.class, () -> SentenceTransformersConfig.read(dir));
        assertEquals(dir.resolve("modules.json") + ": module type 'sentence_transformers.models.LayerNorm' is not supported "
                + "(expected Transformer, Pooling, Dense and Normalize modules, or a SparseEncoder's MLMTransformer and SpladePooling)",
                e.getMessage());
    }
}
