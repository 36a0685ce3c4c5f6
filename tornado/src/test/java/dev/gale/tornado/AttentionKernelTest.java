package dev.gale.tornado;

import dev.gale.encoder.cpu.Attention;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Padding-free attention on the device against the CPU backend's scalar control (in double). */
class AttentionKernelTest {

    @Test
    void packedSequencesAttendOnlyWithinThemselves() throws Exception {
        int[] lengths = {1, 7, 20, 3};
        int heads = 4;
        int headSize = 16;
        int hidden = heads * headSize;
        int tokens = 0;
        for (int l : lengths) {
            tokens += l;
        }
        Random random = new Random(11);
        float[] qkv = new float[tokens * 3 * hidden];
        for (int i = 0; i < qkv.length; i++) {
            qkv[i] = (float) random.nextGaussian();
        }
        float[] expected = new float[tokens * hidden];
        int[] start = new int[tokens];
        int[] length = new int[tokens];
        int t = 0;
        int maxKeys = 20;
        for (int l : lengths) {
            int s0 = t;
            for (int h = 0; h < heads; h++) {
                Attention.attendScalar(qkv, expected, s0, l, hidden, h, headSize);
            }
            for (int i = 0; i < l; i++, t++) {
                start[t] = s0;
                length[t] = l;
            }
        }

        FloatArray dqkv = FloatArray.fromArray(qkv);
        FloatArray out = new FloatArray(tokens * hidden);
        FloatArray scratch = new FloatArray(tokens * heads * maxKeys);
        IntArray dStart = IntArray.fromArray(start);
        IntArray dLength = IntArray.fromArray(length);
        FloatArray none = new FloatArray(1);
        IntArray noIndex = new IntArray(1);
        TaskGraph graph = new TaskGraph("a")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, dqkv, dStart, dLength, none, noIndex)
                .task("attention", AttentionKernels::attention, new KernelContext(), dqkv, out, scratch, dStart, dLength, IntArray.fromElements(tokens, lengths.length), heads, headSize, maxKeys,
                        (float) (1 / Math.sqrt(headSize)), 0, 0, none, none, none, noIndex, maxKeys)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot()).withGridScheduler(EmbeddingKernelsTest.grid("a.attention", tokens * heads))) {
            plan.execute();
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], out.get(i), 1e-5 * (1 + Math.abs(expected[i])), "element " + i);
        }
    }
}
