package dev.gale.encoder.tokenizer.normalizers;

import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.Normalizer;

/**
 * Hugging Face's {@code StripAccents} ({@code normalizers/strip.rs}): drops every combining mark
 * (General_Category Mark, as {@code unicode-normalization-alignments}'s {@code is_combining_mark}
 * sees it in Unicode 9). It only strips what an earlier NFD or NFKD has decomposed.
 */
public final class StripAccents implements Normalizer {

    public static final StripAccents INSTANCE = new StripAccents();

    private StripAccents() {}

    @Override
    public void normalize(NormalizedString text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            if (text.charAt(i) >= 0x300 && UnicodeTables.isCombiningMark(text.codePointAt(i))) {
                text.filter(cp -> !UnicodeTables.isCombiningMark(cp));
                return;
            }
        }
    }
}
