package dev.gale.encoder;

import dev.gale.encoder.nn.Head;
import dev.gale.encoder.tokenizer.Encoding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Sequence classification, as transformers' {@code text-classification} pipeline with {@code top_k=None}:
 * <pre>{@code
 * try (TextClassifier classifier = TextClassifier.load("path/to/distilbert-sst2")) {
 *     TextClassifier.Classification c = classifier.classify(List.of("a great film")).getFirst();
 *     c.label(); c.score(); c.labels();   // "POSITIVE", 0.998, every label highest first
 * }
 * }</pre>
 * Scores are the pipeline's: softmax for single-label models, sigmoid for multi-label ones (and any with one
 * label), the raw logits for regression ({@code problem_type} in config.json decides, as the pipeline's
 * postprocess does). Texts may come with a second text (a pair). Thread-safe.
 */
public final class TextClassifier extends EncoderTask {

    /** How logits become scores: transformers' {@code ClassificationFunction}. */
    public enum Function { SOFTMAX, SIGMOID, NONE }

    /** One label's score. */
    public record LabelScore(String label, float score) {}

    /** The best label and its score, and every label with its score, highest first. */
    public record Classification(String label, float score, List<LabelScore> labels) {}

    private final Head head;
    private final List<String> labels;
    private final Function function;

    private TextClassifier(String model, Options options) {
        super(model, options, h -> h.sequenceClassification() == null ? missing(h, "sequence-classification") : null);
        this.head = loaded().heads().sequenceClassification();
        this.labels = loaded().heads().labels();
        this.function = defaultFunction(loaded().heads().problemType(), labels.size());
    }

    public static TextClassifier load(String model) {
        return load(model, Options.defaults());
    }

    public static TextClassifier load(String model, Options options) {
        return new TextClassifier(model, options);
    }

    /** The text-classification pipeline's choice: none for regression, sigmoid for multi-label or one label, else softmax. */
    public static Function defaultFunction(String problemType, int labels) {
        if ("regression".equals(problemType)) {
            return Function.NONE;
        }
        if ("multi_label_classification".equals(problemType) || labels == 1) {
            return Function.SIGMOID;
        }
        return Function.SOFTMAX;
    }

    /** The labels in id order (config.json's id2label). */
    public List<String> labels() {
        return labels;
    }

    /** The function {@link #classify} applies by default. */
    public Function function() {
        return function;
    }

    public List<Classification> classify(List<String> texts) {
        return classify(tokenize(texts), function);
    }

    /** Classifies (texts[i], pairs[i]); a null pair classifies the text alone. */
    public List<Classification> classifyPairs(List<String> texts, List<String> pairs) {
        return classify(tokenizePairs(texts, pairs), function);
    }

    /** Classifies encoded inputs with {@code f}. */
    public List<Classification> classify(List<Encoding> encodings, Function f) {
        float[] logits = run(encodings, head, null);
        int n = labels.size();
        List<Classification> out = new ArrayList<>(encodings.size());
        for (int s = 0; s < encodings.size(); s++) {
            out.add(classification(logits, s * n, f));
        }
        return out;
    }

    /** The raw logits, (encodings, labels). */
    public float[] logits(List<Encoding> encodings) {
        return run(encodings, head, null);
    }

    private Classification classification(float[] logits, int from, Function f) {
        int n = labels.size();
        float[] scores = new float[n];
        switch (f) {
            case SOFTMAX -> {
                double[] p = softmax(logits, from, n);
                for (int i = 0; i < n; i++) {
                    scores[i] = (float) p[i];
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    scores[i] = sigmoid(logits[from + i]);
                }
            }
            case NONE -> System.arraycopy(logits, from, scores, 0, n);
        }
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        // highest first; a stable sort keeps id order among ties, as Python's sort(reverse=True) does
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        List<LabelScore> all = new ArrayList<>(n);
        for (int i : order) {
            all.add(new LabelScore(labels.get(i), scores[i]));
        }
        return new Classification(all.getFirst().label(), all.getFirst().score(), List.copyOf(all));
    }
}
