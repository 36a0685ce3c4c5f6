package dev.gale.encoder.tokenizer.pretokenizers;

import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.assertPieces;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.p;

import org.junit.jupiter.api.Test;

/** Expected pieces from Python tokenizers 0.23.2: {@code pre_tokenizers.FixedLength(length=3).pre_tokenize_str(s)}. */
class FixedLengthTest {

    @Test
    void cutsEveryLengthCodePoints() {
        assertPieces(new FixedLength(3), "abcdefg𝔸h", p("abc", 0, 3), p("def", 3, 6), p("g𝔸h", 6, 9));
        assertPieces(new FixedLength(3), "");
    }
}
