package dev.gale.encoder.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.text.Normalizer;

/**
 * Hugging Face's {@code BertNormalizer} ({@code normalizers/bert.rs}): cleaning, spaces around
 * CJK ideographs, accent stripping and lowercasing, applied in that order to whole code points.
 *
 * @param cleanText drop U+0000, U+FFFD and Cc/Cf/Co characters (but not tab, newline, carriage
 *     return) and turn every White_Space character into a plain space
 * @param handleChineseChars put a space on each side of every CJK ideograph
 * @param stripAccents NFD, then drop non-spacing marks; JSON null means "same as lowercase"
 * @param lowercase Rust's per-character {@code char::to_lowercase}
 */
record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents,
                      boolean lowercase) {

    static BertNormalizer fromJson(JsonNode node, String path, TokenizerJson json) {
        boolean lowercase = json.bool(node, path, "lowercase");
        return new BertNormalizer(
                json.bool(node, path, "clean_text"),
                json.bool(node, path, "handle_chinese_chars"),
                json.bool(node, path, "strip_accents", lowercase),
                lowercase);
    }

    String normalize(CharSequence text) {
        StringBuilder out = new StringBuilder(text.length());
        normalize(text, 0, text.length(), out);
        return out.toString();
    }

    /** Appends the normalized form of {@code text[from, to)} to {@code out}. */
    void normalize(CharSequence text, int from, int to, StringBuilder out) {
        int base = out.length();
        boolean ascii = true;
        for (int i = from; i < to; ) {
            int cp = UnicodeCategories.codePointAt(text, i, to);
            i += Character.charCount(cp);
            if (cleanText) {
                if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                    continue;
                }
                if (UnicodeCategories.isWhitespace(cp)) {
                    cp = ' ';
                }
            }
            if (cp >= 0x80) {
                ascii = false;
                if (handleChineseChars && isChineseChar(cp)) {
                    out.append(' ').appendCodePoint(cp).append(' ');
                    continue;
                }
            }
            out.appendCodePoint(cp);
        }
        // NFD and the marks it exposes only concern non-ASCII text: the common case skips both.
        if (ascii) {
            if (lowercase) {
                for (int i = base; i < out.length(); i++) {
                    char c = out.charAt(i);
                    if (c >= 'A' && c <= 'Z') {
                        out.setCharAt(i, (char) (c + ('a' - 'A')));
                    }
                }
            }
            return;
        }
        if (stripAccents) {
            String decomposed = Normalizer.normalize(out.subSequence(base, out.length()),
                    Normalizer.Form.NFD);
            out.setLength(base);
            for (int i = 0; i < decomposed.length(); ) {
                int cp = decomposed.codePointAt(i);
                i += Character.charCount(cp);
                if (!UnicodeCategories.isMarkNonspacing(cp)) {
                    out.appendCodePoint(cp);
                }
            }
        }
        if (lowercase) {
            String cased = out.substring(base);
            out.setLength(base);
            for (int i = 0; i < cased.length(); ) {
                int cp = cased.codePointAt(i);
                i += Character.charCount(cp);
                appendLowercase(cp, out);
            }
        }
    }

    /**
     * Rust's {@code char::to_lowercase}: the full mapping of one character, without the
     * context-dependent rules (final sigma, Lithuanian, Turkish) that {@link String#toLowerCase}
     * applies. The only unconditional multi-character lowercase mapping is U+0130.
     */
    static void appendLowercase(int cp, StringBuilder out) {
        if (cp == 0x130) {
            out.append("i\u0307");
        } else {
            out.appendCodePoint(Character.toLowerCase(cp));
        }
    }

    /** {@code is_control} of bert.rs: Cc, Cf or Co, except tab, newline and carriage return. */
    static boolean isControl(int cp) {
        return cp != '\t' && cp != '\n' && cp != '\r' && UnicodeCategories.isOther(cp);
    }

    /** {@code is_chinese_char} of bert.rs: the CJK Unified and Compatibility Ideograph blocks. */
    static boolean isChineseChar(int cp) {
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
