package dev.gale.encoder.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The tokenizer as a whole on a real BERT tokenizer.json, against expectations written out by hand
 * from the Hugging Face sources (bert.rs, wordpiece, truncation.rs) and the BERT uncased vocabulary.
 */
class TokenizerComponentsTest {

    @Test
    void tokenizerSplitsAsInTheBriefExample() throws IOException {
        Tokenizer tokenizer = TokenizerParityTest.load("/all-minilm-l6-v2-tokenizer.json");
        assertEquals(List.of("[CLS]", "hello", ",", "world", "!", "[SEP]"),
                tokens(tokenizer, tokenizer.encode("Héllo, WORLD!", 0)));
        assertEquals(List.of("[CLS]", "hello", "[SEP]", "world", "[SEP]"),
                tokens(tokenizer, tokenizer.encode("hello [SEP] world", 0)));
        assertEquals(List.of("[CLS]", "[", "sep", "]", "[SEP]"),
                tokens(tokenizer, tokenizer.encode("[sep]", 0)));
        assertEquals(List.of("[CLS]", "[SEP]"), tokens(tokenizer, tokenizer.encode("", 0)));
    }

    @Test
    void offsetsPointIntoTheOriginalText() throws IOException {
        Tokenizer tokenizer = TokenizerParityTest.load("/all-minilm-l6-v2-tokenizer.json");
        // "Héllo" is one word of five chars whatever the normalizer does to the é; the specials get (0, 0).
        Encoding e = tokenizer.encode("Héllo, WORLD!");
        assertArrayEquals(new int[] {0, 0, 0, 5, 5, 6, 7, 12, 12, 13, 0, 0}, e.offsets());
        assertArrayEquals(new int[] {1, 0, 0, 0, 0, 1}, e.specialTokensMask());
        assertArrayEquals(new int[] {-1, 0, 1, 2, 3, -1}, e.wordIds());
        assertArrayEquals(new int[] {-1, 0, 0, 0, 0, -1}, e.sequenceIds());
        // Each text of a pair has its own offsets; the second one's tokens are sequence 1.
        Encoding pair = tokenizer.encodePair("a b", "c", 0);
        assertArrayEquals(new int[] {0, 0, 0, 1, 2, 3, 0, 0, 0, 1, 0, 0}, pair.offsets());
        assertArrayEquals(new int[] {-1, 0, 0, -1, 1, -1}, pair.sequenceIds());
        // An astral character counts two chars; "unaffable" splits into pieces inside one word.
        Encoding astral = tokenizer.encode("😀 unaffable");
        assertEquals("[UNK]", astral.tokens()[1]);
        assertEquals(0, astral.offsetStart(1));
        assertEquals(2, astral.offsetEnd(1));
        assertEquals(3, astral.offsetStart(2));
        assertEquals(12, astral.offsetEnd(astral.length() - 2));
    }

    @Test
    void decodeUndoesWordPieceAndDropsSpecialTokensOnRequest() throws IOException {
        Tokenizer tokenizer = TokenizerParityTest.load("/all-minilm-l6-v2-tokenizer.json");
        int[] ids = tokenizer.encode("Héllo, WORLD! unaffable").ids();
        assertEquals("[CLS] hello, world! unaffable [SEP]", tokenizer.decode(ids, false));
        assertEquals("hello, world! unaffable", tokenizer.decode(ids, true));
    }

    @Test
    void longestFirstTruncationSplitsLikeHuggingFace() {
        assertArrayEquals(new int[] {2, 2}, Truncation.longestFirst(2, 2, 8));
        assertArrayEquals(new int[] {5, 3}, Truncation.longestFirst(10, 3, 8));
        assertArrayEquals(new int[] {3, 5}, Truncation.longestFirst(3, 10, 8));
        assertArrayEquals(new int[] {3, 4}, Truncation.longestFirst(10, 10, 7));
        // The longer sequence gets the odd token.
        assertArrayEquals(new int[] {4, 3}, Truncation.longestFirst(12, 10, 7));
        // Both are cut to half even though 5 + 3 would have fitted.
        assertArrayEquals(new int[] {4, 4}, Truncation.longestFirst(5, 6, 8));
        assertArrayEquals(new int[] {0, 0}, Truncation.longestFirst(5, 6, 0));
    }

    @Test
    void encodeTruncatesIncludingSpecialTokens() throws IOException {
        Tokenizer tokenizer = TokenizerParityTest.load("/all-minilm-l6-v2-tokenizer.json");
        Encoding cut = tokenizer.encode("one two three four five", 4);
        assertEquals(List.of("[CLS]", "one", "two", "[SEP]"), tokens(tokenizer, cut));
        assertTrue(cut.truncated());
        assertFalse(tokenizer.encode("one two", 4).truncated());
        assertEquals(List.of("[CLS]", "[SEP]"), tokens(tokenizer, tokenizer.encode("one", 2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tokenizer.encode("one", 1));
        assertEquals("max length 1 is less than the 2 special tokens the single template adds",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encodePair("a", "b", 2));

        Encoding pair = tokenizer.encodePair("one two three", "four", 6);
        assertEquals(List.of("[CLS]", "one", "two", "[SEP]", "four", "[SEP]"),
                tokens(tokenizer, pair));
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1}, pair.typeIds());
        assertTrue(pair.truncated());
    }

    @Test
    void vocabularyQueries() throws IOException {
        Tokenizer minilm = TokenizerParityTest.load("/all-minilm-l6-v2-tokenizer.json");
        Tokenizer bge = TokenizerParityTest.load("/bge-small-en-v1.5-tokenizer.json");
        assertEquals(30522, minilm.vocabSize());
        assertEquals(OptionalInt.of(102), minilm.tokenToId("[SEP]"));
        assertEquals(OptionalInt.of(7592), minilm.tokenToId("hello"));
        assertEquals(OptionalInt.empty(), minilm.tokenToId("Hello"));
        assertEquals("[CLS]", minilm.idToToken(101));
        assertEquals(null, minilm.idToToken(30522));
        assertEquals(OptionalInt.of(128), minilm.truncationMaxLength());
        assertEquals(OptionalInt.empty(), bge.truncationMaxLength());
    }

    private static List<String> tokens(Tokenizer tokenizer, Encoding encoding) {
        List<String> tokens = new ArrayList<>();
        for (int id : encoding.ids()) {
            tokens.add(tokenizer.idToToken(id));
        }
        return tokens;
    }
}
