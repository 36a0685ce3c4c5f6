package dev.gale.encoder.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.PoolingConfig;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a sentence-transformers model directory says after the Transformer module: {@code modules.json}
 * (module types of the current release, {@code sentence_transformers.base.modules.*} and
 * {@code sentence_transformers.sentence_transformer.modules.*}, and of older ones,
 * {@code sentence_transformers.models.*}), the Pooling config (the {@code pooling_mode} field or the
 * older {@code pooling_mode_*} booleans, {@code include_prompt}), Dense modules, Normalize,
 * {@code sentence_bert_config.json}'s {@code max_seq_length}, and the prompts of
 * {@code config_sentence_transformers.json}.
 *
 * @param pooling           the Pooling module's mode (+ Normalize), or empty when the directory has none
 * @param dense             the Dense modules after pooling, in order
 * @param includePrompt     whether the prompt's tokens are pooled too (Pooling's {@code include_prompt})
 * @param prompts           name -> text prepended to the input
 * @param defaultPromptName the prompt applied when none is asked for, or null
 * @param splade            a SparseEncoder's SpladePooling (after an MLMTransformer), or null
 */
public record SentenceTransformersConfig(Optional<PoolingConfig> pooling, OptionalInt maxSeqLength, List<Dense> dense,
                                         boolean includePrompt, Map<String, String> prompts, String defaultPromptName,
                                         Splade splade) {

    static final SentenceTransformersConfig NONE = new SentenceTransformersConfig(Optional.empty(), OptionalInt.empty(), List.of(),
            true, Map.of(), null, null);

    /**
     * sentence-transformers' {@code SpladePooling}: {@code pooling_strategy} max or sum over the tokens of
     * log(1 + relu(logits)); {@code activation_function: log1p_relu} takes log1p once more.
     */
    public record Splade(boolean sum, boolean log1pRelu) {}

    /** sentence-transformers' {@code Dense}: y = act(W x + b), W (out, in). */
    public record Dense(float[] weight, float[] bias, int in, int out, DenseActivation activation) {
        /** y (out) = act(W x + b) for x (in). */
        public void apply(float[] x, float[] y) {
            for (int o = 0; o < out; o++) {
                double sum = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) {
                    sum += (double) weight[o * in + i] * x[i];
                }
                y[o] = activation.apply((float) sum);
            }
        }
    }

    /** The {@code activation_function} values a Dense module may name (torch.nn classes). */
    public enum DenseActivation {
        IDENTITY, TANH, RELU, GELU, SIGMOID;

        float apply(float x) {
            return switch (this) {
                case IDENTITY -> x;
                case TANH -> (float) Math.tanh(x);
                case RELU -> Math.max(0f, x);
                case GELU -> dev.gale.encoder.cpu.Activations.geluScalar(x);
                case SIGMOID -> (float) (1 / (1 + Math.exp(-x)));
            };
        }

        static DenseActivation of(String name, Path file) {
            String simple = name.substring(name.lastIndexOf('.') + 1);
            if (name.startsWith("torch.")) {
                switch (simple) {
                    case "Identity": return IDENTITY;
                    case "Tanh": return TANH;
                    case "ReLU": return RELU;
                    case "GELU": return GELU;
                    case "Sigmoid": return SIGMOID;
                    default: break;
                }
            }
            throw new ModelLoadException(file + ": activation_function '" + name + "' is not supported (expected torch.nn "
                    + "Identity, Tanh, ReLU, GELU or Sigmoid)");
        }
    }

    public static SentenceTransformersConfig read(Path dir) {
        Optional<PoolingConfig> pooling = Optional.empty();
        List<Dense> dense = new ArrayList<>();
        boolean includePrompt = true;
        Splade splade = null;
        Path modules = dir.resolve("modules.json");
        if (Files.isRegularFile(modules)) {
            JsonNode list = json(modules);
            if (!list.isArray()) {
                throw new ModelLoadException(modules + ": expected a JSON array of modules");
            }
            PoolingConfig.Mode mode = null;
            boolean normalize = false;
            String stage = "Transformer";
            for (JsonNode module : list) {
                String type = module.path("type").asText();
                String name = type.startsWith("sentence_transformers.") ? type.substring(type.lastIndexOf('.') + 1) : type;
                Path path = dir.resolve(module.path("path").asText(""));
                String expected = switch (stage) {
                    case "Transformer" -> "Transformer";
                    case "Pooling" -> "Pooling";
                    default -> "Dense or Normalize";
                };
                switch (name) {
                    case "Transformer" -> {
                        if (!stage.equals("Transformer")) {
                            throw order(modules, type, expected);
                        }
                        stage = "Pooling";
                    }
                    case "MLMTransformer" -> {
                        if (!stage.equals("Transformer")) {
                            throw order(modules, type, expected);
                        }
                        stage = "SpladePooling";
                    }
                    case "SpladePooling" -> {
                        // after an MLMTransformer, or (sentence-transformers 6) a Transformer with transformer_task fill-mask
                        if (!stage.equals("SpladePooling") && !stage.equals("Pooling")) {
                            throw order(modules, type, "an MLMTransformer or Transformer before it");
                        }
                        Path file = path.resolve("config.json");
                        JsonNode config = Files.isRegularFile(file) ? json(file) : json(modules).path(-1);
                        String strategy = config.path("pooling_strategy").asText("max");
                        String activation = config.path("activation_function").asText("relu");
                        if (!strategy.equals("max") && !strategy.equals("sum")) {
                            throw new ModelLoadException(file + ": pooling_strategy '" + strategy + "' is not supported (expected max or sum)");
                        }
                        if (!activation.equals("relu") && !activation.equals("log1p_relu")) {
                            throw new ModelLoadException(file + ": activation_function '" + activation
                                    + "' is not supported (expected relu or log1p_relu)");
                        }
                        if (strategy.equals("sum") && activation.equals("log1p_relu")) {
                            throw new ModelLoadException(file + ": pooling_strategy sum with activation_function log1p_relu is not supported");
                        }
                        splade = new Splade(strategy.equals("sum"), activation.equals("log1p_relu"));
                        stage = "After";
                    }
                    case "Pooling" -> {
                        if (!stage.equals("Pooling")) {
                            throw order(modules, type, expected);
                        }
                        JsonNode config = json(path.resolve("config.json"));
                        mode = poolingMode(config, path.resolve("config.json"));
                        includePrompt = config.path("include_prompt").asBoolean(true);
                        stage = "After";
                    }
                    case "Dense" -> {
                        if (!stage.equals("After") || normalize) {
                            throw order(modules, type, stage.equals("After") ? "nothing after Normalize" : expected);
                        }
                        dense.add(dense(path));
                    }
                    case "Normalize" -> {
                        if (!stage.equals("After")) {
                            throw order(modules, type, expected);
                        }
                        Path config = path.resolve("config.json");
                        if (Files.isRegularFile(config) && !json(config).path("module_input_name").asText("sentence_embedding")
                                .equals("sentence_embedding")) {
                            throw new ModelLoadException(config + ": module_input_name '" + json(config).path("module_input_name").asText()
                                    + "' is not supported (expected sentence_embedding)");
                        }
                        normalize = true;
                    }
                    default -> throw new ModelLoadException(modules + ": module type '" + type
                            + "' is not supported (expected Transformer, Pooling, Dense and Normalize modules, or a SparseEncoder's "
                            + "MLMTransformer and SpladePooling)");
                }
            }
            if (mode != null) {
                pooling = Optional.of(new PoolingConfig(mode, normalize, 0));
            }
        }
        OptionalInt maxSeqLength = OptionalInt.empty();
        Path sbert = dir.resolve("sentence_bert_config.json");
        if (Files.isRegularFile(sbert)) {
            JsonNode node = json(sbert).get("max_seq_length");
            if (node != null && node.canConvertToInt() && node.asInt() > 0) {
                maxSeqLength = OptionalInt.of(node.asInt());
            }
        }
        Map<String, String> prompts = new LinkedHashMap<>();
        String defaultPrompt = null;
        Path st = dir.resolve("config_sentence_transformers.json");
        if (Files.isRegularFile(st)) {
            JsonNode config = json(st);
            JsonNode p = config.get("prompts");
            if (p != null && p.isObject()) {
                p.properties().forEach(e -> {
                    if (!e.getValue().isTextual()) {
                        throw new ModelLoadException(st + ": prompts." + e.getKey() + " is " + e.getValue() + ", expected a string");
                    }
                    prompts.put(e.getKey(), e.getValue().asText());
                });
            }
            JsonNode d = config.get("default_prompt_name");
            if (d != null && d.isTextual()) {
                defaultPrompt = d.asText();
                if (!prompts.containsKey(defaultPrompt)) {
                    throw new ModelLoadException(st + ": default_prompt_name '" + defaultPrompt + "' is not one of the prompts "
                            + prompts.keySet());
                }
            }
        }
        return new SentenceTransformersConfig(pooling, maxSeqLength, List.copyOf(dense), includePrompt,
                java.util.Collections.unmodifiableMap(prompts), defaultPrompt, splade);
    }

    private static ModelLoadException order(Path modules, String type, String expected) {
        return new ModelLoadException(modules + ": module '" + type + "' is out of order (expected " + expected + " there)");
    }

    /** {@code pooling_mode} ("mean", or a one-element list) or the older booleans; exactly one mode. */
    private static PoolingConfig.Mode poolingMode(JsonNode json, Path config) {
        JsonNode mode = json.get("pooling_mode");
        if (mode != null && !mode.isNull()) {
            JsonNode single = mode.isArray() && mode.size() == 1 ? mode.get(0) : mode;
            if (!single.isTextual()) {
                throw new ModelLoadException(config + ": pooling_mode " + mode + " is not supported (expected one mode; "
                        + "concatenated modes are not implemented)");
            }
            PoolingConfig.Mode m = PoolingConfig.Mode.of(single.asText());
            if (m == null) {
                throw new ModelLoadException(config + ": pooling_mode '" + single.asText() + "' is not supported (expected one of "
                        + java.util.Arrays.stream(PoolingConfig.Mode.values()).map(PoolingConfig.Mode::stName).toList() + ")");
            }
            return m;
        }
        PoolingConfig.Mode found = null;
        int chosen = 0;
        for (var entry : new Object[][]{{"pooling_mode_cls_token", PoolingConfig.Mode.CLS},
                {"pooling_mode_mean_tokens", PoolingConfig.Mode.MEAN}, {"pooling_mode_max_tokens", PoolingConfig.Mode.MAX},
                {"pooling_mode_mean_sqrt_len_tokens", PoolingConfig.Mode.MEAN_SQRT_LEN},
                {"pooling_mode_weightedmean_tokens", PoolingConfig.Mode.WEIGHTED_MEAN},
                {"pooling_mode_lasttoken", PoolingConfig.Mode.LAST_TOKEN}}) {
            if (json.path((String) entry[0]).asBoolean(false)) {
                found = (PoolingConfig.Mode) entry[1];
                chosen++;
            }
        }
        if (chosen == 0) {
            return PoolingConfig.Mode.MEAN;   // what sentence-transformers does when no mode is set
        }
        if (chosen > 1) {
            throw new ModelLoadException(config + ": " + chosen + " pooling_mode_* fields are true (concatenated modes are not "
                    + "implemented; expected one)");
        }
        return found;
    }

    /** A Dense module folder: config.json and model.safetensors ({@code linear.weight}, {@code linear.bias}). */
    private static Dense dense(Path dir) {
        Path configFile = dir.resolve("config.json");
        JsonNode config = json(configFile);
        if (config.path("use_residual").asBoolean(false)) {
            throw new ModelLoadException(configFile + ": use_residual true is not supported (expected false)");
        }
        if (!config.path("module_input_name").asText("sentence_embedding").equals("sentence_embedding")) {
            throw new ModelLoadException(configFile + ": module_input_name '" + config.path("module_input_name").asText()
                    + "' is not supported (expected sentence_embedding)");
        }
        int in = config.path("in_features").asInt(0);
        int out = config.path("out_features").asInt(0);
        if (in <= 0 || out <= 0) {
            throw new ModelLoadException(configFile + ": in_features and out_features must be positive integers");
        }
        boolean hasBias = config.path("bias").asBoolean(true);
        DenseActivation act = DenseActivation.of(config.path("activation_function").asText("torch.nn.modules.activation.Tanh"), configFile);
        Path weights = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(weights)) {
            throw new ModelLoadException(weights + ": missing (the Dense module's weights; a pytorch_model.bin must be converted "
                    + "to safetensors first)");
        }
        try (Arena arena = Arena.ofConfined()) {
            WeightMap w = new WeightMap(SafeTensors.read(weights, arena), weights.toString());
            float[] weight = w.require("linear.weight", out, in).toFloatArray();
            float[] bias = hasBias ? w.vector("linear.bias", out) : null;
            return new Dense(weight, bias, in, out, act);
        }
    }

    private static JsonNode json(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(file + ": missing (a sentence-transformers module's file)");
        }
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelLoadException(file + ": cannot read JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
    }
}
