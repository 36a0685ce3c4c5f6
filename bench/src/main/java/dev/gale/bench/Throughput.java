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
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Throughput on a corpus of real texts, Gale next to ONNX Runtime Java in the same process on the same
 * token ids: tokenizer texts/s, encoder real tokens/s. ONNX Runtime pads each batch to its longest
 * sequence, in file order (naive) and sorted by length (best practice).
 * <pre>  bench/run [model] [corpus.jsonl|.txt] [repeats] </pre>
 */
public final class Throughput {
    public static void main(String[] args) throws Exception {
        String modelName = args.length > 0 ? args[0] : "all-minilm-l6-v2";
        Path corpus = Path.of(args.length > 1 ? args[1] : "encoder/src/test/resources/corpus/texts.jsonl");
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
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
            double galeRate = best(repeats, true, () -> gale.embed(encodings, out), tokens);
            System.out.printf(Locale.ROOT, "gale encoder               %,10.0f tokens/s%n", galeRate);

            try (BenchReference.Session session = new OnnxRuntimeReference().open(ModelLoader.onnxExport(modelName).orElseThrow(), threads)) {
                List<Encoding> sorted = new ArrayList<>(encodings);
                sorted.sort(Comparator.comparingInt(e -> e.ids().length));
                double sortedRate = best(repeats, true, () -> runOrt(session, sorted), tokens);
                // file order pads most batches to a long text: several times slower, so timed once, already warm
                double naive = best(1, false, () -> runOrt(session, encodings), tokens);
                System.out.printf(Locale.ROOT, "onnxruntime, file order    %,10.0f real tokens/s (batches of %d, padded)%n", naive, BenchReference.BATCH);
                System.out.printf(Locale.ROOT, "onnxruntime, sorted        %,10.0f real tokens/s (batches of %d, padded)%n", sortedRate, BenchReference.BATCH);
                System.out.printf(Locale.ROOT, "gale / onnxruntime: %.2fx file order, %.2fx sorted%n", galeRate / naive, galeRate / sortedRate);
            }
        }
        System.out.printf(Locale.ROOT, "peak RSS of this process %d MiB%n", peakRssKiB() / 1024);
    }

    private interface Run {
        void run() throws Exception;
    }

    /** Best rate of {@code repeats} timed runs, after one untimed warm-up run if {@code warmUp}. */
    private static double best(int repeats, boolean warmUp, Run run, long tokens) throws Exception {
        if (warmUp) {
            run.run();
        }
        double best = 0;
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            run.run();
            best = Math.max(best, tokens / ((System.nanoTime() - t0) / 1e9));
        }
        return best;
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
