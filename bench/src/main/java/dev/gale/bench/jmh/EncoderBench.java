package dev.gale.bench.jmh;

import dev.gale.bench.OnnxRuntimeReference;
import dev.gale.bench.Throughput;
import dev.gale.cli.BenchReference;
import dev.gale.encoder.EmbeddingModel;
import dev.gale.encoder.model.ModelLoader;
import dev.gale.encoder.tokenizer.Encoding;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Gale next to ONNX Runtime Java (MLAS, intra-op threads = cores) on the same token ids, in one JMH run.
 * <ul>
 *   <li>{@code shape} "BxL": B sequences of exactly L random ids (no padding anywhere, so both do the same
 *       work); {@code corpus}: the 2,418 corpus texts, Gale padding-free in file order, ONNX Runtime in
 *       batches of 32 padded to the batch's longest text, in file order ({@code ortNaive}) and sorted by
 *       length ({@code ortSorted}). The corpus file is {@code -Dgale.corpus} (default: the test corpus);
 *       {@code -Dgale.corpus.every=N} keeps every N-th text, for shorter runs.</li>
 * </ul>
 * The score is invocations per second; {@code JmhSummary} multiplies by the real (unpadded) tokens of
 * one invocation, which it counts the same way.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EncoderBench {
    @Param({"all-minilm-l6-v2", "bge-small-en-v1.5"})
    public String model;
    @Param({"1x128", "8x128", "32x128", "8x512", "corpus"})
    public String shape;

    private EmbeddingModel gale;
    private BenchReference.Session ort;
    private List<Encoding> encodings;
    private List<Encoding> sorted;
    private MemorySegment out;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        gale = EmbeddingModel.load(model);
        if (shape.equals("corpus")) {
            encodings = gale.tokenize(corpus());
        } else {
            String[] bl = shape.split("x");
            int batch = Integer.parseInt(bl[0]);
            int length = Math.min(Integer.parseInt(bl[1]), gale.architecture().maxLength());
            Random random = new Random(42);
            encodings = new ArrayList<>();
            for (int s = 0; s < batch; s++) {
                int[] ids = new int[length];
                ids[0] = 101;
                for (int t = 1; t < length - 1; t++) {
                    ids[t] = 1000 + random.nextInt(20000);
                }
                ids[length - 1] = 102;
                encodings.add(Encoding.ofIds(ids, new int[length]));
            }
        }
        sorted = new ArrayList<>(encodings);
        sorted.sort(Comparator.comparingInt(e -> e.ids().length));
        out = MemorySegment.ofArray(new float[encodings.size() * gale.dimensions()]);
        ort = new OnnxRuntimeReference().open(ModelLoader.onnxExport(model).orElseThrow(), Runtime.getRuntime().availableProcessors());
    }

    /** The corpus texts the benchmark runs on (also used by {@code JmhSummary} to count tokens). */
    public static List<String> corpus() throws Exception {
        List<String> all = Throughput.read(Path.of(System.getProperty("gale.corpus", "encoder/src/test/resources/corpus/texts.jsonl")));
        int every = Integer.getInteger("gale.corpus.every", 1);
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < all.size(); i += every) {
            kept.add(all.get(i));
        }
        return kept;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        ort.close();
        gale.close();
    }

    @Benchmark
    public MemorySegment gale() {
        gale.embed(encodings, out);
        return out;
    }

    @Benchmark
    public void ortNaive() throws Exception {
        Throughput.runOrt(ort, encodings);
    }

    @Benchmark
    public void ortSorted() throws Exception {
        Throughput.runOrt(ort, sorted);
    }
}
