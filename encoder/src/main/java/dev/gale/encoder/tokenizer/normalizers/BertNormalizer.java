package dev.gale.encoder.tokenizer.normalizers;

import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.Normalizer;
import dev.gale.encoder.tokenizer.TokenizerJson;
import dev.gale.encoder.tokenizer.UnicodeCategories;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Hugging Face's {@code BertNormalizer} ({@code normalizers/bert.rs}): cleaning, spaces around CJK
 * ideographs, accent stripping and lowercasing, in that order, with bert.rs's alignments.
 *
 * @param cleanText {@code do_clean_text}: drop U+0000, U+FFFD and Cc/Cf/Co chars (not tab, newline,
 *     carriage return), then turn every White_Space char into a space; both keep each char's alignment
 * @param handleChineseChars a space on each side of every CJK ideograph, both aligned to it
 * @param stripAccents NFD (as {@link UnicodeNormalizer#NFD}), then drop non-spacing marks; JSON null
 *     means "same as lowercase"
 * @param lowercase {@link Lowercase}
 */
public record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents,
                             boolean lowercase) implements Normalizer {

    static BertNormalizer fromJson(JsonNode node, String path, TokenizerJson json) {
        boolean lowercase = json.bool(node, path, "lowercase");
        return new BertNormalizer(
                json.bool(node, path, "clean_text"),
                json.bool(node, path, "handle_chinese_chars"),
                json.bool(node, path, "strip_accents", lowercase),
                lowercase);
    }

    @Override
    public void normalize(NormalizedString text) {
        if (cleanText) {
            cleanText(text);
        }
        if (handleChineseChars) {
            handleChineseChars(text);
        }
        if (stripAccents && !isAscii(text)) {
            // NFD and the marks it exposes only concern non-ASCII text: the common case skips both.
            UnicodeNormalizer.NFD.normalize(text);
            if (hasNonspacingMark(text)) {
                text.filter(cp -> !UnicodeCategories.isMarkNonspacing(cp));
            }
        }
        if (lowercase) {
            Lowercase.lowercase(text);
        }
    }

    /**
     * {@code do_clean_text}: the filter decides on the original chars (vertical tab, form feed and NEL
     * are Cc, so they go rather than become spaces); the map is one char for one, done in place.
     * A lone surrogate, which a Rust string cannot hold, is dropped like U+FFFD.
     */
    private static void cleanText(NormalizedString text) {
        boolean remove = false;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                continue;
            }
            int cp = text.codePointAt(i);
            if (isRemoved(cp)) {
                remove = true;
            } else if (cp != ' ' && UnicodeCategories.isWhitespace(cp)) {
                text.setCharAt(i, ' ');
            }
            if (cp > 0xFFFF) {
                i++;
            }
        }
        if (remove) {
            text.filter(cp -> !isRemoved(cp));
        }
    }

    private static boolean isRemoved(int cp) {
        return cp == 0 || cp == 0xFFFD || isControl(cp) || (cp >= 0xD800 && cp <= 0xDFFF);
    }

    /** {@code do_handle_chinese_chars}: each ideograph c becomes (' ', 0), (c, 1), (' ', 1). */
    private static void handleChineseChars(NormalizedString text) {
        int n = text.length();
        int first = -1;
        int end = 0;
        for (int i = 0; i < n; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isChineseChar(cp)) {
                if (first < 0) {
                    first = i - Character.charCount(cp);
                }
                end = i;
            }
        }
        if (first < 0) {
            return;
        }
        IntList dest = new IntList(2 * (end - first) + 16);
        for (int i = first; i < end; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isChineseChar(cp)) {
                dest.add(' ');
                dest.add(0);
                dest.add(cp);
                dest.add(1);
                dest.add(' ');
                dest.add(1);
            } else {
                dest.add(cp);
                dest.add(0);
            }
        }
        text.transformRange(first, end, dest, 0);
    }

    private static boolean isAscii(NormalizedString text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasNonspacingMark(NormalizedString text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            if (text.charAt(i) >= 0x300 && UnicodeCategories.isMarkNonspacing(text.codePointAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** {@code is_control} of bert.rs: Cc, Cf or Co, except tab, newline and carriage return. */
    private static boolean isControl(int cp) {
        return cp != '\t' && cp != '\n' && cp != '\r' && UnicodeCategories.isOther(cp);
    }

    /** {@code is_chinese_char} of bert.rs: the CJK Unified and Compatibility Ideograph blocks. */
    private static boolean isChineseChar(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
