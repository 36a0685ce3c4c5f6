package dev.gale.encoder.cpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.nn.Activation;
import dev.gale.encoder.nn.PositionBias;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The building blocks the families share, each against its scalar control or a hand computation:
 * activations (and their gated form), rotary embeddings, relative-position buckets (against transformers'
 * own functions, dumped by reference/position_buckets.py), position-biased and windowed attention.
 */
class BuildingBlocksTest {

    @Test
    void activationsByHand() {
        // gelu_new(1) = 0.5 (1 + tanh(sqrt(2/pi) (1 + 0.044715))) = 0.5 (1 + tanh(0.8335237)) = 0.8411920
        assertEquals(0.8411920, Activations.geluTanhScalar(1f), 1e-6);
        // silu(1) = 1 / (1 + e^-1) = 0.7310586; silu(-2) = -2 / (1 + e^2) = -0.2384058
        assertEquals(0.7310586, Activations.siluScalar(1f), 1e-6);
        assertEquals(-0.2384058, Activations.siluScalar(-2f), 1e-6);
        assertEquals(0f, Activations.scalar(Activation.RELU, -3f));
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void vectorActivationsMatchScalarControl(Activation activation) {
        Random random = new Random(7);
        float[] x = new float[1003];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * 4);
        }
        float[] y = x.clone();
        Activations.apply(activation, y, 2, 1000);
        for (int i = 0; i < x.length; i++) {
            float expected = i >= 2 && i < 1002 ? Activations.scalar(activation, x[i]) : x[i];
            assertEquals(expected, y[i], 2e-6 * Math.max(1, Math.abs(expected)), activation + " at " + x[i]);
        }
    }

    @Test
    void gatedActivationMultipliesTheSecondHalf() {
        int inter = 37;
        int rows = 3;
        Random random = new Random(3);
        float[] f = new float[rows * 2 * inter];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) random.nextGaussian();
        }
        float[] original = f.clone();
        float[] g = new float[rows * inter];
        Activations.gate(Activation.SILU, f, g, inter, 0, rows);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < inter; c++) {
                float u = original[r * 2 * inter + c];
                float v = original[r * 2 * inter + inter + c];
                assertEquals(Activations.siluScalar(u) * v, g[r * inter + c], 1e-5);
            }
        }
    }

    @Test
    void ropeRotatesPairsHalfAHeadApart() {
        int heads = 3;
        int headSize = 8;
        int width = heads * headSize;
        double theta = 10000;
        PositionBiases.Rope rope = new PositionBiases.Rope(new PositionBias.Rope(theta), headSize, 64);
        Random random = new Random(11);
        float[] qkv = new float[3 * width];
        for (int i = 0; i < qkv.length; i++) {
            qkv[i] = (float) random.nextGaussian();
        }
        float[] rotated = qkv.clone();
        int p = 37;
        rope.apply(rotated, 0, heads, p);
        for (int block = 0; block < 3; block++) {
            for (int h = 0; h < heads; h++) {
                for (int d = 0; d < headSize; d++) {
                    int o = block * width + h * headSize;
                    int half = headSize / 2;
                    double expected;
                    if (block == 2) {
                        expected = qkv[o + d];   // V is not rotated
                    } else {
                        // q * cos + rotate_half(q) * sin, rotate_half(q) = (-q2, q1), angle p / theta^(2 (d mod D/2) / D)
                        double angle = p / Math.pow(theta, 2.0 * (d % half) / headSize);
                        double partner = d < half ? -qkv[o + d + half] : qkv[o + d - half];
                        expected = qkv[o + d] * Math.cos(angle) + partner * Math.sin(angle);
                    }
                    assertEquals(expected, rotated[o + d], 2e-5, "block " + block + " head " + h + " dim " + d);
                }
            }
        }
    }

    @Test
    void relativeBucketsMatchTransformers() throws IOException {
        JsonNode json;
        try (InputStream in = getClass().getResourceAsStream("/reference/position-buckets.json")) {
            json = new ObjectMapper().readTree(in);
        }
        int from = json.get("relative").get(0).asInt();
        for (int i = 0; i < json.get("mpnet_32_128").size(); i++) {
            int rel = from + i;
            assertEquals(json.get("mpnet_32_128").get(i).asInt(), PositionBiases.mpnetBucket(rel, 32, 128), "mpnet " + rel);
            assertEquals(json.get("deberta_16_128").get(i).asInt(), PositionBiases.debertaBucket(rel, 16, 128), "deberta 16 " + rel);
            assertEquals(json.get("deberta_256_512").get(i).asInt(), PositionBiases.debertaBucket(rel, 256, 512), "deberta 256 " + rel);
        }
    }

    @Test
    void biasedWindowedAttentionMatchesScalarControl() {
        int heads = 2;
        int headSize = 12;
        int width = heads * headSize;
        int before = 3;
        int length = 41;
        int window = 5;
        Random random = new Random(5);
        float[] qkv = new float[(before + length) * 3 * width];
        for (int i = 0; i < qkv.length; i++) {
            qkv[i] = (float) random.nextGaussian();
        }
        double[][] table = new double[length][length];
        for (int i = 0; i < length; i++) {
            for (int j = 0; j < length; j++) {
                table[i][j] = Math.sin(i * 0.3 + j * 0.7);
            }
        }
        Attention.ScoreBias bias = (scores, l, head, q, k, scratch) -> {
            for (int i = 0; i < l; i++) {
                for (int j = 0; j < l; j++) {
                    scores[i * l + j] += (float) table[i][j];
                }
            }
        };
        float scale = 0.2f;
        float[] expected = new float[(before + length) * width];
        float[] actual = new float[(before + length) * width];
        Attention.Scratch scratch = new Attention.Scratch(headSize, 64);
        for (int h = 0; h < heads; h++) {
            Attention.attendScalar(qkv, expected, before, length, width, h, headSize, scale, table, window);
            Attention.attend(qkv, actual, before, length, width, h, headSize, scale, bias, window, scratch);
        }
        for (int i = before * width; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5, "element " + i);
        }
    }
}
