package dev.gale.tornado;

import dev.gale.encoder.EncoderBackend;
import dev.gale.encoder.EncoderTask;
import dev.gale.encoder.HeadFixtures;
import dev.gale.encoder.HeadsTest;
import dev.gale.encoder.TokenBatch;
import dev.gale.encoder.cpu.CpuEncoder;
import dev.gale.encoder.model.LoadedModel;
import dev.gale.encoder.model.ModelLoader;
import dev.gale.encoder.nn.Head;
import dev.gale.encoder.tokenizer.Encoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The task heads on TornadoVM's default device: every head fixture of reference/heads_fixtures.py through the task
 * APIs against transformers' pipelines and sentence-transformers (HeadsTest's checks and tolerances), and the device
 * path itself: the head runs in the encoder's plan, only its output rows come back, and a batch cut into several runs
 * (a small head buffer) gives the rows one run gives.
 */
class TornadoHeadsTest {
    private static final EncoderTask.Options DEVICE = new EncoderTask.Options(0, 0, 0, "tornado");

    static List<String> heads() {
        return HeadFixtures.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("heads")
    void matchesTheReference(String name, @TempDir Path tmp) throws Exception {
        HeadsTest.check(name, tmp, DEVICE);
    }

    /** The fill-mask fixture's texts, each with its [MASK] positions. */
    private record Batch(TokenBatch tokens, int[] masks) {}

    private static Batch batch(LoadedModel loaded) {
        String[] texts = {"the [MASK] sat on the mat.", "paris is the [MASK] of france, and [MASK] is its river.", "hello",
                "[MASK] [MASK] [MASK]", "a longer sentence about the weather, which was [MASK] and cold all day long."};
        int mask = loaded.tokenizer().tokenToId("[MASK]").getAsInt();
        List<int[]> ids = new ArrayList<>();
        List<Integer> masks = new ArrayList<>();
        int at = 0;
        for (String t : texts) {
            Encoding e = loaded.tokenizer().encode(t, 128);
            ids.add(e.ids());
            for (int i = 0; i < e.ids().length; i++) {
                if (e.ids()[i] == mask) {
                    masks.add(at + i);
                }
            }
            at += e.ids().length;
        }
        return new Batch(TokenBatch.of(ids, null), masks.stream().mapToInt(Integer::intValue).toArray());
    }

    private static float[] head(EncoderBackend device, Batch b, Head head) {
        TokenBatch batch = b.tokens();
        int rows = head.outputRows(batch.sequenceCount(), batch.tokenCount(), b.masks().length);
        float[] out = new float[rows * head.outputSize()];
        device.head(batch, head, head.input() == Head.Input.SELECTED ? b.masks() : null, MemorySegment.ofArray(out));
        return out;
    }

    /**
     * The fill-mask head and its SPLADE form over 5 texts: each run of a head plan copies nothing back as it runs (the
     * profiler counts no bytes out: the hidden states stay on the device), then exactly the head's output rows come back;
     * the hidden-states plan never runs. The states plan, run after, shows the profiler does count a run's copies.
     */
    @Test
    void onlyTheHeadsRowsComeBack(@TempDir Path tmp) throws Exception {
        Path dir = HeadFixtures.assemble("bert-uncased-mlm", tmp.resolve("mlm"));
        try (Arena arena = Arena.ofShared()) {
            LoadedModel loaded = ModelLoader.load(dir.toString(), arena);
            Batch b = batch(loaded);
            Head mlm = loaded.heads().maskedLm();
            int hidden = loaded.encoder().hiddenSize();
            try (TornadoEncoder device = new TornadoEncoder(loaded.encoder(), TornadoBackendProvider.device("tornado"), 1024)) {
                for (Head head : List.of(mlm, mlm.splade(false))) {
                    TornadoEncoder.Counters before = device.counters();
                    head(device, b, head);
                    TornadoEncoder.Counters after = device.counters();
                    int rows = head.outputRows(b.tokens().sequenceCount(), b.tokens().tokenCount(), b.masks().length);
                    long copied = after.onDemandBytesToHost() - before.onDemandBytesToHost();
                    String what = head.input() + " " + head.reduce();
                    System.out.printf("%s head on the device: %d rows of %d came back, %d bytes (the hidden states are %d)%n", what, rows,
                            head.outputSize(), copied, 4L * b.tokens().tokenCount() * hidden);
                    assertEquals(1, after.headRuns() - before.headRuns(), what + ": head runs");
                    assertEquals(0, after.profiledBytesToHost() - before.profiledBytesToHost(), what + ": bytes the run copied back");
                    assertEquals(4L * rows * head.outputSize(), copied, what + ": bytes brought back");
                }
                assertEquals(0, device.counters().statesRuns(), "runs of the hidden-states plan");
                long before = device.counters().profiledBytesToHost();
                device.hiddenStates(b.tokens());
                assertTrue(device.counters().profiledBytesToHost() - before >= 4L * b.tokens().tokenCount() * hidden,
                        "the profiler counts the hidden states' copy");
            }
        }
    }

    /**
     * Head buffers of few floats make short runs: 12000 floats hold 3 rows of the vocabulary (4000), so the named rows,
     * the FIRST and MEAN rows and SPLADE's sequences go 3 a run; 720 floats hold 30 tokens of hidden 24 for a TOKENS head.
     * Every input kind and SPLADE max and sum, cut into runs, against the CPU backend's heads (HeadsTest checks those
     * against transformers) over the whole batch.
     */
    @Test
    void aBatchCutIntoRunsGivesTheSameRows(@TempDir Path tmp) throws Exception {
        Path dir = HeadFixtures.assemble("bert-uncased-mlm", tmp.resolve("mlm"));
        try (Arena arena = Arena.ofShared()) {
            LoadedModel loaded = ModelLoader.load(dir.toString(), arena);
            Batch b = batch(loaded);
            Head mlm = loaded.heads().maskedLm();
            Head transform = new Head(Head.Input.TOKENS, mlm.steps().subList(0, 2));   // dense, gelu, LayerNorm: (T, hidden)
            TornadoDevice device = TornadoBackendProvider.device("tornado");
            try (CpuEncoder cpu = new CpuEncoder(loaded.encoder(), 2);
                 TornadoEncoder vocabularyRows = new TornadoEncoder(loaded.encoder(), device, 1024, 12000);
                 TornadoEncoder tokenRows = new TornadoEncoder(loaded.encoder(), device, 1024, 720)) {
                for (Head head : List.of(mlm, mlm.splade(false), mlm.splade(true), mlm.withInput(Head.Input.FIRST),
                        mlm.withInput(Head.Input.MEAN), transform)) {
                    TornadoEncoder cut = head == transform ? tokenRows : vocabularyRows;
                    float[] expected = head(cpu, b, head);
                    int runsBefore = cut.counters().headRuns();
                    float[] got = head(cut, b, head);
                    int runs = cut.counters().headRuns() - runsBefore;
                    String what = head.input() + " " + head.reduce();
                    assertTrue(runs > 1, what + ": runs " + runs);
                    double worst = 0;
                    for (int i = 0; i < expected.length; i++) {
                        worst = Math.max(worst, Math.abs(expected[i] - got[i]) / (1 + Math.abs(expected[i])));
                    }
                    System.out.printf("%s head: %d runs, worst |diff| / (1 + |cpu|) %.2e%n", what, runs, worst);
                    assertTrue(worst < 1e-5, what + ": worst relative |diff| " + worst);
                }
            }
        }
    }

    /** SPLADE's pooling is fused into the last Linear: a SPLADE head that ends in a LayerNorm is refused in one line. */
    @Test
    void refusesSpladeThatEndsInALayerNormInOneLine(@TempDir Path tmp) throws Exception {
        Path dir = HeadFixtures.assemble("bert-uncased-mlm", tmp.resolve("mlm"));
        try (Arena arena = Arena.ofShared()) {
            LoadedModel loaded = ModelLoader.load(dir.toString(), arena);
            Batch b = batch(loaded);
            Head transform = new Head(Head.Input.TOKENS, loaded.heads().maskedLm().steps().subList(0, 2)).splade(false);
            try (TornadoEncoder device = new TornadoEncoder(loaded.encoder(), TornadoBackendProvider.device("tornado"), 1024)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> head(device, b, transform));
                assertEquals("the TornadoVM backend fuses SPLADE pooling into the head's last Linear; a head that ends in a LayerNorm "
                        + "needs --device cpu", e.getMessage());
            }
        }
    }
}
