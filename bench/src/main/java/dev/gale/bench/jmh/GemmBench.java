package dev.gale.bench.jmh;

import dev.gale.encoder.cpu.MatMul;
import dev.gale.encoder.cpu.Workers;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Gale's GEMM (C = A · B + bias) at the encoders' shapes, on all cores the way the encoder runs it (row
 * blocks as tasks of {@link Workers}). The score is GEMMs per second; {@code JmhSummary} turns it into FLOP/s
 * (2 M K N per GEMM) and a fraction of {@link PeakFma}.
 * <pre>
 *   M tokens in the batch; K x N: 384x1152 (qkv), 384x384 (attention out), 384x1536 (FFN in), 1536x384 (FFN out)
 *   (all-MiniLM-L6-v2 and bge-small-en-v1.5 share hidden 384 and intermediate 1536)
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GemmBench {
    @Param({"128", "1024", "4096"})
    public int m;
    @Param({"384x1152", "384x384", "384x1536", "1536x384"})
    public String kn;

    private int k;
    private int n;
    private float[] a, b, bias, c;
    private MatMul.Packed packed;
    private Workers workers;

    @Setup(Level.Trial)
    public void setup() {
        String[] parts = kn.split("x");
        k = Integer.parseInt(parts[0]);
        n = Integer.parseInt(parts[1]);
        Random random = new Random(1);
        a = new float[m * k];
        b = new float[k * n];
        bias = new float[n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat() - 0.5f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextFloat() - 0.5f;
        }
        packed = MatMul.pack(b, k, n);
        workers = new Workers(Runtime.getRuntime().availableProcessors());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workers.close();
    }

    @Benchmark
    public float[] gale() {
        workers.forRows(m, (r0, r1) -> MatMul.matmul(a, packed, bias, c, r0, r1, null));
        return c;
    }
}
