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
        this.sigmoid = !"torch.nn.modules.linear.Identity".equals(activation(loaded().directory()));
    }

    public static Reranker load(String model) {
        return load(model, Options.defaults());
    }

    public static Reranker load(String model, Options options) {
        return new Reranker(model, options);
    }

    /** config.json's sentence_transformers.activation_fn (CrossEncoder.save writes it), or null. */
    static String activation(Path dir) {
        Path config = dir == null ? null : dir.resolve("config.json");
        if (config == null || !Files.isRegularFile(config)) {
            return null;
        }
        try {
            JsonNode st = new ObjectMapper().readTree(config.toFile()).path("sentence_transformers");
            JsonNode fn = st.get("activation_fn");
            return fn == null || fn.isNull() ? null : fn.asText();
        } catch (IOException e) {
            return null;
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
