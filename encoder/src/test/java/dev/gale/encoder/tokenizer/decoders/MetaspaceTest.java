package dev.gale.encoder.tokenizer.decoders;

import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertChain;
import static dev.gale.encoder.tokenizer.decoders.DecoderAssertions.assertDecodes;

import dev.gale.encoder.tokenizer.pretokenizers.Metaspace.PrependScheme;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Metaspace decoder (pre_tokenizers/metaspace.rs): the replacement becomes a space, and every
 * occurrence of it in the first token is dropped unless prepend_scheme is never. Expected values
 * come from Python tokenizers 0.23.2: {@code tokenizers.decoders.Metaspace(replacement=r,
 * prepend_scheme=s).decode(tokens)}.
 */
class MetaspaceTest {
    @Test
    void alwaysDropsEveryReplacementOfTheFirstToken() {
        assertDecodes("", new Metaspace('▁', PrependScheme.ALWAYS), List.of());
        assertDecodes("", new Metaspace('▁', PrependScheme.ALWAYS), List.of(""));
        assertDecodes("Hey friend!", new Metaspace('▁', PrependScheme.ALWAYS), List.of("▁Hey", "▁friend", "!"));
        assertDecodes("Hey friend", new Metaspace('▁', PrependScheme.ALWAYS), List.of("Hey", "▁friend"));
        assertDecodes("ab c d", new Metaspace('▁', PrependScheme.ALWAYS), List.of("▁a▁b", "▁c▁", "d"));
        assertDecodes("", new Metaspace('▁', PrependScheme.ALWAYS), List.of("▁"));
        assertDecodes("x  ", new Metaspace('▁', PrependScheme.ALWAYS), List.of("▁▁x", "▁▁"));
        assertDecodes("_a ", new Metaspace('▁', PrependScheme.ALWAYS), List.of("_a", "▁"));
        assertChain(List.of("ab", " c ", "d"), new Metaspace('▁', PrependScheme.ALWAYS), List.of("▁a▁b", "▁c▁", "d"));
    }

    @Test
    void firstDecodesLikeAlways() {
        assertDecodes("", new Metaspace('▁', PrependScheme.FIRST), List.of());
        assertDecodes("", new Metaspace('▁', PrependScheme.FIRST), List.of(""));
        assertDecodes("Hey friend!", new Metaspace('▁', PrependScheme.FIRST), List.of("▁Hey", "▁friend", "!"));
        assertDecodes("Hey friend", new Metaspace('▁', PrependScheme.FIRST), List.of("Hey", "▁friend"));
        assertDecodes("ab c d", new Metaspace('▁', PrependScheme.FIRST), List.of("▁a▁b", "▁c▁", "d"));
        assertDecodes("", new Metaspace('▁', PrependScheme.FIRST), List.of("▁"));
        assertDecodes("x  ", new Metaspace('▁', PrependScheme.FIRST), List.of("▁▁x", "▁▁"));
        assertDecodes("_a ", new Metaspace('▁', PrependScheme.FIRST), List.of("_a", "▁"));
        assertChain(List.of("ab", " c ", "d"), new Metaspace('▁', PrependScheme.FIRST), List.of("▁a▁b", "▁c▁", "d"));
    }

    @Test
    void neverTurnsEveryReplacementIntoASpace() {
        assertDecodes("", new Metaspace('▁', PrependScheme.NEVER), List.of());
        assertDecodes("", new Metaspace('▁', PrependScheme.NEVER), List.of(""));
        assertDecodes(" Hey friend!", new Metaspace('▁', PrependScheme.NEVER), List.of("▁Hey", "▁friend", "!"));
        assertDecodes("Hey friend", new Metaspace('▁', PrependScheme.NEVER), List.of("Hey", "▁friend"));
        assertDecodes(" a b c d", new Metaspace('▁', PrependScheme.NEVER), List.of("▁a▁b", "▁c▁", "d"));
        assertDecodes(" ", new Metaspace('▁', PrependScheme.NEVER), List.of("▁"));
        assertDecodes("  x  ", new Metaspace('▁', PrependScheme.NEVER), List.of("▁▁x", "▁▁"));
        assertDecodes("_a ", new Metaspace('▁', PrependScheme.NEVER), List.of("_a", "▁"));
        assertChain(List.of(" a b", " c ", "d"), new Metaspace('▁', PrependScheme.NEVER), List.of("▁a▁b", "▁c▁", "d"));
    }

    @Test
    void otherReplacementsIncludingOutsideTheBmp() {
        assertDecodes("ab▁c d  ", new Metaspace('_', PrependScheme.ALWAYS), List.of("_a_b", "▁c", "_d__"));
        assertDecodes("ab \uD83D\uDE01c", new Metaspace(0x1F600, PrependScheme.ALWAYS), List.of("\uD83D\uDE00a\uD83D\uDE00", "b\uD83D\uDE00", "\uD83D\uDE01c"));
        assertDecodes(" a b \uD83D\uDE01c", new Metaspace(0x1F600, PrependScheme.NEVER), List.of("\uD83D\uDE00a\uD83D\uDE00", "b\uD83D\uDE00", "\uD83D\uDE01c"));
    }
}
