package dev.gale.encoder.tokenizer.normalizers;

import static dev.gale.encoder.tokenizer.normalizers.UnicodeTables.GC_CONTROL;
import static dev.gale.encoder.tokenizer.normalizers.UnicodeTables.GC_CR;
import static dev.gale.encoder.tokenizer.normalizers.UnicodeTables.GC_EXTEND;
import static dev.gale.encoder.tokenizer.normalizers.UnicodeTables.GC_EXTENDED_PICTOGRAPHIC;
import static dev.gale.encoder.tokenizer.normalizers.UnicodeTables.GC_INCB_CONSONANT;
import static dev.gale.encoder.tokenizer.normalizers.UnicodeTables.GC_L;
import static dev.gale.encoder.tokenizer.normalizers.UnicodeTables.GC_LF;
import static dev.gale.encoder.tokenizer.normalizers.UnicodeTables.GC_LV;
import static dev.gale.encoder.tokenizer.normalizers.UnicodeTables.GC_LVT;
import static dev.gale.encoder.tokenizer.normalizers.UnicodeTables.GC_PREPEND;
import static dev.gale.encoder.tokenizer.normalizers.UnicodeTables.GC_REGIONAL_INDICATOR;
import static dev.gale.encoder.tokenizer.normalizers.UnicodeTables.GC_SPACING_MARK;
import static dev.gale.encoder.tokenizer.normalizers.UnicodeTables.GC_T;
import static dev.gale.encoder.tokenizer.normalizers.UnicodeTables.GC_V;
import static dev.gale.encoder.tokenizer.normalizers.UnicodeTables.GC_ZWJ;

/**
 * Extended grapheme clusters as the {@code unicode-segmentation} crate (1.13.2, Unicode 17.0.0)
 * finds them for {@code str::graphemes(true)}: {@code GraphemeCursor::next_boundary} and
 * {@code check_pair} of {@code grapheme.rs}, over one chunk holding the whole text. The JDK's
 * {@link java.text.BreakIterator} follows the same rules but with Unicode 16 data.
 */
final class Graphemes {

    private Graphemes() {}

    /** The end of the grapheme cluster that starts at {@code from}, a boundary of {@code text[0, n)}. */
    static int next(CharSequence text, int from, int n) {
        int cp = Character.codePointAt(text, from);
        int offset = from + Character.charCount(cp);
        int before = UnicodeTables.graphemeCategory(cp);
        // Regional indicators in a row ending at `before`, counted from `from`: breaks fall between
        // pairs, so counting from a boundary keeps the parity the crate counts from the start.
        int ris = before == GC_REGIONAL_INDICATOR ? 1 : 0;
        while (offset < n) {
            cp = Character.codePointAt(text, offset);
            int after = UnicodeTables.graphemeCategory(cp);
            if (isBoundary(text, offset, before, after, ris)) {
                return offset;
            }
            offset += Character.charCount(cp);
            ris = after == GC_REGIONAL_INDICATOR ? ris + 1 : 0;
            before = after;
        }
        return n;
    }

    /** {@code check_pair} and the look-behinds of GB9c, GB11 and GB12/13, at {@code offset}. */
    private static boolean isBoundary(CharSequence text, int offset, int before, int after, int ris) {
        if (before == GC_CR && after == GC_LF) {
            return false; // GB3
        }
        if (before == GC_CONTROL || before == GC_CR || before == GC_LF) {
            return true; // GB4
        }
        if (after == GC_CONTROL || after == GC_CR || after == GC_LF) {
            return true; // GB5
        }
        if (before == GC_L && (after == GC_L || after == GC_V || after == GC_LV || after == GC_LVT)) {
            return false; // GB6
        }
        if ((before == GC_LV || before == GC_V) && (after == GC_V || after == GC_T)) {
            return false; // GB7
        }
        if ((before == GC_LVT || before == GC_T) && after == GC_T) {
            return false; // GB8
        }
        if (after == GC_EXTEND || after == GC_ZWJ) {
            return false; // GB9
        }
        if (after == GC_SPACING_MARK || before == GC_PREPEND) {
            return false; // GB9a, GB9b (extended clusters)
        }
        if (after == GC_INCB_CONSONANT) {
            return !afterLinkedConsonant(text, offset); // GB9c
        }
        if (before == GC_ZWJ && after == GC_EXTENDED_PICTOGRAPHIC) {
            return !afterPictographicZwj(text, offset); // GB11
        }
        if (before == GC_REGIONAL_INDICATOR && after == GC_REGIONAL_INDICATOR) {
            return ris % 2 == 0; // GB12, GB13
        }
        return true; // GB999
    }

    /**
     * {@code handle_incb_consonant}: whether {@code text[.., offset)} ends with an InCB consonant
     * followed by InCB Extend and Linker chars, at least one a Linker.
     */
    private static boolean afterLinkedConsonant(CharSequence text, int offset) {
        int linkers = 0;
        for (int i = offset; i > 0; ) {
            int cp = Character.codePointBefore(text, i);
            i -= Character.charCount(cp);
            if (UnicodeTables.isInCBLinker(cp)) {
                linkers++;
            } else if (!UnicodeTables.isInCBExtend(cp)) {
                return linkers > 0 && UnicodeTables.graphemeCategory(cp) == GC_INCB_CONSONANT;
            }
        }
        return false;
    }

    /** {@code handle_emoji}: whether the ZWJ before {@code offset} follows a pictograph and Extend chars. */
    private static boolean afterPictographicZwj(CharSequence text, int offset) {
        int i = offset - Character.charCount(Character.codePointBefore(text, offset)); // the ZWJ
        while (i > 0) {
            int cp = Character.codePointBefore(text, i);
            i -= Character.charCount(cp);
            int cat = UnicodeTables.graphemeCategory(cp);
            if (cat == GC_EXTENDED_PICTOGRAPHIC) {
                return true;
            }
            if (cat != GC_EXTEND) {
                return false;
            }
        }
        return false;
    }
}
