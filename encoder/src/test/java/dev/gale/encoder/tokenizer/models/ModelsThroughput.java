package dev.gale.encoder.tokenizer.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.Corpus;
import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.Model;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints single-threaded words/s of each model type on the corpus, the models being those of the
 * reference tokenizers (WordPiece: bert-uncased, BPE: roberta, Unigram: xlm-roberta). A rough look,
 * not a benchmark: words are the corpus split at white space, dressed as each pre-tokenizer would
 * roughly leave them (GPT-2 byte chars with 'Ġ' for BPE, '▁' for Unigram, lower case for WordPiece).
 * Run it with the test class path: {@code java -cp ... dev.gale.encoder.tokenizer.models.ModelsThroughput}.
 */
public final class ModelsThroughput {

    private static final double SECONDS = 3.0;

    private ModelsThroughput() {}

    public static void main(String[] args) throws Exception {
        List<String> texts = Corpus.texts();
        for (String name : List.of("bert-uncased", "roberta", "xlm-roberta")) {
            Model model = load("/reference/tokenizers/" + name + "/tokenizer.json");
            List<String> words = new ArrayList<>();
            for (String text : texts) {
                for (String w : text.trim().split("\\s+")) {
                    if (!w.isEmpty()) {
                        words.add(switch (model) {
                            case BPE _ -> byteLevel(" " + w);
                            case Unigram _ -> "\u2581" + w;
                            default -> w.toLowerCase(Locale.ROOT);
                        });
                    }
                }
            }
            measure(name + " (" + model.getClass().getSimpleName() + ")", model, words);
        }
    }

    private static Model load(String resource) throws Exception {
        try (InputStream in = ModelsThroughput.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            JsonNode root = new ObjectMapper().readTree(in);
            return Models.fromJson(root.get("model"), "model", new TokenizerJson(resource));
        }
    }

    // GPT-2's bytes_to_unicode: printable bytes stand for themselves, the others for 256 + n.
    private static String byteLevel(String word) {
        StringBuilder b = new StringBuilder();
        for (byte raw : word.getBytes(StandardCharsets.UTF_8)) {
            int v = raw & 0xFF;
            boolean printable = (v >= '!' && v <= '~') || (v >= 0xA1 && v <= 0xAC) || v >= 0xAE;
            if (printable) {
                b.append((char) v);
            } else {
                int n = 0;
                for (int u = 0; u < v; u++) {
                    if (!((u >= '!' && u <= '~') || (u >= 0xA1 && u <= 0xAC) || u >= 0xAE)) {
                        n++;
                    }
                }
                b.append((char) (256 + n));
            }
        }
        return b.toString();
    }

    private static void measure(String name, Model model, List<String> words) {
        IntList out = new IntList(64);
        long sink = 0;
        long warmUntil = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warmUntil) {
            for (String w : words) {
                out.clear();
                model.tokenize(w, out);
                sink += out.size();
            }
        }
        long start = System.nanoTime();
        long count = 0;
        long tokens = 0;
        while (System.nanoTime() - start < SECONDS * 1e9) {
            for (String w : words) {
                out.clear();
                model.tokenize(w, out);
                tokens += out.size() / 3;
            }
            count += words.size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%-26s %,12.0f words/s %,12.0f tokens/s  (%d words, checksum %d)%n", name,
                count / seconds, tokens / seconds, words.size(), sink % 10);
    }
}
