package dev.gale.encoder.tokenizer.normalizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.util.VersionInfo;
import dev.gale.encoder.tokenizer.Normalizer;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * UnicodeTables (built from ICU4J at run time) against Python tokenizers 0.23.2 on every code point:
 * {@code reference/unicode/normalizers.jsonl.gz}, written by {@code reference/unicode_fixtures.py}
 * (see there). Each code point but the surrogates goes on its own through NFD, NFKD, NFC, NFKC,
 * StripAccents, NFD + StripAccents and the xlm-roberta fixture's Precompiled, and followed by a probe
 * (one mark of each Unicode 9 combining class, in class order) through NFD and NFC, which shows its
 * combining class and its compositions with the probe's marks.
 */
class UnicodeTablesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The grapheme data must be Unicode 17's, that of unicode-segmentation 1.13.2. */
    @Test
    void icuHasTheUnicodeVersionOfUnicodeSegmentation() {
        assertEquals(VersionInfo.getInstance(17, 0, 0), UCharacter.getUnicodeVersion());
    }

    @Test
    void everyCodePointNormalizesAsInPythonTokenizers() throws IOException {
        List<String> names = List.of("NFD", "NFKD", "NFC", "NFKC", "StripAccents", "NFD+StripAccents",
                "Precompiled", "NFD+probe", "NFC+probe");
        Map<String, Integer> changed = new LinkedHashMap<>();
        Map<String, Integer> wrong = new LinkedHashMap<>();
        names.forEach(n -> {
            changed.put(n, 0);
            wrong.put(n, 0);
        });
        List<String> firstWrong = new ArrayList<>();
        int checked = 0;
        JsonNode header;
        try (BufferedReader in = gzipResource("/reference/unicode/normalizers.jsonl.gz")) {
            header = JSON.readTree(in.readLine());
            JsonNode configs = header.get("normalizers");
            List<String> listed = new ArrayList<>();
            configs.properties().forEach(e -> listed.add(e.getKey()));
            assertEquals(names, listed);
            TokenizerJson file = new TokenizerJson("normalizers.jsonl.gz");
            Map<String, Normalizer> gale = new LinkedHashMap<>();
            for (String name : names.subList(0, 6)) {
                gale.put(name, Normalizers.fromJson(configs.get(name), name, file));
            }
            gale.put("Precompiled", xlmRobertaPrecompiled(configs.get("Precompiled")));
            String probe = header.get("probe").textValue();

            JsonNode record = JSON.readTree(in.readLine());
            for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
                if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                    continue;
                }
                JsonNode expected = record != null && record.get("cp").intValue() == cp ? record : null;
                if (expected != null) {
                    String line = in.readLine();
                    record = line == null ? null : JSON.readTree(line);
                }
                String text = Character.toString(cp);
                Map<String, String> want = new LinkedHashMap<>();
                for (String name : names) {
                    JsonNode e = expected == null ? null : expected.get(name);
                    String out;
                    if (name.endsWith("+probe")) {
                        String alone = want.get(name.substring(0, 3));
                        out = gale.get(name.substring(0, 3)).normalize(text + probe);
                        want.put(name, e != null ? e.textValue() : alone + probe);
                    } else {
                        out = gale.get(name).normalize(text);
                        want.put(name, e != null ? e.textValue() : text);
                    }
                    if (e != null) {
                        changed.merge(name, 1, Integer::sum);
                    }
                    if (!out.equals(want.get(name))) {
                        wrong.merge(name, 1, Integer::sum);
                        if (firstWrong.size() < 20) {
                            firstWrong.add(String.format("U+%04X %s: %s, Python %s", cp, name, hex(out), hex(want.get(name))));
                        }
                    }
                }
                checked++;
            }
            assertEquals(null, record, "records left after U+10FFFF");
        }
        assertEquals(header.get("code_points").intValue(), checked);
        assertEquals(1_112_064, checked);
        for (String name : names) {
            assertEquals(header.get("changed").get(name).intValue(), changed.get(name), name + " records");
        }
        assertTrue(firstWrong.isEmpty(), "mismatches per normalizer " + wrong + ", first: " + String.join("; ", firstWrong));
    }

    /** The first normalizer of the xlm-roberta fixture's tokenizer.json, the one the fixture was made with. */
    static Normalizer xlmRobertaPrecompiled(JsonNode config) throws IOException {
        String from = config.get("from").textValue();
        JsonNode node;
        try (InputStream in = resource("/reference/" + from)) {
            node = JSON.readTree(in).get("normalizer").get("normalizers").get(0);
        }
        byte[] charsmap = Base64.getDecoder().decode(node.get("precompiled_charsmap").textValue());
        assertEquals(config.get("charsmap_sha256").textValue(), sha256(charsmap),
                from + " has another charsmap than the unicode fixture was made with: run reference/regenerate unicode");
        return Normalizers.fromJson(node, "normalizer.normalizers[0]", new TokenizerJson(from));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(String s) {
        StringBuilder out = new StringBuilder("[");
        s.codePoints().forEach(c -> out.append(out.length() > 1 ? " " : "").append(String.format("%04X", c)));
        return out.append(']').toString();
    }

    static InputStream resource(String name) {
        InputStream in = UnicodeTablesTest.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the test class path: run reference/regenerate unicode");
        }
        return in;
    }

    static BufferedReader gzipResource(String name) {
        try {
            return new BufferedReader(new InputStreamReader(new GZIPInputStream(resource(name)), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
