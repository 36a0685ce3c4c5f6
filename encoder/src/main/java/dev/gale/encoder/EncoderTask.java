package dev.gale.encoder;

import dev.gale.encoder.model.LoadedModel;
import dev.gale.encoder.model.ModelLoader;
import dev.gale.encoder.nn.Head;
import dev.gale.encoder.nn.TaskHeads;
import dev.gale.encoder.tokenizer.Encoding;
import dev.gale.encoder.tokenizer.Tokenizer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What the task entry points ({@link TextClassifier}, {@link Reranker}, {@link TokenClassifier},
 * {@link FillMask}, {@link SparseEmbedder}) share: a loaded checkpoint, its backend, the max length, and
 * padding-free batches of at most the max batch tokens through one head. Thread-safe.
 */
public abstract class EncoderTask implements AutoCloseable {

    /**
     * @param maxLength      tokens per text (or pair) including special tokens, longer inputs truncated; 0 for the model's
     * @param threads        CPU threads, 0 for all cores
     * @param maxBatchTokens tokens per encoder batch; 0 for {@link EmbeddingModel.Options#DEFAULT_MAX_BATCH_TOKENS}
     * @param device         "cpu" (null means the same) or a device id from {@link Backends}
     */
    public record Options(int maxLength, int threads, int maxBatchTokens, String device) {
        public Options {
            if (maxLength < 0 || threads < 0 || maxBatchTokens < 0) {
                throw new IllegalArgumentException("options must not be negative");
            }
            if (device == null) {
                device = "cpu";
            }
        }

        public static Options defaults() {
            return new Options(0, 0, 0, "cpu");
        }

        EmbeddingModel.Options backend() {
            return new EmbeddingModel.Options(null, null, 0, maxLength, threads, maxBatchTokens, device);
        }
    }

    private final Arena arena;
    private final LoadedModel loaded;
    private final EncoderBackend backend;
    private final int maxLength;
    private final int maxBatchTokens;

    EncoderTask(String model, Options options, Function<TaskHeads, String> check) {
        Arena arena = Arena.ofShared();
        try {
            LoadedModel loaded = ModelLoader.load(model, arena);
            String missing = check.apply(loaded.heads());
            if (missing != null) {
                throw new MissingHeadException(missing);
            }
            if (options.maxLength() > loaded.encoder().maxLength()) {
                throw new IllegalArgumentException("max length " + options.maxLength() + " exceeds the model's "
                        + loaded.encoder().maxLength() + " positions");
            }
            this.loaded = loaded;
            this.maxLength = options.maxLength() > 0 ? options.maxLength() : loaded.maxLength();
            this.maxBatchTokens = Math.max(options.maxBatchTokens() > 0 ? options.maxBatchTokens()
                    : EmbeddingModel.Options.DEFAULT_MAX_BATCH_TOKENS, maxLength);
            this.backend = Backends.open(loaded.encoder(), options.backend());
            this.arena = arena;
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The checkpoint lacks the head a task needs; the message names the task and what is missing. */
    public static final class MissingHeadException extends IllegalArgumentException {
        public MissingHeadException(String message) {
            super(message);
        }
    }

    /** "model M has no H head: why" for a check of {@link TaskHeads}. */
    static String missing(TaskHeads heads, String what) {
        String has = heads.describe().isEmpty() ? "" : "; it has a " + String.join(" and a ", heads.describe()) + " head";
        return "the model has no " + what + " head" + (heads.missing() != null ? " (" + heads.missing() + ")" : "") + has;
    }

    public int maxLength() {
        return maxLength;
    }

    public Tokenizer tokenizer() {
        return loaded.tokenizer();
    }

    public LoadedModel loaded() {
        return loaded;
    }

    /** Transfer and kernel time the device has measured so far; null on the CPU. */
    public DeviceTime deviceTime() {
        return backend.deviceTime();
    }

    /** Texts truncated to the max length, special tokens added. */
    public List<Encoding> tokenize(List<String> texts) {
        List<Encoding> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(loaded.tokenizer().encode(t, maxLength));
        }
        return out;
    }

    /** Pairs (a[i], b[i]) with the pair template, cut longest-first to the max length; b[i] null for a single text. */
    public List<Encoding> tokenizePairs(List<String> a, List<String> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(a.size() + " texts but " + b.size() + " pairs");
        }
        List<Encoding> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.add(b.get(i) == null ? loaded.tokenizer().encode(a.get(i), maxLength) : loaded.tokenizer().encodePair(a.get(i), b.get(i), maxLength));
        }
        return out;
    }

    /**
     * {@code head} over the encodings, in padding-free batches of at most the max batch tokens; returns the
     * output rows of all batches in order, (rows, head.outputSize()). {@code selected} (SELECTED heads only) are
     * per encoding the token positions the head reads.
     */
    float[] run(List<Encoding> encodings, Head head, int[][] selected) {
        TokenBatch all = TokenBatch.of(encodings.stream().map(Encoding::ids).toList(), encodings.stream().map(Encoding::typeIds).toList());
        int width = head.outputSize();
        int n = encodings.size();
        int totalRows = 0;
        for (int s = 0; s < n; s++) {
            totalRows += rows(head, all.length(s), selected == null ? 0 : selected[s].length);
        }
        float[] out = new float[Math.multiplyExact(totalRows, width)];
        int row = 0;
        int[] cuts = all.cuts(maxBatchTokens);
        for (int c = 0; c + 1 < cuts.length; c++) {
            int first = cuts[c], end = cuts[c + 1];
            TokenBatch batch = all.slice(first, end);
            int[] rows = null;
            int count = 0;
            for (int s = first; s < end; s++) {
                count += rows(head, all.length(s), selected == null ? 0 : selected[s].length);
            }
            if (head.input() == Head.Input.SELECTED) {
                rows = new int[count];
                int k = 0;
                for (int s = first; s < end; s++) {
                    for (int p : selected[s]) {
                        rows[k++] = batch.start(s - first) + p;
                    }
                }
            }
            if (count > 0) {
                MemorySegment slice = MemorySegment.ofArray(out).asSlice((long) row * width * Float.BYTES, (long) count * width * Float.BYTES);
                backend.head(batch, head, rows, slice);
            }
            row += count;
        }
        return out;
    }

    private static int rows(Head head, int length, int selected) {
        if (head.reduce() != Head.Reduce.NONE) {
            return 1;
        }
        return switch (head.input()) {
            case FIRST, MEAN -> 1;
            case TOKENS -> length;
            case SELECTED -> selected;
        };
    }

    static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    /** Softmax of x[from, from + n) as numpy computes it (shifted by the max), in double. */
    static double[] softmax(float[] x, int from, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[from + i]);
        }
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(x[from + i] - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @Override
    public void close() {
        backend.close();
        arena.close();
    }
}
