package dev.gale.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.cli.BenchReference;
import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.model.ModelLoader;
import dev.gale.encoder.tokenizer.Encoding;
import dev.gale.encoder.tokenizer.Tokenizer;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Throughput on a corpus of real texts, Gale next to ONNX Runtime Java in the same process on the same
 * token ids: tokenizer texts/s, encoder real tokens/s. ONNX Runtime pads each batch to its longest
 * sequence, in file order (naive) and sorted by length (best practice). Gale and the sorted ONNX Runtime
 * passes alternate for [repeats] rounds (default 5); the rates and the ratio are medians over the rounds.
 * <pre>  bench/run [model] [corpus.jsonl|.txt] [repeats] </pre>
 */
public final class Throughput {
    public static void main(String[] args) throws Exception {
        String modelName = args.length > 0 ? args[0] : "all-minilm-l6-v2";
        Path corpus = Path.of(args.length > 1 ? args[1] : "encoder/src/test/resources/corpus/texts.jsonl");
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<String> texts = read(corpus);
        int threads = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "model %s, corpus %s: %d texts, %d threads, %s%n", modelName, corpus, texts.size(), threads, Runtime.version());

        try (EmbeddingModel gale = EmbeddingModel.load(modelName)) {
            Tokenizer tokenizer = gale.tokenizer();
            List<Encoding> encodings = gale.tokenize(texts);
            long tokens = encodings.stream().mapToLong(e -> e.ids().length).sum();
            System.out.printf(Locale.ROOT, "%d real tokens (mean %.1f per text, max length %d)%n", tokens, tokens / (double) texts.size(), gale.maxLength());

            double best = 0;
            for (int r = 0; r < repeats + 1; r++) {
                long t0 = System.nanoTime();
                for (String text : texts) {
                    tokenizer.encode(text, gale.maxLength());
                }
                best = Math.max(best, texts.size() / ((System.nanoTime() - t0) / 1e9));
            }
            System.out.printf(Locale.ROOT, "tokenizer (1 thread)       %,10.0f texts/s  %,10.0f tokens/s%n", best, best * tokens / texts.size());

            MemorySegment out = MemorySegment.ofArray(new float[texts.size() * gale.dimensions()]);
            try (BenchReference.Session session = new OnnxRuntimeReference().open(ModelLoader.onnxExport(modelName).orElseThrow(), threads)) {
                List<Encoding> sorted = new ArrayList<>(encodings);
                sorted.sort(Comparator.comparingInt(e -> e.ids().length));
                Run galePass = () -> gale.embed(encodings, out);
                Run sortedPass = () -> runOrt(session, sorted);
                galePass.run(); // warm-up: JIT
                sortedPass.run();
                // Gale and ONNX Runtime alternate, so that both see the same machine: on a shared machine the
                // speed drifts by 10% or more over minutes, and the ratio of one round is steadier than either rate
                double[] galeRates = new double[repeats], sortedRates = new double[repeats], ratios = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    galeRates[r] = rate(galePass, tokens);
                    sortedRates[r] = rate(sortedPass, tokens);
                    ratios[r] = galeRates[r] / sortedRates[r];
                    System.out.printf(Locale.ROOT, "round %d: gale %,.0f, onnxruntime sorted %,.0f tokens/s: %.2fx%n", r + 1, galeRates[r], sortedRates[r], ratios[r]);
                }
                // file order pads most batches to a long text: several times slower, so timed once, already warm
                double naive = rate(() -> runOrt(session, encodings), tokens);
                double galeRate = median(galeRates), sortedRate = median(sortedRates);
                System.out.printf(Locale.ROOT, "gale encoder               %,10.0f tokens/s (median of %d rounds)%n", galeRate, repeats);
                System.out.printf(Locale.ROOT, "onnxruntime, file order    %,10.0f real tokens/s (batches of %d, padded: %,d tokens computed)%n", naive,
                        BenchReference.BATCH, BenchReference.paddedTokens(BenchReference.batches(encodings)));
                System.out.printf(Locale.ROOT, "onnxruntime, sorted        %,10.0f real tokens/s (batches of %d, padded: %,d tokens computed)%n", sortedRate,
                        BenchReference.BATCH, BenchReference.paddedTokens(BenchReference.batches(sorted)));
                System.out.printf(Locale.ROOT, "gale / onnxruntime: %.2fx file order, %.2fx sorted (median of the rounds' ratios; range %.2f to %.2f)%n",
                        galeRate / naive, median(ratios), Arrays.stream(ratios).min().orElse(0), Arrays.stream(ratios).max().orElse(0));
            }
        }
        System.out.printf(Locale.ROOT, "peak RSS of this process %d MiB%n", peakRssKiB() / 1024);
    }

    private interface Run {
        void run() throws Exception;
    }

    /** Real tokens per second of one timed pass. */
    private static double rate(Run run, long tokens) throws Exception {
        long t0 = System.nanoTime();
        run.run();
        return tokens / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** ONNX Runtime over {@code encodings} in batches of {@link BenchReference#BATCH}, each padded to its longest sequence. */
    public static void runOrt(BenchReference.Session session, List<Encoding> encodings) throws Exception {
        for (List<Encoding> batch : BenchReference.batches(encodings)) {
            session.run(batch);
        }
    }

    public static List<String> read(Path corpus) throws Exception {
        List<String> lines = Files.readAllLines(corpus);
        if (!corpus.toString().endsWith(".jsonl")) {
            return lines;
        }
        ObjectMapper json = new ObjectMapper();
        List<String> texts = new ArrayList<>();
        for (String line : lines) {
            texts.add(json.readTree(line).get("text").asText());
        }
        return texts;
    }

    private static long peakRssKiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
