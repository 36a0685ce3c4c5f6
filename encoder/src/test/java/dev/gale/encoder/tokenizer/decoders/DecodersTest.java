package dev.gale.encoder.tokenizer.decoders;

import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertDecodes;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gale.encoder.tokenizer.Decoder;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Decoders.fromJson (decoders/mod.rs and each decoder's serde shape): decoders as the reference
 * files write them, the defaults and nulls serde accepts, and what it refuses. Expected values come
 * from Python tokenizers 0.23.2: the decoder JSON loaded with {@code Tokenizer.from_str} (a
 * WordLevel model around it), then {@code tokenizer.decoder.decode(tokens)}; "HF:" comments give
 * {@code decoder.__getstate__()}.
 */
class DecodersTest {
    private static final String BERT = "{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true}"; // HF: {"type":"WordPiece","prefix":"##","cleanup":true}
    private static final String ROBERTA = "{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":true,\"use_regex\":true}"; // HF: {"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}
    private static final String XLM_R = "{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"prepend_scheme\":\"always\",\"split\":true}"; // HF: {"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}
    private static final String LLAMA = "{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Replace\",\"pattern\":{\"String\":\"▁\"},\"content\":\" \"},{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"},{\"type\":\"Strip\",\"content\":\" \",\"start\":1,\"stop\":0}]}"; // HF: {"type":"Sequence","decoders":[{"type":"Replace","pattern":{"String":"▁"},"content":" "},{"type":"ByteFallback"},{"type":"Fuse"},{"type":"Strip","content":" ","start":1,"stop":0}]}
    private static final String UNIGRAM_BYTE_FALLBACK = "{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"prepend_scheme\":\"first\",\"split\":true},{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"}]}"; // HF: {"type":"Sequence","decoders":[{"type":"Metaspace","replacement":"▁","prepend_scheme":"first","split":true},{"type":"ByteFallback"},{"type":"Fuse"}]}
    private static final String BPE_SUFFIX = "{\"type\":\"BPEDecoder\",\"suffix\":\"</w>\"}"; // HF: {"type":"BPEDecoder","suffix":"</w>"}

    private static final TokenizerJson JSON = new TokenizerJson("tokenizer.json");

    private static Decoder parse(String decoderJson) {
        try {
            return Decoders.fromJson(new ObjectMapper().readTree(decoderJson), "decoder", JSON);
        } catch (JacksonException e) {
            throw new AssertionError(decoderJson, e);
        }
    }

    /** Refused with a message that names the file and the JSON path {@code path}. */
    private static void assertRefused(String decoderJson, String path) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(decoderJson));
        assertTrue(e.getMessage().startsWith("tokenizer.json: " + path + " "), e.getMessage());
    }

    // Chains of bert-uncased, roberta, xlm-roberta, bpe-byte-fallback (Llama), unigram-byte-fallback and
    // bpe-suffix tokenizer.json; tokens are those files' pre-tokenizer pieces, cut into subwords.
    @Test
    void decodesAsTheReferenceFilesDefineThem() {
        assertDecodes("[CLS] Hel lo, wor ld! I ' m fin e — don ' t wor ry. [SEP]", parse(BERT), List.of("[CLS]", "Hel", "lo", ",", "wor", "ld", "!", "I", "'", "m", "fin", "e", "—", "don", "'", "t", "wor", "ry", ".", "[SEP]"));
        assertDecodes(" Hello, world! I'm fine—don't worry.", parse(ROBERTA), List.of("ĠH", "el", "lo", ",", "Ġw", "or", "ld", "!", "ĠI", "'m", "Ġf", "in", "e", "âĢ", "Ķ", "do", "n", "'t", "Ġw", "or", "ry", "."));
        assertDecodes("Hello, world! I'm fine—don't worry.", parse(XLM_R), List.of("▁He", "llo", ",", "▁wo", "rld", "!", "▁I'", "m", "▁fi", "ne—", "don", "'t", "▁wo", "rry", "."));
        assertDecodes("Hello, world! I'm fine—don't worry.", parse(LLAMA), List.of("▁Hel", "lo,", "▁wor", "ld!", "▁I'm", "▁fin", "e", "<0xE2>", "<0x80>", "<0x94>", "do", "n't", "▁wor", "ry."));
        assertDecodes("Hello, world! I'm fine—don't worry.", parse(UNIGRAM_BYTE_FALLBACK), List.of("▁Hel", "lo,", "▁wor", "ld!", "▁I'm", "▁fin", "e", "<0xE2>", "<0x80>", "<0x94>", "do", "n't", "▁wor", "ry."));
        assertDecodes("Hello, world! I'm fine—don't worry.", parse(BPE_SUFFIX), List.of("He", "llo,</w>", "wo", "rld!</w>", "I'", "m</w>", "fi", "ne—don't</w>", "wo", "rry.</w>"));
        assertDecodes("[CLS] spa ces and tab s [SEP]", parse(BERT), List.of("[CLS]", "spa", "ces", "and", "tab", "s", "[SEP]"));
        assertDecodes("  spaces  and\ttabs\n", parse(ROBERTA), List.of("Ġ", "Ġs", "pa", "ce", "s", "Ġ", "Ġa", "nd", "ĉ", "ta", "bs", "Ċ"));
        assertDecodes(" spaces  and\ttabs\n", parse(XLM_R), List.of("▁", "▁sp", "ace", "s", "▁", "▁an", "d\tt", "abs", "\n"));
        assertDecodes(" spaces  and\ttabs\n", parse(LLAMA), List.of("▁", "▁spa", "ces", "▁", "▁and", "\ttab", "s\n"));
        assertDecodes(" spaces  and\ttabs\n", parse(UNIGRAM_BYTE_FALLBACK), List.of("▁", "▁spa", "ces", "▁", "▁and", "\ttab", "s\n"));
        assertDecodes("spaces and tabs", parse(BPE_SUFFIX), List.of("sp", "aces</w>", "an", "d</w>", "ta", "bs</w>"));
        assertDecodes("[CLS] 日本語 \uD83D\uDE00 naï ve caf é [SEP]", parse(BERT), List.of("[CLS]", "日本語", "\uD83D\uDE00", "naï", "ve", "caf", "é", "[SEP]"));
        assertDecodes(" 日本語 \uD83D\uDE00 naïve café", parse(ROBERTA), List.of("Ġæ", "Ĺ¥", "æľ", "¬è", "ªŀ", "Ġð", "Łĺ", "Ģ", "Ġn", "aÃ", "¯v", "e", "Ġc", "af", "Ã©"));
        assertDecodes("日本語 \uD83D\uDE00 naïve café", parse(XLM_R), List.of("▁日本", "語", "▁\uD83D\uDE00", "▁na", "ïve", "▁ca", "fé"));
        assertDecodes("日本語 \uD83D\uDE00 naïve café", parse(LLAMA), List.of("▁", "<0xE6>", "<0x97>", "<0xA5>", "<0xE6>", "<0x9C>", "<0xAC>", "<0xE8>", "<0xAA>", "<0x9E>", "▁", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>", "▁na", "<0xC3>", "<0xAF>", "ve", "▁caf", "<0xC3>", "<0xA9>"));
        assertDecodes("日本語 \uD83D\uDE00 naïve café", parse(UNIGRAM_BYTE_FALLBACK), List.of("▁", "<0xE6>", "<0x97>", "<0xA5>", "<0xE6>", "<0x9C>", "<0xAC>", "<0xE8>", "<0xAA>", "<0x9E>", "▁", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>", "▁na", "<0xC3>", "<0xAF>", "ve", "▁caf", "<0xC3>", "<0xA9>"));
        assertDecodes("日本語 \uD83D\uDE00 naïve café", parse(BPE_SUFFIX), List.of("日本", "語</w>", "\uD83D\uDE00</w>", "na", "ïve</w>", "ca", "fé</w>"));
        assertDecodes("[CLS] hello, my friend ' s unaffable! don't go? [SEP]", parse(BERT), List.of("[CLS]", "hello", ",", "my", "friend", "'", "s", "un", "##aff", "##able", "!", "do", "n't", "go", "?", "[SEP]"));
        assertDecodes("Hello, world! \uD83D\uDE00 \uFFFD\uFFFD end", parse(LLAMA), List.of("▁Hello", ",", "▁world", "!", "▁", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>", "▁", "<0xE5>", "<0x8f>", "▁end"));
        assertDecodes("Hello, world! \uD83D\uDE00 \uFFFD\uFFFD end", parse(UNIGRAM_BYTE_FALLBACK), List.of("▁Hello", ",", "▁world", "!", "▁", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>", "▁", "<0xE5>", "<0x8f>", "▁end"));
        assertDecodes(" Hello", parse(LLAMA), List.of("▁", "▁Hello"));
        assertDecodes(" Hello", parse(UNIGRAM_BYTE_FALLBACK), List.of("▁", "▁Hello"));
        assertDecodes(" Hello", parse(XLM_R), List.of("▁", "▁Hello"));
        assertDecodes("", parse(BERT), List.of());
        assertDecodes("", parse(ROBERTA), List.of());
        assertDecodes("", parse(XLM_R), List.of());
        assertDecodes("", parse(LLAMA), List.of());
        assertDecodes("", parse(UNIGRAM_BYTE_FALLBACK), List.of());
        assertDecodes("", parse(BPE_SUFFIX), List.of());
    }

    @Test
    void readsFieldsAsSerdeDoes() {
        assertDecodes(" a生", parse("{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":false}"), List.of("Ġa", "çĶ", "Ł")); // HF: {"type":"ByteLevel","add_prefix_space":true,"trim_offsets":false,"use_regex":true}
        assertDecodes("ab c", parse("{\"type\":\"Metaspace\",\"replacement\":\"▁\"}"), List.of("▁a▁b", "▁c")); // HF: {"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}
        assertDecodes(" a b c", parse("{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"add_prefix_space\":false,\"prepend_scheme\":\"never\"}"), List.of("▁a▁b", "▁c")); // HF: {"type":"Metaspace","replacement":"▁","prepend_scheme":"never","split":true}
        assertDecodes(" a b c", parse("{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"add_prefix_space\":true,\"prepend_scheme\":\"never\"}"), List.of("▁a▁b", "▁c")); // HF: {"type":"Metaspace","replacement":"▁","prepend_scheme":"never","split":true}
        assertDecodes("ab c", parse("{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"add_prefix_space\":true}"), List.of("▁a▁b", "▁c")); // HF: {"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}
        assertDecodes("ab c", parse("{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"prepend_scheme\":\"first\",\"split\":false}"), List.of("▁a▁b", "▁c")); // HF: {"type":"Metaspace","replacement":"▁","prepend_scheme":"first","split":false}
        assertDecodes("ab c", parse("{\"type\":\"Metaspace\",\"str_rep\":\"x\",\"replacement\":\"▁\",\"split\":null,\"add_prefix_space\":null}"), List.of("▁a▁b", "▁c")); // HF: {"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}
        assertDecodes(" a b", parse("{\"type\":\"Metaspace\",\"replacement\":\"\uD83D\uDE00\",\"prepend_scheme\":\"never\"}"), List.of("\uD83D\uDE00a", "\uD83D\uDE00b")); // HF: {"type":"Metaspace","replacement":"😀","prepend_scheme":"never","split":true}
        assertDecodes(" a b c", parse("{\"type\":\"BPEDecoder\",\"suffix\":\"\"}"), List.of("ab", "c")); // HF: {"type":"BPEDecoder","suffix":""}
        assertDecodes("a bc", parse("{\"type\":\"BPEDecoder\",\"suffix\":\"x\",\"extra\":{\"a\":1}}"), List.of("axb", "cx")); // HF: {"type":"BPEDecoder","suffix":"x"}
        assertDecodes("ab", parse("{\"type\":\"ByteFallback\",\"x\":1}"), List.of("<0x61>", "b")); // HF: {"type":"ByteFallback"}
        assertDecodes("ab", parse("{\"type\":\"Fuse\"}"), List.of("a", "b")); // HF: {"type":"Fuse"}
        assertDecodes("ab", parse("{\"type\":\"Sequence\",\"decoders\":[]}"), List.of("a", "b")); // HF: {"type":"Sequence","decoders":[]}
        assertDecodes("\uD83D\uDE00a", parse("{\"type\":\"Strip\",\"content\":\"\uD83D\uDE00\",\"start\":1,\"stop\":0}"), List.of("\uD83D\uDE00\uD83D\uDE00a")); // HF: {"type":"Strip","content":"😀","start":1,"stop":0}
        assertDecodes("a ", parse("{\"type\":\"Strip\",\"content\":\" \",\"start\":4294967296,\"stop\":0}"), List.of("   a ")); // HF: {"type":"Strip","content":" ","start":4294967296,"stop":0}
        assertDecodes(" a", parse("{\"type\":\"Strip\",\"content\":\" \",\"start\":1,\"stop\":18446744073709551615}"), List.of("  a  ")); // HF: {"type":"Strip","content":" ","start":1,"stop":18446744073709551615}
        assertDecodes("XaXbX", parse("{\"type\":\"Replace\",\"pattern\":{\"String\":\"\"},\"content\":\"X\"}"), List.of("ab")); // HF: {"type":"Replace","pattern":{"String":""},"content":"X"}
        assertDecodes("a b", parse("{\"type\":\"Replace\",\"pattern\":{\"Regex\":\"\\\\s+\"},\"content\":\" \"}"), List.of("a \t b")); // HF: {"type":"Replace","pattern":{"Regex":"\\s+"},"content":" "}
        assertDecodes("a|b", parse("{\"type\":\"CTC\",\"pad_token\":\"<pad>\",\"word_delimiter_token\":\"|\",\"cleanup\":false}"), List.of("a", "a", "|", "<pad>", "b")); // HF: {"type":"CTC","pad_token":"<pad>","word_delimiter_token":"|","cleanup":false}
        assertDecodes("ab c .", parse("{\"type\":\"WordPiece\",\"prefix\":\"@@\",\"cleanup\":false}"), List.of("a", "@@b", "c", ".")); // HF: {"type":"WordPiece","prefix":"@@","cleanup":false}
        assertDecodes("b", parse("{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"ByteFallback\"}]},{\"type\":\"Fuse\"},{\"type\":\"Strip\",\"content\":\"a\",\"start\":1,\"stop\":1}]}"), List.of("<0x61>", "b", "<0x61>")); // HF: {"type":"Sequence","decoders":[{"type":"Sequence","decoders":[{"type":"ByteFallback"}]},{"type":"Fuse"},{"type":"Strip","content":"a","start":1,"stop":1}]}
    }

    @Test
    void refusesWhatSerdeRefuses() {
        assertRefused("{\"type\":\"WordPiece\"}", "decoder.prefix"); // HF refuses
        assertRefused("{\"type\":\"WordPiece\",\"prefix\":\"##\"}", "decoder.cleanup"); // HF refuses
        assertRefused("{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":1}", "decoder.cleanup"); // HF refuses
        assertRefused("{\"type\":\"ByteLevel\"}", "decoder.add_prefix_space"); // HF refuses
        assertRefused("{\"type\":\"ByteLevel\",\"add_prefix_space\":true}", "decoder.trim_offsets"); // HF refuses
        assertRefused("{\"type\":\"ByteLevel\",\"add_prefix_space\":null,\"trim_offsets\":false}", "decoder.add_prefix_space"); // HF refuses
        assertRefused("{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":false,\"use_regex\":null}", "decoder.use_regex"); // HF refuses
        assertRefused("{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"add_prefix_space\":false}", "decoder.add_prefix_space"); // HF refuses
        assertRefused("{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"add_prefix_space\":false,\"prepend_scheme\":\"first\"}", "decoder.add_prefix_space"); // HF refuses
        assertRefused("{\"type\":\"Metaspace\",\"replacement\":\"ab\"}", "decoder.replacement"); // HF refuses
        assertRefused("{\"type\":\"Metaspace\",\"replacement\":\"\"}", "decoder.replacement"); // HF refuses
        assertRefused("{\"type\":\"Metaspace\"}", "decoder.replacement"); // HF refuses
        assertRefused("{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"prepend_scheme\":\"Always\"}", "decoder.prepend_scheme"); // HF refuses
        assertRefused("{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"prepend_scheme\":null}", "decoder.prepend_scheme"); // HF refuses
        assertRefused("{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"split\":1}", "decoder.split"); // HF refuses
        assertRefused("{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"str_rep\":1}", "decoder.str_rep"); // HF refuses
        assertRefused("{\"type\":\"BPEDecoder\"}", "decoder.suffix"); // HF refuses
        assertRefused("{\"type\":\"Strip\"}", "decoder.content"); // HF refuses
        assertRefused("{\"type\":\"Strip\",\"content\":\" \",\"start\":1}", "decoder.stop"); // HF refuses
        assertRefused("{\"type\":\"Strip\",\"content\":\"ab\",\"start\":1,\"stop\":0}", "decoder.content"); // HF refuses
        assertRefused("{\"type\":\"Strip\",\"content\":\" \",\"start\":-1,\"stop\":0}", "decoder.start"); // HF refuses
        assertRefused("{\"type\":\"Strip\",\"content\":\" \",\"start\":1.0,\"stop\":0}", "decoder.start"); // HF refuses
        assertRefused("{\"type\":\"Replace\",\"pattern\":{\"String\":\"a\"}}", "decoder.content"); // HF refuses
        assertRefused("{\"type\":\"Replace\",\"pattern\":\"a\",\"content\":\"b\"}", "decoder.pattern"); // HF refuses
        assertRefused("{\"type\":\"Replace\",\"pattern\":{\"String\":\"a\",\"Regex\":\"b\"},\"content\":\"b\"}", "decoder.pattern"); // HF refuses
        assertRefused("{\"type\":\"Replace\",\"pattern\":{},\"content\":\"b\"}", "decoder.pattern"); // HF refuses
        assertRefused("{\"type\":\"Replace\",\"pattern\":{\"Literal\":\"a\"},\"content\":\"b\"}", "decoder.pattern"); // HF refuses
        assertRefused("{\"type\":\"Replace\",\"pattern\":{\"String\":1},\"content\":\"b\"}", "decoder.pattern.String"); // HF refuses
        assertRefused("{\"type\":\"Replace\",\"pattern\":{\"Regex\":\"(\"},\"content\":\"b\"}", "decoder.pattern.Regex"); // HF refuses
        assertRefused("{\"type\":\"CTC\"}", "decoder.pad_token"); // HF refuses
        assertRefused("{\"type\":\"CTC\",\"pad_token\":\"<pad>\",\"word_delimiter_token\":\"|\"}", "decoder.cleanup"); // HF refuses
        assertRefused("{\"type\":\"Sequence\"}", "decoder.decoders"); // HF refuses
        assertRefused("{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Fuse\"},{\"type\":\"Nope\"}]}", "decoder.decoders[1].type"); // HF refuses
        assertRefused("{\"type\":\"Nope\"}", "decoder.type"); // HF refuses
        assertRefused("\"WordPiece\"", "decoder"); // HF refuses
    }

    // decoders/mod.rs falls back to trying every shape when the type tag is missing or unknown;
    // Gale requires a known type.
    @Test
    void refusesLegacyShapesThatHuggingFaceGuesses() {
        assertRefused("{\"prefix\":\"##\",\"cleanup\":true}", "decoder.type"); // HF accepts it as: {"type":"WordPiece","prefix":"##","cleanup":true}
        assertRefused("{\"type\":\"Nope\",\"suffix\":\"x\"}", "decoder.type"); // HF accepts it as: {"type":"BPEDecoder","suffix":"x"}
    }
}
