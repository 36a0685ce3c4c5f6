package dev.gale.encoder.tokenizer.pretokenizers;

import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.assertPieces;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.p;

import org.junit.jupiter.api.Test;

/**
 * Expected pieces from Python tokenizers 0.23.2:
 * {@code pre_tokenizers.Digits(individual_digits=...).pre_tokenize_str(s)}.
 */
class DigitsTest {

    @Test
    void runsOfDigitsStayTogether() {
        Digits pt = new Digits(false);
        assertPieces(pt, "Hey 123 friend!", p("Hey ", 0, 4), p("123", 4, 7), p(" friend!", 7, 15));
        // char::is_numeric: Nd, Nl and No, each its own run against the rest
        assertPieces(pt, "٣٤٥ ½ Ⅻ 12a3",
                p("٣٤٥", 0, 3), p(" ", 3, 4), p("½", 4, 5), p(" ", 5, 6), p("Ⅻ", 6, 7), p(" ", 7, 8), p("12", 8, 10),
                p("a", 10, 11), p("3", 11, 12));
    }

    @Test
    void individualDigits() {
        Digits pt = new Digits(true);
        assertPieces(pt, "Hey 123 friend!", p("Hey ", 0, 4), p("1", 4, 5), p("2", 5, 6), p("3", 6, 7), p(" friend!", 7, 15));
        assertPieces(pt, "٣٤٥ ½ Ⅻ",
                p("٣", 0, 1), p("٤", 1, 2), p("٥", 2, 3), p(" ", 3, 4), p("½", 4, 5), p(" ", 5, 6), p("Ⅻ", 6, 7));
    }
}
