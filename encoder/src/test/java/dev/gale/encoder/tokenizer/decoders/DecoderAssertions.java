package dev.gale.encoder.tokenizer.decoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gale.encoder.tokenizer.Decoder;
import java.util.List;

/** The checks the decoder tests share. */
final class DecoderAssertions {

    private DecoderAssertions() {
    }

    /** {@code decoder.decode(tokens)} is {@code expected}, as Python's {@code decoder.decode(tokens)} is. */
    static void assertDecodes(String expected, Decoder decoder, List<String> tokens) {
        assertEquals(expected, decoder.decode(tokens), () -> "decoding " + tokens);
    }

    /**
     * {@code decodeChain} gives these pieces. Python does not expose decode_chain; the expected
     * pieces were read through {@code Sequence([decoder, Replace(" ", "\x02"), WordPiece("\x01",
     * False)])}, whose output joins the pieces with single spaces.
     */
    static void assertChain(List<String> expected, Decoder decoder, List<String> tokens) {
        assertEquals(expected, decoder.decodeChain(tokens), () -> "decode_chain of " + tokens);
    }

    /** Where Hugging Face's Rust code panics, Gale refuses with an exception naming the problem. */
    static void assertPanics(Decoder decoder, List<String> tokens) {
        assertThrows(IllegalArgumentException.class, () -> decoder.decodeChain(tokens), () -> "decoding " + tokens);
    }
}
