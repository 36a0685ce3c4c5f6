package dev.gale.encoder.tokenizer.decoders;

import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertChain;
import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertDecodes;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The BPEDecoder (decoders/bpe.rs): the suffix becomes a space, or nothing in the last token.
 * Expected values come from Python tokenizers 0.23.2: {@code
 * tokenizers.decoders.BPEDecoder(suffix=s).decode(tokens)}.
 */
class BPEDecoderTest {
    @Test
    void decodesLikeHuggingFace() {
        assertDecodes("", new BPEDecoder("</w>"), List.of());
        assertDecodes("", new BPEDecoder("</w>"), List.of(""));
        assertDecodes("a", new BPEDecoder("</w>"), List.of("a</w>"));
        assertDecodes("hello world", new BPEDecoder("</w>"), List.of("hel", "lo</w>", "wor", "ld</w>"));
        assertDecodes("a b c de", new BPEDecoder("</w>"), List.of("a</w>b</w>", "c</w>d", "e</w>"));
        assertDecodes("  ", new BPEDecoder("</w>"), List.of("</w></w>", "</w>"));
        assertDecodes("a b  c", new BPEDecoder("\uD83D\uDE00"), List.of("a\uD83D\uDE00", "b\uD83D\uDE00\uD83D\uDE00", "c\uD83D\uDE00"));
        assertDecodes("   ", new BPEDecoder("w"), List.of("www", "w"));
    }

    @Test
    void emptySuffixMatchesAtEveryCodePointBoundary() {
        assertDecodes(" a b c", new BPEDecoder(""), List.of("ab", "c"));
        assertDecodes(" \uD83D\uDE00 a b", new BPEDecoder(""), List.of("\uD83D\uDE00a", "b"));
        assertDecodes("", new BPEDecoder(""), List.of());
    }

    @Test
    void chainKeepsOnePiecePerToken() {
        assertChain(List.of("a b ", "c d", "e"), new BPEDecoder("</w>"), List.of("a</w>b</w>", "c</w>d", "e</w>"));
    }
}
