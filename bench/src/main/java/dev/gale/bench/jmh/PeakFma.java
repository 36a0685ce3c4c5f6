package dev.gale.bench.jmh;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.TimeUnit;

/**
 * The machine's peak FMA throughput from Java: every core runs independent chains of vector FMAs
 * (12 accumulators, more than FMA latency x pipes), no memory traffic. The score is vector FMAs per
 * second over all threads; one vector FMA is 2 x lanes FLOP ({@code JmhSummary} converts).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(Threads.MAX)
public class PeakFma {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int STEPS = 4096;
    private static final int CHAINS = 12;

    // plain floats: vectors made inside the measured method stay in registers; vectors read from fields
    // and merged into the loop's accumulators stay boxed (C2 then runs about 25x slower)
    private float x = 0.999f;
    private float y = 1e-6f;

    @Benchmark
    @OperationsPerInvocation(STEPS * CHAINS)
    public float fma() {
        FloatVector m = FloatVector.broadcast(S, x);
        FloatVector b = FloatVector.broadcast(S, y);
        FloatVector c0 = b, c1 = b, c2 = b, c3 = b, c4 = b, c5 = b, c6 = b, c7 = b, c8 = b, c9 = b, c10 = b, c11 = b;
        for (int i = 0; i < STEPS; i++) {
            c0 = m.fma(b, c0);
            c1 = m.fma(b, c1);
            c2 = m.fma(b, c2);
            c3 = m.fma(b, c3);
            c4 = m.fma(b, c4);
            c5 = m.fma(b, c5);
            c6 = m.fma(b, c6);
            c7 = m.fma(b, c7);
            c8 = m.fma(b, c8);
            c9 = m.fma(b, c9);
            c10 = m.fma(b, c10);
            c11 = m.fma(b, c11);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
