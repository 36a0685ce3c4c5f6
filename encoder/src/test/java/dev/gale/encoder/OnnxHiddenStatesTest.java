package dev.gale.encoder;

import dev.gale.encoder.family.Families;
import dev.gale.encoder.nn.Encoder;
import dev.gale.encoder.cpu.CpuEncoder;
import dev.gale.encoder.model.OnnxExport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Last hidden states of the ONNX weights run by Gale's CPU encoder against ONNX Runtime on the same file. */
class OnnxHiddenStatesTest {

    @ParameterizedTest
    @ValueSource(strings = {ReferenceModels.MINILM, ReferenceModels.BGE})
    void randomIdSequencesMatchOnnxRuntime(String name) throws Exception {
        try (Arena arena = Arena.ofShared(); var ort = new ReferenceModels.Ort(name)) {
            OnnxExport.Contents contents = OnnxExport.read(map(name, arena), name);
            Encoder model = Families.build(contents.inferredHfConfig(), contents.weights().tensors(), name);
            Random random = new Random(42);
            List<int[]> sequences = new ArrayList<>();
            List<int[]> types = new ArrayList<>();
            for (int length : new int[]{1, 2, 7, 33, 128, 300, 512}) {
                int[] ids = new int[length];
                int[] tt = new int[length];
                for (int i = 0; i < length; i++) {
                    ids[i] = 999 + random.nextInt(29000);
                    tt[i] = i >= length / 2 ? 1 : 0;
                }
                sequences.add(ids);
                types.add(tt);
            }
            try (CpuEncoder encoder = new CpuEncoder(model, 2)) {
                float[] states = encoder.hiddenStates(TokenBatch.of(sequences, types));
                int hidden = model.hiddenSize();
                int row = 0;
                for (int s = 0; s < sequences.size(); s++) {
                    float[] expected = ort.hiddenStates(sequences.get(s), types.get(s));
                    double maxDiff = 0;
                    for (int i = 0; i < expected.length; i++) {
                        maxDiff = Math.max(maxDiff, Math.abs(expected[i] - states[row * hidden + i]));
                    }
                    assertTrue(maxDiff <= 1e-4, name + " sequence of " + sequences.get(s).length + " tokens: max |diff| " + maxDiff);
                    row += sequences.get(s).length;
                }
                assertEquals(row * hidden, states.length);
            }
        }
    }

    private static MemorySegment map(String name, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(ReferenceModels.onnx(name))) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        }
    }
}
