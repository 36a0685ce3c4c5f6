package dev.gale.encoder;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The test corpus: texts gathered from this kind of machine plus hand-written adversarial cases. */
public final class Corpus {
    private Corpus() {}

    public static List<String> texts() {
        return read("/corpus/texts.jsonl");
    }

    public static List<String> adversarial() {
        return read("/corpus/adversarial.jsonl");
    }

    public static List<String> all() {
        List<String> all = new ArrayList<>(texts());
        all.addAll(adversarial());
        return all;
    }

    private static List<String> read(String resource) {
        ObjectMapper json = new ObjectMapper();
        List<String> texts = new ArrayList<>();
        try (InputStream in = Corpus.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                texts.add(json.readTree(line).get("text").asText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return texts;
    }
}
