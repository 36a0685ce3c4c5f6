package dev.gale.encoder.tokenizer.pretokenizers;

import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.assertPieces;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.p;

import org.junit.jupiter.api.Test;

/**
 * Expected pieces from Python tokenizers 0.23.2: {@code pre_tokenizers.Whitespace().pre_tokenize_str(s)}
 * and {@code pre_tokenizers.WhitespaceSplit().pre_tokenize_str(s)}; the first are whitespace.rs's tests.
 */
class WhitespaceTest {

    @Test
    void whitespaceKeepsRunsOfWordCharsAndRunsOfOtherChars() {
        Whitespace pt = new Whitespace();
        assertPieces(pt, "Hey man!", p("Hey", 0, 3), p("man", 4, 7), p("!", 7, 8));
        assertPieces(pt, "How are you doing?",
                p("How", 0, 3), p("are", 4, 7), p("you", 8, 11), p("doing", 12, 17), p("?", 17, 18));
        assertPieces(pt, "I'm thinking :)", p("I", 0, 1), p("'", 1, 2), p("m", 2, 3), p("thinking", 4, 12), p(":)", 13, 15));
        // the regex crate's \w: '_' and U+200D are word chars, '²' and '¼' are not
        assertPieces(pt, "a_b²c \u200dd ¼", p("a_b", 0, 3), p("²", 3, 4), p("c", 4, 5), p("\u200dd", 6, 8), p("¼", 9, 10));
        assertPieces(pt, "中文，測試！", p("中文", 0, 2), p("，", 2, 3), p("測試", 3, 5), p("！", 5, 6));
    }

    @Test
    void whitespaceSplitCutsOnWhiteSpaceOnly() {
        WhitespaceSplit pt = new WhitespaceSplit();
        assertPieces(pt, "Hey man!", p("Hey", 0, 3), p("man!", 4, 8));
        assertPieces(pt, "How are you doing?", p("How", 0, 3), p("are", 4, 7), p("you", 8, 11), p("doing?", 12, 18));
        // U+200B is not White_Space
        assertPieces(pt, " a\u00a0b\u2028c\u200bd ", p("a", 1, 2), p("b", 3, 4), p("c\u200bd", 5, 8));
    }
}
