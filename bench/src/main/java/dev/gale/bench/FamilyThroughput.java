package dev.gale.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.cli.BenchReference;
import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.PoolingConfig;
import dev.gale.encoder.tokenizer.Encoding;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Gale next to ONNX Runtime (and, from a file {@code reference/bench_st.py} wrote, sentence-transformers) on
 * the random-weight, real-shape family models that {@code reference/bench_models.py} builds: real tokens/s
 * over the corpus texts, both runtimes on the same token ids in the same length-sorted batches of 32 (ONNX
 * Runtime pads each to its longest sequence, Gale packs it), mean pooling, all cores. After a warm-up pass
 * over every 4th batch, Gale and ONNX Runtime alternate for the rounds, so both see the same machine; the
 * rates are medians over the rounds.
 * <pre>  FamilyThroughput [--dir DIR] [--texts N] [--rounds R] [--st st.jsonl] family ... </pre>
 * --texts N takes text i * total / N for i &lt; N (0: all), the rule bench_st.py follows too.
 */
public final class FamilyThroughput {
    private static final int MAX_LENGTH = 512;
    private static final Path CORPUS = Path.of("encoder/src/test/resources/corpus/texts.jsonl");

    private record Result(String family, int texts, long tokens, long padded, double gale, double ort, double st, String stNote) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getenv().getOrDefault("GALE_BENCH_DIR", "/tmp/gale-families"));
        int n = 0, rounds = 3;
        Path st = null;
        List<String> families = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--texts" -> n = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--st" -> st = Path.of(args[++i]);
                default -> families.add(args[i]);
            }
        }
        List<String> corpus = Throughput.read(CORPUS);
        n = n <= 0 ? corpus.size() : Math.min(n, corpus.size());
        List<String> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            texts.add(corpus.get((int) ((long) i * corpus.size() / n)));
        }
        int threads = Runtime.getRuntime().availableProcessors();
        Map<String, JsonNode> stResults = readSt(st);
        System.out.printf(Locale.ROOT, "%d of the corpus's %d texts, truncated at %d tokens; %d threads; %s; %d rounds%n",
                n, corpus.size(), MAX_LENGTH, threads, Runtime.version(), rounds);

        List<Result> results = new ArrayList<>();
        OnnxRuntimeReference ortReference = new OnnxRuntimeReference();
        for (String family : families) {
            Path model = dir.resolve(family);
            EmbeddingModel.Options options = new EmbeddingModel.Options(PoolingConfig.Mode.MEAN, false, 0, MAX_LENGTH, threads, 0);
            try (EmbeddingModel gale = EmbeddingModel.load(model.toString(), options);
                 BenchReference.Session ort = ortReference.open(model.resolve("onnx/model.onnx").toUri().toURL(), threads)) {
                List<Encoding> sorted = new ArrayList<>(gale.tokenize(texts));
                sorted.sort(Comparator.comparingInt(e -> e.ids().length));
                long tokens = sorted.stream().mapToLong(e -> e.ids().length).sum();
                List<List<Encoding>> batches = BenchReference.batches(sorted);
                MemorySegment out = MemorySegment.ofArray(new float[BenchReference.BATCH * gale.dimensions()]);
                List<List<Encoding>> warmUp = new ArrayList<>();
                for (int b = 0; b < batches.size(); b += 4) {
                    warmUp.add(batches.get(b));
                }
                Pass galePass = bs -> {
                    for (List<Encoding> batch : bs) {
                        gale.embed(batch, out);
                    }
                };
                Pass ortPass = bs -> {
                    for (List<Encoding> batch : bs) {
                        ort.run(batch);
                    }
                };
                galePass.run(warmUp);
                ortPass.run(warmUp);
                double[] galeRates = new double[rounds], ortRates = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    galeRates[r] = rate(galePass, batches, tokens);
                    ortRates[r] = rate(ortPass, batches, tokens);
                    System.out.printf(Locale.ROOT, "%s round %d: gale %,.0f, onnxruntime %,.0f tokens/s%n", family, r + 1, galeRates[r], ortRates[r]);
                }
                JsonNode s = stResults.get(family);
                double stRate = s == null ? Double.NaN : s.get("tokens_per_s").asDouble();
                String stNote = s == null ? "no sentence-transformers result" : s.get("tokens").asLong() == tokens ? ""
                        : "sentence-transformers counted " + s.get("tokens").asLong() + " tokens";
                results.add(new Result(family, n, tokens, BenchReference.paddedTokens(batches), median(galeRates), median(ortRates), stRate, stNote));
            }
        }

        System.out.println();
        System.out.println("| family | Gale tok/s | ORT tok/s | ST tok/s | Gale/ORT | Gale/ST |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %s | %.2fx | %s |%n", r.family, r.gale, r.ort,
                    Double.isNaN(r.st) ? "n/a" : String.format(Locale.ROOT, "%,.0f", r.st), r.gale / r.ort,
                    Double.isNaN(r.st) ? "n/a" : String.format(Locale.ROOT, "%.2fx", r.gale / r.st));
        }
        System.out.println();
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%s: %d texts, %,d real tokens (mean %.1f), %,d with ORT's padding%s%n", r.family, r.texts, r.tokens,
                    r.tokens / (double) r.texts, r.padded, r.stNote.isEmpty() ? "" : "; " + r.stNote);
        }
        System.out.println("Random weights at the real configs' shapes and vocab sizes; the tokenizers are the families' small test"
                + " fixtures (encoder/src/test/resources/reference/tokenizers/), so texts split into more tokens than with the real"
                + " vocabularies, and only low embedding rows are read.");
    }

    private interface Pass {
        void run(List<List<Encoding>> batches) throws Exception;
    }

    private static double rate(Pass pass, List<List<Encoding>> batches, long tokens) throws Exception {
        long t0 = System.nanoTime();
        pass.run(batches);
        return tokens / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static Map<String, JsonNode> readSt(Path st) throws Exception {
        Map<String, JsonNode> results = new LinkedHashMap<>();
        if (st != null && Files.isRegularFile(st)) {
            ObjectMapper json = new ObjectMapper();
            for (String line : Files.readAllLines(st)) {
                if (!line.isBlank()) {
                    JsonNode node = json.readTree(line);
                    results.put(node.get("family").asText(), node);
                }
            }
        }
        return results;
    }
}
