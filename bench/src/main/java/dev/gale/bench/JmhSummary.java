package dev.gale.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jdk.incubator.vector.FloatVector;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads JMH's JSON results and prints them with the units that matter: FLOP/s and the fraction of the
 * measured peak for the GEMM, tokens/s for the encoders. Median and error (99.9% interval) as JMH gives them.
 * <pre>  JmhSummary target/jmh-result.json </pre>
 */
public final class JmhSummary {
    private JmhSummary() {}

    /** Real tokens per EncoderBench invocation, counted as the benchmark builds its input. */
    private static long tokens(String model, String shape) throws Exception {
        if (!shape.equals("corpus")) {
            String[] bl = shape.split("x");
            try (dev.gale.encoder.EmbeddingModel m = dev.gale.encoder.EmbeddingModel.load(model)) {
                return (long) Integer.parseInt(bl[0]) * Math.min(Integer.parseInt(bl[1]), m.architecture().maxLength());
            }
        }
        try (dev.gale.encoder.EmbeddingModel m = dev.gale.encoder.EmbeddingModel.load(model)) {
            return m.tokenize(dev.gale.bench.jmh.EncoderBench.corpus()).stream().mapToLong(e -> e.ids().length).sum();
        }
    }

    public static void main(String[] args) throws Exception {
        JsonNode results = new ObjectMapper().readTree(Path.of(args[0]).toFile());
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        double peak = Double.NaN;
        for (JsonNode r : results) {
            if (r.get("benchmark").asText().endsWith("PeakFma.fma")) {
                peak = r.get("primaryMetric").get("score").asDouble() * 2 * lanes;
                double error = r.get("primaryMetric").get("scoreError").asDouble() * 2 * lanes;
                System.out.printf(Locale.ROOT, "peak FMA throughput: %.1f ± %.1f GFLOP/s (%d threads, %d float lanes)%n",
                        peak / 1e9, error / 1e9, r.get("threads").asInt(), lanes);
            }
        }
        for (JsonNode r : results) {
            String name = r.get("benchmark").asText();
            JsonNode p = r.get("params");
            JsonNode metric = r.get("primaryMetric");
            double median = metric.get("scorePercentiles").get("50.0").asDouble();
            double error = metric.get("scoreError").asDouble();
            if (name.contains("EncoderBench.")) {
                String engine = name.substring(name.lastIndexOf('.') + 1);
                String model = p.get("model").asText();
                String shape = p.get("shape").asText();
                long tokens = tokens(model, shape);
                System.out.printf(Locale.ROOT, "%-18s %-7s %-9s %,9.0f ± %,7.0f tokens/s%n", model, shape, engine,
                        median * tokens, error * tokens);
            }
            if (name.endsWith("GemmBench.gale")) {
                int m = p.get("m").asInt();
                String[] kn = p.get("kn").asText().split("x");
                double flop = 2.0 * m * Integer.parseInt(kn[0]) * Integer.parseInt(kn[1]);
                System.out.printf(Locale.ROOT, "GEMM M=%-5d K x N=%-9s %7.1f ± %5.1f GFLOP/s  %5.1f%% of peak%n",
                        m, p.get("kn").asText(), median * flop / 1e9, error * flop / 1e9, 100 * median * flop / peak);
            }
        }
    }
}
