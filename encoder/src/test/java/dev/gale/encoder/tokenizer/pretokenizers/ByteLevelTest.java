package dev.gale.encoder.tokenizer.pretokenizers;

import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.assertPieces;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.p;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gale.encoder.tokenizer.ByteLevelAlphabet;
import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.PreTokenizedString;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Expected pieces from Python tokenizers 0.23.2:
 * {@code pre_tokenizers.ByteLevel(add_prefix_space=..., use_regex=...).pre_tokenize_str(s)}; the
 * first examples are byte_level.rs's own tests.
 */
class ByteLevelTest {

    private static final ByteLevel PT = new ByteLevel(false, true, true);

    @Test
    void alphabetIsGpt2sBytesToUnicode() {
        // GPT-2 encoder.py: printable Latin-1 bytes stand for themselves, the others for U+0100 on
        assertEquals('!', ByteLevelAlphabet.charOf('!'));
        assertEquals('\u0100', ByteLevelAlphabet.charOf(0));
        assertEquals('\u0120', ByteLevelAlphabet.charOf(' ')); // Ġ
        assertEquals('\u010a', ByteLevelAlphabet.charOf('\n')); // Ċ
        assertEquals('\u0121', ByteLevelAlphabet.charOf(0x7F));
        assertEquals('\u0143', ByteLevelAlphabet.charOf(0xAD));
        assertEquals('\u00ff', ByteLevelAlphabet.charOf(0xFF));
        assertEquals('\u0143', ByteLevelAlphabet.charOf((byte) 0xAD));
        Set<Character> chars = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            char c = ByteLevelAlphabet.charOf(b);
            chars.add(c);
            assertEquals(b, ByteLevelAlphabet.byteOf(c));
        }
        assertEquals(256, chars.size());
        assertEquals(-1, ByteLevelAlphabet.byteOf(' '));
        assertEquals(-1, ByteLevelAlphabet.byteOf('\u0144'));
        assertEquals(-1, ByteLevelAlphabet.byteOf('€'));
    }

    @Test
    void splitsWithGpt2sRegexAndMapsBytes() {
        assertPieces(PT, "Hello my friend, how is your day going?",
                p("Hello", 0, 5), p("Ġmy", 5, 8), p("Ġfriend", 8, 15), p(",", 15, 16), p("Ġhow", 16, 20),
                p("Ġis", 20, 23), p("Ġyour", 23, 28), p("Ġday", 28, 32), p("Ġgoing", 32, 38), p("?", 38, 39));
        assertPieces(PT, "Hello there\nHello there",
                p("Hello", 0, 5), p("Ġthere", 5, 11), p("Ċ", 11, 12), p("Hello", 12, 17), p("Ġthere", 17, 23));
        assertPieces(PT, "Hello there       dear",
                p("Hello", 0, 5), p("Ġthere", 5, 11), p("ĠĠĠĠĠĠ", 11, 17), p("Ġdear", 17, 22));
        assertPieces(PT, "it's I'M 're'll",
                p("it", 0, 2), p("'s", 2, 4), p("ĠI", 4, 6), p("'", 6, 7), p("M", 7, 8), p("Ġ'", 8, 10),
                p("re", 10, 12), p("'ll", 12, 15));
        assertPieces(PT, "  x  \n\n y ",
                p("Ġ", 0, 1), p("Ġx", 1, 3), p("ĠĠĊĊ", 3, 7), p("Ġy", 7, 9), p("Ġ", 9, 10));
    }

    @Test
    void everyByteOfACharKeepsTheCharsOffsets() {
        assertPieces(PT, "i⭢j", p("i", 0, 1), p("âŃ¢", 1, 2), p("j", 2, 3));
        assertPieces(PT, "€100 𝔸x", p("âĤ¬", 0, 1), p("100", 1, 4), p("ĠðĿĶ¸x", 4, 7));
        // a combining mark is not a letter: [^\s\p{L}\p{N}]
        assertPieces(PT, "e\u0301 \u00e9", p("e", 0, 1), p("Ìģ", 1, 2), p("ĠÃ©", 2, 4));
        // each normalized char aligned to its original char: € is 3 bytes, ¢ 2
        PreTokenizedString pre = new PreTokenizedString("€¢");
        PT.preTokenize(pre);
        NormalizedString word = pre.piece(0);
        assertEquals("âĤ¬Â¢", word.toString());
        int[] starts = {0, 0, 0, 1, 1};
        for (int i = 0; i < starts.length; i++) {
            assertEquals(starts[i], word.alignmentStart(i));
            assertEquals(starts[i] + 1, word.alignmentEnd(i));
        }
    }

    @Test
    void prefixSpaceGoesInFrontOfEveryPieceWithoutOne() {
        ByteLevel prefixed = new ByteLevel(true, true, true);
        assertPieces(prefixed, " Hello my friend", p("ĠHello", 0, 6), p("Ġmy", 6, 9), p("Ġfriend", 9, 16));
        assertPieces(prefixed, "Hello", p("ĠHello", 0, 5));
        assertPieces(prefixed, "");
        ByteLevel whole = new ByteLevel(true, true, false);
        assertPieces(whole, "Hello my friend, how is your day going?",
                p("ĠHelloĠmyĠfriend,ĠhowĠisĠyourĠdayĠgoing?", 0, 39));
        assertPieces(whole, "ça va", p("ĠÃ§aĠva", 0, 5));
    }

    @Test
    void loneSurrogateIsWrittenAsReplacementChar() {
        // Rust strings cannot hold one; Gale writes U+FFFD's bytes EF BF BD
        assertPieces(PT, "a\ud800", p("a", 0, 1), p("ï¿½", 1, 2));
    }
}
