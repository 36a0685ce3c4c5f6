package dev.gale.encoder.tokenizer.decoders;

import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertChain;
import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertDecodes;
import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertPanics;

import dev.gale.encoder.tokenizer.normalizers.Replace;
import dev.gale.encoder.tokenizer.pretokenizers.Metaspace.PrependScheme;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuse (decoders/fuse.rs) and Sequence (decoders/sequence.rs): each step sees the previous step's
 * pieces. Expected values come from Python tokenizers 0.23.2: {@code tokenizers.decoders.Fuse()}
 * and {@code tokenizers.decoders.Sequence([...]).decode(tokens)}; the first Sequence case is
 * sequence.rs's own test.
 */
class SequenceTest {
    @Test
    void fuseJoinsEverythingIntoOnePiece() {
        assertDecodes("", new Fuse(), List.of());
        assertDecodes("ab", new Fuse(), List.of("a", "", "b"));
        assertChain(List.of("Hey friend!"), new Fuse(), List.of("Hey", " friend!"));
        assertChain(List.of(""), new Fuse(), List.of());
    }

    @Test
    void sequenceFeedsEachDecoderThePreviousPieces() {
        assertDecodes("Hi you", new Sequence(List.of(new CTC("<pad>", "|", true), new Metaspace('▁', PrependScheme.ALWAYS))), List.of("▁", "▁", "H", "H", "i", "i", "▁", "y", "o", "u"));
        assertDecodes("ab", new Sequence(List.of()), List.of("a", "b"));
        assertChain(List.of("a", "b"), new Sequence(List.of()), List.of("a", "b"));
        assertDecodes("aA", new Sequence(List.of(new ByteFallback(), new Strip(0xFFFD, 1, 0))), List.of("<0xE5>", "<0x8f>", "a", "<0x41>"));
        assertDecodes("\uFFFDaA", new Sequence(List.of(new ByteFallback(), new Fuse(), new Strip(0xFFFD, 1, 0))), List.of("<0xE5>", "<0x8f>", "a", "<0x41>"));
        assertChain(List.of("Hi! \uFFFD"), new Sequence(List.of(Replace.literal("▁", " "), new ByteFallback(), new Fuse(), new Strip(' ', 1, 0))), List.of("▁Hi", "<0x21>", "▁", "<0xE5>"));
        assertPanics(new Sequence(List.of(new Fuse(), new Strip(' ', 0, 1))), List.of()); // PanicException: Fuse gives [""]
        assertPanics(new Sequence(List.of(new ByteLevel(), new Strip(' ', 0, 1))), List.of()); // PanicException: so does ByteLevel
        assertChain(List.of(" ab "), new ByteLevel(), List.of("Ġa", "b", "Ġ"));
    }
}
