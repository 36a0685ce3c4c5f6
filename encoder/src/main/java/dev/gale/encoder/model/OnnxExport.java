package dev.gale.encoder.model;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the weights of an encoder exported to ONNX by {@code torch.onnx.export}, either exporter: the TorchScript one
 * ({@code dynamo=False}, as optimum's and Xenova's exports are) and the dynamo one (the default in torch 2.13).
 * Both keep Hugging Face names for embeddings, norms and biases, but a Linear weight that feeds a {@code MatMul}
 * is stored transposed, as (in, out), under a generated name ({@code onnx::MatMul_NNN}, {@code val_NNN}). Each is
 * given back its Hugging Face name, and marked transposed, from what the graph says of it:
 * <ul>
 * <li>the bias its output is added to ({@code X.bias} names {@code X.weight});
 * <li>the module scope of the node: the TorchScript exporter names nodes by module path
 *     ({@code /encoder/layer.0/attention/self/query/MatMul}), the dynamo exporter records the scopes in the node's
 *     metadata ({@code pkg.torch.onnx.name_scopes}, with {@code pkg.torch.onnx.class_hierarchy} saying the scope is
 *     an {@code nn.Linear}). This names the Linears that have no bias (ModernBERT, NomicBERT, GTE's up_gate_proj).
 * </ul>
 * When both are there they must agree. A {@code Gemm} reads its weight as (out, in) with {@code transB} set, and a
 * weight behind a {@code Transpose} node keeps its own name, so neither needs renaming. The config is recovered
 * from tensor shapes and graph constants (BERT only) when no config.json is at hand.
 */
public final class OnnxExport {
    private OnnxExport() {}

    private static final String LINEAR_CLASS = "torch.nn.modules.linear.Linear";

    /** The weights by Hugging Face name, and the graph for {@link #inferredConfig()}. */
    public static final class Contents {
        private final WeightMap weights;
        private final OnnxGraph graph;

        private Contents(WeightMap weights, OnnxGraph graph) {
            this.weights = weights;
            this.graph = graph;
        }

        public WeightMap weights() {
            return weights;
        }

        /** The BERT config the graph implies; throws when the export is not a BERT encoder (then config.json is needed). */
        public BertConfig inferredConfig() {
            return inferConfig(graph, weights, weights.source());
        }

        /** The inferred config as a config.json would say it. */
        public HfConfig inferredHfConfig() {
            try {
                return new HfConfig(new com.fasterxml.jackson.databind.ObjectMapper().readTree(inferredConfig().toJson()),
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
            if (isHuggingFaceName(e.getKey())) {
                named.put(e.getKey(), e.getValue());
            }
        }
        Map<String, String> renamedFrom = new LinkedHashMap<>(); // Hugging Face name -> the value it was recovered for
        for (OnnxGraph.Node node : graph.nodes) {
            boolean matMul = node.opType().equals("MatMul") && node.inputs().size() == 2;
            boolean gemm = node.opType().equals("Gemm") && node.inputs().size() >= 2;
            if (!matMul && !gemm) {
                continue;
            }
            String value = node.inputs().get(1);
            Tensor weight = graph.constants.get(value);
            if (weight == null || weight.shape().length != 2 || !weight.dtype().isFloating() || isHuggingFaceName(value)) {
                continue;
            }
            String module = linearModule(graph, node, source);
            String hfName = module + ".weight";
            if (named.containsKey(hfName) && !value.equals(renamedFrom.get(hfName))) {
                if (renamedFrom.containsKey(hfName) && sameData(named.get(hfName), weight, gemm && transB(node))) {
                    continue; // one Linear applied twice (DeBERTa's shared key projection), a copy per use
                }
                throw new ModelLoadException(source + ": " + node.opType() + " '" + node.name() + "' has weight '" + value
                        + "' for module '" + module + "', but '" + hfName + "' is already in the file");
            }
            // MatMul(x, W) and Gemm without transB read W as (in, out): the transpose of the Hugging Face (out, in)
            boolean transposed = !(gemm && transB(node));
            long[] hfShape = transposed ? new long[] {weight.shape()[1], weight.shape()[0]} : weight.shape();
            named.put(hfName, new Tensor(hfName, weight.dtype(), hfShape, weight.data(), transposed, source));
            renamedFrom.put(hfName, value);
        }
        return new Contents(new WeightMap(named, source), graph);
    }

    /** Names the exporters generate are not Hugging Face parameter names, which are dotted module paths. */
    private static boolean isHuggingFaceName(String name) {
        return name.contains(".") && !name.startsWith("onnx::") && !name.startsWith("/");
    }

    private static boolean transB(OnnxGraph.Node gemm) {
        return gemm.attributes().get("transB") instanceof Long t && t == 1;
    }

    /**
     * The Hugging Face module path of the Linear that {@code node} (a MatMul or Gemm with a constant weight) computes,
     * from the bias added to its output and from its module scope; they must agree where both are known.
     */
    private static String linearModule(OnnxGraph graph, OnnxGraph.Node node, String source) {
        String fromBias = null;
        String bias = node.opType().equals("Gemm") && node.inputs().size() == 3 ? node.inputs().get(2)
                : addedBias(graph, node.outputs().getFirst());
        if (bias != null && bias.endsWith(".bias") && isHuggingFaceName(bias)) {
            fromBias = bias.substring(0, bias.length() - ".bias".length());
        }
        String fromScope = moduleScope(node);
        if (fromBias != null && fromScope != null && !fromBias.equals(fromScope)) {
            throw new ModelLoadException(source + ": " + node.opType() + " '" + node.name() + "' adds bias '" + bias
                    + "' but runs in module '" + fromScope + "'; cannot tell which Linear its weight '"
                    + node.inputs().get(1) + "' belongs to");
        }
        String module = fromBias != null ? fromBias : fromScope;
        if (module == null) {
            throw new ModelLoadException(source + ": " + node.opType() + " '" + node.name() + "' has weight '"
                    + node.inputs().get(1) + "' but neither a named bias nor the node's module scope names it, so its "
                    + "Hugging Face name cannot be recovered (export with torch.onnx.export, which records the scopes)");
        }
        return module;
    }

    /** The module path a node ran in, when the exporter recorded it and that module is a Linear; else null. */
    private static String moduleScope(OnnxGraph.Node node) {
        String scopes = node.metadata().get("pkg.torch.onnx.name_scopes");
        String classes = node.metadata().get("pkg.torch.onnx.class_hierarchy");
        if (scopes != null && classes != null) {
            // Python list reprs: ['', 'encoder', ..., 'encoder.layer.0.attention.self.query', 'linear'], the last one
            // the aten op, the one before it the innermost module, whose class is the one before last of classes
            List<String> s = pythonStrings(scopes);
            List<String> c = pythonStrings(classes);
            if (s.size() >= 2 && c.size() >= 2 && c.get(c.size() - 2).equals(LINEAR_CLASS) && !s.get(s.size() - 2).isEmpty()) {
                return s.get(s.size() - 2);
            }
            return null;
        }
        // TorchScript exporter: /encoder/layer.0/attention/self/query/MatMul
        String name = node.name();
        if (!name.startsWith("/")) {
            return null;
        }
        String[] parts = name.substring(1).split("/");
        if (parts.length < 2 || !parts[parts.length - 1].startsWith(node.opType())) {
            return null;
        }
        return String.join(".", Arrays.asList(parts).subList(0, parts.length - 1));
    }

    /** The elements of a Python list of plain strings as repr() writes it ({@code ['a', 'b.c']}). */
    private static List<String> pythonStrings(String repr) {
        String body = repr.strip();
        if (!body.startsWith("[") || !body.endsWith("]")) {
            return List.of();
        }
        body = body.substring(1, body.length() - 1).strip();
        List<String> out = new ArrayList<>();
        if (body.isEmpty()) {
            return out;
        }
        for (String item : body.split(", ")) {
            if (item.length() < 2 || item.charAt(0) != item.charAt(item.length() - 1) || (item.charAt(0) != '\'' && item.charAt(0) != '"')) {
                return List.of();
            }
            out.add(item.substring(1, item.length() - 1));
        }
        return out;
    }

    /** Whether {@code other}, as a MatMul / Gemm weight, holds what {@code recovered} does. */
    private static boolean sameData(Tensor recovered, Tensor other, boolean otherIsOutIn) {
        boolean otherTransposed = !otherIsOutIn;
        return recovered.transposed() == otherTransposed && recovered.dtype() == other.dtype()
                && recovered.data().byteSize() == other.data().byteSize() && recovered.data().mismatch(other.data()) == -1;
    }

    /** The constant added to {@code value} by an Add node that consumes it, or null. */
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
