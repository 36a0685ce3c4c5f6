package dev.gale.encoder.model;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX {@code ModelProto} that Gale needs: the graph's nodes and its constant tensors
 * (initializers and the values of {@code Constant} nodes). Tensor data stays in the given segment.
 */
final class OnnxGraph {

    /**
     * One graph node; {@code attributes} holds the float, int, ints (long[]) and tensor attributes Gale reads, {@code metadata} the
     * node's metadata_props (the dynamo exporter records there the module scopes a node came from).
     */
    record Node(String name, String opType, List<String> inputs, List<String> outputs, Map<String, Object> attributes,
                Map<String, String> metadata) {}

    final List<Node> nodes = new ArrayList<>();
    /** Initializers and Constant-node outputs, by value name. */
    final Map<String, Tensor> constants = new LinkedHashMap<>();
    /** Nodes by each of their input value names. */
    final Map<String, List<Node>> consumers = new HashMap<>();
    /** The node that produces each value. */
    final Map<String, Node> producers = new HashMap<>();

    private final String source;

    private OnnxGraph(String source) {
        this.source = source;
    }

    static OnnxGraph parse(MemorySegment model, String source) {
        OnnxGraph graph = new OnnxGraph(source);
        ProtoReader reader = new ProtoReader(model, source);
        boolean sawGraph = false;
        while (reader.next()) {
            if (reader.fieldNumber() == 7) { // ModelProto.graph
                graph.readGraph(reader.message());
                sawGraph = true;
            } else {
                reader.skip();
            }
        }
        if (!sawGraph || graph.nodes.isEmpty()) {
            throw new ModelLoadException(source + ": not an ONNX model (no graph found)");
        }
        for (Node node : graph.nodes) {
            for (String in : node.inputs()) {
                graph.consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
            }
            for (String out : node.outputs()) {
                graph.producers.put(out, node);
            }
            if (node.opType().equals("Constant") && node.attributes().get("value") instanceof Tensor t) {
                graph.constants.put(node.outputs().getFirst(), t);
            }
        }
        return graph;
    }

    List<Node> consumersOf(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    private void readGraph(ProtoReader graph) {
        while (graph.next()) {
            switch (graph.fieldNumber()) {
                case 1 -> nodes.add(readNode(graph.message()));
                case 5 -> {
                    Tensor t = readTensor(graph.message(), null);
                    constants.put(t.name(), t);
                }
                default -> graph.skip();
            }
        }
    }

    private Node readNode(ProtoReader node) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, Object> attributes = new HashMap<>();
        Map<String, String> metadata = new HashMap<>();
        String name = "";
        String opType = "";
        while (node.next()) {
            switch (node.fieldNumber()) {
                case 1 -> inputs.add(node.string());
                case 2 -> outputs.add(node.string());
                case 3 -> name = node.string();
                case 4 -> opType = node.string();
                case 5 -> readAttribute(node.message(), attributes, name);
                case 9 -> readEntry(node.message(), metadata);
                default -> node.skip();
            }
        }
        return new Node(name, opType, inputs, outputs, attributes, metadata);
    }

    /** A StringStringEntryProto (key = 1, value = 2). */
    private static void readEntry(ProtoReader entry, Map<String, String> into) {
        String key = null;
        String value = "";
        while (entry.next()) {
            switch (entry.fieldNumber()) {
                case 1 -> key = entry.string();
                case 2 -> value = entry.string();
                default -> entry.skip();
            }
        }
        if (key != null) {
            into.put(key, value);
        }
    }

    private void readAttribute(ProtoReader attribute, Map<String, Object> into, String nodeName) {
        String name = null;
        Object value = null;
        ProtoReader.LongList ints = null;
        while (attribute.next()) {
            switch (attribute.fieldNumber()) {
                case 1 -> name = attribute.string();
                case 2 -> value = attribute.fixed32Float();
                case 3 -> value = attribute.varint();
                case 5 -> value = attribute.message();
                case 8 -> {
                    if (ints == null) {
                        ints = new ProtoReader.LongList();
                    }
                    attribute.int64s(ints);
                }
                default -> attribute.skip();
            }
        }
        if (value == null && ints != null) {
            value = ints.toArray();
        }
        if (name != null && value != null) {
            if (value instanceof ProtoReader tensor) {
                value = readTensor(tensor, nodeName + "." + name);
            }
            into.put(name, value);
        }
    }

    private Tensor readTensor(ProtoReader tensor, String fallbackName) {
        ProtoReader.LongList dims = new ProtoReader.LongList();
        int dataType = 0;
        String name = fallbackName;
        MemorySegment raw = null;
        MemorySegment floatData = null;
        ProtoReader.LongList int64Data = null;
        boolean external = false;
        while (tensor.next()) {
            switch (tensor.fieldNumber()) {
                case 1 -> tensor.int64s(dims);
                case 2 -> dataType = (int) tensor.varint();
                case 4 -> floatData = tensor.bytes(); // packed repeated float
                case 7 -> {
                    if (int64Data == null) {
                        int64Data = new ProtoReader.LongList();
                    }
                    tensor.int64s(int64Data);
                }
                case 8 -> name = tensor.string();
                case 9 -> raw = tensor.bytes();
                case 13 -> {
                    external = true;
                    tensor.skip();
                }
                default -> tensor.skip();
            }
        }
        if (external) {
            throw new ModelLoadException(source + ": tensor '" + name + "' keeps its data in an external file; "
                    + "Gale reads single-file ONNX exports only");
        }
        DType dtype = switch (dataType) {
            case 1 -> DType.F32;
            case 2 -> DType.U8;
            case 3 -> DType.I8;
            case 6 -> DType.I32;
            case 7 -> DType.I64;
            case 9 -> DType.BOOL;
            case 10 -> DType.F16;
            case 11 -> DType.F64;
            case 16 -> DType.BF16;
            default -> throw new ModelLoadException(source + ": tensor '" + name + "' has unsupported ONNX data type " + dataType);
        };
        MemorySegment data;
        if (raw != null) {
            data = raw;
        } else if (floatData != null && dtype == DType.F32) {
            data = floatData;
        } else if (int64Data != null && dtype == DType.I64) {
            data = MemorySegment.ofArray(int64Data.toArray());
        } else {
            data = MemorySegment.ofArray(new byte[0]);
        }
        return new Tensor(name, dtype, dims.toArray(), data, false, source);
    }
}
