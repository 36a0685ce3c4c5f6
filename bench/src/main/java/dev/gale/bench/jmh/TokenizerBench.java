package dev.gale.bench.jmh;

import dev.gale.bench.Throughput;
import dev.gale.encoder.tokenizer.Encoding;
import dev.gale.encoder.tokenizer.Tokenizer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Gale's tokenizer on one thread over the corpus (texts.jsonl then adversarial.jsonl), untruncated, with
 * special tokens: each invocation encodes every text once. {@code tokenizer} is a tokenizer.json file or a
 * directory holding one, relative to the repository root; the secondary metric {@code tokens} is tokens/s.
 * {@code bench/tokenizers} runs this next to Python {@code tokenizers} on the same files and texts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class TokenizerBench {
    @Param({"encoder/src/test/resources/reference/tokenizers/bert-uncased",
            "encoder/src/test/resources/reference/tokenizers/roberta",
            "encoder/src/test/resources/reference/tokenizers/xlm-roberta"})
    public String tokenizer;

    private Tokenizer gale;
    private List<String> texts;

    /** Tokens counted per invocation; JMH reports the rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Tokens {
        public long tokens;
    }

    @Setup(Level.Trial)
    public void setup() throws Exception {
        gale = Tokenizer.load(Path.of(tokenizer));
        texts = texts();
    }

    /** The texts: the corpus, then the adversarial set (as the reference fixtures index them). */
    public static List<String> texts() throws Exception {
        List<String> texts = new ArrayList<>(Throughput.read(Path.of("encoder/src/test/resources/corpus/texts.jsonl")));
        texts.addAll(Throughput.read(Path.of("encoder/src/test/resources/corpus/adversarial.jsonl")));
        return texts;
    }

    @Benchmark
    public long encode(Tokens counter) {
        long n = 0;
        for (String text : texts) {
            Encoding e = gale.encode(text);
            n += e.length();
        }
        counter.tokens += n;
        return n;
    }
}
