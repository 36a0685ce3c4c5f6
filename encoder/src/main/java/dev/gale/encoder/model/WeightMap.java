package dev.gale.encoder.model;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;

/**
 * Weights by Hugging Face name ({@code encoder.layer.3.attention.self.key.weight}), whatever file they came
 * from. Every accessor checks the shape and fails with the file, the tensor and the expected shape.
 */
public record WeightMap(Map<String, Tensor> tensors, String source) {

    public Tensor require(String name, long... shape) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new ModelLoadException(source + ": tensor '" + name + "' is missing (expected shape " + Arrays.toString(shape) + ")");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ModelLoadException(source + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(shape));
        }
        if (!t.dtype().isFloating()) {
            throw new ModelLoadException(source + ": tensor '" + name + "' is " + t.dtype() + ", expected F32, F16 or BF16");
        }
        return t;
    }

    /** The tensor {@code name} of shape {@code shape} if present, else null (optional biases). */
    public Tensor optional(String name, long... shape) {
        return tensors.containsKey(name) ? require(name, shape) : null;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public float[] vector(String name, int length) {
        return require(name, length).toFloatArray();
    }

    /**
     * A {@code Linear(in, out)} weight, Hugging Face shape (out, in), returned in the (in, out) row-major
     * layout the matrix-multiplication kernels read.
     */
    public float[] linearInOut(String name, int in, int out) {
        Tensor t = require(name, out, in);
        if (t.transposed()) {
            return t.toFloatArray();
        }
        float[] result = new float[in * out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                result[i * out + o] = t.getFloat((long) o * in + i);
            }
        }
        return result;
    }

    /** The tensor's values in its Hugging Face layout (row-major over {@code shape}). */
    static float[] hfLayout(Tensor t) {
        if (!t.transposed()) {
            return t.toFloatArray();
        }
        int rows = (int) t.shape()[0];
        int cols = (int) t.shape()[1];
        float[] result = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                result[r * cols + c] = t.getFloat((long) c * rows + r);
            }
        }
        return result;
    }

    /** Number of {@code encoder.layer.N} blocks present. */
    public int layerCount() {
        return countIndexed("encoder.layer.");
    }

    /** One more than the largest N of the tensors named {@code prefix}N.*, or 0 when there are none. */
    public int countIndexed(String prefix) {
        TreeSet<Integer> layers = new TreeSet<>();
        for (String name : tensors.keySet()) {
            if (name.startsWith(prefix)) {
                String rest = name.substring(prefix.length());
                int dot = rest.indexOf('.');
                if (dot > 0 && rest.substring(0, dot).chars().allMatch(Character::isDigit)) {
                    layers.add(Integer.parseInt(rest.substring(0, dot)));
                }
            }
        }
        return layers.isEmpty() ? 0 : layers.last() + 1;
    }
}
