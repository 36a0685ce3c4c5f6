package dev.gale.encoder.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * The task heads a checkpoint has, each null when it has none: what its {@code architectures} entry
 * ({@code BertForSequenceClassification}, {@code ...ForTokenClassification}, {@code ...ForMaskedLM}) and its
 * weights give. {@code labels} are {@code id2label} in id order, for the classification heads.
 */
public record TaskHeads(Head sequenceClassification, Head tokenClassification, Head maskedLm, List<String> labels,
                        String problemType, String missing) {
    public static TaskHeads none(String why) {
        return new TaskHeads(null, null, null, List.of(), null, why);
    }

    public TaskHeads {
        labels = List.copyOf(labels);
    }

    /** "sequence-classification (3 labels)", ... for {@code gale info}; empty when there are none. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        if (sequenceClassification != null) {
            out.add("sequence classification (" + labels.size() + (labels.size() == 1 ? " label" : " labels")
                    + (problemType != null ? ", " + problemType : "") + ")");
        }
        if (tokenClassification != null) {
            out.add("token classification (" + labels.size() + " labels)");
        }
        if (maskedLm != null) {
            out.add("masked LM (vocabulary " + maskedLm.outputSize() + ")");
        }
        return out;
    }
}
