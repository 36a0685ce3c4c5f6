package dev.gale.encoder.tokenizer.normalizers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.Normalizer;

/**
 * Checks normalizers against Python tokenizers 0.23.2, whose NormalizedString has no accessor for
 * its alignments. The expected offsets in the tests are read through a PreTokenizedString split
 * into one piece per normalized char (the cheapest exact way), in code points of the original:
 *
 * <pre>
 * from tokenizers import PreTokenizedString, normalizers, Regex
 * def align(norm, text):
 *     pre = PreTokenizedString(text)
 *     pre.normalize(lambda ns: norm.normalize(ns))
 *     pre.split(lambda i, ns: [ns[j:j + 1] for j in range(len(ns.normalized))])
 *     splits = pre.get_splits(offset_referential="original", offset_type="char")
 *     return "".join(s for s, _, _ in splits), [o for _, o, _ in splits]
 * </pre>
 */
final class Alignments {

    private Alignments() {}

    /** Python's {@code str} of the offsets list: "[(0, 1), (0, 1), (1, 2)]", in code points. */
    static String of(NormalizedString s) {
        StringBuilder out = new StringBuilder("[");
        String original = s.original();
        for (int i = 0; i < s.length(); ) {
            if (i > 0) {
                out.append(", ");
            }
            out.append('(').append(original.codePointCount(0, s.alignmentStart(i))).append(", ")
                    .append(original.codePointCount(0, s.alignmentEnd(i))).append(')');
            i += Character.charCount(s.codePointAt(i));
        }
        return out.append(']').toString();
    }

    /** Normalizes {@code text} and checks the result and its offsets against {@code align(norm, text)}. */
    static void check(Normalizer normalizer, String text, String normalized, String offsets) {
        NormalizedString s = NormalizedString.of(text);
        normalizer.normalize(s);
        assertEquals(normalized, s.toString(), "normalized text of '" + text + "'");
        assertEquals(offsets, of(s), "offsets of '" + text + "' -> '" + normalized + "'");
    }
}
