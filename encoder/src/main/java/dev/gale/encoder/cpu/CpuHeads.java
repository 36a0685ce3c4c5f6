package dev.gale.encoder.cpu;

import dev.gale.encoder.TokenBatch;
import dev.gale.encoder.nn.Activation;
import dev.gale.encoder.nn.Head;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Task heads on the CPU, over last hidden states (T, H) of a padding-free batch:
 * <pre>
 *   rows (R, H)  = the head's input rows: first tokens, sequence means, every token, or named rows
 *   per step     = x W^T + b then the activation (packed as the encoder's Linear layers), or LayerNorm
 *   out (R', O)  = the last step's rows; SPLADE reduces each sequence's rows to max log(1 + relu(x))
 * </pre>
 * A head's weights are packed the first time it runs and kept (one copy), as {@link CpuEncoder} packs the
 * encoder's. Thread-safe.
 */
public final class CpuHeads {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** SPLADE runs the batch's tokens through the vocabulary projection this many rows at a time. */
    private static final int SPLADE_ROWS = 128;

    private final Workers workers;
    private final Map<Head, List<Prepared>> prepared = new IdentityHashMap<>();

    /** A step as the CPU computes it. */
    private record Prepared(MatMul.Packed packed, float[] bias, Activation activation, float[] gamma, float[] beta, float eps, int out) {}

    public CpuHeads(Workers workers) {
        this.workers = workers;
    }

    private List<Prepared> prepare(Head head) {
        synchronized (prepared) {
            return prepared.computeIfAbsent(head, h -> {
                List<Prepared> steps = new ArrayList<>();
                for (Head.Step s : h.steps()) {
                    steps.add(switch (s) {
                        case Head.Step.Dense d -> new Prepared(MatMul.pack(d.linear()), d.linear().biasOrZeros(), d.activation(), null, null, 0,
                                d.outputSize());
                        case Head.Step.Norm n -> new Prepared(null, null, null, n.norm().weightArray(), n.norm().biasOrZeros(), n.norm().eps(),
                                n.outputSize());
                    });
                }
                return steps;
            });
        }
    }

    /**
     * Runs {@code head} over {@code states} (the batch's last hidden states, (tokens, hidden)) and writes its
     * output rows ({@link Head#outputRows}, {@link Head#outputSize}) float32 row-major into {@code out}.
     * {@code selected} are batch rows for {@link Head.Input#SELECTED} (ignored otherwise).
     */
    public void run(float[] states, int hidden, TokenBatch batch, Head head, int[] selected, MemorySegment out) {
        List<Prepared> steps = prepare(head);
        int n = batch.sequenceCount();
        int tokens = batch.tokenCount();
        int width = head.outputSize();
        int rows = head.outputRows(n, tokens, selected == null ? 0 : selected.length);
        if (out.byteSize() < (long) rows * width * Float.BYTES) {
            throw new IllegalArgumentException("output holds " + out.byteSize() + " bytes, the head writes " + (long) rows * width * Float.BYTES);
        }
        if (head.reduce() != Head.Reduce.NONE) {
            splade(states, hidden, batch, steps, width, head.reduce() == Head.Reduce.SPLADE_SUM, out);
            return;
        }
        float[] in = inputRows(states, hidden, batch, head.input(), selected);
        workers.forRows(rows, (r0, r1) -> {
            float[] x = new float[(r1 - r0) * hidden];
            System.arraycopy(in, r0 * hidden, x, 0, x.length);
            float[] y = apply(steps, x, r1 - r0, hidden);
            MemorySegment.copy(y, 0, out, F32, (long) r0 * width * Float.BYTES, (r1 - r0) * width);
        });
    }

    /** The head's input rows, (R, hidden). */
    private static float[] inputRows(float[] states, int hidden, TokenBatch batch, Head.Input input, int[] selected) {
        int n = batch.sequenceCount();
        return switch (input) {
            case TOKENS -> states;
            case FIRST -> {
                float[] in = new float[n * hidden];
                for (int s = 0; s < n; s++) {
                    if (batch.length(s) > 0) {
                        System.arraycopy(states, batch.start(s) * hidden, in, s * hidden, hidden);
                    }
                }
                yield in;
            }
            case MEAN -> {
                float[] in = new float[n * hidden];
                for (int s = 0; s < n; s++) {
                    int len = batch.length(s);
                    for (int t = batch.start(s); t < batch.start(s) + len; t++) {
                        for (int i = 0; i < hidden; i++) {
                            in[s * hidden + i] += states[t * hidden + i];
                        }
                    }
                    for (int i = 0; len > 0 && i < hidden; i++) {
                        in[s * hidden + i] /= len;
                    }
                }
                yield in;
            }
            case SELECTED -> {
                int tokens = batch.tokenCount();
                float[] in = new float[selected.length * hidden];
                for (int r = 0; r < selected.length; r++) {
                    if (selected[r] < 0 || selected[r] >= tokens) {
                        throw new IllegalArgumentException("selected row " + selected[r] + " is outside the batch's " + tokens + " tokens");
                    }
                    System.arraycopy(states, selected[r] * hidden, in, r * hidden, hidden);
                }
                yield in;
            }
        };
    }

    /** The steps over {@code rows} rows of x, (rows, width); returns the last step's (rows, out). */
    private static float[] apply(List<Prepared> steps, float[] x, int rows, int width) {
        for (Prepared p : steps) {
            if (p.packed() != null) {
                float[] y = new float[rows * p.out()];
                MatMul.matmul(x, p.packed(), p.bias(), y, 0, rows, p.activation());
                x = y;
            } else {
                Norms.addLayerNorm(x, null, p.gamma(), p.beta(), p.eps(), p.out(), 0, rows);
            }
            width = p.out();
        }
        return x;
    }

    /**
     * SpladePooling: per sequence, max over its tokens of log(1 + relu(logit)), computed as log1p(relu(max)),
     * which is the same (both are monotone); or with {@code sum}, the sum of log(1 + relu(logit)). The batch's
     * tokens go through the steps {@link #SPLADE_ROWS} at a time, across sequence boundaries, so the (tokens,
     * vocabulary) logits are never held whole and each pass over the (vocabulary, hidden) decoder serves that many
     * rows (fewer would make it a stream of the whole decoder from memory per handful of tokens). Each task reduces
     * its rows into the sequences they belong to, then merges into the batch's. An empty sequence gives zeros.
     */
    private void splade(float[] states, int hidden, TokenBatch batch, List<Prepared> steps, int width, boolean sum, MemorySegment out) {
        int n = batch.sequenceCount();
        int tokens = batch.tokenCount();
        int[] sequenceOf = new int[tokens];
        for (int s = 0; s < n; s++) {
            java.util.Arrays.fill(sequenceOf, batch.start(s), batch.start(s) + batch.length(s), s);
        }
        float empty = sum ? 0f : Float.NEGATIVE_INFINITY;
        float[] acc = new float[n * width];
        java.util.Arrays.fill(acc, empty);
        int tasks = (tokens + SPLADE_ROWS - 1) / SPLADE_ROWS;
        workers.forEach(tasks, t -> {
            int r0 = t * SPLADE_ROWS;
            int r1 = Math.min(tokens, r0 + SPLADE_ROWS);
            float[] x = new float[(r1 - r0) * hidden];
            System.arraycopy(states, r0 * hidden, x, 0, x.length);
            float[] y = apply(steps, x, r1 - r0, hidden);
            int first = sequenceOf[r0];
            int last = sequenceOf[r1 - 1];
            float[] part = new float[(last - first + 1) * width];
            java.util.Arrays.fill(part, empty);
            for (int r = r0; r < r1; r++) {
                int o = (sequenceOf[r] - first) * width;
                int yo = (r - r0) * width;
                for (int j = 0; j < width; j++) {
                    float v = y[yo + j];
                    part[o + j] = sum ? part[o + j] + (float) Math.log1p(Math.max(0f, v)) : Math.max(part[o + j], v);
                }
            }
            synchronized (acc) {
                for (int k = 0; k < part.length; k++) {
                    int a = first * width + k;
                    acc[a] = sum ? acc[a] + part[k] : Math.max(acc[a], part[k]);
                }
            }
        });
        for (int s = 0; s < n; s++) {
            for (int j = 0; j < width; j++) {
                int a = s * width + j;
                acc[a] = batch.length(s) == 0 ? 0f : sum ? acc[a] : (float) Math.log1p(Math.max(0f, acc[a]));
            }
        }
        MemorySegment.copy(acc, 0, out, F32, 0, n * width);
    }
}
