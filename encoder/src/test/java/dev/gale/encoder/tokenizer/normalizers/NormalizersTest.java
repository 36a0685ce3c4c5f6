package dev.gale.encoder.tokenizer.normalizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.tokenizer.Normalizer;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Normalizers.fromJson: the tokenizer.json shapes Hugging Face accepts, and clear errors for the rest. */
class NormalizersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TokenizerJson FILE = new TokenizerJson("tokenizer.json");

    private static Normalizer parse(String json) throws Exception {
        return Normalizers.fromJson(JSON.readTree(json), "normalizer", FILE);
    }

    private static String error(String json) throws Exception {
        JsonNode node = JSON.readTree(json);
        return assertThrows(IllegalArgumentException.class, () -> Normalizers.fromJson(node, "normalizer", FILE))
                .getMessage();
    }

    @Test
    void everyType() throws Exception {
        assertEquals(new BertNormalizer(true, true, true, true), parse(
                "{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":true,"
                        + "\"strip_accents\":null,\"lowercase\":true}"));
        // strip_accents may be absent (None), and "Bert" is accepted too (Python tokenizers 0.23.2 loads it).
        assertEquals(new BertNormalizer(false, true, false, false), parse(
                "{\"type\":\"Bert\",\"clean_text\":false,\"handle_chinese_chars\":true,\"lowercase\":false}"));
        assertEquals(new Strip(false, true), parse("{\"type\":\"Strip\",\"strip_left\":false,\"strip_right\":true}"));
        assertSame(StripAccents.INSTANCE, parse("{\"type\":\"StripAccents\"}"));
        assertSame(UnicodeNormalizer.NFC, parse("{\"type\":\"NFC\"}"));
        assertSame(UnicodeNormalizer.NFD, parse("{\"type\":\"NFD\"}"));
        assertSame(UnicodeNormalizer.NFKC, parse("{\"type\":\"NFKC\"}"));
        assertSame(UnicodeNormalizer.NFKD, parse("{\"type\":\"NFKD\"}"));
        assertSame(Lowercase.INSTANCE, parse("{\"type\":\"Lowercase\"}"));
        assertSame(Nmt.INSTANCE, parse("{\"type\":\"Nmt\"}"));
        assertSame(ByteLevel.INSTANCE, parse("{\"type\":\"ByteLevel\"}"));
        assertEquals(new Prepend("\u2581"), parse("{\"type\":\"Prepend\",\"prepend\":\"\u2581\"}"));
        assertEquals("a\u2581b", parse("{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"\u2581\"}")
                .normalize("a b"));
        assertEquals("a b", parse("{\"type\":\"Replace\",\"pattern\":{\"Regex\":\"\\\\s+\"},\"content\":\" \"}")
                .normalize("a \t b"));
        String charsmap = Base64.getEncoder().encodeToString(PrecompiledTest.resource("custom.charsmap"));
        assertInstanceOf(Precompiled.class,
                parse("{\"type\":\"Precompiled\",\"precompiled_charsmap\":\"" + charsmap + "\"}"));
        Normalizer sequence = parse("{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFKC\"},{\"type\":\"Lowercase\"}]}");
        assertEquals(new Sequence(List.of(UnicodeNormalizer.NFKC, Lowercase.INSTANCE)), sequence);
        assertEquals("fi", sequence.normalize("\uFB01"));
        // Fields Hugging Face ignores are ignored.
        assertSame(UnicodeNormalizer.NFC, parse("{\"type\":\"NFC\",\"extra\":1}"));
    }

    @Test
    void errorsNameTheFileTheFieldAndTheExpectation() throws Exception {
        assertEquals("tokenizer.json: normalizer.type 'Unicode' is not supported (expected one of BertNormalizer, "
                + "Strip, StripAccents, NFC, NFD, NFKC, NFKD, Sequence, Lowercase, Nmt, Precompiled, Replace, "
                + "Prepend, ByteLevel)", error("{\"type\":\"Unicode\"}"));
        assertEquals("tokenizer.json: normalizer.strip_right is missing (expected true or false)",
                error("{\"type\":\"Strip\",\"strip_left\":true}"));
        assertEquals("tokenizer.json: normalizer.normalizers[1].type is missing (expected one of BertNormalizer, "
                + "Strip, StripAccents, NFC, NFD, NFKC, NFKD, Sequence, Lowercase, Nmt, Precompiled, Replace, "
                + "Prepend, ByteLevel)", error("{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFC\"},{}]}"));
        assertEquals("tokenizer.json: normalizer.pattern is {\"Glob\":\"*\"} (expected {\"String\": text} or "
                + "{\"Regex\": pattern})", error("{\"type\":\"Replace\",\"pattern\":{\"Glob\":\"*\"},\"content\":\"\"}"));
        assertEquals("tokenizer.json: normalizer.pattern.Regex 'a\\Kb' has the escape \\K, which Gale does not "
                + "translate (expected an Oniguruma regular expression Gale can translate to java.util.regex)",
                error("{\"type\":\"Replace\",\"pattern\":{\"Regex\":\"a\\\\Kb\"},\"content\":\"\"}"));
        assertEquals("tokenizer.json: normalizer.precompiled_charsmap cannot be parsed: 0 bytes, fewer than the 4 "
                + "of its trie size (expected SentencePiece's charsmap in base64)",
                error("{\"type\":\"Precompiled\",\"precompiled_charsmap\":\"\"}"));
        assertEquals("tokenizer.json: normalizer.precompiled_charsmap is missing (expected a string)",
                error("{\"type\":\"Precompiled\",\"precompiled_charsmap\":null}"));
        // Python tokenizers 0.23.2 accepts this one and panics on the first char it normalizes.
        assertEquals("tokenizer.json: normalizer.precompiled_charsmap cannot be parsed: its trie points past its 1 "
                + "units (expected SentencePiece's charsmap in base64)",
                error("{\"type\":\"Precompiled\",\"precompiled_charsmap\":\"BAAAAAAAAAA=\"}"));
    }
}
