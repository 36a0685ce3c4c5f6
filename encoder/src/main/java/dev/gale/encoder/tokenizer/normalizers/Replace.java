package dev.gale.encoder.tokenizer.normalizers;

import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.Normalizer;
import dev.gale.encoder.tokenizer.SplitPattern;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face's {@code Replace} ({@code normalizers/replace.rs}, {@code NormalizedString::replace}):
 * every match of the pattern becomes {@code content}, whose chars all take the alignment of the last
 * char of the match (an empty match: of the char before it).
 *
 * <p>Hugging Face compiles a {@code String} pattern as an escaped Oniguruma regex, so the empty
 * string matches before every char and at the end, as the empty regex does; a non-empty one is
 * found left to right without overlaps, here by a plain scan.
 */
public final class Replace implements Normalizer {

    /** A regex that is one char, maybe escaped, repeated at least n >= 1 times, greedily. */
    private static final Pattern RUN = Pattern.compile("([ \\w]|\\\\\\p{Punct})\\{([1-9]\\d{0,3}),\\}");

    private final SplitPattern pattern;
    private final String content;

    private Replace(SplitPattern pattern, String content) {
        this.pattern = pattern;
        this.content = content;
    }

    /** {@code ReplacePattern::String}. */
    public static Replace literal(String literal, String content) {
        return new Replace(literal.isEmpty() ? OnigRegex.compile("") : literalPattern(literal), content);
    }

    /**
     * {@code ReplacePattern::Regex}.
     *
     * @throws IllegalArgumentException when the regex has no java.util.regex translation
     */
    public static Replace regex(String regex, String content) {
        Matcher run = RUN.matcher(regex);
        if (run.matches()) {
            // " {2,}" of SentencePiece conversions (XLM-R, mBART, ...): runs of one char, scanned by hand.
            return new Replace(runPattern(run.group(1).charAt(run.group(1).length() - 1),
                    Integer.parseInt(run.group(2))), content);
        }
        return new Replace(OnigRegex.compile(regex), content);
    }

    @Override
    public void normalize(NormalizedString text) {
        text.replace(pattern, content);
    }

    /** The matches of {@code c{min,}}: every maximal run of at least {@code min} {@code c}s. */
    private static SplitPattern runPattern(char c, int min) {
        return inside -> {
            int n = inside.length();
            IntList out = new IntList(16);
            if (n == 0) {
                out.add(0, 0, 0);
                return out;
            }
            int prev = 0;
            for (int i = 0; i < n; ) {
                if (inside.charAt(i) != c) {
                    i++;
                    continue;
                }
                int end = i + 1;
                while (end < n && inside.charAt(end) == c) {
                    end++;
                }
                if (end - i >= min) {
                    if (prev != i) {
                        out.add(prev, i, 0);
                    }
                    out.add(i, end, 1);
                    prev = end;
                }
                i = end;
            }
            if (prev != n) {
                out.add(prev, n, 0);
            }
            return out;
        };
    }

    private static SplitPattern literalPattern(String literal) {
        int length = literal.length();
        char first = literal.charAt(0);
        return inside -> {
            int n = inside.length();
            IntList out = new IntList(16);
            if (n == 0) {
                out.add(0, 0, 0);
                return out;
            }
            int prev = 0;
            for (int i = 0; i + length <= n; ) {
                if (inside.charAt(i) == first && matchesAt(inside, i, literal)) {
                    if (prev != i) {
                        out.add(prev, i, 0);
                    }
                    out.add(i, i + length, 1);
                    i += length;
                    prev = i;
                } else {
                    i++;
                }
            }
            if (prev != n) {
                out.add(prev, n, 0);
            }
            return out;
        };
    }

    private static boolean matchesAt(CharSequence inside, int at, String literal) {
        for (int k = 1; k < literal.length(); k++) {
            if (inside.charAt(at + k) != literal.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
