package dev.gale.encoder.tokenizer.normalizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.Normalizer;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Graphemes (Unicode 17 data from ICU4J), through the one normalizer that uses them, Precompiled,
 * against Python tokenizers 0.23.2 (unicode-segmentation 1.13.2): {@code reference/unicode/graphemes.jsonl.gz},
 * written by {@code reference/unicode_fixtures.py}. Random sequences of 2 to 6 code points drawn from
 * the grapheme-break classes (Hangul jamo and syllables, regional indicators, ZWJ, pictographs,
 * Extend, SpacingMark, Prepend, Indic consonants and linkers, CR, LF, controls) go through the
 * xlm-roberta fixture's Precompiled (nmt_nfkc) and a probe charsmap that rewrites the first char of
 * many of those classes. A cluster of fewer than 6 UTF-8 bytes is looked up whole and its first
 * char's rule replaces all of it, so the output and its offsets show where the clusters end; the
 * fixture keeps the sequences where they show it (the output differs from that of the code points
 * one by one), and a few others. Precompiled cannot show the pairing of regional indicators (GB12,
 * GB13): a cluster starting with one has at least 6 bytes; {@link #regionalIndicatorsPairUp} checks it.
 */
class GraphemesTest {

    /**
     * The probe charsmap on "a" + every code point: "A" when the code point joins the cluster of the
     * "a" before it (Extend, ZWJ, SpacingMark), else "A" and its own output.
     */
    @Test
    void everyCodePointJoinsAPrecedingCharAsInPythonTokenizers() throws IOException {
        JsonNode header;
        try (BufferedReader in = UnicodeTablesTest.gzipResource("/reference/unicode/graphemes.jsonl.gz")) {
            header = UnicodeTablesTest.JSON.readTree(in.readLine());
        }
        Normalizer probe = Normalizers.fromJson(header.get("normalizers").get("probe"), "probe",
                new TokenizerJson("graphemes.jsonl.gz"));
        JsonNode afterA = header.get("after_a");
        BitSet joined = new BitSet();
        afterA.get("joined").forEach(r -> joined.set(r.get(0).intValue(), r.get(1).intValue() + 1));
        JsonNode other = afterA.get("other");
        int checked = 0;
        int joinedByGale = 0;
        List<String> firstWrong = new ArrayList<>();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                continue;
            }
            String text = "a" + Character.toString(cp);
            String out = probe.normalize(text);
            String want = joined.get(cp) ? "A" : other.has(Integer.toString(cp))
                    ? other.get(Integer.toString(cp)).textValue() : "A" + Character.toString(cp);
            if (out.equals("A")) {
                joinedByGale++;
            }
            if (!out.equals(want) && firstWrong.size() < 20) {
                firstWrong.add(String.format("U+%04X: %s, Python %s", cp, UnicodeTablesTest.hex(out), UnicodeTablesTest.hex(want)));
            }
            checked++;
        }
        assertTrue(firstWrong.isEmpty(), String.join("; ", firstWrong));
        assertEquals(1_112_064, checked);
        assertEquals(afterA.get("joined_code_points").intValue(), joinedByGale);
    }

    @Test
    void precompiledClustersMatchPythonTokenizers() throws IOException {
        int checked = 0;
        List<String> firstWrong = new ArrayList<>();
        Map<String, Integer> revealing = new LinkedHashMap<>();
        JsonNode header;
        try (BufferedReader in = UnicodeTablesTest.gzipResource("/reference/unicode/graphemes.jsonl.gz")) {
            header = UnicodeTablesTest.JSON.readTree(in.readLine());
            JsonNode configs = header.get("normalizers");
            Map<String, Normalizer> normalizers = new LinkedHashMap<>();
            normalizers.put("xlm-roberta", UnicodeTablesTest.xlmRobertaPrecompiled(configs.get("xlm-roberta")));
            normalizers.put("probe", Normalizers.fromJson(configs.get("probe"), "probe", new TokenizerJson("graphemes.jsonl.gz")));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode record = UnicodeTablesTest.JSON.readTree(line);
                String text = record.get("t").textValue();
                for (Map.Entry<String, Normalizer> n : normalizers.entrySet()) {
                    NormalizedString s = NormalizedString.of(text);
                    n.getValue().normalize(s);
                    List<Integer> offsets = new ArrayList<>();
                    for (int i = 0; i < s.length(); i += Character.charCount(s.codePointAt(i))) {
                        offsets.add(text.codePointCount(0, s.alignmentStart(i)));
                        offsets.add(text.codePointCount(0, s.alignmentEnd(i)));
                    }
                    JsonNode expected = record.get(n.getKey());
                    List<Integer> want = new ArrayList<>();
                    expected.get(1).forEach(v -> want.add(v.intValue()));
                    if (!(s.toString().equals(expected.get(0).textValue()) && offsets.equals(want)) && firstWrong.size() < 20) {
                        firstWrong.add(n.getKey() + " on " + UnicodeTablesTest.hex(text) + ": " + UnicodeTablesTest.hex(s.toString())
                                + " " + offsets + ", Python " + UnicodeTablesTest.hex(expected.get(0).textValue()) + " " + want);
                    }
                    StringBuilder oneByOne = new StringBuilder();
                    text.codePoints().forEach(cp -> oneByOne.append(n.getValue().normalize(Character.toString(cp))));
                    if (!s.toString().equals(oneByOne.toString())) {
                        revealing.merge(n.getKey(), 1, Integer::sum);
                    }
                }
                checked++;
            }
        }
        assertTrue(firstWrong.isEmpty(), String.join("\n", firstWrong));
        assertEquals(header.get("records").intValue(), checked);
        assertEquals(6500, checked);
        for (Map.Entry<String, JsonNode> e : header.get("revealing_by_normalizer").properties()) {
            assertEquals(e.getValue().intValue(), revealing.getOrDefault(e.getKey(), 0), e.getKey() + " revealing sequences");
        }
    }

    /**
     * GB12 and GB13 of UAX #29: regional indicators pair up, counted from the last char that is not
     * one. No Precompiled output shows it (see above), so the ends here are the rule's own.
     */
    @Test
    void regionalIndicatorsPairUp() {
        String a = "\uD83C\uDDE6"; // U+1F1E6, 2 chars
        assertEquals(List.of(4, 8, 10), ends(a + a + a + a + a));
        assertEquals(List.of(1, 5, 7), ends("x" + a + a + a));
        assertEquals(List.of(3, 7, 9), ends(a + "\u0301" + a + a + a));
        assertEquals(List.of(5, 9), ends(a + a + "\u200D" + a + a));
    }

    private static List<Integer> ends(String text) {
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < text.length(); ) {
            i = Graphemes.next(text, i, text.length());
            ends.add(i);
        }
        return ends;
    }
}
