package dev.gale.encoder.tokenizer.decoders;

import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertChain;
import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertDecodes;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CTC decoder (decoders/ctc.rs): dedup, pad removal, cleanup and the word delimiter. Expected
 * values come from Python tokenizers 0.23.2: {@code tokenizers.decoders.CTC(pad_token,
 * word_delimiter_token, cleanup).decode(tokens)}; the first two cases are the Rust file's own
 * handmade samples.
 */
class CTCTest {
    @Test
    void decodesLikeHuggingFace() {
        assertDecodes("hello", new CTC("<pad>", "|", true), List.of("<pad>", "<pad>", "h", "e", "e", "l", "l", "<pad>", "l", "o", "o", "o", "<pad>"));
        assertDecodes("hello world", new CTC("<pad>", "|", true), List.of("<pad>", "<pad>", "h", "e", "e", "l", "l", "<pad>", "l", "o", "o", "o", "<pad>", "<pad>", "|", "<pad>", "w", "o", "o", "o", "r", "<pad>", "<pad>", "l", "l", "d", "<pad>", "<pad>", "<pad>", "<pad>"));
        assertDecodes("he llo. ", new CTC("<pad>", "|", true), List.of("<pad>", "h", "h", "e", "|", "|", "<pad>", "l", "l", "<pad>", "l", "o", ".", "|", "<pad>"));
        assertDecodes("he|llo", new CTC("<pad>", "|", false), List.of("<pad>", "h", "h", "e", "|", "|", "<pad>", "l", "l", "<pad>", "l", "o"));
        assertDecodes("a bxy.n'ti'm", new CTC("<pad>", "|", true), List.of("a|b", "x<pad>y", " .", "<pad><pad>", " n't", " n't", "i", " 'm"));
        assertDecodes("", new CTC("<pad>", "|", true), List.of());
        assertDecodes("", new CTC("<pad>", "|", true), List.of(""));
        assertDecodes("\uD83D\uDE00ab ", new CTC("", "|", true), List.of("\uD83D\uDE00a", "b", "b", "|"));
        assertDecodes(" \uD83D\uDE00 a  b ", new CTC("<pad>", "", true), List.of("\uD83D\uDE00a", "b"));
        assertDecodes("\uD83D\uDE00ab", new CTC("<pad>", "", false), List.of("\uD83D\uDE00a", "b"));
        assertDecodes("    ", new CTC("a", "b", true), List.of("aab", "ab", "ab", "bb"));
    }

    @Test
    void chainKeepsOnePiecePerToken() {
        assertChain(List.of("h", "e", "l", "l", "o", " ", "w", "o", "r", "l", "d"), new CTC("<pad>", "|", true), List.of("<pad>", "<pad>", "h", "e", "e", "l", "l", "<pad>", "l", "o", "o", "o", "<pad>", "<pad>", "|", "<pad>", "w", "o", "o", "o", "r", "<pad>", "<pad>", "l", "l", "d", "<pad>", "<pad>", "<pad>", "<pad>"));
    }
}
