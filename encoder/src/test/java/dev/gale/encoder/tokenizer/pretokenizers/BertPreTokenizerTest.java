package dev.gale.encoder.tokenizer.pretokenizers;

import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.assertPieces;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.p;

import org.junit.jupiter.api.Test;

/**
 * Expected pieces from Python tokenizers 0.23.2:
 * {@code pre_tokenizers.BertPreTokenizer().pre_tokenize_str(s)} (offsets in code points).
 */
class BertPreTokenizerTest {

    private static final BertPreTokenizer PT = new BertPreTokenizer();

    @Test
    void splitsOnWhiteSpaceAndIsolatesPunctuation() {
        assertPieces(PT, "Hey friend!     How are you?!?",
                p("Hey", 0, 3), p("friend", 4, 10), p("!", 10, 11), p("How", 16, 19), p("are", 20, 23),
                p("you", 24, 27), p("?", 27, 28), p("!", 28, 29), p("?", 29, 30));
        assertPieces(PT, "Héllo, WORLD! 中文",
                p("Héllo", 0, 5), p(",", 5, 6), p("WORLD", 7, 12), p("!", 12, 13), p("中文", 14, 16));
    }

    @Test
    void unicodeWhiteSpaceAndAsciiSymbolsCount() {
        assertPieces(PT, "a\u00a0b\u3000c\u0009d", p("a", 0, 1), p("b", 2, 3), p("c", 4, 5), p("d", 6, 7));
        // ASCII symbols are punctuation here (is_ascii_punctuation); Unicode ones only when P*
        assertPieces(PT, "$5+3=8 ¿qué? «non»",
                p("$", 0, 1), p("5", 1, 2), p("+", 2, 3), p("3", 3, 4), p("=", 4, 5), p("8", 5, 6), p("¿", 7, 8),
                p("qué", 8, 11), p("?", 11, 12), p("«", 13, 14), p("non", 14, 17), p("»", 17, 18));
        assertPieces(PT, "𝔸𝔹 x‐y", p("𝔸𝔹", 0, 2), p("x", 3, 4), p("‐", 4, 5), p("y", 5, 6));
    }

    @Test
    void emptyAndBlankTextsHaveNoPieces() {
        assertPieces(PT, "");
        assertPieces(PT, " \t\n");
    }
}
