package dev.gale.encoder.tokenizer.decoders;

import dev.gale.encoder.tokenizer.Decoder;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face's {@code Replace} as a decoder ({@code normalizers/replace.rs}): every match of the
 * pattern in a token replaced by {@code content}. A {@code String} pattern is matched literally
 * (Rust's {@code str::replace} semantics, empty pattern included); a {@code Regex} one is run by
 * {@link java.util.regex} with Oniguruma's defaults that differ from Java's turned on (line
 * anchors, Unicode classes); other Oniguruma-only syntax is not translated.
 */
public final class Replace implements Decoder {

    private final String literal;  // null for a regex pattern
    private final Pattern regex;   // null for a literal pattern
    private final String content;

    private Replace(String literal, Pattern regex, String content) {
        this.literal = literal;
        this.regex = regex;
        this.content = content;
    }

    /** The {@code {"String": literal}} pattern. */
    public static Replace literal(String literal, String content) {
        return new Replace(literal, null, content);
    }

    /**
     * The {@code {"Regex": regex}} pattern.
     *
     * @throws java.util.regex.PatternSyntaxException when Java cannot compile it
     */
    public static Replace regex(String regex, String content) {
        return new Replace(null, Pattern.compile(regex, Pattern.MULTILINE | Pattern.UNICODE_CHARACTER_CLASS),
                content);
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String token : tokens) {
            // pattern.rs find_matches reports no match at all in an empty token, even for a
            // pattern that matches the empty string
            out.add(token.isEmpty() ? token
                    : literal != null ? RustStr.replace(token, literal, content) : replaceRegex(token));
        }
        return out;
    }

    /**
     * The onig crate's {@code find_iter} over Java's {@code find}: an empty match right where the
     * previous match ended is skipped, and so is one between the two chars of a surrogate pair
     * (Oniguruma steps over code points after an empty match, Java over chars).
     */
    private String replaceRegex(String token) {
        Matcher m = regex.matcher(token);
        StringBuilder out = null;
        int prev = -1; // end of the last accepted match
        while (m.find()) {
            int s = m.start();
            if (s == m.end() && (s == prev || s > 0 && s < token.length()
                    && Character.isLowSurrogate(token.charAt(s)) && Character.isHighSurrogate(token.charAt(s - 1)))) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(token.length() + 16);
            }
            out.append(token, Math.max(prev, 0), s).append(content);
            prev = m.end();
        }
        return out == null ? token : out.append(token, prev, token.length()).toString();
    }
}
