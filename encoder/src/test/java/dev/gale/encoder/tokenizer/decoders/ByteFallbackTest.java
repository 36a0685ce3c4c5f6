package dev.gale.encoder.tokenizer.decoders;

import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertChain;
import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertDecodes;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ByteFallback decoder (decoders/byte_fallback.rs): runs of {@code <0xNN>} tokens to text, or
 * one U+FFFD piece per byte token when the run is not valid UTF-8. Expected values come from Python
 * tokenizers 0.23.2: {@code tokenizers.decoders.ByteFallback().decode(tokens)}.
 */
class ByteFallbackTest {
    @Test
    void decodesLikeHuggingFace() {
        assertDecodes("", new ByteFallback(), List.of());
        assertDecodes("", new ByteFallback(), List.of(""));
        assertDecodes("Heyfriend!", new ByteFallback(), List.of("Hey", "friend!"));
        assertDecodes("a", new ByteFallback(), List.of("<0x61>"));
        assertDecodes("\uFFFD", new ByteFallback(), List.of("<0xE5>"));
        assertDecodes("\uFFFD\uFFFD", new ByteFallback(), List.of("<0xE5>", "<0x8f>"));
        assertDecodes("叫", new ByteFallback(), List.of("<0xE5>", "<0x8f>", "<0xab>"));
        assertDecodes("叫a", new ByteFallback(), List.of("<0xE5>", "<0x8f>", "<0xab>", "a"));
        assertDecodes("\uFFFD\uFFFDa", new ByteFallback(), List.of("<0xE5>", "<0x8f>", "a"));
        assertDecodes("ABC", new ByteFallback(), List.of("<0x41>", "<0x42>", "", "<0x43>"));
        assertDecodes("é", new ByteFallback(), List.of("<0xC3>", "<0xA9>"));
        assertDecodes("\uD83D\uDE00", new ByteFallback(), List.of("<0xF0>", "<0x9F>", "<0x98>", "<0x80>"));
        assertDecodes("\uFFFD\uFFFD\uFFFD", new ByteFallback(), List.of("<0xF0>", "<0x9F>", "<0x98>"));
        assertDecodes("\uFFFD\uFFFD\uFFFD", new ByteFallback(), List.of("<0xED>", "<0xA0>", "<0x80>"));
        assertDecodes("\uFFFD\uFFFD", new ByteFallback(), List.of("<0xC0>", "<0x80>"));
        assertDecodes("\uFFFD\uFFFD", new ByteFallback(), List.of("<0xff>", "<0xFf>"));
        assertDecodes("\u0000\u007F", new ByteFallback(), List.of("<0x00>", "<0x7F>"));
    }

    @Test
    void readsNnAsRustsFromStrRadix() {
        assertDecodes("\u0001\u000F<0x-1><0x 1><0x1 ><0x++><0x+>", new ByteFallback(), List.of("<0x+1>", "<0x+f>", "<0x-1>", "<0x 1>", "<0x1 >", "<0x++>", "<0x+>"));
        assertDecodes("<0X41><0x41>><0x><0x041><0xZZ><0xé><0xa>", new ByteFallback(), List.of("<0X41>", "<0x41>>", "<0x>", "<0x041>", "<0xZZ>", "<0xé>", "<0xa>"));
        assertDecodes("<0xＡ><0x٣><0x١٢>", new ByteFallback(), List.of("<0xＡ>", "<0x٣>", "<0x١٢>"));
    }

    @Test
    void invalidRunsGiveOneReplacementPerByte() {
        assertDecodes("\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD", new ByteFallback(), List.of("<0xE5>", "<0x8f>", "<0xab>", "<0xE5>", "<0x8f>"));
        assertChain(List.of("\uFFFD", "\uFFFD", "a"), new ByteFallback(), List.of("<0xE5>", "<0x8f>", "a"));
        assertChain(List.of("叫", "a", "AB"), new ByteFallback(), List.of("<0xE5>", "<0x8f>", "<0xab>", "a", "<0x41>", "<0x42>"));
        assertChain(List.of("AB", "", "\uFFFD"), new ByteFallback(), List.of("<0x41>", "<0x42>", "", "<0xE5>"));
    }
}
