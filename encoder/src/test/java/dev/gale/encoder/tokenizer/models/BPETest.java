package dev.gale.encoder.tokenizer.models;

import static dev.gale.encoder.tokenizer.models.ModelAssertions.assertTokens;
import static dev.gale.encoder.tokenizer.models.ModelAssertions.byteTokens;
import static dev.gale.encoder.tokenizer.models.ModelAssertions.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.Model;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The BPE model (models/bpe/model.rs, word.rs). Expected ids and offsets come from Python tokenizers
 * 0.23.2: {@code m = tokenizers.models.BPE(vocab, merges, **options); m.tokenize(word)}, the byte
 * offsets mapped to the UTF-16 chars that hold those bytes (a byte inside a code point standing for
 * all of it, as the pipeline's alignments do), e.g. {@code models.BPE({"<unk>": 0, "a": 1, ...},
 * [("b", "c"), ("a", "b"), ...], unk_token="<unk>")} for the first test.
 */
class BPETest {

    @Test
    void mergesByRankLeftmostFirstAmongOverlappingPairs() {
        Model model = model("""
                {"type": "BPE", "unk_token": "<unk>",
                 "vocab": {"<unk>": 0, "a": 1, "b": 2, "c": 3, "ab": 4, "bc": 5, "abc": 6, "aa": 7, "aaa": 8, "aaaa": 9},
                 "merges": [["b", "c"], ["a", "b"], ["a", "bc"], ["a", "a"], ["aa", "aa"], ["aa", "a"]]}""");
        assertTokens(model, "abc", new int[] {6}, new int[] {0, 3});
        assertTokens(model, "ab", new int[] {4}, new int[] {0, 2});
        assertTokens(model, "aaa", new int[] {8}, new int[] {0, 3});
        assertTokens(model, "aaaaa", new int[] {9, 1}, new int[] {0, 4, 4, 5});
        assertTokens(model, "aaaaaaa", new int[] {9, 8}, new int[] {0, 4, 4, 7});
        assertTokens(model, "abcabc", new int[] {6, 6}, new int[] {0, 3, 3, 6});
        assertTokens(model, "cab", new int[] {3, 4}, new int[] {0, 1, 1, 3});
        assertTokens(model, "xab", new int[] {0, 4}, new int[] {0, 1, 1, 3});
        assertTokens(model, "axxb", new int[] {1, 0, 0, 2}, new int[] {0, 1, 1, 2, 2, 3, 3, 4});
    }

    @Test
    void queuedMergeIsKeptWhenTheNewPairMergesIntoTheSameToken() {
        // ("ab", "c") and ("a", "bc") both make "abc"; word.rs checks only the new id of a queued merge.
        Model model = model("""
                {"type": "BPE",
                 "vocab": {"a": 0, "b": 1, "c": 2, "ab": 3, "bc": 4, "abc": 5, "d": 6, "cd": 7, "bcd": 8},
                 "merges": [["b", "c"], ["a", "b"], ["ab", "c"], ["a", "bc"], ["c", "d"], ["b", "cd"]]}""");
        assertTokens(model, "abc", new int[] {5}, new int[] {0, 3});
        assertTokens(model, "abcd", new int[] {5, 6}, new int[] {0, 3, 3, 4});
        assertTokens(model, "bcd", new int[] {4, 6}, new int[] {0, 2, 2, 3});
        assertTokens(model, "abcabc", new int[] {5, 5}, new int[] {0, 3, 3, 6});
    }

    @Test
    void readsLegacyMergeStringsSkippingTheVersionLine() {
        Model model = model("""
                {"type": "BPE", "unk_token": "<unk>", "dropout": 0.0,
                 "vocab": {"<unk>": 0, "a": 1, "b": 2, "c": 3, "ab": 4, "bc": 5, "abc": 6, "aa": 7, "aaa": 8, "aaaa": 9},
                 "merges": ["#version: 0.2", "b c", "a b", "a bc", "a a", "aa aa", "aa a"]}""");
        assertTokens(model, "aaaaaaa", new int[] {9, 8}, new int[] {0, 4, 4, 7});
        assertTokens(model, "abcabc", new int[] {6, 6}, new int[] {0, 3, 3, 6});
    }

    @Test
    void fusesUnknownRunsOnlyUnderFuseUnk() {
        String vocab = "\"vocab\": {\"<unk>\": 0, \"a\": 1, \"b\": 2, \"ab\": 3}, \"merges\": [\"a b\"]";
        Model fused = model("{\"type\": \"BPE\", \"unk_token\": \"<unk>\", \"fuse_unk\": true, " + vocab + "}");
        assertTokens(fused, "axyb", new int[] {1, 0, 2}, new int[] {0, 1, 1, 3, 3, 4});
        assertTokens(fused, "xy", new int[] {0}, new int[] {0, 2});
        assertTokens(fused, "abxyzab", new int[] {3, 0, 3}, new int[] {0, 2, 2, 5, 5, 7});
        assertTokens(fused, "x\u00E9\u65E5a", new int[] {0, 1}, new int[] {0, 3, 3, 4});
        Model separate = model("{\"type\": \"BPE\", \"unk_token\": \"<unk>\", \"fuse_unk\": false, " + vocab + "}");
        assertTokens(separate, "axyb", new int[] {1, 0, 0, 2}, new int[] {0, 1, 1, 2, 2, 3, 3, 4});
        assertTokens(separate, "xy", new int[] {0, 0}, new int[] {0, 1, 1, 2});
    }

    @Test
    void withoutUnkTokenUnknownCharsVanishAndLaterOffsetsShift() {
        // Hugging Face's offsets are running sums of the symbols' byte lengths, which skip the dropped chars.
        Model model = model("""
                {"type": "BPE", "unk_token": null, "vocab": {"<unk>": 0, "a": 1, "b": 2, "ab": 3}, "merges": ["a b"]}""");
        assertTokens(model, "axb", new int[] {3}, new int[] {0, 2});
        assertTokens(model, "xab", new int[] {3}, new int[] {0, 2});
        assertTokens(model, "a\u65E5b", new int[] {3}, new int[] {0, 2});
        assertTokens(model, "ab\uD83D\uDE00ab", new int[] {3, 3}, new int[] {0, 2, 2, 4});
    }

    @Test
    void addsContinuingSubwordPrefixAndEndOfWordSuffix() {
        Model model = model("""
                {"type": "BPE", "unk_token": "<unk>", "continuing_subword_prefix": "##", "end_of_word_suffix": "</w>",
                 "vocab": {"<unk>": 0, "h": 1, "##e": 2, "##l": 3, "##o": 4, "##o</w>": 5, "h##e": 99, "he": 6,
                           "hel": 7, "##l##o</w>": 98, "##lo</w>": 8, "hello</w>": 9, "o</w>": 10, "hell": 11, "##ll": 12},
                 "merges": [["h", "##e"], ["he", "##l"], ["##l", "##o</w>"], ["hel", "##lo</w>"], ["hel", "##l"]]}""");
        assertTokens(model, "hello", new int[] {9}, new int[] {0, 5});
        assertTokens(model, "hell", new int[] {7, 0}, new int[] {0, 3, 3, 4});
        assertTokens(model, "o", new int[] {10}, new int[] {0, 1});
        assertTokens(model, "he", new int[] {1, 0}, new int[] {0, 1, 1, 2});
        assertTokens(model, "hex", new int[] {6, 0}, new int[] {0, 2, 2, 3});
        assertTokens(model, "xo", new int[] {0, 5}, new int[] {0, 1, 1, 2});
    }

    @Test
    void fallsBackToByteTokensOverTheWholeCodePoint() {
        // vocab: <unk> 0, a 1, b 2, <0x00>..<0xFF> 3..258, "<0xC3><0xA9>" 300; one merge (<0xC3>, <0xA9>).
        Model model = model("{\"type\": \"BPE\", \"unk_token\": \"<unk>\", \"byte_fallback\": true, \"vocab\": "
                + "{\"<unk>\": 0, \"a\": 1, \"b\": 2, " + byteTokens(3) + ", \"<0xC3><0xA9>\": 300}, "
                + "\"merges\": [[\"<0xC3>\", \"<0xA9>\"]]}");
        assertTokens(model, "a\u00E9b", new int[] {1, 300, 2}, new int[] {0, 1, 1, 2, 2, 3});
        assertTokens(model, "\u65E5\u672C", new int[] {233, 154, 168, 233, 159, 175},
                new int[] {0, 1, 0, 1, 0, 1, 1, 2, 1, 2, 1, 2});
        assertTokens(model, "a\uD83D\uDE00", new int[] {1, 243, 162, 155, 131}, new int[] {0, 1, 1, 3, 1, 3, 1, 3, 1, 3});
        assertTokens(model, "\u00E9", new int[] {300}, new int[] {0, 1});
    }

    @Test
    void byteFallbackNeedsEveryByteAndLeavesAPendingUnkPending() {
        // With a byte token missing the char is unknown; a pending unknown is added after later byte tokens.
        Model model = model("""
                {"type": "BPE", "unk_token": "<unk>", "byte_fallback": true, "fuse_unk": true,
                 "vocab": {"<unk>": 0, "a": 1, "<0xC3>": 2, "<0xA9>": 3, "<0xE6>": 4}, "merges": []}""");
        assertTokens(model, "a\u00E9", new int[] {1, 2, 3}, new int[] {0, 1, 1, 2, 1, 2});
        assertTokens(model, "\u65E5\u00E9", new int[] {2, 3, 0}, new int[] {0, 1, 0, 1, 0, 2});
        assertTokens(model, "\u65E5\u672Ca", new int[] {0, 1}, new int[] {0, 2, 2, 3});
        assertTokens(model, "\u65E5\u00E9\u672C", new int[] {2, 3, 0}, new int[] {0, 1, 0, 1, 0, 3});
    }

    @Test
    void ignoreMergesTakesAWholeWordFromTheVocabulary() {
        String rest = "\"unk_token\": \"<unk>\", \"vocab\": {\"<unk>\": 0, \"a\": 1, \"b\": 2, \"c\": 3, \"ab\": 4, "
                + "\"abc\": 5, \"bc\": 6}, \"merges\": [[\"b\", \"c\"], [\"a\", \"b\"]]}";
        Model ignoring = model("{\"type\": \"BPE\", \"ignore_merges\": true, " + rest);
        assertTokens(ignoring, "abc", new int[] {5}, new int[] {0, 3});
        assertTokens(ignoring, "ab", new int[] {4}, new int[] {0, 2});
        assertTokens(ignoring, "abcab", new int[] {1, 6, 4}, new int[] {0, 1, 1, 3, 3, 5});
        Model merging = model("{\"type\": \"BPE\", \"ignore_merges\": false, " + rest);
        assertTokens(merging, "abc", new int[] {1, 6}, new int[] {0, 1, 1, 3});
    }

    @Test
    void answersVocabularyQueries() {
        Model model = model("""
                {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "b2": 1, "z": 9}, "merges": [["a", "b"]]}""");
        assertInstanceOf(BPE.class, model);
        assertEquals(OptionalInt.of(2), model.tokenToId("ab"));
        assertEquals(OptionalInt.empty(), model.tokenToId("abc"));
        assertEquals("b2", model.idToToken(1));
        assertNull(model.idToToken(5));
        assertNull(model.idToToken(-1));
        assertEquals(5, model.vocabSize());
        IntList out = new IntList(4);
        model.tokenize("", out);
        assertEquals(0, out.size());
    }

    @Test
    void failsOnAWordThatNeedsAnUnkTokenMissingFromTheVocabulary() {
        // Python: "Unk token `<unk>` not found in the vocabulary" on encode("ax"), while "ab" encodes.
        Model model = model("""
                {"type": "BPE", "unk_token": "<unk>", "vocab": {"a": 0, "b": 1}, "merges": []}""");
        assertTokens(model, "ab", new int[] {0, 1}, new int[] {0, 1, 1, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.tokenize("ax", new IntList(4)));
        assertEquals("test.json: model.unk_token '<unk>' is not a key of model.vocab and a word needs it"
                + " (expected one of its tokens)", e.getMessage());
    }

    @Test
    void refusesBadMergesAndDropout() {
        assertError("model.merges[0] needs 'c', which is not a key of model.vocab",
                "{\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\": [[\"a\", \"c\"]]}");
        assertError("model.merges[0] needs 'ab', which is not a key of model.vocab",
                "{\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [[\"a\", \"b\"]]}");
        assertError("model.merges[1] is 'a  b' (merges line 1)",
                "{\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\": [\"#version: 0.2\", \"a  b\"]}");
        assertError("model.merges[1] is [\"a\",\"b\"]",
                "{\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\": [\"a b\", [\"a\", \"b\"]]}");
        assertError("model.merges is missing",
                "{\"type\": \"BPE\", \"vocab\": {\"a\": 0}}");
        assertError("model.dropout is 1.5 (expected a number between 0 and 1)",
                "{\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [], \"dropout\": 1.5}");
        assertError("model.dropout is 0.1: BPE dropout samples merges at random and Gale encodes deterministically",
                "{\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [], \"dropout\": 0.1}");
        assertError("model.vocab['b'] is -1",
                "{\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": -1}, \"merges\": []}");
    }

    private static void assertError(String start, String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model(json));
        assertTrue(e.getMessage().startsWith("test.json: " + start), e.getMessage());
    }
}
