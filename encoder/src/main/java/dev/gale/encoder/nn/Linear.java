package dev.gale.encoder.nn;

import dev.gale.encoder.model.ModelLoadException;
import dev.gale.encoder.model.Tensor;

import java.util.List;

/**
 * {@code torch.nn.Linear}: y = x W^T + b, with W (out, in) as Hugging Face stores it. A fused projection
 * (BERT's query | key | value) is several parts stacked along {@code out}; the parts stay views of the
 * loaded tensors, so a backend copies each weight exactly once, into the layout it computes with.
 *
 * @param in    input features
 * @param out   output features, the sum of the parts'
 * @param parts the stacked {@code (weight, bias)} pairs, in output order
 */
public record Linear(int in, int out, List<Part> parts) {

    /**
     * Outputs [first, first + rows) of one {@code nn.Linear}: weight (all its rows, in), bias (all its rows) or null
     * when the layer has none. A part that is not the whole tensor is a slice of a fused checkpoint tensor (GTE's
     * up | gate), read in place.
     */
    public record Part(Tensor weight, Tensor bias, int first, int rows) {
        public Part(Tensor weight, Tensor bias, int rows) {
            this(weight, bias, 0, rows);
        }

        /** W[first + o][i] of a layer with {@code in} inputs; ONNX exports store (in, out), the transposed flag says so. */
        float weight(int o, int i, int in) {
            long all = weight.shape()[0];
            return weight.getFloat(weight.transposed() ? (long) i * all + first + o : (long) (first + o) * in + i);
        }
    }

    public Linear {
        parts = List.copyOf(parts);
        int rows = 0;
        for (Part p : parts) {
            long all = p.weight().shape().length == 2 ? p.weight().shape()[0] : -1;
            if (p.weight().shape().length != 2 || p.weight().shape()[1] != in || p.first() < 0 || p.first() + p.rows() > all) {
                throw new ModelLoadException(p.weight().source() + ": tensor '" + p.weight().name() + "' has shape "
                        + java.util.Arrays.toString(p.weight().shape()) + ", expected [" + p.rows() + ", " + in + "]");
            }
            if (p.bias() != null && (p.bias().shape().length != 1 || p.bias().shape()[0] != all)) {
                throw new ModelLoadException(p.bias().source() + ": tensor '" + p.bias().name() + "' has shape "
                        + java.util.Arrays.toString(p.bias().shape()) + ", expected [" + all + "]");
            }
            rows += p.rows();
        }
        if (rows != out) {
            throw new IllegalArgumentException("parts give " + rows + " outputs, expected " + out);
        }
    }

    public static Linear of(Tensor weight, Tensor bias) {
        int rows = (int) weight.shape()[0];
        return new Linear((int) weight.shape()[1], rows, List.of(new Part(weight, bias, rows)));
    }

    /** The outputs of {@code linears} side by side, in order (they must share {@code in}). */
    public static Linear fused(Linear... linears) {
        int in = linears[0].in();
        int out = 0;
        List<Part> parts = new java.util.ArrayList<>();
        for (Linear l : linears) {
            if (l.in() != in) {
                throw new IllegalArgumentException("fused linears differ in input size: " + in + " and " + l.in());
            }
            out += l.out();
            parts.addAll(l.parts());
        }
        return new Linear(in, out, parts);
    }

    /** Outputs [from, from + count) of a single-part linear (a slice of a fused checkpoint tensor); a view, no copy. */
    public Linear rows(int from, int count) {
        if (parts.size() != 1 || from < 0 || from + count > out) {
            throw new IllegalArgumentException("rows [" + from + ", " + (from + count) + ") of a linear of " + out + " outputs in "
                    + parts.size() + " parts");
        }
        Part p = parts.getFirst();
        return new Linear(in, count, List.of(new Part(p.weight(), p.bias(), p.first() + from, count)));
    }

    public boolean hasBias() {
        return parts.stream().anyMatch(p -> p.bias() != null);
    }

    /** W as (in, out) row-major, the layout the matrix kernels stream: result[i * out + o] = W[o][i]. */
    public float[] weightInOut() {
        float[] result = new float[Math.multiplyExact(in, out)];
        int row0 = 0;
        for (Part p : parts) {
            for (int o = 0; o < p.rows(); o++) {
                for (int i = 0; i < in; i++) {
                    result[i * out + row0 + o] = p.weight(o, i, in);
                }
            }
            row0 += p.rows();
        }
        return result;
    }

    /**
     * dst[offset + j] = W[o + j][i] for j in [0, count): {@code count} consecutive outputs of input {@code i}, as the
     * CPU backend's packed panels hold them. A bulk copy where the data is stored (in, out), as in ONNX exports.
     */
    public void inputRow(int i, int o, int count, float[] dst, int offset) {
        for (Part p : parts) {
            if (count == 0) {
                return;
            }
            if (o >= p.rows()) {
                o -= p.rows();
                continue;
            }
            int n = Math.min(count, p.rows() - o);
            if (p.weight().transposed()) {
                p.weight().copyTo((long) i * p.weight().shape()[0] + p.first() + o, dst, offset, n);
            } else {
                for (int j = 0; j < n; j++) {
                    dst[offset + j] = p.weight(o + j, i, in);
                }
            }
            offset += n;
            count -= n;
            o = 0;
        }
        if (count > 0) {
            throw new IndexOutOfBoundsException(count + " outputs past the last of " + out);
        }
    }

    /** Element (o, i) of W. */
    public float weight(int o, int i) {
        for (Part p : parts) {
            if (o < p.rows()) {
                return p.weight(o, i, in);
            }
            o -= p.rows();
        }
        throw new IndexOutOfBoundsException("output " + o);
    }

    /** The bias (out), zeros where a part has none. */
    public float[] biasOrZeros() {
        float[] b = new float[out];
        int row0 = 0;
        for (Part p : parts) {
            if (p.bias() != null) {
                for (int o = 0; o < p.rows(); o++) {
                    b[row0 + o] = p.bias().getFloat(p.first() + o);
                }
            }
            row0 += p.rows();
        }
        return b;
    }
}
