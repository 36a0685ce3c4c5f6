package dev.gale.encoder.tokenizer.pretokenizers;

import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.corpus;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.json;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.lines;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.p;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.pieces;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.OnigPattern;
import dev.gale.encoder.tokenizer.PreTokenizer;
import dev.gale.encoder.tokenizer.TokenizerJson;
import dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.Piece;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every pre-tokenizer configuration of {@code /pretokenizers/generate.py} (33 of them: each type, each
 * behaviour, the common Split regexes, sequences) on every corpus text, against Python tokenizers
 * 0.23.2's {@code pre_tokenize_str}: pieces and original offsets in full for adversarial.jsonl,
 * a hash per text for texts.jsonl. Regenerate with {@code python generate.py} in that folder.
 */
class CorpusParityTest {

    private static Map<String, PreTokenizer> configs(JsonNode header) {
        Map<String, PreTokenizer> out = new LinkedHashMap<>();
        TokenizerJson json = new TokenizerJson("generate.py");
        for (Map.Entry<String, JsonNode> e : header.get("configs").properties()) {
            out.put(e.getKey(), PreTokenizers.fromJson(e.getValue(), "pre_tokenizer", json));
        }
        return out;
    }

    @Test
    void adversarialTextsGiveHuggingFacesPiecesAndOffsets() {
        List<String> texts = corpus("/corpus/adversarial.jsonl");
        List<String> expected = lines("/pretokenizers/expected-adversarial.jsonl.gz");
        Map<String, PreTokenizer> configs = configs(json(expected.get(0)));
        List<String> failures = new ArrayList<>();
        for (String line : expected.subList(1, expected.size())) {
            JsonNode row = json(line);
            String config = row.get("config").textValue();
            String text = texts.get(row.get("text").intValue());
            List<Piece> want = new ArrayList<>();
            for (JsonNode piece : row.get("pieces")) {
                want.add(p(piece.get(0).textValue(), piece.get(1).intValue(), piece.get(2).intValue()));
            }
            List<Piece> got = pieces(configs.get(config), text);
            if (!want.equals(got) && failures.size() < 5) {
                failures.add(config + " on \"" + text + "\"\n  want " + want + "\n  got  " + got);
            }
        }
        assertEquals(configs.size() * texts.size(), expected.size() - 1);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void corpusTextsGiveHuggingFacesPiecesAndOffsets() {
        List<String> texts = corpus("/corpus/texts.jsonl");
        List<String> expected = lines("/pretokenizers/expected-texts.jsonl.gz");
        Map<String, PreTokenizer> configs = configs(json(expected.get(0)));
        List<String> failures = new ArrayList<>();
        for (String line : expected.subList(1, expected.size())) {
            JsonNode row = json(line);
            String config = row.get("config").textValue();
            String digests = row.get("digests").textValue();
            assertEquals(8 * texts.size(), digests.length());
            for (int i = 0; i < texts.size(); i++) {
                List<Piece> got = pieces(configs.get(config), texts.get(i));
                if (!digest(got).equals(digests.substring(8 * i, 8 * i + 8)) && failures.size() < 5) {
                    failures.add(config + " on texts.jsonl line " + (i + 1) + ": got " + got);
                }
            }
        }
        assertEquals(configs.size(), expected.size() - 1);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** generate.py's digest: sha256 of "piece\tstart\tend\n"..., first 8 hex digits. */
    private static String digest(List<Piece> pieces) {
        StringBuilder s = new StringBuilder();
        for (Piece piece : pieces) {
            s.append(piece.text()).append('\t').append(piece.start()).append('\t').append(piece.end()).append('\n');
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The hand scanner and java.util.regex running byte_level.rs's regex cut every corpus text alike. */
    @Test
    void byteLevelScannerFindsTheRegexMatches() {
        OnigPattern regex = OnigPattern.compile(ByteLevelPattern.REGEX);
        List<String> texts = new ArrayList<>(corpus("/corpus/texts.jsonl"));
        texts.addAll(corpus("/corpus/adversarial.jsonl"));
        texts.addAll(List.of("", " ", "  ", "a  ", "\n \n", "'", "''s", "'S", " 's", "x'll", "\u00a0\u00a0x",
                "a\ud800b", "\udc00", "1\u0660\u00bd", " \ud835\udd38"));
        int checked = 0;
        for (String text : texts) {
            IntList want = regex.findMatches(text);
            IntList got = ByteLevelPattern.INSTANCE.findMatches(text);
            assertEquals(toList(want), toList(got), "split points of \"" + text + "\"");
            checked++;
        }
        assertEquals(2418 + 102 + 15, checked);
    }

    private static List<Integer> toList(IntList list) {
        List<Integer> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(list.get(i));
        }
        return out;
    }
}
