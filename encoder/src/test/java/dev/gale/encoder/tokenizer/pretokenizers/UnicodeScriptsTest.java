package dev.gale.encoder.tokenizer.pretokenizers;

import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.assertPieces;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.p;

import org.junit.jupiter.api.Test;

/**
 * Expected pieces from Python tokenizers 0.23.2: {@code pre_tokenizers.UnicodeScripts().pre_tokenize_str(s)};
 * the first and last are unicode_scripts/pre_tokenizer.rs's tests.
 */
class UnicodeScriptsTest {

    private static final UnicodeScripts PT = new UnicodeScripts();

    @Test
    void cutsWhereTheScriptChanges() {
        assertPieces(PT, "どこで生れ。Yes", p("どこで生れ", 0, 5), p("。", 5, 6), p("Yes", 6, 9));
        assertPieces(PT, "Apples are りんご 林檎", p("Apples are ", 0, 11), p("りんご 林檎", 11, 17));
    }

    @Test
    void charsOfNoScriptBeforeTheFirstScriptAreDropped() {
        assertPieces(PT, "  abc漢字ひらがなカタカナー123 abc",
                p("abc", 2, 5), p("漢字ひらがなカタカナー", 5, 16), p("123 ", 16, 20), p("abc", 20, 23));
        assertPieces(PT, "   ");
    }
}
