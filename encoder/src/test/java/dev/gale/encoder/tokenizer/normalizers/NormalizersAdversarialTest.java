package dev.gale.encoder.tokenizer.normalizers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.Normalizer;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Every normalizer configuration of gen_expected.py on every text of corpus/adversarial.jsonl: the
 * normalized text and the original code-point offsets of each normalized char, as Python tokenizers
 * 0.23.2 produces them (adversarial-expected.jsonl.gz, written by gen_expected.py).
 */
class NormalizersAdversarialTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void matchesPythonTokenizers() throws IOException {
        List<String> texts = new ArrayList<>();
        try (BufferedReader in = reader(NormalizersAdversarialTest.class.getResourceAsStream("/corpus/adversarial.jsonl"))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                texts.add(JSON.readTree(line).get("text").textValue());
            }
        }
        String nmt = Base64.getEncoder().encodeToString(PrecompiledTest.resource("nmt_nfkc.charsmap.gz"));
        String custom = Base64.getEncoder().encodeToString(PrecompiledTest.resource("custom.charsmap"));
        TokenizerJson file = new TokenizerJson("adversarial-expected.jsonl.gz");
        Map<String, Normalizer> normalizers = new HashMap<>();
        int checked = 0;
        try (BufferedReader in = reader(new GZIPInputStream(
                NormalizersAdversarialTest.class.getResourceAsStream("adversarial-expected.jsonl.gz")))) {
            JsonNode configs = JSON.readTree(in.readLine()).get("configs");
            for (Map.Entry<String, JsonNode> config : configs.properties()) {
                String json = config.getValue().toString()
                        .replace("\"@nmt_nfkc\"", '"' + nmt + '"').replace("\"@custom\"", '"' + custom + '"');
                normalizers.put(config.getKey(), Normalizers.fromJson(JSON.readTree(json), config.getKey(), file));
            }
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode expected = JSON.readTree(line);
                String name = expected.get("c").textValue();
                String text = texts.get(expected.get("t").intValue());
                NormalizedString s = NormalizedString.of(text);
                normalizers.get(name).normalize(s);
                String where = name + " on text " + expected.get("t").intValue();
                assertEquals(expected.get("n").textValue(), s.toString(), where);
                List<Integer> offsets = new ArrayList<>();
                for (int i = 0; i < s.length(); i += Character.charCount(s.codePointAt(i))) {
                    offsets.add(text.codePointCount(0, s.alignmentStart(i)));
                    offsets.add(text.codePointCount(0, s.alignmentEnd(i)));
                }
                List<Integer> want = new ArrayList<>();
                expected.get("o").forEach(v -> want.add(v.intValue()));
                assertEquals(want, offsets, where);
                checked++;
            }
        }
        assertEquals(normalizers.size() * texts.size(), checked);
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
}
