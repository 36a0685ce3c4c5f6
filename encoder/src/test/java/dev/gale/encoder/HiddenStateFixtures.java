package dev.gale.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The {@code hidden_states.jsonl.gz} records of the reference model folders (see reference/README.md,
 * "Models"): inputs by corpus index or literal text, the ids transformers fed, its last hidden states.
 */
public final class HiddenStateFixtures {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static List<String> texts;

    private HiddenStateFixtures() {}

    /** The folder under the test resources' reference/ (e.g. "tokenizers/roberta", "models/roberta-a"). */
    public static Path folder(String relative) {
        try {
            return Path.of(HiddenStateFixtures.class.getResource("/reference/" + relative).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A model directory for the variant reference/model_variants.py made, assembled in {@code dir} as the script
     * did: the family's tokenizer files (named by tokenizer-from.txt), then the variant's model files.
     */
    public static Path assembleVariant(String variant, Path dir) throws IOException {
        Path fixture = folder("models/" + variant);
        Path tokenizerFrom = folder(Files.readString(fixture.resolve("tokenizer-from.txt")).strip());
        Files.createDirectories(dir);
        for (String f : new String[]{"tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(tokenizerFrom.resolve(f), dir.resolve(f));
        }
        for (String f : new String[]{"config.json", "model.safetensors"}) {
            Files.copy(fixture.resolve(f), dir.resolve(f));
        }
        return dir;
    }

    public static List<JsonNode> records(Path folder) {
        return jsonl(folder.resolve("hidden_states.jsonl.gz"));
    }

    /** Every line of a gzipped JSON-lines fixture. */
    public static List<JsonNode> jsonl(Path file) {
        List<JsonNode> records = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                records.add(MAPPER.readTree(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }

    /** A record's "a" or "b": an index into the corpus then the adversarial set, or the text itself. */
    public static synchronized String text(JsonNode node) {
        if (texts == null) {
            List<String> all = new ArrayList<>();
            all.addAll(Corpus.texts());
            all.addAll(Corpus.adversarial());
            texts = all;
        }
        return node.isInt() ? texts.get(node.asInt()) : node.asText();
    }

    public static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    public static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }
}
