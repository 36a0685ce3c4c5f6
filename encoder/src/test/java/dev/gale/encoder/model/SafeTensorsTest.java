package dev.gale.encoder.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    @TempDir
    Path dir;

    /** Writes a safetensors file byte by byte, the way the format's specification lays it out. */
    private Path write(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h).put(data);
        Path file = dir.resolve("model.safetensors");
        Files.write(file, buf.array());
        return file;
    }

    @Test
    void readsF32F16AndBf16() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(8 + 6 + 4).order(ByteOrder.LITTLE_ENDIAN);
        data.putFloat(1.5f).putFloat(-2f);
        // F16 bit patterns: 0x3C00 = 1.0, 0xC000 = -2.0, 0x3800 = 0.5
        data.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x3800);
        // BF16 is the top half of an F32: 0x3F80 = 1.0, 0x4049 = 3.140625
        data.putShort((short) 0x3F80).putShort((short) 0x4049);
        Path file = write("""
                {"__metadata__":{"format":"pt"},
                 "a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
                 "b":{"dtype":"F16","shape":[1,3],"data_offsets":[8,14]},
                 "c":{"dtype":"BF16","shape":[2],"data_offsets":[14,18]}}""", data.array());
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> t = SafeTensors.read(file, arena);
            assertEquals(3, t.size());
            assertArrayEquals(new float[]{1.5f, -2f}, t.get("a").toFloatArray());
            assertArrayEquals(new float[]{1f, -2f, 0.5f}, t.get("b").toFloatArray());
            assertArrayEquals(new long[]{1, 3}, t.get("b").shape());
            assertArrayEquals(new float[]{1f, 3.140625f}, t.get("c").toFloatArray());
        }
    }

    @Test
    void truncatedFileNamesTheTensor() throws IOException {
        Path file = write("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]);
        try (Arena arena = Arena.ofConfined()) {
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> SafeTensors.read(file, arena));
            assertTrue(e.getMessage().contains("model.safetensors: tensor 'w' has data_offsets [0, 16] outside the 8 data bytes"), e.getMessage());
        }
    }

    @Test
    void wrongByteCountForShapeIsRefused() throws IOException {
        Path file = write("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);
        try (Arena arena = Arena.ofConfined()) {
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> SafeTensors.read(file, arena));
            assertTrue(e.getMessage().contains("tensor 'w' of shape [3] F32 needs 12 bytes but has 8"), e.getMessage());
        }
    }

    @Test
    void garbageHeaderIsRefused() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Files.write(file, "this is not a model file at all".getBytes(StandardCharsets.UTF_8));
        try (Arena arena = Arena.ofConfined()) {
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> SafeTensors.read(file, arena));
            assertTrue(e.getMessage().startsWith(file + ": header length"), e.getMessage());
        }
    }

    @Test
    void wrongShapeNamesTensorAndExpectation() {
        Tensor t = new Tensor("encoder.layer.0.output.dense.bias", DType.F32, new long[]{5}, java.lang.foreign.MemorySegment.ofArray(new float[5]), false, "m.safetensors");
        WeightMap w = new WeightMap(Map.of(t.name(), t), "m.safetensors");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> w.vector("encoder.layer.0.output.dense.bias", 384));
        assertEquals("m.safetensors: tensor 'encoder.layer.0.output.dense.bias' has shape [5], expected [384]", e.getMessage());
        e = assertThrows(ModelLoadException.class, () -> w.vector("embeddings.LayerNorm.weight", 384));
        assertEquals("m.safetensors: tensor 'embeddings.LayerNorm.weight' is missing (expected shape [384])", e.getMessage());
    }

    @Test
    void linearWeightIsTransposedToInOut() {
        // Hugging Face (out=2, in=3): [[1,2,3],[4,5,6]] -> (in, out): [[1,4],[2,5],[3,6]]
        float[] hf = {1, 2, 3, 4, 5, 6};
        Tensor t = new Tensor("l.weight", DType.F32, new long[]{2, 3}, java.lang.foreign.MemorySegment.ofArray(hf), false, "x");
        assertEquals("[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]", Arrays.toString(new WeightMap(Map.of("l.weight", t), "x").linearInOut("l.weight", 3, 2)));
        // the same weight as an ONNX export stores it, already (in, out)
        Tensor onnx = new Tensor("l.weight", DType.F32, new long[]{2, 3}, java.lang.foreign.MemorySegment.ofArray(new float[]{1, 4, 2, 5, 3, 6}), true, "x");
        assertEquals("[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]", Arrays.toString(new WeightMap(Map.of("l.weight", onnx), "x").linearInOut("l.weight", 3, 2)));
        assertArrayEquals(hf, WeightMap.hfLayout(onnx));
    }
}
