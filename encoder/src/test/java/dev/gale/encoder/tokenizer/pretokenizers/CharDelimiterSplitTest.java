package dev.gale.encoder.tokenizer.pretokenizers;

import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.assertPieces;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.p;

import org.junit.jupiter.api.Test;

/**
 * Expected pieces from Python tokenizers 0.23.2: {@code pre_tokenizers.CharDelimiterSplit(c).pre_tokenize_str(s)}.
 */
class CharDelimiterSplitTest {

    @Test
    void splitsOnTheDelimiterAndDropsIt() {
        CharDelimiterSplit pt = new CharDelimiterSplit('x');
        assertPieces(pt, "helloxthere", p("hello", 0, 5), p("there", 6, 11));
        assertPieces(pt, "xxhelloxxthere x", p("hello", 2, 7), p("there ", 9, 15));
        assertPieces(new CharDelimiterSplit(0x1D538), "a𝔸b𝔸𝔸c", p("a", 0, 1), p("b", 2, 3), p("c", 5, 6));
    }
}
