package dev.gale.encoder.tokenizer;

import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face's {@code Pattern} ({@code tokenizer/pattern.rs}): finds the matches in a text, as
 * (start, end, isMatch) triples that cover it end to end, in chars.
 */
@FunctionalInterface
public interface SplitPattern {

    /** (start, end, 1 for a match / 0 for the text between) triples covering {@code inside}. */
    IntList findMatches(CharSequence inside);

    /** Every code point that {@code test} accepts is a match of its own ({@code Fn(char) -> bool}). */
    static SplitPattern ofCodePoints(IntPredicate test) {
        return inside -> {
            int n = inside.length();
            IntList out = new IntList(16);
            if (n == 0) {
                out.add(0, 0, 0);
                return out;
            }
            int last = 0;
            for (int i = 0; i < n; ) {
                int cp = UnicodeCategories.codePointAt(inside, i, n);
                int next = i + Character.charCount(cp);
                if (test.test(cp)) {
                    if (last < i) {
                        out.add(last, i, 0);
                    }
                    out.add(i, next, 1);
                    last = next;
                }
                i = next;
            }
            if (n > last) {
                out.add(last, n, 0);
            }
            return out;
        };
    }

    /** Every occurrence of {@code literal}, left to right, not overlapping. */
    static SplitPattern literal(String literal) {
        if (literal.isEmpty()) {
            return inside -> {
                IntList out = new IntList(3);
                out.add(0, inside.length(), 0);
                return out;
            };
        }
        return regex(Pattern.compile(Pattern.quote(literal)));
    }

    /**
     * An Oniguruma pattern (the regex engine of Hugging Face's {@code SysRegex}) as a Java one: line
     * anchors, and Unicode {@code \s \d \w} as Oniguruma's UTF-8 encoding gives them.
     *
     * @throws java.util.regex.PatternSyntaxException when Java cannot read it
     */
    static Pattern compileOniguruma(String pattern) {
        return Pattern.compile(pattern, Pattern.MULTILINE | Pattern.UNICODE_CHARACTER_CLASS);
    }

    /**
     * Every match of {@code regex}, as Oniguruma's {@code find_iter} gives them: empty matches included,
     * except one right where the previous match ended, or one between the halves of a surrogate pair.
     */
    static SplitPattern regex(Pattern regex) {
        return inside -> {
            int n = inside.length();
            IntList out = new IntList(16);
            if (n == 0) {
                out.add(0, 0, 0);
                return out;
            }
            Matcher m = regex.matcher(inside);
            int prev = 0;
            int lastEnd = -1;
            while (m.find()) {
                int start = m.start();
                if (start == m.end() && (start == lastEnd || (start > 0 && start < n
                        && Character.isLowSurrogate(inside.charAt(start))
                        && Character.isHighSurrogate(inside.charAt(start - 1))))) {
                    continue;
                }
                lastEnd = m.end();
                if (prev != m.start()) {
                    out.add(prev, m.start(), 0);
                }
                out.add(m.start(), m.end(), 1);
                prev = m.end();
            }
            if (prev != n) {
                out.add(prev, n, 0);
            }
            return out;
        };
    }
}
