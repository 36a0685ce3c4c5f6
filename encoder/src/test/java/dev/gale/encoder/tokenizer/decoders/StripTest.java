package dev.gale.encoder.tokenizer.decoders;

import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertChain;
import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertDecodes;
import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertPanics;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Strip decoder (decoders/strip.rs), including the inputs on which the Rust code panics.
 * Expected values come from Python tokenizers 0.23.2: {@code tokenizers.decoders.Strip(content=c,
 * left=start, right=stop).decode(tokens)}; assertPanics marks the inputs on which that call raises
 * PanicException.
 */
class StripTest {
    @Test
    void decodesLikeHuggingFace() {
        assertDecodes("ey friend!HH", new Strip('H', 1, 0), List.of("Hey", " friend!", "HHH"));
        assertDecodes("He friend!", new Strip('y', 0, 1), List.of("Hey", " friend!"));
        assertDecodes("hello worldx", new Strip(' ', 1, 0), List.of(" hello", "  world", "", "x"));
        assertDecodes("a b cd", new Strip(' ', 2, 2), List.of("  a  ", "   b   ", " c", "d "));
        assertDecodes("   a", new Strip(' ', 0, 5), List.of("   a"));
        assertDecodes("", new Strip(' ', 5, 0), List.of("  ", "   "));
        assertDecodes("a", new Strip(' ', 3, 3), List.of("a"));
        assertDecodes(" ", new Strip(' ', 0, 0), List.of("", " "));
        assertDecodes("▁a", new Strip('▁', 1, 0), List.of("▁▁a"));
    }

    @Test
    void throwsWhereHuggingFacePanics() {
        assertPanics(new Strip(' ', 0, 5), List.of("  ")); // PanicException
        assertPanics(new Strip(' ', 1, 1), List.of(" ")); // PanicException
        assertPanics(new Strip(' ', 1, 1), List.of("")); // PanicException
        assertPanics(new Strip(' ', 0, 1), List.of("a", "")); // PanicException
        assertPanics(new Strip(' ', 2, 2), List.of("  a  ", " ", "b")); // PanicException
        assertPanics(new Strip(' ', 2, 2), List.of("  ", "a")); // PanicException
        assertPanics(new Strip(' ', 1, 2), List.of("  ")); // PanicException
        assertPanics(new Strip(0x1F600, 1, 1), List.of("\uD83D\uDE00a\uD83D\uDE00\uD83D\uDE00", "\uD83D\uDE00")); // PanicException
        assertPanics(new Strip(0x1F600, 1, 2), List.of("\uD83D\uDE00\uD83D\uDE00")); // PanicException
    }

    @Test
    void chainKeepsOnePiecePerToken() {
        assertChain(List.of("a", "b", ""), new Strip(' ', 1, 1), List.of(" a ", "b ", "  "));
    }
}
