package dev.gale.tornado;

import dev.gale.encoder.cpu.Attention;
import dev.gale.encoder.cpu.PositionBiases;
import dev.gale.encoder.nn.PositionBias;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Padding-free attention and RoPE on the device against the CPU backend's controls: {@code Attention.attendScalar}
 * (in double, the bias written out per (i, j) from its definition) and {@code PositionBiases.Rope}.
 */
class AttentionKernelTest {
    private static final int[] LENGTHS = {1, 7, 20, 3};
    private static final int MAX_LENGTH = 24;   // P, the model's max length the bias tables are laid out for

    private static float[] random(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /**
     * mode: plain (BERT), window (ModernBERT's local layers, |i - j| <= 3), buckets (MPNet: a bias per head and
     * distance j - i), disentangled (DeBERTa: c2p and p2c over projected relative embeddings, a 1/sqrt(3D) scale).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"plain", "window", "buckets", "disentangled"})
    void packedSequencesAttendOnlyWithinThemselves(String mode) throws Exception {
        int heads = 4;
        int headSize = mode.equals("disentangled") ? 6 : 16;
        int width = heads * headSize;
        int tokens = 0;
        for (int l : LENGTHS) {
            tokens += l;
        }
        Random random = new Random(11);
        float[] qkv = random(random, tokens * 3 * width);
        int window = mode.equals("window") ? 3 : 0;
        float scale = (float) (1 / Math.sqrt(headSize * (mode.equals("disentangled") ? 3.0 : 1.0)));
        int positions = 10;   // DeBERTa's 2 span
        float[] byDistance = random(random, heads * (2 * MAX_LENGTH - 1));
        float[] posKey = random(random, positions * width);
        float[] posQuery = random(random, positions * width);
        int[] relIndex = new int[2 * MAX_LENGTH - 1];
        for (int d = 0; d < relIndex.length; d++) {
            relIndex[d] = random.nextInt(positions);
        }
        int biasMode = switch (mode) {
            case "buckets" -> AttentionKernels.BUCKETS;
            case "disentangled" -> AttentionKernels.C2P | AttentionKernels.P2C;
            default -> 0;
        };

        float[] expected = new float[tokens * width];
        int[] start = new int[tokens];
        int[] length = new int[tokens];
        int t = 0;
        int maxKeys = 20;
        for (int l : LENGTHS) {
            int s0 = t;
            for (int h = 0; h < heads; h++) {
                double[][] bias = new double[l][l];
                for (int i = 0; i < l; i++) {
                    for (int j = 0; j < l; j++) {
                        if (mode.equals("buckets")) {
                            bias[i][j] = byDistance[h * (2 * MAX_LENGTH - 1) + j - i + MAX_LENGTH - 1];
                        } else if (mode.equals("disentangled")) {
                            int r = relIndex[i - j + MAX_LENGTH - 1];
                            double c2p = 0, p2c = 0;
                            for (int d = 0; d < headSize; d++) {
                                c2p += (double) qkv[(s0 + i) * 3 * width + h * headSize + d] * posKey[r * width + h * headSize + d];
                                p2c += (double) qkv[(s0 + j) * 3 * width + width + h * headSize + d] * posQuery[r * width + h * headSize + d];
                            }
                            bias[i][j] = (c2p + p2c) * scale;
                        }
                    }
                }
                Attention.attendScalar(qkv, expected, s0, l, width, h, headSize, scale, bias, window);
            }
            for (int i = 0; i < l; i++, t++) {
                start[t] = s0;
                length[t] = l;
            }
        }

        FloatArray dqkv = FloatArray.fromArray(qkv);
        FloatArray out = new FloatArray(tokens * width);
        FloatArray scratch = new FloatArray(tokens * heads * maxKeys);
        IntArray dStart = IntArray.fromArray(start);
        IntArray dLength = IntArray.fromArray(length);
        FloatArray dByDistance = FloatArray.fromArray(byDistance), dPosKey = FloatArray.fromArray(posKey), dPosQuery = FloatArray.fromArray(posQuery);
        IntArray dRelIndex = IntArray.fromArray(relIndex);
        TaskGraph graph = new TaskGraph("a")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, dqkv, dStart, dLength, dByDistance, dPosKey, dPosQuery, dRelIndex)
                .task("attention", AttentionKernels::attention, new KernelContext(), dqkv, out, scratch, dStart, dLength,
                        IntArray.fromElements(tokens, LENGTHS.length), heads, headSize, maxKeys, scale, window, biasMode, dByDistance,
                        dPosKey, dPosQuery, dRelIndex, MAX_LENGTH)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot()).withGridScheduler(EmbeddingKernelsTest.grid("a.attention", tokens * heads))) {
            plan.execute();
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], out.get(i), 1e-5 * (1 + Math.abs(expected[i])), mode + ": element " + i);
        }
    }

    @Test
    void ropeRotatesEachTokenAtItsPositionInItsSequence() throws Exception {
        int heads = 3;
        int headSize = 8;
        int width = heads * headSize;
        int tokens = 0;
        for (int l : LENGTHS) {
            tokens += l;
        }
        Random random = new Random(5);
        float[] qkv = random(random, tokens * 3 * width);
        PositionBiases.Rope rope = new PositionBiases.Rope(new PositionBias.Rope(10000), headSize, MAX_LENGTH);
        float[] expected = qkv.clone();
        int[] start = new int[tokens];
        int t = 0;
        for (int l : LENGTHS) {
            for (int i = 0; i < l; i++, t++) {
                start[t] = t - i;
                rope.apply(expected, t * 3 * width, heads, i);
            }
        }

        FloatArray dqkv = FloatArray.fromArray(qkv);
        FloatArray cos = FloatArray.fromArray(rope.cosTable()), sin = FloatArray.fromArray(rope.sinTable());
        IntArray dStart = IntArray.fromArray(start);
        TaskGraph graph = new TaskGraph("r")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, dqkv, cos, sin, dStart)
                .task("rope", AttentionKernels::rope, new KernelContext(), dqkv, cos, sin, dStart, IntArray.fromElements(tokens, LENGTHS.length),
                        heads, headSize)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, dqkv);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot()).withGridScheduler(EmbeddingKernelsTest.grid("r.rope", tokens * heads))) {
            plan.execute();
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], dqkv.get(i), 1e-6 * (1 + Math.abs(expected[i])), "element " + i);
        }
    }
}
