package dev.gale.encoder.tokenizer.pretokenizers;

import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.assertPieces;
import static dev.gale.encoder.tokenizer.pretokenizers.PreTokenizerTesting.p;

import dev.gale.encoder.tokenizer.pretokenizers.Metaspace.PrependScheme;
import org.junit.jupiter.api.Test;

/**
 * Expected pieces from Python tokenizers 0.23.2:
 * {@code pre_tokenizers.Metaspace(replacement=..., prepend_scheme=..., split=...).pre_tokenize_str(s)}.
 */
class MetaspaceTest {

    private static final int METASPACE = '\u2581';

    @Test
    void replacesSpacesPrependsAndSplitsBeforeEachReplacement() {
        Metaspace pt = new Metaspace(METASPACE, PrependScheme.ALWAYS, true);
        assertPieces(pt, "Hey friend!", p("▁Hey", 0, 3), p("▁friend!", 3, 11));
        assertPieces(pt, "  Hey   friend! ",
                p("▁", 0, 1), p("▁Hey", 1, 5), p("▁", 5, 6), p("▁", 6, 7), p("▁friend!", 7, 15), p("▁", 15, 16));
        assertPieces(pt, "▁x", p("▁x", 0, 2));
        // only U+0020 is replaced
        assertPieces(pt, "a\u0009b", p("▁a\u0009b", 0, 3));
    }

    @Test
    void prependSchemes() {
        assertPieces(new Metaspace(METASPACE, PrependScheme.FIRST, true), "Hey friend!",
                p("▁Hey", 0, 3), p("▁friend!", 3, 11));
        Metaspace never = new Metaspace(METASPACE, PrependScheme.NEVER, true);
        assertPieces(never, "Hey friend!", p("Hey", 0, 3), p("▁friend!", 3, 11));
        assertPieces(never, " Hey", p("▁Hey", 0, 4));
        // "first": only a piece at original offset 0 (here after WhitespaceSplit)
        Sequence first = new Sequence(java.util.List.of(new WhitespaceSplit(),
                new Metaspace(METASPACE, PrependScheme.FIRST, true)));
        assertPieces(first, "hello world", p("▁hello", 0, 5), p("world", 6, 11));
        assertPieces(first, " hello world", p("hello", 1, 6), p("world", 7, 12));
    }

    @Test
    void withoutSplitThePieceStaysWhole() {
        assertPieces(new Metaspace(METASPACE, PrependScheme.ALWAYS, false), "Hey  friend!", p("▁Hey▁▁friend!", 0, 12));
    }

    @Test
    void supplementaryReplacement() {
        assertPieces(new Metaspace(0x1D538, PrependScheme.ALWAYS, true), "a b  c𝔸d",
                p("𝔸a", 0, 1), p("𝔸b", 1, 3), p("𝔸", 3, 4), p("𝔸c", 4, 6), p("𝔸d", 6, 8));
    }
}
