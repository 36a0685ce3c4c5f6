package dev.gale.encoder.tokenizer.pretokenizers;

import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.assertPieces;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.p;

import dev.gale.encoder.tokenizer.SplitDelimiterBehavior;
import org.junit.jupiter.api.Test;

/**
 * Expected pieces from Python tokenizers 0.23.2: {@code pre_tokenizers.Punctuation(behavior).pre_tokenize_str(s)}.
 */
class PunctuationTest {

    @Test
    void isolatesPunctuationByDefault() {
        Punctuation pt = new Punctuation(SplitDelimiterBehavior.ISOLATED);
        assertPieces(pt, "Hey friend!     How are you?!?",
                p("Hey friend", 0, 10), p("!", 10, 11), p("     How are you", 11, 27), p("?", 27, 28), p("!", 28, 29),
                p("?", 29, 30));
        assertPieces(pt, "$5 a+b «x» ¡sí!",
                p("$", 0, 1), p("5 a", 1, 4), p("+", 4, 5), p("b ", 5, 7), p("«", 7, 8), p("x", 8, 9), p("»", 9, 10),
                p(" ", 10, 11), p("¡", 11, 12), p("sí", 12, 14), p("!", 14, 15));
    }

    @Test
    void otherBehaviors() {
        assertPieces(new Punctuation(SplitDelimiterBehavior.REMOVED), "Hey friend!?!", p("Hey friend", 0, 10));
        assertPieces(new Punctuation(SplitDelimiterBehavior.CONTIGUOUS), "Hey friend!?! ok.",
                p("Hey friend", 0, 10), p("!?!", 10, 13), p(" ok", 13, 16), p(".", 16, 17));
        assertPieces(new Punctuation(SplitDelimiterBehavior.MERGED_WITH_PREVIOUS), "Hey friend!?! ok.",
                p("Hey friend!", 0, 11), p("?", 11, 12), p("!", 12, 13), p(" ok.", 13, 17));
        assertPieces(new Punctuation(SplitDelimiterBehavior.MERGED_WITH_NEXT), "Hey friend!?! ok.",
                p("Hey friend", 0, 10), p("!", 10, 11), p("?", 11, 12), p("! ok", 12, 16), p(".", 16, 17));
    }
}
