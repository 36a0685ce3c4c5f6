package dev.gale.encoder.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the raw data. Reading maps the file; tensors are slices of the map.
 */
public final class SafeTensors {
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private SafeTensors() {}

    /**
     * The tensors of a sharded checkpoint: {@code model.safetensors.index.json}'s {@code weight_map} names, for
     * each tensor, the shard file beside it that holds it; every shard is mapped once.
     */
    public static Map<String, Tensor> readSharded(Path index, Arena arena) {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(index.toFile());
        } catch (IOException e) {
            throw new ModelLoadException(index + ": cannot read JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        JsonNode weightMap = json == null ? null : json.get("weight_map");
        if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
            throw new ModelLoadException(index + ": field 'weight_map' is missing or empty (expected tensor name -> shard file)");
        }
        Path dir = index.toAbsolutePath().getParent();
        Map<String, Map<String, Tensor>> shards = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String shard = entry.getValue().asText();
            if (shard.isEmpty() || shard.contains("/") || shard.contains("\\")) {
                throw new ModelLoadException(index + ": weight_map." + entry.getKey() + " is '" + shard + "', expected a file name beside the index");
            }
            Map<String, Tensor> inShard = shards.computeIfAbsent(shard, f -> {
                Path file = dir.resolve(f);
                if (!java.nio.file.Files.isRegularFile(file)) {
                    throw new ModelLoadException(file + ": missing (the shard " + index.getFileName() + " names for " + entry.getKey() + ")");
                }
                return read(file, arena);
            });
            Tensor t = inShard.get(entry.getKey());
            if (t == null) {
                throw new ModelLoadException(dir.resolve(shard) + ": has no tensor '" + entry.getKey() + "' (" + index.getFileName() + " says it does)");
            }
            tensors.put(entry.getKey(), t);
        }
        return tensors;
    }

    /** Maps {@code file} into {@code arena} and returns its tensors by name, in header order. */
    public static Map<String, Tensor> read(Path file, Arena arena) {
        String source = file.toString();
        MemorySegment map;
        try (FileChannel channel = FileChannel.open(file)) {
            map = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
        } catch (IOException e) {
            throw new ModelLoadException(source + ": cannot open (" + e.getMessage() + ")", e);
        }
        if (map.byteSize() < 8) {
            throw new ModelLoadException(source + ": file is " + map.byteSize() + " bytes, too short for a safetensors header");
        }
        long headerBytes = map.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerBytes <= 0 || headerBytes > MAX_HEADER_BYTES || 8 + headerBytes > map.byteSize()) {
            throw new ModelLoadException(source + ": header length " + headerBytes + " does not fit a file of " + map.byteSize()
                    + " bytes (truncated or not safetensors)");
        }
        JsonNode header;
        try {
            header = new ObjectMapper().readTree(new String(map.asSlice(8, headerBytes).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ModelLoadException(source + ": header is not valid JSON", e);
        }
        MemorySegment data = map.asSlice(8 + headerBytes);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().equals("__metadata__")) {
                continue;
            }
            tensors.put(entry.getKey(), tensor(entry.getKey(), entry.getValue(), data, source));
        }
        return tensors;
    }

    private static Tensor tensor(String name, JsonNode spec, MemorySegment data, String source) {
        String what = source + ": tensor '" + name + "'";
        DType dtype = switch (spec.path("dtype").asText()) {
            case "F32" -> DType.F32;
            case "F16" -> DType.F16;
            case "BF16" -> DType.BF16;
            case "F64" -> DType.F64;
            case "I64" -> DType.I64;
            case "I32" -> DType.I32;
            case "I8" -> DType.I8;
            case "U8" -> DType.U8;
            case "BOOL" -> DType.BOOL;
            default -> throw new ModelLoadException(what + " has unsupported dtype '" + spec.path("dtype").asText() + "'");
        };
        JsonNode shapeNode = spec.path("shape");
        JsonNode offsets = spec.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new ModelLoadException(what + " needs 'shape' and 'data_offsets' [begin, end] in the header");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new ModelLoadException(what + " has an invalid shape " + shapeNode);
            }
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > data.byteSize()) {
            throw new ModelLoadException(what + " has data_offsets [" + begin + ", " + end + "] outside the " + data.byteSize()
                    + " data bytes (truncated file?)");
        }
        return new Tensor(name, dtype, shape, data.asSlice(begin, end - begin), false, source);
    }

    /**
     * Writes the floating-point {@code tensors} (stored order and shape as given; a transposed tensor is written in its
     * Hugging Face layout) as F32 safetensors, via a temporary file renamed at the end.
     */
    public static void writeF32(Path file, Map<String, Tensor> allTensors) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        allTensors.forEach((name, t) -> {
            if (t.dtype().isFloating()) {
                tensors.put(name, t);
            }
        });
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Tensor t : tensors.values()) {
            long bytes = t.elementCount() * 4;
            if (header.length() > 1) {
                header.append(',');
            }
            header.append('"').append(t.name()).append("\":{\"dtype\":\"F32\",\"shape\":[");
            for (int i = 0; i < t.shape().length; i++) {
                header.append(i == 0 ? "" : ",").append(t.shape()[i]);
            }
            header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        while ((header.length() + 8) % 8 != 0) {
            header.append(' ');
        }
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).array());
            out.write(headerBytes);
            for (Tensor t : tensors.values()) {
                float[] values = WeightMap.hfLayout(t);
                ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(values);
                out.write(bytes.array());
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
