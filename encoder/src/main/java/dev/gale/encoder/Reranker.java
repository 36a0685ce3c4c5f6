package dev.gale.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.nn.Head;
import dev.gale.encoder.tokenizer.Encoding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Cross-encoder reranking, as sentence-transformers' {@code CrossEncoder.predict} and TEI's {@code /rerank}:
 * each (query, passage) pair through a one-label sequence classifier, scored with the model's activation
 * (sigmoid unless its config.json {@code sentence_transformers.activation_fn} says Identity) or raw.
 * <pre>{@code
 * try (Reranker reranker = Reranker.load("path/to/ms-marco-MiniLM-L6-v2")) {
 *     List<Reranker.Ranked> best = reranker.rank("query", passages, 3, false);
 * }
 * }</pre>
 * Thread-safe.
 */
public final class Reranker extends EncoderTask {

    /** A passage's index in the input and its score. */
    public record Ranked(int index, float score) {}

    private final Head head;
    private final boolean sigmoid;

    private Reranker(String model, Options options) {
        super(model, options, h -> {
            if (h.sequenceClassification() == null) {
                return missing(h, "sequence-classification (cross-encoder)");
            }
            if (h.labels().size() != 1) {
                return "reranking needs a one-label cross-encoder; this classifier has " + h.labels().size()
                        + " labels (use gale classify)";
            }
            return null;
        });
        this.head = loaded().heads().sequenceClassification();
        String fn = activation(loaded().directory());
        if (fn != null && !fn.equals("torch.nn.modules.linear.Identity") && !fn.equals("torch.nn.modules.activation.Sigmoid")) {
            throw new IllegalArgumentException(loaded().name() + ": the cross-encoder's activation_fn " + fn
                    + " is not supported (expected torch.nn.modules.activation.Sigmoid or torch.nn.modules.linear.Identity)");
        }
        this.sigmoid = !"torch.nn.modules.linear.Identity".equals(fn);
    }

    public static Reranker load(String model) {
        return load(model, Options.defaults());
    }

    public static Reranker load(String model, Options options) {
        return new Reranker(model, options);
    }

    /**
     * The CrossEncoder's activation_fn: config_sentence_transformers.json's (what sentence-transformers 5 and 6
     * save), else config.json's sentence_transformers block (older releases), else null.
     */
    static String activation(Path dir) {
        if (dir == null) {
            return null;
        }
        JsonNode fn = read(dir.resolve("config_sentence_transformers.json")).get("activation_fn");
        if (fn == null || fn.isNull()) {
            fn = read(dir.resolve("config.json")).path("sentence_transformers").get("activation_fn");
        }
        return fn == null || fn.isNull() ? null : fn.asText();
    }

    private static JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new dev.gale.encoder.model.ModelLoadException(file + ": cannot read JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
    }

    /** Whether scores go through a sigmoid (the model's activation) unless raw ones are asked for. */
    public boolean sigmoid() {
        return sigmoid;
    }

    /** Scores of (query, passages[i]), in input order. */
    public float[] score(String query, List<String> passages, boolean raw) {
        return score(Collections.nCopies(passages.size(), query), passages, raw);
    }

    /** Scores of (a[i], b[i]), in input order. */
    public float[] score(List<String> a, List<String> b, boolean raw) {
        return score(tokenizePairs(a, b), raw);
    }

    public float[] score(List<Encoding> pairs, boolean raw) {
        float[] logits = run(pairs, head, null);
        if (sigmoid && !raw) {
            for (int i = 0; i < logits.length; i++) {
                logits[i] = sigmoid(logits[i]);
            }
        }
        return logits;
    }

    /** The {@code topK} best passages for {@code query} (all when topK <= 0), highest score first; ties keep input order. */
    public List<Ranked> rank(String query, List<String> passages, int topK, boolean raw) {
        float[] scores = score(query, passages, raw);
        List<Ranked> ranked = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            ranked.add(new Ranked(i, scores[i]));
        }
        ranked.sort(Comparator.comparingDouble((Ranked r) -> r.score()).reversed());
        return topK > 0 && topK < ranked.size() ? List.copyOf(ranked.subList(0, topK)) : List.copyOf(ranked);
    }
}
