package dev.gale.encoder.tokenizer.normalizers;

import static dev.gale.encoder.tokenizer.normalizers.Alignments.check;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Precompiled against Python tokenizers 0.23.2:
 * {@code align(normalizers.Precompiled(charsmap), text)} (see {@link Alignments}), with two charsmaps
 * that gen_expected.py compiles with sentencepiece 0.2.2: SentencePiece's nmt_nfkc rules (those of
 * XLM-R, DeBERTa-v3, T5...) and a few custom rules (CUSTOM_RULES there) that show Hugging Face's
 * quirks.
 */
class PrecompiledTest {

    static final Precompiled NMT_NFKC = new Precompiled(resource("nmt_nfkc.charsmap.gz"));
    static final Precompiled CUSTOM = new Precompiled(resource("custom.charsmap"));

    static byte[] resource(String name) {
        try (InputStream in = PrecompiledTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            return name.endsWith(".gz") ? new GZIPInputStream(in).readAllBytes() : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void customRulesShowTheQuirksOfGraphemeLookups() {
        // Rules: a->A, e+U+0301->E, (TM)->TM, U+001E->"", U+1F1FA->U, CR->space, ka+virama->K,
        // e-acute->e+2 acutes, U+1100->"LVT-JAMO", ABCDEF->x.
        // A cluster under 6 bytes takes the rule of its shortest prefix and loses the rest ("a" + one
        // or two acutes, a + ZWJ, a + visarga); from 6 bytes on it goes char by char (three acutes,
        // ka + virama, whose 6-byte rule never applies, ABCDEF). "\r\n" is one cluster: one space.
        // A removal adds its -1 to the char emitted before it, even in another cluster (TM + U+001E),
        // and with nothing before it the next char takes the removed char's alignment (U+001E + g).
        check(CUSTOM, "banana",
                "bAnAnA", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]");
        check(CUSTOM, "a\u0301b",
                "Ab", "[(0, 1), (2, 3)]");
        check(CUSTOM, "a\u0301\u0301b",
                "Ab", "[(0, 1), (3, 4)]");
        check(CUSTOM, "a\u0301\u0301\u0301b",
                "A\u0301\u0301\u0301b", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]");
        check(CUSTOM, "e\u0301",
                "E", "[(0, 1)]");
        check(CUSTOM, "e\u0301\u0323",
                "E", "[(0, 1)]");
        check(CUSTOM, "\u00E9",
                "e\u0301\u0301", "[(0, 1), (0, 1), (0, 1)]");
        check(CUSTOM, "\u2122\u001Eg",
                "TMg", "[(0, 1), (1, 2), (2, 3)]");
        check(CUSTOM, "\u001Eg",
                "g", "[(0, 1)]");
        check(CUSTOM, "x\u001E",
                "x", "[(0, 1)]");
        check(CUSTOM, "\uD83C\uDDFA\uD83C\uDDF8",
                "U\uD83C\uDDF8", "[(0, 1), (1, 2)]");
        check(CUSTOM, "\uD83C\uDDFA\uD83C\uDDFA\uD83C\uDDFA",
                "UUU", "[(0, 1), (1, 2), (2, 3)]");
        check(CUSTOM, "a\r\nb\rc",
                "A b c", "[(0, 1), (1, 2), (3, 4), (4, 5), (5, 6)]");
        check(CUSTOM, "\u0915\u094D\u0937",
                "\u0915\u094D\u0937", "[(0, 1), (1, 2), (2, 3)]");
        check(CUSTOM, "\u0915\u094D",
                "\u0915\u094D", "[(0, 1), (1, 2)]");
        check(CUSTOM, "\u1100\u1161",
                "LVT-JAMO\u1161", "[(0, 1), (0, 1), (0, 1), (0, 1), (0, 1), (0, 1), (0, 1), (0, 1), (1, 2)]");
        check(CUSTOM, "ABCDEF",
                "ABCDEF", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]");
        check(CUSTOM, "ABCDE",
                "ABCDE", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]");
        check(CUSTOM, "a\u200D\uD83D\uDE00",
                "A\uD83D\uDE00", "[(0, 1), (2, 3)]");
        check(CUSTOM, "\u0600a",
                "\u0600A", "[(0, 1), (1, 2)]");
        check(CUSTOM, "xa\u0903",
                "xA", "[(0, 1), (1, 2)]");
        check(CUSTOM, "",
                "", "[]");
    }

    @Test
    void nmtNfkcRules() {
        check(NMT_NFKC, "Hello\nworld\t!",
                "Hello world !", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11), (11, 12), (12, 13)]");
        check(NMT_NFKC, "\uFF21\uFF42\uFF43 \uFB01 \u2460 \u00BD",
                "Abc fi 1 1\u20442", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (8, 9), (8, 9)]");
        check(NMT_NFKC, "\u00E9 e\u0301 \u212B",
                "\u00E9 \u00E9 \u00C5", "[(0, 1), (1, 2), (2, 3), (4, 5), (5, 6)]");
        check(NMT_NFKC, "\u007F\u0000x\u200B",
                "\u0000x ", "[(0, 1), (1, 2), (2, 3)]");
        check(NMT_NFKC, "\uD55C\uAD6D\uC5B4 \u1112\u1161\u11AB",
                "\uD55C\uAD6D\uC5B4 \u1112\u1161\u11AB", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)]");
        check(NMT_NFKC, "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 \uD83C\uDDFA\uD83C\uDDF8",
                "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 \uD83C\uDDFA\uD83C\uDDF8", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8)]");
        check(NMT_NFKC, "\u0915\u094D\u0937 \u0930\u094D\u092F",
                "\u0915\u094D\u0937 \u0930\u094D\u092F", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)]");
        check(NMT_NFKC, "a\r\n\r\nb",
                "a  b", "[(0, 1), (1, 2), (3, 4), (5, 6)]");
        check(NMT_NFKC, "\u3000\u00A0\u2028x",
                "   x", "[(0, 1), (1, 2), (2, 3), (3, 4)]");
        check(NMT_NFKC, "\u2122\u2026\u2025",
                "TM.....", "[(0, 1), (0, 1), (1, 2), (1, 2), (1, 2), (2, 3), (2, 3)]");
    }

    @Test
    void asciiIntoAsciiIsRewrittenInPlace() {
        // align(normalizers.Precompiled(nmt_nfkc), "a\tb\nc") -> "a b c", [(0, 1), ..., (4, 5)]
        check(NMT_NFKC, "a\tb\nc", "a b c", "[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]");
    }

    @Test
    void badCharsmapsAreRefused() {
        // Hugging Face: "Cannot parse precompiled_charsmap" for these.
        assertThrows(IllegalArgumentException.class, () -> new Precompiled(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new Precompiled(new byte[] {8, 0, 0, 0, 1, 2}));
        assertThrows(IllegalArgumentException.class, () -> new Precompiled(new byte[] {4, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF}));
    }
}
