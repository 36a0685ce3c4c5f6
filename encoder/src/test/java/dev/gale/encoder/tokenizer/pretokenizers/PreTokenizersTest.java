package dev.gale.encoder.tokenizer.pretokenizers;

import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.assertPieces;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.p;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gale.encoder.tokenizer.PreTokenizer;
import dev.gale.encoder.tokenizer.SplitDelimiterBehavior;
import dev.gale.encoder.tokenizer.TokenizerJson;
import org.junit.jupiter.api.Test;

/**
 * Reading pre-tokenizers from tokenizer.json as serde does; which objects Hugging Face accepts and
 * refuses was checked with Python tokenizers 0.23.2's {@code Tokenizer.from_str}.
 */
class PreTokenizersTest {

    private static final TokenizerJson JSON = new TokenizerJson("tokenizer.json");

    private static PreTokenizer read(String json) {
        return PreTokenizers.fromJson(PreTokenizerTesting.json(json), "pre_tokenizer", JSON);
    }

    private static String refusal(String json) {
        return assertThrows(IllegalArgumentException.class, () -> read(json)).getMessage();
    }

    @Test
    void readsEveryType() {
        assertInstanceOf(BertPreTokenizer.class, read("{\"type\":\"BertPreTokenizer\",\"x\":2}"));
        ByteLevel byteLevel = assertInstanceOf(ByteLevel.class,
                read("{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":false}"));
        assertTrue(byteLevel.addPrefixSpace());
        assertFalse(byteLevel.trimOffsets());
        assertTrue(byteLevel.useRegex()); // serde default
        Metaspace metaspace = assertInstanceOf(Metaspace.class, read("{\"type\":\"Metaspace\",\"replacement\":\"▁\"}"));
        assertEquals(Metaspace.PrependScheme.ALWAYS, metaspace.prependScheme());
        assertTrue(metaspace.split());
        assertEquals(Metaspace.PrependScheme.NEVER, ((Metaspace) read("{\"type\":\"Metaspace\",\"replacement\":\"▁\","
                + "\"add_prefix_space\":true,\"prepend_scheme\":\"never\",\"split\":null,\"str_rep\":\"▁\"}")).prependScheme());
        assertInstanceOf(Whitespace.class, read("{\"type\":\"Whitespace\",\"foo\":1}"));
        assertInstanceOf(WhitespaceSplit.class, read("{\"type\":\"WhitespaceSplit\"}"));
        assertEquals(SplitDelimiterBehavior.ISOLATED, ((Punctuation) read("{\"type\":\"Punctuation\"}")).behavior());
        assertEquals(SplitDelimiterBehavior.CONTIGUOUS,
                ((Punctuation) read("{\"type\":\"Punctuation\",\"behavior\":\"Contiguous\"}")).behavior());
        assertTrue(((Digits) read("{\"type\":\"Digits\",\"individual_digits\":true}")).individualDigits());
        assertEquals('x', ((CharDelimiterSplit) read("{\"type\":\"CharDelimiterSplit\",\"delimiter\":\"x\"}")).delimiter());
        assertInstanceOf(UnicodeScripts.class, read("{\"type\":\"UnicodeScripts\"}"));
        assertEquals(5, ((FixedLength) read("{\"type\":\"FixedLength\"}")).length());
        Sequence sequence = (Sequence) read("{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"WhitespaceSplit\"},"
                + "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"\\\\d\"},\"behavior\":\"Isolated\",\"invert\":false}]}");
        assertEquals(2, sequence.pretokenizers().size());
        assertPieces(sequence, "ab1 c", p("ab", 0, 2), p("1", 2, 3), p("c", 4, 5));
        Split split = (Split) read("{\"type\":\"Split\",\"pattern\":{\"String\":\" \"},\"behavior\":\"MergedWithNext\","
                + "\"invert\":true}");
        assertTrue(split.invert());
    }

    @Test
    void refusesWhatHuggingFaceRefuses() {
        assertEquals("tokenizer.json: pre_tokenizer.add_prefix_space is missing (expected true or false)",
                refusal("{\"type\":\"ByteLevel\"}"));
        assertEquals("tokenizer.json: pre_tokenizer.trim_offsets is missing (expected true or false)",
                refusal("{\"type\":\"ByteLevel\",\"add_prefix_space\":false}"));
        assertEquals("tokenizer.json: pre_tokenizer.use_regex is null (expected true or false)",
                refusal("{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":null}"));
        assertEquals("tokenizer.json: pre_tokenizer.replacement is missing (expected a string)",
                refusal("{\"type\":\"Metaspace\"}"));
        assertEquals("tokenizer.json: pre_tokenizer.replacement is 'ab' (expected a string of one character)",
                refusal("{\"type\":\"Metaspace\",\"replacement\":\"ab\"}"));
        assertTrue(refusal("{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"add_prefix_space\":false}")
                .contains("add_prefix_space is false but prepend_scheme is \"always\""));
        assertTrue(refusal("{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"prepend_scheme\":\"sometimes\"}")
                .contains("prepend_scheme is 'sometimes'"));
        assertEquals("tokenizer.json: pre_tokenizer.invert is missing (expected true or false)",
                refusal("{\"type\":\"Split\",\"pattern\":{\"String\":\" \"},\"behavior\":\"Isolated\"}"));
        assertTrue(refusal("{\"type\":\"Split\",\"pattern\":\" \",\"behavior\":\"Removed\",\"invert\":false}")
                .startsWith("tokenizer.json: pre_tokenizer.pattern is ' ' (expected an object)"));
        assertTrue(refusal("{\"type\":\"Split\",\"pattern\":{\"Glob\":\"*\"},\"behavior\":\"Removed\",\"invert\":false}")
                .contains("(expected {\"String\": text} or {\"Regex\": pattern})"));
        assertTrue(refusal("{\"type\":\"Split\",\"pattern\":{\"String\":\" \"},\"behavior\":\"Sideways\",\"invert\":false}")
                .startsWith("tokenizer.json: pre_tokenizer.behavior is 'Sideways' (expected one of Removed, Isolated,"));
        assertEquals("tokenizer.json: pre_tokenizer.pattern.Regex '\\Ga' has the escape \\G, which Gale does not"
                        + " translate (expected an Oniguruma regular expression Gale can translate to java.util.regex)",
                refusal("{\"type\":\"Split\",\"pattern\":{\"Regex\":\"\\\\Ga\"},\"behavior\":\"Removed\",\"invert\":false}"));
        assertEquals("tokenizer.json: pre_tokenizer.individual_digits is missing (expected true or false)",
                refusal("{\"type\":\"Digits\"}"));
        assertEquals("tokenizer.json: pre_tokenizer.delimiter is missing (expected a string)",
                refusal("{\"type\":\"CharDelimiterSplit\"}"));
        assertEquals("tokenizer.json: pre_tokenizer.pretokenizers is missing (expected an array)",
                refusal("{\"type\":\"Sequence\"}"));
        assertEquals("tokenizer.json: pre_tokenizer.pretokenizers[1].type 'Nope' is not supported (expected one of "
                        + "BertPreTokenizer, ByteLevel, CharDelimiterSplit, Metaspace, Whitespace, Sequence, Split, "
                        + "Punctuation, WhitespaceSplit, Digits, UnicodeScripts, FixedLength)",
                refusal("{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Whitespace\"},{\"type\":\"Nope\"}]}"));
        assertTrue(refusal("{\"type\":\"Delimiter\",\"delimiter\":\"x\"}").contains("'Delimiter' is not supported"));
        assertTrue(refusal("{\"replacement\":\"▁\"}").startsWith("tokenizer.json: pre_tokenizer.type is missing"));
        assertTrue(refusal("{\"type\":\"FixedLength\",\"length\":0}").contains("length is 0"));
        assertTrue(refusal("[]").startsWith("tokenizer.json: pre_tokenizer is [] (expected a pre-tokenizer object)"));
    }
}
