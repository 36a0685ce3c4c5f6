package dev.gale.encoder.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each vector kernel against its scalar control, and the controls against values worked out by hand. */
class KernelsTest {
    private final Random random = new Random(7);

    private float[] randomArray(int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (random.nextFloat() * 2 - 1) * scale;
        }
        return a;
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "3,5,7", "4,384,32", "17,384,1152", "9,1536,384", "13,33,65", "64,64,48", "8,40,31", "23,16,100"})
    void matmulMatchesScalarControl(int m, int k, int n) {
        float[] a = randomArray(m * k, 1), b = randomArray(k * n, 0.1f), bias = randomArray(n, 1);
        float[] expected = new float[m * n], actual = new float[m * n];
        MatMul.matmulScalar(a, b, bias, expected, m, k, n);
        MatMul.matmul(a, MatMul.pack(b, k, n), bias, actual, 0, m, null);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5f * Math.max(1, Math.abs(expected[i])) * Math.sqrt(k), "element " + i);
        }
    }

    @Test
    void matmulByHand() {
        // [1 2; 3 4] . [5 6; 7 8] + [1, -1] = [19+1 22-1; 43+1 50-1]
        float[] c = new float[4];
        MatMul.matmul(new float[]{1, 2, 3, 4}, MatMul.pack(new float[]{5, 6, 7, 8}, 2, 2), new float[]{1, -1}, c, 0, 2, null);
        assertEquals(20, c[0]);
        assertEquals(21, c[1]);
        assertEquals(44, c[2]);
        assertEquals(49, c[3]);
    }

    @Test
    void erfAndGeluAgainstTabulatedValues() {
        // erf from Abramowitz and Stegun, Table 7.1
        assertEquals(0.5204998778, Activations.erf(0.5f), 2e-7);
        assertEquals(0.8427007929, Activations.erf(1f), 2e-7);
        assertEquals(-0.9953222650, Activations.erf(-2f), 2e-7);
        assertEquals(0, Activations.erf(0f), 2e-7);
        // gelu(1) = 0.5 (1 + erf(1/sqrt 2)) = 0.5 (1 + 0.6826894921) = 0.8413447461
        assertEquals(0.8413447461, Activations.geluScalar(1f), 2e-7);
        assertEquals(-0.1586552539, Activations.geluScalar(-1f), 2e-7);
    }

    @Test
    void vectorGeluMatchesScalar() {
        float[] x = randomArray(1000, 8);
        float[] y = x.clone();
        Activations.gelu(y, 3, 990);
        for (int i = 0; i < x.length; i++) {
            float expected = i >= 3 && i < 993 ? Activations.geluScalar(x[i]) : x[i];
            assertEquals(expected, y[i], 1e-6f * Math.max(1, Math.abs(x[i])), "element " + i);
        }
    }

    @Test
    void layerNormByHand() {
        // x + residual = [1, 2, 3, 6]: mean 3, variance (4 + 1 + 0 + 9) / 4 = 3.5
        float[] x = {0, 1, 2, 3};
        float[] residual = {1, 1, 1, 3};
        Norms.addLayerNorm(x, residual, new float[]{1, 1, 1, 2}, new float[]{0, 0, 0, 1}, 0, 4, 0, 1);
        double sd = Math.sqrt(3.5);
        assertEquals(-2 / sd, x[0], 1e-6);
        assertEquals(-1 / sd, x[1], 1e-6);
        assertEquals(0, x[2], 1e-6);
        assertEquals(2 * 3 / sd + 1, x[3], 1e-6);
    }

    @Test
    void vectorLayerNormMatchesScalar() {
        int hidden = 384 + 7, rows = 5;
        float[] x = randomArray(rows * hidden, 3), residual = randomArray(rows * hidden, 3);
        float[] gamma = randomArray(hidden, 1), beta = randomArray(hidden, 1);
        float[] expected = x.clone();
        Norms.addLayerNormScalar(expected, residual, gamma, beta, 1e-12f, hidden, rows);
        Norms.addLayerNorm(x, residual, gamma, beta, 1e-12f, hidden, 0, rows);
        for (int i = 0; i < x.length; i++) {
            assertEquals(expected[i], x[i], 2e-5f, "element " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({"1,32", "2,32", "17,32", "64,16", "130,24", "512,32"})
    void attentionMatchesScalarControl(int length, int headSize) {
        int heads = 3, hidden = heads * headSize, before = 5;
        int tokens = before + length + 2;
        float[] qkv = randomArray(tokens * 3 * hidden, 2);
        float[] expected = new float[tokens * hidden], actual = new float[tokens * hidden];
        Attention.Scratch scratch = new Attention.Scratch(headSize, length);
        for (int h = 0; h < heads; h++) {
            Attention.attendScalar(qkv, expected, before, length, hidden, h, headSize, 1 / Math.sqrt(headSize), null, 0);
            Attention.attend(qkv, actual, before, length, hidden, h, headSize, (float) (1 / Math.sqrt(headSize)), scratch);
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5f, "element " + i);
        }
    }

    @Test
    void attentionOfOneTokenIsItsValue() {
        // softmax over a single score is 1, so the context is V itself
        int hidden = 4, headSize = 2;
        float[] qkv = {1, 2, 3, 4, /* K */ 5, 6, 7, 8, /* V */ 9, 10, 11, 12};
        float[] out = new float[4];
        Attention.Scratch scratch = new Attention.Scratch(headSize, 1);
        Attention.attend(qkv, out, 0, 1, hidden, 0, headSize, (float) (1 / Math.sqrt(headSize)), scratch);
        Attention.attend(qkv, out, 0, 1, hidden, 1, headSize, (float) (1 / Math.sqrt(headSize)), scratch);
        assertEquals(9, out[0], 1e-6);
        assertEquals(10, out[1], 1e-6);
        assertEquals(11, out[2], 1e-6);
        assertEquals(12, out[3], 1e-6);
    }
}
