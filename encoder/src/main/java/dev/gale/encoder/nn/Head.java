package dev.gale.encoder.nn;

import java.util.List;

/**
 * A task head over the encoder's last hidden states, as transformers' {@code *ForSequenceClassification},
 * {@code *ForTokenClassification} and {@code *ForMaskedLM} modules compute it: some rows of the hidden
 * states in, a short stack of steps (Linear + activation, LayerNorm), logits out.
 * <pre>
 *   BERT sequence:   FIRST  -> Dense(pooler.dense, tanh) -> Dense(classifier)
 *   RoBERTa:         FIRST  -> Dense(classifier.dense, tanh) -> Dense(classifier.out_proj)
 *   BERT tokens:     TOKENS -> Dense(classifier)
 *   BERT masked LM:  SELECTED (mask positions) -> Dense(transform.dense, gelu) -> Norm -> Dense(word embeddings, bias)
 *   SPLADE:          the masked-LM steps over TOKENS, reduced to max over each sequence of log(1 + relu(logit))
 * </pre>
 * The steps are views of the loaded tensors (a tied decoder is the word-embedding tensor itself), so a
 * backend lays them out once, as it does the encoder's weights.
 *
 * @param input  which rows of the hidden states the head reads
 * @param steps  applied in order; the last one's output width is the head's
 * @param reduce what is done with the last step's rows
 */
public record Head(Input input, List<Step> steps, Reduce reduce) {

    /** Which rows of the last hidden states the head reads. */
    public enum Input {
        /** each sequence's first token ([CLS], {@code <s>}): one row per sequence */
        FIRST,
        /** each sequence's mean over its tokens (ModernBERT's {@code classifier_pooling: mean}): one row per sequence */
        MEAN,
        /** every token: one row per token */
        TOKENS,
        /** the batch rows the caller names (fill-mask's mask positions) */
        SELECTED
    }

    /** What becomes of the last step's rows. */
    public enum Reduce {
        /** the rows as they are */
        NONE,
        /** sentence-transformers' SpladePooling (max, relu then log1p): one row per sequence, max over its tokens of log(1 + relu(x)) */
        SPLADE_MAX,
        /** SpladePooling with {@code pooling_strategy: sum}: the sum over the sequence's tokens of log(1 + relu(x)) */
        SPLADE_SUM
    }

    /** One step of a head. */
    public sealed interface Step {
        int inputSize();

        int outputSize();

        /** {@code activation(x W^T + b)}; activation null for none. */
        record Dense(Linear linear, Activation activation) implements Step {
            @Override
            public int inputSize() {
                return linear.in();
            }

            @Override
            public int outputSize() {
                return linear.out();
            }
        }

        /** LayerNorm over the row. */
        record Norm(LayerNorm norm) implements Step {
            @Override
            public int inputSize() {
                return norm.size();
            }

            @Override
            public int outputSize() {
                return norm.size();
            }
        }
    }

    public Head {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a head has at least one step");
        }
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).inputSize() != steps.get(i - 1).outputSize()) {
                throw new IllegalArgumentException("head step " + i + " takes " + steps.get(i).inputSize() + " features, step "
                        + (i - 1) + " gives " + steps.get(i - 1).outputSize());
            }
        }
        if (reduce != Reduce.NONE && input != Input.TOKENS) {
            throw new IllegalArgumentException("SPLADE pooling reads every token");
        }
    }

    public Head(Input input, List<Step> steps) {
        this(input, steps, Reduce.NONE);
    }

    /** Features the head reads per row (the hidden size). */
    public int inputSize() {
        return steps.getFirst().inputSize();
    }

    /** Features per output row (labels, or the vocabulary). */
    public int outputSize() {
        return steps.getLast().outputSize();
    }

    /** The widest row a step reads or writes. */
    public int maxWidth() {
        int w = 0;
        for (Step s : steps) {
            w = Math.max(w, Math.max(s.inputSize(), s.outputSize()));
        }
        return w;
    }

    public Head withInput(Input in) {
        return new Head(in, steps, reduce);
    }

    /** These steps as SPLADE: every token, reduced per sequence by max (or sum). */
    public Head splade(boolean sum) {
        return new Head(Input.TOKENS, steps, sum ? Reduce.SPLADE_SUM : Reduce.SPLADE_MAX);
    }

    /**
     * Output rows for a batch of {@code sequences} sequences, {@code tokens} tokens and {@code selected} named rows.
     */
    public int outputRows(int sequences, int tokens, int selected) {
        if (reduce != Reduce.NONE) {
            return sequences;
        }
        return switch (input) {
            case FIRST, MEAN -> sequences;
            case TOKENS -> tokens;
            case SELECTED -> selected;
        };
    }
}
