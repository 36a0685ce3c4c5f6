package dev.gale.encoder.tokenizer.pretokenizers;

import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.assertPieces;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.p;

import dev.gale.encoder.tokenizer.SplitDelimiterBehavior;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expected pieces from Python tokenizers 0.23.2: {@code pre_tokenizers.Sequence([...]).pre_tokenize_str(s)}.
 */
class SequenceTest {

    @Test
    void runsEachPreTokenizerOnThePiecesOfTheLast() {
        Sequence bpe = new Sequence(List.of(new WhitespaceSplit(), new Punctuation(SplitDelimiterBehavior.ISOLATED),
                new Digits(true)));
        assertPieces(bpe, "Hey friend! 123",
                p("Hey", 0, 3), p("friend", 4, 10), p("!", 10, 11), p("1", 12, 13), p("2", 13, 14), p("3", 14, 15));
        // ByteLevel's prefix space goes in front of each piece of the Split
        Sequence spaced = new Sequence(List.of(Split.literal(" ", SplitDelimiterBehavior.MERGED_WITH_NEXT, false),
                new ByteLevel(true, true, true)));
        assertPieces(spaced, " hello  world", p("Ġhello", 0, 6), p("Ġ", 6, 7), p("Ġworld", 7, 13));
        assertPieces(new Sequence(List.of()), "a b", p("a b", 0, 3));
    }
}
