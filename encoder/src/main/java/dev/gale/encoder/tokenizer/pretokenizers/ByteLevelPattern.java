package dev.gale.encoder.tokenizer.pretokenizers;

import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.SplitPattern;
import dev.gale.encoder.tokenizer.UnicodeCategories;

/**
 * GPT-2's word regex, {@code RE} of {@code pre_tokenizers/byte_level.rs}, as a hand scanner that
 * finds the same matches as Oniguruma does (and much faster than {@link java.util.regex}):
 * <pre>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</pre>
 * Every position starts a match of one of the alternatives, so the matches tile the text.
 */
final class ByteLevelPattern implements SplitPattern {

    /** The regex this scanner stands for, as tokenizer.json files spell it in a {@code Split}. */
    static final String REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    static final ByteLevelPattern INSTANCE = new ByteLevelPattern();

    private static final int LETTER = 0;
    private static final int NUMBER = 1;
    private static final int OTHER = 2; // [^\s\p{L}\p{N}]
    private static final int SPACE = 3;

    private ByteLevelPattern() {}

    @Override
    public IntList findMatches(CharSequence inside) {
        int n = inside.length();
        IntList out = new IntList(3 * (n / 4 + 2));
        if (n == 0) {
            out.add(0, 0, 0);
            return out;
        }
        for (int i = 0; i < n; ) {
            int end = matchEnd(inside, i, n);
            out.add(i, end, 1);
            i = end;
        }
        return out;
    }

    /** The end of the match that starts at {@code i < n}. */
    static int matchEnd(CharSequence s, int i, int n) {
        char c = s.charAt(i);
        if (c == '\'' && i + 1 < n) {
            char d = s.charAt(i + 1);
            if (d == 's' || d == 't' || d == 'm' || d == 'd') {
                return i + 2;
            }
            if (i + 2 < n) {
                char e = s.charAt(i + 2);
                if (((d == 'r' || d == 'v') && e == 'e') || (d == 'l' && e == 'l')) {
                    return i + 3;
                }
            }
        }
        int from = i; // where the run of one class begins, after an optional leading space
        int kind;
        if (c == ' ' && i + 1 < n) {
            kind = kindAt(s, i + 1, n);
            if (kind != SPACE) {
                from = i + 1;
            }
        } else {
            kind = kindAt(s, i, n);
        }
        if (kind == SPACE) {
            // \s+(?!\S) gives back the last white space before a non-space; else \s+
            int j = i + 1;
            while (j < n && (CharClasses.of(s.charAt(j)) & CharClasses.WHITESPACE) != 0) {
                j++;
            }
            return j == n || j - i < 2 ? j : j - 1;
        }
        int j = from;
        while (j < n) {
            int cp = UnicodeCategories.codePointAt(s, j, n);
            if (kindOf(cp) != kind) {
                break;
            }
            j += Character.charCount(cp);
        }
        return j;
    }

    private static int kindAt(CharSequence s, int i, int n) {
        return kindOf(UnicodeCategories.codePointAt(s, i, n));
    }

    private static int kindOf(int cp) {
        int flags = CharClasses.of(cp);
        if ((flags & CharClasses.LETTER) != 0) {
            return LETTER;
        }
        if ((flags & CharClasses.NUMBER) != 0) {
            return NUMBER;
        }
        return (flags & CharClasses.WHITESPACE) != 0 ? SPACE : OTHER;
    }
}
