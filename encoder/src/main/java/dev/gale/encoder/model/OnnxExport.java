package dev.gale.encoder.model;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the weights of a BERT encoder exported to ONNX by PyTorch (as optimum and Xenova's exports are).
 * The exporter keeps Hugging Face names for biases and norms but renames MatMul weights to
 * {@code onnx::MatMul_NNN} and stores them as (in, out); each is given back its Hugging Face name from
 * the bias its output is added to ({@code X.bias} names {@code X.weight}), and marked transposed.
 * The config is recovered from tensor shapes and graph constants when no config.json is at hand.
 */
public final class OnnxExport {
    private OnnxExport() {}

    public record Contents(WeightMap weights, BertConfig inferredConfig) {
        /** The inferred config as a config.json would say it. */
        public HfConfig inferredHfConfig() {
            try {
                return new HfConfig(new com.fasterxml.jackson.databind.ObjectMapper().readTree(inferredConfig.toJson()),
                        weights.source() + " (config inferred from the graph)");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static Contents read(MemorySegment model, String source) {
        OnnxGraph graph = OnnxGraph.parse(model, source);
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : graph.constants.entrySet()) {
            if (!e.getKey().startsWith("onnx::") && !e.getKey().startsWith("/")) {
                named.put(e.getKey(), e.getValue());
            }
        }
        for (OnnxGraph.Node node : graph.nodes) {
            if (!node.opType().equals("MatMul") || node.inputs().size() != 2) {
                continue;
            }
            Tensor weight = graph.constants.get(node.inputs().get(1));
            if (weight == null || weight.shape().length != 2) {
                continue;
            }
            String bias = addedBias(graph, node.outputs().getFirst());
            if (bias == null || !bias.endsWith(".bias")) {
                throw new ModelLoadException(source + ": MatMul '" + node.name() + "' has weight '" + weight.name()
                        + "' but its output is not added to a named bias, so its Hugging Face name cannot be recovered");
            }
            String hfName = bias.substring(0, bias.length() - ".bias".length()) + ".weight";
            long[] hfShape = {weight.shape()[1], weight.shape()[0]};
            named.put(hfName, new Tensor(hfName, weight.dtype(), hfShape, weight.data(), true, source));
        }
        WeightMap weights = new WeightMap(named, source);
        return new Contents(weights, inferConfig(graph, weights, source));
    }

    private static String addedBias(OnnxGraph graph, String value) {
        for (OnnxGraph.Node consumer : graph.consumersOf(value)) {
            if (consumer.opType().equals("Add")) {
                for (String in : consumer.inputs()) {
                    if (!in.equals(value) && graph.constants.containsKey(in)) {
                        return in;
                    }
                }
            }
        }
        return null;
    }

    private static BertConfig inferConfig(OnnxGraph graph, WeightMap weights, String source) {
        Tensor word = weights.tensors().get("embeddings.word_embeddings.weight");
        Tensor position = weights.tensors().get("embeddings.position_embeddings.weight");
        Tensor tokenType = weights.tensors().get("embeddings.token_type_embeddings.weight");
        Tensor intermediate = weights.tensors().get("encoder.layer.0.intermediate.dense.bias");
        if (word == null || position == null || intermediate == null) {
            throw new ModelLoadException(source + ": not a BERT encoder export (expected tensors embeddings.word_embeddings.weight, "
                    + "embeddings.position_embeddings.weight and encoder.layer.0.intermediate.dense.bias)");
        }
        int hidden = (int) word.shape()[1];
        int headSize = attentionHeadSize(graph, source);
        String act = graph.nodes.stream().anyMatch(n -> n.opType().equals("Erf")) ? "gelu" : "unsupported (no Erf node)";
        return new BertConfig("bert", (int) word.shape()[0], hidden, weights.layerCount(), hidden / headSize,
                (int) intermediate.shape()[0], act, (int) position.shape()[0],
                tokenType == null ? 1 : (int) tokenType.shape()[0], layerNormEps(graph, source), "absolute");
    }

    /** The attention scores are divided (or multiplied) by a scalar constant sqrt(head_size). */
    private static int attentionHeadSize(OnnxGraph graph, String source) {
        for (OnnxGraph.Node node : graph.nodes) {
            if (!node.name().contains("attention/self") || node.inputs().size() != 2) {
                continue;
            }
            Float scale = scalar(graph, node.inputs().get(1));
            if (scale == null) {
                continue;
            }
            double headSize = node.opType().equals("Div") ? scale * (double) scale
                    : node.opType().equals("Mul") ? 1 / (scale * (double) scale) : -1;
            if (headSize >= 1 && Math.abs(headSize - Math.rint(headSize)) < 1e-3) {
                return (int) Math.rint(headSize);
            }
        }
        throw new ModelLoadException(source + ": cannot find the attention scale constant to recover num_attention_heads; "
                + "put the model's config.json next to the .onnx file");
    }

    /** The epsilon added to the variance before Sqrt (decomposed LayerNorm) or a LayerNormalization attribute. */
    private static float layerNormEps(OnnxGraph graph, String source) {
        for (OnnxGraph.Node node : graph.nodes) {
            if (node.opType().equals("LayerNormalization") && node.attributes().get("epsilon") instanceof Float eps) {
                return eps;
            }
            if (node.opType().equals("Sqrt")) {
                OnnxGraph.Node add = graph.producers.get(node.inputs().getFirst());
                if (add != null && add.opType().equals("Add")) {
                    for (String in : add.inputs()) {
                        Float eps = scalar(graph, in);
                        if (eps != null) {
                            return eps;
                        }
                    }
                }
            }
        }
        throw new ModelLoadException(source + ": cannot find the LayerNorm epsilon; put the model's config.json next to the .onnx file");
    }

    private static Float scalar(OnnxGraph graph, String value) {
        Tensor t = graph.constants.get(value);
        if (t == null || t.elementCount() != 1 || !t.dtype().isFloating()) {
            return null;
        }
        return t.getFloat(0);
    }
}
