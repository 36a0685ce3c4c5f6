package dev.gale.encoder.tokenizer.decoders;

import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertChain;
import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertDecodes;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The WordPiece decoder (decoders/wordpiece.rs), prefix handling and the cleanup replacements.
 * Expected values come from Python tokenizers 0.23.2: {@code
 * tokenizers.decoders.WordPiece(prefix=p, cleanup=c).decode(tokens)}; pieces ({@link
 * DecoderAssertions#assertChain}) as decode_chain returns them.
 */
class WordPieceTest {
    @Test
    void decodesLikeHuggingFace() {
        assertDecodes("", new WordPiece("##", true), List.of());
        assertDecodes("hello", new WordPiece("##", true), List.of("hello"));
        assertDecodes("##uelo Araújo Noguera", new WordPiece("##", false), List.of("##uelo", "Ara", "##új", "##o", "No", "##guera"));
        assertDecodes("##uelo Araújo Noguera", new WordPiece("##", true), List.of("##uelo", "Ara", "##új", "##o", "No", "##guera"));
        assertDecodes("##a b", new WordPiece("##", true), List.of("##a", "##", "b"));
        assertDecodes("日本語 ！!", new WordPiece("##", true), List.of("日本", "##語", "！", "!"));
        assertDecodes("a.##b", new WordPiece("", true), List.of("a", ".", "##b", ""));
        assertDecodes("ab ##c.", new WordPiece("@@", true), List.of("a", "@@b", "##c", "@@", "."));
        assertDecodes(" ", new WordPiece("##", true), List.of("", "", "##"));
    }

    @Test
    void cleanupFixesPunctuationAndContractionsOneTokenAtATime() {
        assertDecodes("unaffable!", new WordPiece("##", true), List.of("un", "##aff", "##able", "!"));
        assertDecodes("hello, world! how are you?", new WordPiece("##", true), List.of("hello", ",", "world", "!", "how", "are", "you", "?"));
        assertDecodes("i do not know.", new WordPiece("##", true), List.of("i", "do", "not", "know", "."));
        assertDecodes("i don't know", new WordPiece("##", true), List.of("i", "do not", "know"));
        assertDecodes("it's we've they're i'm cann't", new WordPiece("##", true), List.of("it", "'s", "we", "'ve", "they", "'re", "i", "'m", "can", "n't"));
        assertDecodes("don ' t rock' n'roll", new WordPiece("##", true), List.of("don", "'", "t", "rock", "' ", "n", "' roll"));
        assertDecodes("a. b, c? d! e", new WordPiece("##", true), List.of("a . b , c ? d ! e"));
        assertDecodes("x . y  ,", new WordPiece("##", true), List.of("x", " .", "y", "  ,"));
        assertDecodes("a . ' x", new WordPiece("##", true), List.of("a  .", " ' ", "x"));
        assertDecodes("hello , world ! do not", new WordPiece("##", false), List.of("hello", ",", "world", "!", "do not"));
    }

    @Test
    void chainKeepsOnePiecePerToken() {
        assertChain(List.of("un", "aff", "able", "!"), new WordPiece("##", true), List.of("un", "##aff", "##able", "!"));
        assertChain(List.of("hello", ",", " world", "!", " how", " are", " you", "?"), new WordPiece("##", true), List.of("hello", ",", "world", "!", "how", "are", "you", "?"));
        assertChain(List.of("i", " do", " not", " know", "."), new WordPiece("##", true), List.of("i", "do", "not", "know", "."));
    }
}
