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
 * The pieces of the tokenizer, against expectations written out by hand from the Hugging Face
 * sources (bert.rs, wordpiece, truncation.rs) and the BERT uncased vocabulary.
 */
class TokenizerComponentsTest {

    private static final BertNormalizer BERT_UNCASED = new BertNormalizer(true, true, true, true);

    @Test
    void normalizerLowercasesAndStripsAccents() {
        assertEquals("hello, world!", BERT_UNCASED.normalize("Héllo, WORLD!"));
        assertEquals("creme brulee", BERT_UNCASED.normalize("Crème Brûlée"));
        assertEquals("creme", BERT_UNCASED.normalize("Cre\u0300me"));
        assertEquals("angstrom k", BERT_UNCASED.normalize("\u212Bngstr\u00f6m \u212A"));
    }

    @Test
    void normalizerKeepsAccentsWhenAsked() {
        BertNormalizer keep = new BertNormalizer(true, true, false, true);
        assertEquals("crème", keep.normalize("Crème"));
        // Rust's char::to_lowercase: full mapping for U+0130, no final-sigma rule.
        assertEquals("i\u0307stanbul", keep.normalize("\u0130stanbul"));
        assertEquals("οδοσ", keep.normalize("ΟΔΟΣ"));
        assertEquals("ß ß", keep.normalize("ß ẞ"));
        BertNormalizer cased = new BertNormalizer(true, true, false, false);
        assertEquals("Crème WORLD", cased.normalize("Crème WORLD"));
    }

    @Test
    void normalizerCleansControlsAndWhitespace() {
        assertEquals("abcde", BERT_UNCASED.normalize("a\u0000b\u0001c\u007fd\ufffde"));
        assertEquals("a b c d", BERT_UNCASED.normalize("a\tb\nc\rd"));
        assertEquals("a b c d e", BERT_UNCASED.normalize("a\u00a0b\u3000c\u2028d\u2003e"));
        // Vertical tab, form feed and NEL are Cc: removed before whitespace is mapped.
        assertEquals("abcd", BERT_UNCASED.normalize("a\u000bb\u000cc\u0085d"));
        assertEquals("abcd", BERT_UNCASED.normalize("a\u200bb\ufeffc\u00add"));
        // Private use (Co) goes; unassigned code points stay.
        assertEquals("ab\u0378", BERT_UNCASED.normalize("a\ue001b\u0378"));
        BertNormalizer noCleaning = new BertNormalizer(false, false, false, false);
        assertEquals("a\u0000b\tc", noCleaning.normalize("a\u0000b\tc"));
    }

    @Test
    void normalizerUsesTheOldUnicodeTablesOfTheRustCrate() {
        // U+0890 became Cf and U+0898 Mn in Unicode 14, after unicode_categories 0.1.1.
        assertEquals("\u0890", BERT_UNCASED.normalize("\u0890"));
        assertEquals("a\u0898", BERT_UNCASED.normalize("a\u0898"));
        assertEquals(Character.NON_SPACING_MARK, Character.getType(0x0898));
    }

    @Test
    void normalizerSurroundsCjkIdeographsWithSpaces() {
        assertEquals(" 中  文 ab", BERT_UNCASED.normalize("中文ab"));
        assertEquals("x \uD840\uDC00 y", BERT_UNCASED.normalize("x\uD840\uDC00y"));
        // Kana are not spaced, but their voicing marks (U+3099, Mn after NFD) are stripped.
        assertEquals("ひらかな", BERT_UNCASED.normalize("ひらがな"));
        // Compatibility ideographs are spaced, then NFD maps them to the unified ones.
        assertEquals(" \u8c48 ", BERT_UNCASED.normalize("\uF900"));
    }

    @Test
    void preTokenizerSplitsOnWhitespaceAndIsolatesPunctuation() {
        assertEquals(List.of("hello", ",", "world", "!"), words("hello, world!"));
        assertEquals(List.of("$", "5", "+", "3", "=", "8", "a", "~", "b"), words("$5+3=8  a~b"));
        assertEquals(List.of("«", "quote", "»", "x\u2e5dy"), words("«quote» x\u2e5dy"));
        assertEquals(List.of("a", "b", "c"), words("a\u00a0b\u3000c"));
        assertEquals(List.of("a\u200bb", "😀x"), words(" a\u200bb\t😀x "));
        assertEquals(List.of(), words(" \n "));
    }

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
    void wordPieceMatchesLongestFirstAndGivesUpOnTheWholeWord() {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String token : new String[] {"[UNK]", "un", "##aff", "##able", "aff", "##a", "😀",
                "##😀"}) {
            vocab.put(token, vocab.size());
        }
        WordPiece model = new WordPiece(vocab, "[UNK]", "##", 100);
        assertArrayEquals(new int[] {1, 2, 3}, pieces(model, "unaffable"));
        assertArrayEquals(new int[] {4, 5}, pieces(model, "affa"));
        assertArrayEquals(new int[] {0}, pieces(model, "unaffx"));
        // max_input_chars_per_word counts code points: five emoji are ten chars.
        WordPiece five = new WordPiece(vocab, "[UNK]", "##", 5);
        assertArrayEquals(new int[] {6, 7, 7, 7, 7}, pieces(five, "😀😀😀😀😀"));
        assertArrayEquals(new int[] {0}, pieces(five, "😀😀😀😀😀😀"));
        assertEquals(OptionalInt.of(2), model.tokenToId("##aff"));
        assertEquals(OptionalInt.empty(), model.tokenToId("##un"));
        assertEquals("##able", model.idToToken(3));
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
        assertEquals("maxLength 1 is less than the 2 special tokens the single template adds",
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

    private static List<String> words(String text) {
        IntList bounds = new IntList(4);
        new BertPreTokenizer().preTokenize(text, 0, text.length(), bounds);
        List<String> words = new ArrayList<>();
        for (int i = 0; i < bounds.size(); i += 2) {
            words.add(text.substring(bounds.get(i), bounds.get(i + 1)));
        }
        return words;
    }

    private static int[] pieces(WordPiece model, String word) {
        IntList ids = new IntList(4);
        model.tokenize(word, 0, word.length(), ids);
        int[] out = new int[ids.size()];
        ids.copyTo(ids.size(), out, 0);
        return out;
    }

    private static List<String> tokens(Tokenizer tokenizer, Encoding encoding) {
        List<String> tokens = new ArrayList<>();
        for (int id : encoding.ids()) {
            tokens.add(tokenizer.idToToken(id));
        }
        return tokens;
    }
}
