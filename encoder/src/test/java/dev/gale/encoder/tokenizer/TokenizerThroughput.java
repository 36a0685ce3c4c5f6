package dev.gale.encoder.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Prints single-threaded texts/s and tokens/s of this tokenizer and of the Rust one (through
 * DJL) on the corpus, with the MiniLM tokenizer.json. A rough look, not a benchmark: run it with
 * the test class path, e.g. {@code java -cp ... dev.gale.encoder.tokenizer.TokenizerThroughput}.
 */
public final class TokenizerThroughput {

    private static final String MINILM = "/all-minilm-l6-v2-tokenizer.json";
    private static final double SECONDS = 3.0;

    private TokenizerThroughput() {}

    public static void main(String[] args) throws Exception {
        List<String> all = TokenizerParityTest.CORPUS;
        List<String> shortTexts = all.stream().filter(t -> t.length() <= 200).toList();
        Tokenizer gale = TokenizerParityTest.load(MINILM);
        try (HuggingFaceTokenizer djl = TokenizerParityTest.oracle(MINILM, 0)) {
            for (List<String> texts : List.of(all, shortTexts)) {
                String name = texts == all ? "whole corpus" : "texts <= 200 chars";
                System.out.printf("%s: %d texts%n", name, texts.size());
                measure("  gale", texts, t -> gale.encode(t, 0).length());
                measure("  djl ", texts, t -> djl.encode(t).getIds().length);
            }
        }
    }

    private static void measure(String name, List<String> texts, ToIntFunction<String> encode) {
        long sink = 0;
        long warmUntil = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warmUntil) {
            for (String t : texts) {
                sink += encode.applyAsInt(t);
            }
        }
        long start = System.nanoTime();
        long count = 0;
        long tokens = 0;
        while (System.nanoTime() - start < SECONDS * 1e9) {
            for (String t : texts) {
                tokens += encode.applyAsInt(t);
            }
            count += texts.size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%s: %,10.0f texts/s %,12.0f tokens/s  (checksum %d)%n", name,
                count / seconds, tokens / seconds, sink % 10);
    }
}
