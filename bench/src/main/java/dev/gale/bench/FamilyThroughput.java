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
 * over the corpus texts, both runtimes on the same token ids in the same batches (ONNX Runtime pads each to
 * its longest sequence, Gale packs it), mean pooling, all cores. The batches: the corpus sorted by token count
 * (ties in corpus order), cut into batches of 32, every K-th kept (--every, the rule bench_st.py follows too),
 * so that each batch pads as in a whole-corpus run. After a warm-up pass over every 4th of them, Gale and
 * ONNX Runtime alternate for the rounds, so both see the same machine; the rates are medians over the rounds.
 * <pre>  FamilyThroughput [--dir DIR] [--every K] [--rounds R] [--st st.jsonl] family ... </pre>
 */
public final class FamilyThroughput {
    private static final int MAX_LENGTH = 512;
    private static final Path CORPUS = Path.of("encoder/src/test/resources/corpus/texts.jsonl");

    private record Result(String family, int texts, long tokens, long padded, double gale, double ort, double st, String stNote) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getenv().getOrDefault("GALE_BENCH_DIR", "/tmp/gale-families"));
        int every = 5, rounds = 1;
        Path st = null;
        List<String> families = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--every" -> every = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--st" -> st = Path.of(args[++i]);
                default -> families.add(args[i]);
            }
        }
        List<String> texts = Throughput.read(CORPUS);
        int threads = Runtime.getRuntime().availableProcessors();
        Map<String, JsonNode> stResults = readSt(st);
        System.out.printf(Locale.ROOT, "corpus %s, %d texts sorted by length, truncated at %d tokens, every %d%s batch of %d;"
                        + " %d threads; %s; %d round%s%n", CORPUS, texts.size(), MAX_LENGTH, every, every == 1 ? "st" : every == 2 ? "nd"
                        : every == 3 ? "rd" : "th", BenchReference.BATCH, threads, Runtime.version(), rounds, rounds == 1 ? "" : "s");
        long start = System.nanoTime();

        List<Result> results = new ArrayList<>();
        OnnxRuntimeReference ortReference = new OnnxRuntimeReference();
        for (String family : families) {
            Path model = dir.resolve(family);
            EmbeddingModel.Options options = new EmbeddingModel.Options(PoolingConfig.Mode.MEAN, false, 0, MAX_LENGTH, threads, 0);
            try (EmbeddingModel gale = EmbeddingModel.load(model.toString(), options);
                 BenchReference.Session ort = ortReference.open(model.resolve("onnx/model.onnx").toUri().toURL(), threads)) {
                List<Encoding> sorted = new ArrayList<>(gale.tokenize(texts));
                sorted.sort(Comparator.comparingInt(e -> e.ids().length));
                List<List<Encoding>> all = BenchReference.batches(sorted), batches = new ArrayList<>();
                for (int b = 0; b < all.size(); b += every) {
                    batches.add(all.get(b));
                }
                long tokens = batches.stream().flatMap(List::stream).mapToLong(e -> e.ids().length).sum();
                int selected = batches.stream().mapToInt(List::size).sum();
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
                results.add(new Result(family, selected, tokens, BenchReference.paddedTokens(batches), median(galeRates), median(ortRates), stRate, stNote));
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
        System.out.printf(Locale.ROOT, "Gale and ONNX Runtime took %.0f s in all%n", (System.nanoTime() - start) / 1e9);
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
