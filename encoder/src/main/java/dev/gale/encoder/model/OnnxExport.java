package dev.gale.encoder.model;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <p>
 * DeBERTa-v2's relative positions depend on no input, so the exporters fold what they can of them into constants
 * (where {@code norm_rel_ebd} has no LayerNorm; they leave a LayerNorm in the graph): the TorchScript exporter
 * {@code rel_embeddings[:2 span].unsqueeze(0)}, the (1, 2 span, H) input of the position projections; the dynamo
 * exporter each layer's projected position keys / queries, per head (N, 2 span, D), bias included, where
 * {@code rel_embeddings} and the projections are gone. These are told by the nodes that consume them, not by their
 * generated names, and given back as {@link #FOLDED_REL_EMBEDDINGS}, {@link #foldedPositionKeys} and
 * {@link #foldedPositionQueries}.
 */
public final class OnnxExport {
    private OnnxExport() {}

    private static final String LINEAR_CLASS = "torch.nn.modules.linear.Linear";

    /**
     * The relative embeddings as DeBERTa-v2's position projections read them, (2 span, H): the first 2 span rows of
     * {@code rel_embeddings}, after {@code encoder.LayerNorm} if the model normalizes them. Not a Hugging Face name.
     */
    public static final String FOLDED_REL_EMBEDDINGS = "folded:encoder.rel_embeddings";

    /** Layer {@code layer}'s c2p position keys, posKey(rel) (2 span, W) with the bias added. Not a Hugging Face name. */
    public static String foldedPositionKeys(int layer) {
        return "folded:encoder.layer." + layer + ".attention.self.pos_key";
    }

    /** Layer {@code layer}'s p2c position queries, posQuery(rel) (2 span, W) with the bias added. */
    public static String foldedPositionQueries(int layer) {
        return "folded:encoder.layer." + layer + ".attention.self.pos_query";
    }

    /** A DeBERTa-v2 attention projection (any task prefix before it): group 1 the layer, group 2 the Linear. */
    private static final Pattern DEBERTA_PROJECTION =
            Pattern.compile("(?:.+\\.)?encoder\\.layer\\.(\\d+)\\.attention\\.self\\.(query_proj|key_proj|pos_key_proj|pos_query_proj)");
    /** Ops that pass a tensor on with its values (one copy per batch row at most) and that lie between the folded
     * projections and their use, or between a projection and the product it feeds. */
    private static final Set<String> PASS_THROUGH = Set.of("Identity", "Reshape", "Transpose", "Tile", "Expand",
            "Squeeze", "Unsqueeze");

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
        Map<String, String> moduleOf = new HashMap<>();           // a renamed weight's value -> its Linear's module
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
            moduleOf.put(value, module);
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
        foldedRelativeEmbeddings(graph, moduleOf, named, source);
        foldedPositionProjections(graph, moduleOf, named, source);
        return new Contents(new WeightMap(named, source), graph);
    }

    /**
     * The TorchScript exporter's folded {@code rel_embeddings[:2 span].unsqueeze(0)}: a constant that a DeBERTa-v2
     * position projection (pos_key_proj, pos_query_proj, or query_proj / key_proj with share_att_key) reads as its
     * input; every such constant must hold the same values.
     */
    private static void foldedRelativeEmbeddings(OnnxGraph graph, Map<String, String> moduleOf, Map<String, Tensor> named,
                                                 String source) {
        for (OnnxGraph.Node node : graph.nodes) {
            if (!node.opType().equals("MatMul") || node.inputs().size() != 2) {
                continue;
            }
            String input = throughIdentity(graph, node.inputs().get(0));
            Tensor rel = graph.constants.get(input);
            String module = moduleOf.get(throughIdentity(graph, node.inputs().get(1)));
            if (rel == null || !rel.dtype().isFloating() || isHuggingFaceName(input) || module == null
                    || !DEBERTA_PROJECTION.matcher(module).matches()) {
                continue;
            }
            long[] shape = withoutLeadingOnes(rel.shape());
            if (shape.length != 2) {
                throw new ModelLoadException(source + ": constant '" + input + "' of shape " + Arrays.toString(rel.shape())
                        + " feeds " + module + " (MatMul '" + node.name() + "') as relative position embeddings; expected (1, 2 span, hidden)");
            }
            Tensor folded = new Tensor(FOLDED_REL_EMBEDDINGS, rel.dtype(), shape, rel.data(), false, source);
            Tensor seen = named.putIfAbsent(FOLDED_REL_EMBEDDINGS, folded);
            if (seen != null && !sameValues(seen, folded)) {
                throw new ModelLoadException(source + ": constant '" + input + "' feeds " + module + " (MatMul '" + node.name()
                        + "') as relative position embeddings, but another constant with different values feeds another projection");
            }
        }
    }

    /**
     * The dynamo exporter's folded position projections: a constant (N, 2 span, D) that is tiled over the batch,
     * transposed and multiplied into the query of a layer (c2p: the projected keys) or its key (p2c: the projected
     * queries), as {@code DisentangledSelfAttention.disentangled_attention_bias} does. Given back as (2 span, N D).
     */
    private static void foldedPositionProjections(OnnxGraph graph, Map<String, String> moduleOf, Map<String, Tensor> named,
                                                  String source) {
        for (Map.Entry<String, Tensor> e : graph.constants.entrySet()) {
            Tensor c = e.getValue();
            long[] shape = withoutLeadingOnes(c.shape());
            if (shape.length != 3 || !c.dtype().isFloating() || isHuggingFaceName(e.getKey())) {
                continue;
            }
            OnnxGraph.Node product = productReading(graph, e.getKey());
            if (product == null) {
                continue;
            }
            String module = projectionModule(graph, product.inputs().get(0), moduleOf);
            Matcher m = module == null ? null : DEBERTA_PROJECTION.matcher(module);
            if (m == null || !m.matches() || !(m.group(2).equals("query_proj") || m.group(2).equals("key_proj"))) {
                throw new ModelLoadException(source + ": constant '" + e.getKey() + "' of shape " + Arrays.toString(c.shape())
                        + " is multiplied (MatMul '" + product.name() + "') as relative position keys or queries, but the other "
                        + "operand is not a layer's query_proj or key_proj output, so its layer and term (c2p or p2c) are unknown");
            }
            int layer = Integer.parseInt(m.group(1));
            boolean keys = m.group(2).equals("query_proj");   // c2p multiplies the query by the position keys
            String name = keys ? foldedPositionKeys(layer) : foldedPositionQueries(layer);
            int heads = (int) shape[0];
            int positions = (int) shape[1];
            int headSize = (int) shape[2];
            float[] rows = new float[positions * heads * headSize];   // (2 span, N D): rows[r][h D + d] = c[h][r][d]
            for (int h = 0; h < heads; h++) {
                for (int r = 0; r < positions; r++) {
                    for (int d = 0; d < headSize; d++) {
                        rows[r * heads * headSize + h * headSize + d] = c.getFloat(((long) h * positions + r) * headSize + d);
                    }
                }
            }
            Tensor folded = new Tensor(name, DType.F32, new long[] {positions, (long) heads * headSize},
                    MemorySegment.ofArray(rows), false, source);
            if (named.putIfAbsent(name, folded) != null) {
                throw new ModelLoadException(source + ": constants of layer " + layer + " give its " + (keys ? "c2p position keys"
                        : "p2c position queries") + " twice (the second is '" + e.getKey() + "')");
            }
        }
    }

    /**
     * The MatMul that reads constant {@code value} as its second operand after tiling and a transpose of its last two
     * axes (B^T of Q B^T), or null when the constant is not used that way.
     */
    private static OnnxGraph.Node productReading(OnnxGraph graph, String value) {
        String v = value;
        boolean transposed = false;
        while (true) {
            List<OnnxGraph.Node> consumers = graph.consumersOf(v);
            if (consumers.size() != 1 || consumers.getFirst().outputs().size() != 1) {
                return null;
            }
            OnnxGraph.Node next = consumers.getFirst();
            switch (next.opType()) {
                case "Tile", "Expand", "Identity" -> {
                    if (!next.inputs().getFirst().equals(v)) {
                        return null;
                    }
                }
                case "Transpose" -> {
                    if (transposed || !(next.attributes().get("perm") instanceof long[] perm) || !swapsLastTwo(perm)) {
                        return null;
                    }
                    transposed = true;
                }
                case "MatMul" -> {
                    return transposed && next.inputs().size() == 2 && next.inputs().get(1).equals(v) ? next : null;
                }
                default -> {
                    return null;
                }
            }
            v = next.outputs().getFirst();
        }
    }

    private static boolean swapsLastTwo(long[] perm) {
        int n = perm.length;
        if (n < 2 || perm[n - 1] != n - 2 || perm[n - 2] != n - 1) {
            return false;
        }
        for (int i = 0; i < n - 2; i++) {
            if (perm[i] != i) {
                return false;
            }
        }
        return true;
    }

    /**
     * The module of the Linear whose output {@code value} is, seen through reshapes and transposes (a head split):
     * a MatMul with a renamed weight, or an Add of a bias to one. Null when it is something else.
     */
    private static String projectionModule(OnnxGraph graph, String value, Map<String, String> moduleOf) {
        String v = value;
        for (OnnxGraph.Node node = graph.producers.get(v); node != null; node = graph.producers.get(v)) {
            switch (node.opType()) {
                case "MatMul", "Gemm" -> {
                    return node.inputs().size() >= 2 ? moduleOf.get(throughIdentity(graph, node.inputs().get(1))) : null;
                }
                case "Add" -> {
                    for (String in : node.inputs()) {
                        OnnxGraph.Node p = graph.producers.get(in);
                        if (p != null && p.opType().equals("MatMul") && p.inputs().size() == 2) {
                            return moduleOf.get(throughIdentity(graph, p.inputs().get(1)));
                        }
                    }
                    return null;
                }
                default -> {
                    if (!PASS_THROUGH.contains(node.opType()) || node.inputs().isEmpty()) {
                        return null;
                    }
                    v = node.inputs().getFirst();
                }
            }
        }
        return null;
    }

    /** The value behind any chain of Identity nodes. */
    private static String throughIdentity(OnnxGraph graph, String value) {
        String v = value;
        for (OnnxGraph.Node p = graph.producers.get(v); p != null && p.opType().equals("Identity") && !p.inputs().isEmpty();
                p = graph.producers.get(v)) {
            v = p.inputs().getFirst();
        }
        return v;
    }

    private static long[] withoutLeadingOnes(long[] shape) {
        int from = 0;
        while (from < shape.length - 1 && shape[from] == 1) {
            from++;
        }
        return Arrays.copyOfRange(shape, from, shape.length);
    }

    private static boolean sameValues(Tensor a, Tensor b) {
        return a.dtype() == b.dtype() && Arrays.equals(a.shape(), b.shape()) && a.data().mismatch(b.data()) == -1;
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
