package dev.gale.bench;

import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.EncoderTask;
import dev.gale.encoder.FillMask;
import dev.gale.encoder.PoolingConfig;
import dev.gale.encoder.SparseEmbedder;
import dev.gale.encoder.TextClassifier;
import dev.gale.encoder.TokenClassifier;
import dev.gale.encoder.tokenizer.Encoding;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each task head adds to the encoder's time, on the corpus: the same pre-tokenized texts through the
 * encoder alone (EmbeddingModel, CLS pooling) and through each task entry point (classify, NER with simple
 * aggregation, SPLADE), and fill-mask on the texts with one word masked against the encoder alone on those.
 * The passes alternate for the rounds, so all see the same machine; rates are medians. The models are
 * {@code reference/bench_heads.py}'s {@code <family>-seqcls}, {@code -tokcls} and {@code -mlm} (one shared encoder).
 * <pre>  HeadThroughput [--dir DIR] [--every K] [--rounds R] family ... </pre>
 */
public final class HeadThroughput {
    private static final Path CORPUS = Path.of("encoder/src/test/resources/corpus/texts.jsonl");
    private static final int MAX_LENGTH = 512;

    private interface Pass {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getenv().getOrDefault("GALE_BENCH_DIR", "/tmp/gale-families"));
        int every = 10, rounds = 3;
        List<String> families = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--every" -> every = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> families.add(args[i]);
            }
        }
        List<String> all = Throughput.read(CORPUS);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < all.size(); i += every) {
            texts.add(all.get(i));
        }
        int threads = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "corpus %s: every %d-th text, %d texts; %d threads; %s; %d rounds%n", CORPUS, every, texts.size(),
                threads, Runtime.version(), rounds);
        for (String family : families) {
            EncoderTask.Options task = new EncoderTask.Options(MAX_LENGTH, threads, 0, "cpu");
            EmbeddingModel.Options embed = new EmbeddingModel.Options(PoolingConfig.Mode.CLS, false, 0, MAX_LENGTH, threads, 0);
            try (EmbeddingModel encoder = EmbeddingModel.load(dir.resolve(family + "-seqcls").toString(), embed);
                 TextClassifier classifier = TextClassifier.load(dir.resolve(family + "-seqcls").toString(), task);
                 TokenClassifier ner = TokenClassifier.load(dir.resolve(family + "-tokcls").toString(), task);
                 SparseEmbedder splade = SparseEmbedder.load(dir.resolve(family + "-mlm").toString(), task);
                 FillMask fill = FillMask.load(dir.resolve(family + "-mlm").toString(), task)) {
                List<Encoding> encodings = encoder.tokenize(texts);
                List<String> masked = new ArrayList<>();
                for (String t : texts) {
                    masked.add(mask(t, fill.maskToken()));
                }
                List<Encoding> maskedEncodings = fill.tokenize(masked);
                long tokens = encodings.stream().mapToLong(Encoding::length).sum();
                long maskedTokens = maskedEncodings.stream().mapToLong(Encoding::length).sum();
                MemorySegment out = MemorySegment.ofArray(new float[texts.size() * encoder.dimensions()]);
                Map<String, Pass> passes = new LinkedHashMap<>();
                passes.put("encoder alone", () -> encoder.embed(encodings, out));
                passes.put("classify", () -> classifier.classify(encodings, classifier.function()));
                passes.put("ner (simple)", () -> ner.entities(texts, encodings, TokenClassifier.Aggregation.SIMPLE));
                passes.put("sparse (SPLADE)", () -> splade.embedEncodings(encodings));
                passes.put("encoder alone, masked texts", () -> encoder.embed(maskedEncodings, out));
                passes.put("fill-mask (top 5)", () -> fill.fillEncodings(maskedEncodings, 5));
                for (Pass p : passes.values()) {
                    p.run();   // warm-up
                }
                Map<String, double[]> seconds = new LinkedHashMap<>();
                passes.keySet().forEach(k -> seconds.put(k, new double[0]));
                for (int r = 0; r < rounds; r++) {
                    for (Map.Entry<String, Pass> e : passes.entrySet()) {
                        long t0 = System.nanoTime();
                        e.getValue().run();
                        double s = (System.nanoTime() - t0) / 1e9;
                        double[] a = Arrays.copyOf(seconds.get(e.getKey()), r + 1);
                        a[r] = s;
                        seconds.put(e.getKey(), a);
                    }
                }
                double base = median(seconds.get("encoder alone"));
                double maskedBase = median(seconds.get("encoder alone, masked texts"));
                System.out.printf(Locale.ROOT, "%n%s: %,d tokens (%,d with masks)%n", family, tokens, maskedTokens);
                System.out.println("| pass | median s | tok/s | vs the encoder alone |");
                System.out.println("| --- | --- | --- | --- |");
                for (Map.Entry<String, double[]> e : seconds.entrySet()) {
                    boolean m = e.getKey().contains("mask");
                    double s = median(e.getValue());
                    double ref = m ? maskedBase : base;
                    System.out.printf(Locale.ROOT, "| %s | %.2f | %,.0f | %+.1f%% |%n", e.getKey(), s, (m ? maskedTokens : tokens) / s,
                            100 * (s - ref) / ref);
                }
            }
        }
    }

    /**
     * The text with a word of 3 letters or more, from its middle word or the 16th (whichever is first: the mask
     * stays inside the max length), replaced by the mask token; else the mask token put first.
     */
    static String mask(String text, String mask) {
        String[] words = text.split(" ");
        for (int k = 0; k < words.length; k++) {
            int i = (Math.min(words.length / 2, 15) + k) % words.length;
            if (words[i].length() >= 3 && words[i].chars().allMatch(Character::isLetter)) {
                words[i] = mask;
                return String.join(" ", words);
            }
        }
        return mask + " " + text;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
