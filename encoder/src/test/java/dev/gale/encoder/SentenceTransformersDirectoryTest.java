package dev.gale.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sentence-transformers model directories, as 6.0.1's {@code save()} writes them and in the older format
 * (reference/st_fixtures.py): the test assembles each directory from its base model folder and its
 * sentence-transformers files, exactly as the reference did, and compares Gale's embeddings with
 * {@code SentenceTransformer.encode} (with no prompt, the default prompt, a named prompt and a literal one).
 */
class SentenceTransformersDirectoryTest {

    @TempDir
    Path tmp;

    static Stream<String> directories() throws IOException {
        try (Stream<Path> list = Files.list(HiddenStateFixtures.folder("sentence-transformers"))) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    /** The base model folder's files, then the sentence-transformers files over them (two bring their own tokenizer_config.json). */
    static Path assemble(Path fixture, Path dir) throws IOException {
        Path base = HiddenStateFixtures.folder(Files.readString(fixture.resolve("base.txt")).strip());
        Files.createDirectories(dir);
        Path tokenizerFrom = Files.isRegularFile(base.resolve("tokenizer-from.txt"))
                ? HiddenStateFixtures.folder(Files.readString(base.resolve("tokenizer-from.txt")).strip()) : base;
        for (String file : new String[]{"tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(tokenizerFrom.resolve(file), dir.resolve(file));
        }
        for (String file : new String[]{"config.json", "model.safetensors"}) {
            Files.copy(base.resolve(file), dir.resolve(file));
        }
        try (Stream<Path> files = Files.walk(fixture)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String rel = fixture.relativize(f).toString();
                if (rel.equals("base.txt") || rel.equals("expected.jsonl.gz")) {
                    continue;
                }
                Files.createDirectories(dir.resolve(rel).getParent());
                Files.copy(f, dir.resolve(rel), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("directories")
    void embeddingsMatchSentenceTransformers(String name) throws IOException {
        Path fixture = HiddenStateFixtures.folder("sentence-transformers/" + name);
        Path dir = assemble(fixture, tmp.resolve(name));
        List<JsonNode> records = HiddenStateFixtures.jsonl(fixture.resolve("expected.jsonl.gz"));
        double worstCosine = 1;
        double worstDiff = 0;
        try (EmbeddingModel model = EmbeddingModel.load(dir.toString())) {
            for (JsonNode r : records) {
                String text = HiddenStateFixtures.text(r.get("text"));
                float[] actual;
                if (r.hasNonNull("prompt")) {
                    actual = model.embed(List.of(text), r.get("prompt").asText()).getFirst();
                } else if (r.hasNonNull("prompt_name")) {
                    actual = model.embed(List.of(text), model.prompt(r.get("prompt_name").asText())).getFirst();
                } else {
                    actual = model.embed(List.of(text)).getFirst();   // the default prompt, if any
                }
                float[] expected = HiddenStateFixtures.floats(r.get("embedding"));
                assertEquals(expected.length, actual.length, name + ": dimensions");
                worstCosine = Math.min(worstCosine, ReferenceModels.cosine(expected, actual));
                worstDiff = Math.max(worstDiff, ReferenceModels.maxAbsDiff(expected, actual));
            }
        }
        System.out.printf("%s: %d embeddings, worst cosine %.8f, worst max|diff| %.2e%n", name, records.size(), worstCosine, worstDiff);
        assertTrue(worstCosine >= 0.99999, name + ": worst cosine " + worstCosine);
        assertTrue(worstDiff <= 1e-5, name + ": worst max|diff| " + worstDiff);
    }

    @org.junit.jupiter.api.Test
    void embedCountedNamesANullTextAndCountsWhatTheEncoderRan() throws IOException {
        String name = directories().findFirst().orElseThrow();
        Path dir = assemble(HiddenStateFixtures.folder("sentence-transformers/" + name), tmp.resolve(name));
        try (EmbeddingModel model = EmbeddingModel.load(dir.toString())) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> model.embedCounted(java.util.Arrays.asList("a text", null), null));
            assertEquals("text 1 is null; Gale embeds text", e.getMessage());
            // the count is the tokenizer's ids, special tokens and the prompt included; the vectors are embed()'s
            List<String> texts = List.of("one text", "and a second, longer text");
            EmbeddingModel.Embedded counted = model.embedCounted(texts, "query: ");
            int ids = model.tokenize(List.of("query: one text", "query: and a second, longer text")).stream().mapToInt(x -> x.ids().length).sum();
            assertEquals(ids, counted.tokens());
            List<float[]> plain = model.embed(texts, "query: ");
            for (int i = 0; i < texts.size(); i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(plain.get(i), counted.vectors().get(i));
            }
        }
    }
}
