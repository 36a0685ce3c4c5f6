package dev.gale.server;

import dev.gale.encoder.tokenizer.Encoding;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * Runs the encoder through the scheduler on a few batches of the shapes a server sees (one short text; a client
 * batch; a full token budget of mixed lengths) before the server listens, so that the JIT has compiled the kernels
 * and a device backend has built its plans when the first request comes.
 */
final class Warmup {

    private Warmup() {}

    static void run(Inference inference, int maxBatchTokens) {
        int max = inference.maxInputLength;
        int vocab = inference.tokenizer.vocabSize();
        int base = vocab > 2000 ? 1000 : 0;   // past the special tokens of most vocabularies
        // the last shape, run once, fills the whole token budget: the encoder's scratch memory then has its full size
        // before the server listens (no allocation spike on the first big batch, and a true memory baseline)
        int[][] shapes = {{1, 8}, {8, 24}, {32, Math.min(64, max)}, {Math.max(1, maxBatchTokens / Math.max(2, max / 2)), Math.max(2, max / 2)}};
        Inference.Task task = switch (inference.kind) {
            case EMBEDDING -> Inference.Task.POOLED;
            case SPARSE -> Inference.Task.SPARSE;
            case CLASSIFIER -> Inference.Task.LOGITS;
            case RERANKER -> Inference.Task.RERANK;
            case TOKEN_CLASSIFIER, FILL_MASK -> null;   // their jobs carry texts; warmed below
        };
        if (task == null) {
            warmTexts(inference);
            return;
        }
        String[] texts = {"Hello, world!", "The cat sits on the mat. Le chat est assis sur le tapis.", "Ünïcödé — 日本語のテキスト, emoji 🙂 and numbers 3.14159"};
        for (int i = 0; i < 200; i++) {
            inference.encode(texts[i % texts.length], null, true, dev.gale.encoder.tokenizer.Truncation.Direction.RIGHT, 0);
        }
        for (int round = 0; round < 4; round++) {
            for (int[] shape : round < 3 ? java.util.Arrays.copyOf(shapes, shapes.length - 1) : shapes) {
                List<Encoding> encodings = new ArrayList<>(shape[0]);
                for (int s = 0; s < shape[0]; s++) {
                    int length = Math.max(2, shape[1] - (s * 7) % Math.max(1, shape[1] / 2));
                    int[] ids = new int[length];
                    for (int t = 0; t < length; t++) {
                        ids[t] = base + (s * 31 + t * 17) % (vocab - base);
                    }
                    encodings.add(Encoding.ofIds(ids, new int[length]));
                }
                try {
                    inference.submit(() -> new Inference.Job(task, encodings, 0)).get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("warm-up failed: " + e.getCause(), e.getCause());
                }
            }
        }
    }

    /** Token classification and fill-mask: texts through the whole path, four rounds of a few batch shapes. */
    private static void warmTexts(Inference inference) {
        String mask = inference.kind == Inference.Kind.FILL_MASK ? " " + inference.fillMask().maskToken() + " " : " ";
        String base = "The quick brown fox jumps over the lazy dog near the river bank in Paris on Monday morning";
        for (int round = 0; round < 4; round++) {
            for (int n : new int[]{1, 8, 32}) {
                List<String> texts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    String t = base.substring(0, 10 + (i * 13) % (base.length() - 10));
                    texts.add(t + mask + "end.");
                }
                List<Encoding> encodings = new ArrayList<>(n);
                for (String t : texts) {
                    encodings.add(inference.encode(t, null, true, dev.gale.encoder.tokenizer.Truncation.Direction.RIGHT, 0));
                }
                Inference.Job job = inference.kind == Inference.Kind.FILL_MASK
                        ? new Inference.Job(Inference.Task.FILL, encodings, 0, 5, texts)
                        : new Inference.Job(Inference.Task.ENTITIES, encodings, 0, dev.gale.encoder.TokenClassifier.Aggregation.SIMPLE, texts);
                try {
                    inference.submit(() -> job).get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("warm-up failed: " + e.getCause(), e.getCause());
                }
            }
        }
    }
}
