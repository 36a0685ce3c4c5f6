package dev.gale.encoder.family;

import dev.gale.encoder.model.HfConfig;
import dev.gale.encoder.model.ModelLoadException;
import dev.gale.encoder.model.Tensor;
import dev.gale.encoder.model.WeightMap;
import dev.gale.encoder.nn.Activation;
import dev.gale.encoder.nn.Encoder;
import dev.gale.encoder.nn.Head;
import dev.gale.encoder.nn.LayerNorm;
import dev.gale.encoder.nn.Linear;
import dev.gale.encoder.nn.TaskHeads;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What every family's head wiring shares: which task the checkpoint's {@code architectures} names, its
 * labels ({@code id2label}), and the lookups of a head's Linear and LayerNorm modules.
 */
public final class HeadWiring {
    /** The task an {@code architectures} class name ends with. */
    public enum Task { SEQUENCE, TOKEN, MASKED_LM, NONE }

    private HeadWiring() {}

    /**
     * The task of the checkpoint's first {@code architectures} entry: {@code ...ForSequenceClassification},
     * {@code ...ForTokenClassification}, {@code ...ForMaskedLM} (and {@code ...ForPreTraining}, which holds the
     * masked-LM head too); NONE for a bare model or an architecture without a head Gale runs.
     */
    public static Task task(HfConfig c) {
        com.fasterxml.jackson.databind.JsonNode a = c.node("architectures");
        if (a == null || !a.isArray() || a.isEmpty()) {
            return Task.NONE;
        }
        String name = a.get(0).asText();
        if (name.endsWith("ForSequenceClassification")) {
            return Task.SEQUENCE;
        }
        if (name.endsWith("ForTokenClassification")) {
            return Task.TOKEN;
        }
        if (name.endsWith("ForMaskedLM") || name.endsWith("ForPreTraining")) {
            return Task.MASKED_LM;
        }
        return Task.NONE;
    }

    /** The first {@code architectures} entry, or "no architectures". */
    public static String architecture(HfConfig c) {
        com.fasterxml.jackson.databind.JsonNode a = c.node("architectures");
        return a != null && a.isArray() && !a.isEmpty() ? a.get(0).asText() : "no architectures";
    }

    /**
     * id2label in id order for a classifier of {@code count} outputs; LABEL_i where the config names none, as
     * transformers' PretrainedConfig does.
     */
    public static List<String> labels(HfConfig c, int count) {
        String[] labels = new String[count];
        com.fasterxml.jackson.databind.JsonNode map = c.node("id2label");
        if (map != null && map.isObject()) {
            for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
                int id;
                try {
                    id = Integer.parseInt(e.getKey());
                } catch (NumberFormatException ex) {
                    throw new ModelLoadException(c.source() + ": id2label key '" + e.getKey() + "' is not an integer");
                }
                if (id < 0 || id >= count) {
                    throw new ModelLoadException(c.source() + ": id2label has id " + id + ", the classifier has " + count + " outputs");
                }
                labels[id] = e.getValue().asText();
            }
        }
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(labels[i] != null ? labels[i] : "LABEL_" + i);
        }
        return out;
    }

    /** The classifier's output count: the rows of {@code name}.weight, which must take {@code in} features. */
    public static int outputs(WeightMap w, String name, int in) {
        Tensor t = w.tensors().get(name + ".weight");
        if (t == null) {
            throw new ModelLoadException(w.source() + ": tensor '" + name + ".weight' is missing (the classifier)");
        }
        if (t.shape().length != 2 || t.shape()[1] != in) {
            throw new ModelLoadException(w.source() + ": tensor '" + name + ".weight' has shape " + java.util.Arrays.toString(t.shape())
                    + ", expected [labels, " + in + "]");
        }
        return (int) t.shape()[0];
    }

    /** {@code name}.weight (out, in) and its bias when present, then {@code act} (null for none). */
    public static Head.Step dense(WeightMap w, String name, int in, int out, Activation act) {
        return new Head.Step.Dense(Wiring.linearMaybeBias(w, name, in, out), act);
    }

    /** The LayerNorm saved as {@code name} or, when the checkpoint has none by that name, as {@code other}. */
    public static Head.Step norm(WeightMap w, String name, String other, int size, float eps) {
        return norm(w, w.contains(name + ".weight") || !w.contains(other + ".weight") ? name : other, size, eps);
    }

    public static Head.Step norm(WeightMap w, String name, int size, float eps) {
        return new Head.Step.Norm(new LayerNorm(w.require(name + ".weight", size), w.optional(name + ".bias", size), eps));
    }

    /**
     * The masked-LM decoder: {@code name}.weight (vocab, in) when the checkpoint stores it, else the word
     * embeddings it is tied to; bias {@code name}.bias when stored, else {@code biasName} (the head's separate
     * {@code bias} parameter, which a tied decoder's bias is), else none.
     */
    public static Head.Step decoder(WeightMap w, String name, String biasName, Encoder encoder, int in) {
        Tensor word = encoder.embeddings().word();
        int vocab = (int) word.shape()[0];
        Tensor weight = w.tensors().containsKey(name + ".weight") ? w.require(name + ".weight", vocab, in) : word;
        if (weight.shape()[1] != in) {
            throw new ModelLoadException(w.source() + ": the decoder is tied to the word embeddings " + java.util.Arrays.toString(word.shape())
                    + ", which do not take " + in + " features");
        }
        // transformers computes with the decoder's own bias: with tie_word_embeddings false the head's separate
        // bias parameter is saved too but unused (when tied, save_pretrained leaves decoder.bias out: it is that parameter)
        Tensor bias = w.contains(name + ".bias") ? w.require(name + ".bias", vocab) : biasName != null ? w.optional(biasName, vocab) : null;
        return new Head.Step.Dense(Linear.of(weight, bias), null);
    }

    /**
     * The heads for {@code task}: a sequence head from {@code sequence}, a token head from {@code token}, a
     * masked-LM head from {@code maskedLm} (each a supplier, called only for its own task). Labels come from
     * the last step's width.
     */
    public static TaskHeads of(HfConfig c, Task task, java.util.function.Supplier<Head> sequence, java.util.function.Supplier<Head> token,
                               java.util.function.Supplier<Head> maskedLm) {
        String problem = c.has("problem_type") && !c.node("problem_type").isNull() ? c.text("problem_type") : null;
        return switch (task) {
            case SEQUENCE -> {
                Head h = sequence.get();
                yield new TaskHeads(h, null, null, labels(c, h.outputSize()), problem, null);
            }
            case TOKEN -> {
                Head h = token.get();
                yield new TaskHeads(null, h, null, labels(c, h.outputSize()), problem, null);
            }
            case MASKED_LM -> new TaskHeads(null, null, maskedLm.get(), List.of(), null, null);
            case NONE -> TaskHeads.none(c.source() + ": architectures is " + architecture(c)
                    + ", which has no task head (expected ...ForSequenceClassification, ...ForTokenClassification or ...ForMaskedLM)");
        };
    }
}
