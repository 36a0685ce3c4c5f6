package dev.gale.encoder.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What tokenizer.json files are refused, and the one line that says why. */
class TokenizerConfigTest {

    private static final String MODEL = """
            "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                      "max_input_chars_per_word": 100,
                      "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "hello": 3, "##s": 4}}""";

    @Test
    void acceptsAMinimalWordPieceFile() throws Exception {
        Tokenizer tokenizer = load("{" + MODEL + "}");
        // No normalizer, pre-tokenizer or post-processor: the text is one word, no specials.
        assertEquals(List.of(3, 4), ids(tokenizer.encode("hellos", 0).ids()));
        assertEquals(5, tokenizer.vocabSize());
    }

    @Test
    void bertProcessingAddsClsAndSep() throws Exception {
        Tokenizer tokenizer = load("{" + MODEL + """
                , "pre_tokenizer": {"type": "BertPreTokenizer"},
                  "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 2],
                                     "cls": ["[CLS]", 1]}}""");
        Encoding pair = tokenizer.encodePair("hello", "hellos hello", 0);
        assertEquals(List.of(1, 3, 2, 3, 4, 3, 2), ids(pair.ids()));
        assertEquals(List.of(0, 0, 0, 1, 1, 1, 1), ids(pair.typeIds()));
    }

    @Test
    void addedTokensOutsideTheVocabularyGetTheNextIds() throws Exception {
        Tokenizer tokenizer = load("{" + MODEL + """
                , "added_tokens": [
                    {"id": 0, "content": "[UNK]", "special": true, "normalized": false},
                    {"id": 99, "content": "<a>", "special": true, "normalized": false},
                    {"id": 98, "content": "<b>", "special": false, "normalized": false}]}""");
        assertEquals(List.of(5, 3, 6), ids(tokenizer.encode("<a>hello<b>", 0).ids()));
        assertEquals(7, tokenizer.vocabSize());
        assertEquals("<b>", tokenizer.idToToken(6));
    }

    @Test
    void refusesUnknownComponentTypesNamingThePathAndTheSupportedOnes() {
        assertRefused("{\"model\": {\"type\": \"Transformer\", \"vocab\": {}}}",
                "x.json: model.type 'Transformer' is not supported (expected one of ");
        assertRefused("{" + MODEL + ", \"normalizer\": {\"type\": \"Nope\"}}",
                "x.json: normalizer.type 'Nope' is not supported (expected one of ");
        assertRefused("{" + MODEL + ", \"normalizer\": {\"type\": \"Sequence\", \"normalizers\": "
                        + "[{\"type\": \"NFC\"}, {\"type\": \"Nope\"}]}}",
                "x.json: normalizer.normalizers[1].type 'Nope' is not supported (expected one of ");
        assertRefused("{" + MODEL + ", \"pre_tokenizer\": {\"type\": \"Nope\"}}",
                "x.json: pre_tokenizer.type 'Nope' is not supported (expected one of ");
        assertRefused("{" + MODEL + ", \"post_processor\": {\"type\": \"Nope\"}}",
                "x.json: post_processor.type 'Nope' is not supported (expected one of TemplateProcessing, "
                        + "BertProcessing, RobertaProcessing, ByteLevel, Sequence)");
        assertRefused("{" + MODEL + ", \"decoder\": {\"type\": \"Nope\"}}",
                "x.json: decoder.type 'Nope' is not supported (expected one of ");
        assertRefused("{}", "x.json: model is missing (expected an object)");
    }

    @Test
    void refusesBadFields() {
        assertRefused("{" + MODEL + """
                , "normalizer": {"type": "BertNormalizer", "clean_text": true,
                   "handle_chinese_chars": true, "strip_accents": "yes", "lowercase": true}}""",
                "x.json: normalizer.strip_accents is 'yes' (expected true or false)");
        assertRefused("{" + MODEL.replace("100", "-1") + "}",
                "x.json: model.max_input_chars_per_word is -1 (expected a non-negative integer)");
        assertRefused("{" + MODEL + """
                , "post_processor": {"type": "TemplateProcessing",
                    "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                               {"Sequence": {"id": "A", "type_id": 0}}],
                    "pair": [], "special_tokens": {}}}""",
                "x.json: post_processor.single[0].SpecialToken.id '[CLS]' is not defined"
                        + " (expected a key of post_processor.special_tokens)");
        assertRefused("{\"model\": {\"type\": \"BPE\", \"dropout\": 0.1, \"vocab\": {\"a\": 0}, \"merges\": []}}",
                "x.json: model.dropout is 0.1");
        // The ByteLevel post-processor is the pre-tokenizer's struct: Python tokenizers 0.23.2 refuses
        // {"type": "ByteLevel"} and {"type": "ByteLevel", "add_prefix_space": true} as a post_processor.
        assertRefused("{" + MODEL + ", \"post_processor\": {\"type\": \"ByteLevel\"}}",
                "x.json: post_processor.add_prefix_space is missing (expected true or false)");
        assertRefused("{" + MODEL + ", \"post_processor\": {\"type\": \"ByteLevel\", \"add_prefix_space\": true}}",
                "x.json: post_processor.trim_offsets is missing (expected true or false)");
        assertRefused("{\"model\": ", "x.json: not valid JSON");
        assertRefused("", "x.json: the file is empty (expected a tokenizer.json object)");
        assertRefused("[1, 2]", "x.json: (root) is [1,2] (expected a JSON object)");
    }

    @Test
    void aMissingUnknownTokenFailsOnlyForAWordThatNeedsIt() throws Exception {
        // As in Hugging Face, which loads such a file and fails on the first word it cannot cover.
        Tokenizer tokenizer = load("{" + MODEL.replace("\"[UNK]\": 0", "\"[unk]\": 0") + "}");
        assertEquals(List.of(3, 4), ids(tokenizer.encode("hellos", 0).ids()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tokenizer.encode("xyz", 0));
        assertEquals("x.json: model.unk_token '[UNK]' is not a key of model.vocab and a word needs it"
                + " (expected one of its tokens)", e.getMessage());
    }

    @Test
    void errorsFromAPathNameTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"model\": {\"type\": \"Transformer\"}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tokenizer.fromJson(file));
        assertTrue(e.getMessage().startsWith(file + ": model.type 'Transformer' is not supported"), e.getMessage());
    }

    private static void assertRefused(String json, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> load(json));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    private static Tokenizer load(String json) throws Exception {
        return Tokenizer.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                "x.json");
    }

    private static List<Integer> ids(int[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}
