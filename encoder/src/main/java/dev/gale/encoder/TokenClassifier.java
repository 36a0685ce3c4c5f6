package dev.gale.encoder;

import dev.gale.encoder.nn.Head;
import dev.gale.encoder.tokenizer.Encoding;
import dev.gale.encoder.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Token classification (NER), as transformers' {@code token-classification} pipeline: per-token labels, and
 * entities grouped with its aggregation strategies, with code-point offsets into the text and the word as
 * its text span.
 * <pre>{@code
 * try (TokenClassifier ner = TokenClassifier.load("path/to/bert-ner")) {
 *     List<TokenClassifier.Entity> entities = ner.entities(List.of("Ada Lovelace lived in London"),
 *             TokenClassifier.Aggregation.SIMPLE).getFirst();
 * }
 * }</pre>
 * The pipeline's steps, in its order: softmax per token; special tokens dropped; a token is a subword when the
 * tokenizer has a continuing-subword prefix and its vocabulary string is longer or shorter than its text
 * span, else when neither the char before it nor its first char is a space; unknown tokens take their
 * text span and start a word; {@code none} and {@code simple} label each token by its best score, {@code first},
 * {@code average} and {@code max} each word; all but {@code none} then group adjacent entities of one tag (a
 * B- tag starts a group); entities labelled {@code O} are left out. Thread-safe.
 */
public final class TokenClassifier extends EncoderTask {

    /** transformers' {@code AggregationStrategy}. */
    public enum Aggregation {
        NONE, SIMPLE, FIRST, AVERAGE, MAX;

        /** The strategy named as transformers spells it ("none", "simple", ...). */
        public static Aggregation of(String name) {
            for (Aggregation a : values()) {
                if (a.name().equalsIgnoreCase(name)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("aggregation '" + name + "' is not one of none, simple, first, average, max");
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * An entity: {@code label} is the pipeline's {@code entity} (strategy none) or {@code entity_group}; {@code index}
     * the token's position in the encoding for strategy none, else -1; {@code start}, {@code end} code-point offsets.
     */
    public record Entity(String label, float score, int index, String word, int start, int end) {}

    /** A token before aggregation: its vocabulary string, scores over the labels, and span. */
    private record PreEntity(String word, double[] scores, int start, int end, int index, boolean subword) {}

    private record Labelled(String entity, double score, int index, String word, int start, int end) {}

    private final Head head;
    private final List<String> labels;

    private TokenClassifier(String model, Options options) {
        super(model, options, h -> h.tokenClassification() == null ? missing(h, "token-classification") : null);
        this.head = loaded().heads().tokenClassification();
        this.labels = loaded().heads().labels();
    }

    public static TokenClassifier load(String model) {
        return load(model, Options.defaults());
    }

    public static TokenClassifier load(String model, Options options) {
        return new TokenClassifier(model, options);
    }

    public List<String> labels() {
        return labels;
    }

    /** The entities of each text, as the pipeline's {@code aggregation_strategy}. */
    public List<List<Entity>> entities(List<String> texts, Aggregation aggregation) {
        return entities(texts, tokenize(texts), aggregation);
    }

    /** As {@link #entities(List, Aggregation)} over the texts' encodings ({@link #tokenize}), made ahead by the caller. */
    public List<List<Entity>> entities(List<String> texts, List<Encoding> encodings, Aggregation aggregation) {
        float[] logits = run(encodings, head, null);
        int n = labels.size();
        List<List<Entity>> out = new ArrayList<>(texts.size());
        int row = 0;
        for (int s = 0; s < texts.size(); s++) {
            out.add(entities(texts.get(s), encodings.get(s), logits, row * n, aggregation));
            row += encodings.get(s).length();
        }
        return out;
    }

    /** Per-token logits of each text, (tokens, labels) row-major, tokens as {@link #tokenize} gives them. */
    public List<float[]> logits(List<String> texts) {
        List<Encoding> encodings = tokenize(texts);
        float[] logits = run(encodings, head, null);
        int n = labels.size();
        List<float[]> out = new ArrayList<>();
        int row = 0;
        for (Encoding e : encodings) {
            out.add(java.util.Arrays.copyOfRange(logits, row * n, (row + e.length()) * n));
            row += e.length();
        }
        return out;
    }

    private List<Entity> entities(String text, Encoding e, float[] logits, int from, Aggregation aggregation) {
        Tokenizer tok = tokenizer();
        int n = labels.size();
        String prefix = tok.continuingSubwordPrefix();
        boolean wordAware = prefix != null && !prefix.isEmpty();
        int unk = tok.unkId();
        List<PreEntity> pre = new ArrayList<>();
        for (int t = 0; t < e.length(); t++) {
            if (e.specialTokensMask()[t] == 1) {
                continue;
            }
            String word = tok.idToToken(e.ids()[t]);
            int start = e.offsetStart(t);
            int end = e.offsetEnd(t);
            String ref = text.substring(start, end);
            boolean subword;
            if (wordAware) {
                subword = word.codePointCount(0, word.length()) != ref.codePointCount(0, ref.length());
            } else {
                subword = start > 0 && text.charAt(start - 1) != ' ' && (start >= text.length() || text.charAt(start) != ' ');
            }
            if (e.ids()[t] == unk) {
                word = ref;
                subword = false;
            }
            pre.add(new PreEntity(word, softmax(logits, from + t * n, n), text.codePointCount(0, start), text.codePointCount(0, end), t,
                    subword));
        }
        List<Labelled> labelled = new ArrayList<>();
        if (aggregation == Aggregation.NONE || aggregation == Aggregation.SIMPLE) {
            for (PreEntity p : pre) {
                int best = argmax(p.scores());
                labelled.add(new Labelled(labels.get(best), p.scores()[best], p.index(), p.word(), p.start(), p.end()));
            }
        } else {
            List<PreEntity> group = new ArrayList<>();
            for (PreEntity p : pre) {
                if (!group.isEmpty() && !p.subword()) {
                    labelled.add(word(group, aggregation));
                    group = new ArrayList<>();
                }
                group.add(p);
            }
            if (!group.isEmpty()) {
                labelled.add(word(group, aggregation));
            }
        }
        List<Entity> out = new ArrayList<>();
        if (aggregation == Aggregation.NONE) {
            for (Labelled l : labelled) {
                if (!l.entity().equals("O")) {
                    out.add(new Entity(l.entity(), (float) l.score(), l.index(), l.word(), l.start(), l.end()));
                }
            }
            return out;
        }
        List<Labelled> run = new ArrayList<>();
        for (Labelled l : labelled) {
            if (!run.isEmpty()) {
                String[] tag = tag(l.entity());
                String[] last = tag(run.getLast().entity());
                if (!(tag[1].equals(last[1]) && !tag[0].equals("B"))) {
                    addGroup(run, out);
                    run = new ArrayList<>();
                }
            }
            run.add(l);
        }
        if (!run.isEmpty()) {
            addGroup(run, out);
        }
        return out;
    }

    /** group_sub_entities, then the ignore_labels filter (O). */
    private void addGroup(List<Labelled> run, List<Entity> out) {
        String entity = run.getFirst().entity();
        int dash = entity.indexOf('-');
        String group = dash >= 0 ? entity.substring(dash + 1) : entity;
        double sum = 0;
        for (Labelled l : run) {
            sum += l.score();
        }
        if (group.equals("O")) {
            return;
        }
        out.add(new Entity(group, (float) (sum / run.size()), -1, tokenizer().tokensToString(run.stream().map(Labelled::word).toList()),
                run.getFirst().start(), run.getLast().end()));
    }

    /** get_tag: ("B" or "I", the tag), an unprefixed label counting as I. */
    private static String[] tag(String entity) {
        if (entity.startsWith("B-")) {
            return new String[]{"B", entity.substring(2)};
        }
        if (entity.startsWith("I-")) {
            return new String[]{"I", entity.substring(2)};
        }
        return new String[]{"I", entity};
    }

    /** aggregate_word over one word's tokens. */
    private Labelled word(List<PreEntity> tokens, Aggregation aggregation) {
        String word = tokenizer().tokensToString(tokens.stream().map(PreEntity::word).toList());
        double[] scores;
        switch (aggregation) {
            case FIRST -> scores = tokens.getFirst().scores();
            case MAX -> {
                PreEntity best = tokens.getFirst();
                for (PreEntity p : tokens) {
                    if (max(p.scores()) > max(best.scores())) {
                        best = p;
                    }
                }
                scores = best.scores();
            }
            case AVERAGE -> {
                scores = new double[labels.size()];
                for (PreEntity p : tokens) {
                    for (int i = 0; i < scores.length; i++) {
                        scores[i] += p.scores()[i] / tokens.size();
                    }
                }
            }
            default -> throw new IllegalStateException("NONE and SIMPLE strategies are invalid for word aggregation");
        }
        int best = argmax(scores);
        return new Labelled(labels.get(best), scores[best], -1, word, tokens.getFirst().start(), tokens.getLast().end());
    }

    private static int argmax(double[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double max(double[] x) {
        return x[argmax(x)];
    }
}
