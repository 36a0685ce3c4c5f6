package dev.gale.encoder.tokenizer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Hugging Face's {@code SysRegex} ({@code utils/onig.rs}): an Oniguruma regex (Ruby syntax, the onig
 * crate's default) as a {@link SplitPattern}, translated to {@link java.util.regex} and iterated as the
 * onig crate's {@code find_iter} does. The Split pre-tokenizer and the Replace normalizer and decoder
 * all match with it, a {@code String} pattern as its escaped regex ({@link #literal}).
 *
 * <p>What the translation changes, so that both engines match the same text: {@code (?m)} is Java's
 * {@code (?s)}; an isolated option group {@code a(?i)b|c} reaches to the next {@code )}
 * ({@code a(?i:b|c)}); {@code ^ $} are line anchors on {@code \n} only and {@code .} is any char but
 * {@code \n}; {@code \w} (and {@code \W}, {@code \b}, {@code \B}) is Oniguruma's word class, which has
 * U+00B2 U+00B3 U+00B9 U+00BC-U+00BE and lacks U+200C U+200D; {@code \h} is a hex digit; {@code \v} is
 * U+000B; {@code \cX} is {@code X & 0x9F}; {@code X{n,m}+} repeats {@code X{n,m}} (it is not possessive
 * in Ruby syntax); {@code {,m}} is {@code {0,m}}; a '{' that starts no interval is literal; a
 * case-insensitive literal Oniguruma would fold over several chars ({@code (?i)ss} matching ß) is
 * refused; group names are renamed for Java and {@code \k'name'} is {@code \k<name>}; property names are
 * matched as Oniguruma does (case, spaces, {@code -} and {@code _} ignored), blocks included
 * ({@code \p{In_Basic_Latin}}). General categories, scripts, blocks and the other properties it names
 * agree with JDK 25's tables for every code point (the tests check the common ones against tokenizers
 * 0.23.2). Constructs without a faithful translation ({@code \G}, {@code \K}, {@code \X}, {@code \y},
 * {@code \g<..>}, absent groups, conditionals, {@code (?x)}, ...) are refused, each with a message
 * that starts "has".
 */
public final class OnigPattern implements SplitPattern {

    private static final int FLAGS = Pattern.UNICODE_CHARACTER_CLASS | Pattern.MULTILINE | Pattern.UNIX_LINES;

    // Oniguruma's \w and its complement; outside brackets (and as \p{Word}) its Latin-1 ctype table
    // also counts U+00B2 U+00B3 U+00B9 U+00BC-U+00BE as word chars, inside brackets its Unicode table does not.
    private static final String WORD = "[\\w\\x{B2}\\x{B3}\\x{B9}\\x{BC}-\\x{BE}&&[^\\x{200C}\\x{200D}]]";
    private static final String NOT_WORD = "[\\W\\x{200C}\\x{200D}&&[^\\x{B2}\\x{B3}\\x{B9}\\x{BC}-\\x{BE}]]";
    private static final String WORD_IN_CLASS = "[\\w&&[^\\x{200C}\\x{200D}]]";
    private static final String NOT_WORD_IN_CLASS = "[\\W\\x{200C}\\x{200D}]";

    private final Pattern pattern;

    private OnigPattern(Pattern pattern) {
        this.pattern = pattern;
    }

    /**
     * The Oniguruma regex {@code regex}.
     *
     * @throws IllegalArgumentException naming the construct when it cannot be translated or compiled
     */
    public static OnigPattern compile(String regex) {
        String translated = new Translator(regex).translate();
        String java = translated;
        if (java.contains("(?<")) {
            // Java looks behind by code points only when a supplementary char follows in the pattern's
            // text (else it steps back by chars and misses a supplementary char): an empty group
            // holding one in a comment makes it do so.
            java += "(?x:#\uD800\uDC00\n)";
        }
        try {
            return new OnigPattern(Pattern.compile(java, FLAGS));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("is not a regular expression Gale can compile ("
                    + e.getDescription() + " in its Java form " + translated + ")", e);
        }
    }

    /**
     * {@code regex::escape(text)} compiled by Oniguruma: every occurrence of {@code text}, left to right
     * and not overlapping, found by a plain scan; the empty text is the empty regex, which matches at
     * every code point boundary, ends included.
     */
    public static SplitPattern literal(String text) {
        if (text.isEmpty()) {
            return compile("");
        }
        int length = text.length();
        char first = text.charAt(0);
        return inside -> {
            int n = inside.length();
            Matches matches = new Matches(n);
            for (int i = 0; i + length <= n; ) {
                if (inside.charAt(i) == first && occursAt(inside, i, text) && !splitsPair(inside, i)
                        && !splitsPair(inside, i + length)) {
                    matches.add(i, i + length);
                    i += length;
                } else {
                    i++;
                }
            }
            return matches.finish();
        };
    }

    private static boolean occursAt(CharSequence inside, int at, String text) {
        for (int k = 1; k < text.length(); k++) {
            if (inside.charAt(at + k) != text.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    // Whether i falls between the two chars of a surrogate pair, where Oniguruma never starts or ends a match.
    private static boolean splitsPair(CharSequence s, int i) {
        return i > 0 && i < s.length() && Character.isLowSurrogate(s.charAt(i))
                && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** The translated Java pattern. */
    public Pattern javaPattern() {
        return pattern;
    }

    /**
     * {@code find_matches} of {@code &SysRegex} (tokenizer/pattern.rs) over the onig crate's
     * {@code find_iter}: after each match the search restarts at its end, and an empty match where
     * the previous match ended is skipped by stepping one code point on.
     */
    @Override
    public IntList findMatches(CharSequence inside) {
        int n = inside.length();
        Matches matches = new Matches(n);
        if (n == 0) {
            return matches.finish(); // pattern.rs does not search an empty text
        }
        Matcher m = pattern.matcher(inside);
        int lastEnd = 0;
        int lastMatchEnd = -1;
        while (lastEnd <= n && m.find(lastEnd)) {
            int s = m.start();
            int e = m.end();
            if (splitsPair(inside, s)) {
                // Java tried a start between the chars of a surrogate pair; Oniguruma never does.
                lastEnd = s + 1;
                continue;
            }
            if (s == e && e == lastMatchEnd) {
                lastEnd += lastEnd < n ? charCount(inside, lastEnd, n) : 1;
                continue;
            }
            lastEnd = e;
            lastMatchEnd = e;
            matches.add(s, e);
        }
        return matches.finish();
    }

    private static int charCount(CharSequence s, int i, int n) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))
                ? 2 : 1;
    }

    // ---- translation ------------------------------------------------------------------------------

    /** One pass over the Oniguruma source, writing the Java pattern. */
    private static final class Translator {

        private static final int NONE = 0; // the last atom carries no quantifier
        private static final int SIMPLE = 1; // ... carries * + or ?
        private static final int INTERVAL = 2; // ... carries {n,m}
        private static final int MODIFIED = 3; // ... carries a lazy or possessive quantifier

        private final String src;
        private final StringBuilder out = new StringBuilder();
        private int pos;
        private int atomStart = -1; // where the last quantifiable atom begins in out, -1 if none
        private int quantifier = NONE;
        // per open group: where it begins in out, how many isolated-option groups it holds open, and
        // whether the text before it was case-insensitive (1) or not (0)
        private final Deque<int[]> groups = new ArrayDeque<>();
        private int topLevelImplicit;
        private boolean ignoreCase;
        // the literal chars just written while case-insensitive, simply case-folded
        private final StringBuilder foldedRun = new StringBuilder();
        private final Map<String, String> groupNames = new HashMap<>(); // Oniguruma name -> Java name
        private boolean numberedBackReference;

        Translator(String src) {
            this.src = src;
        }

        String translate() {
            while (pos < src.length()) {
                char c = src.charAt(pos);
                if (!isLiteral(c)) {
                    endFoldedRun();
                }
                switch (c) {
                    case '\\' -> {
                        beginAtom();
                        out.append(escape(false));
                    }
                    case '[' -> {
                        beginAtom();
                        characterClass();
                    }
                    case '(' -> group();
                    case ')' -> closeGroup();
                    case '|' -> {
                        out.append('|');
                        pos++;
                        atomStart = -1;
                    }
                    case '*', '+', '?' -> simpleQuantifier(c);
                    case '{' -> interval();
                    case '^', '$' -> {
                        out.append(c);
                        pos++;
                        atomStart = -1;
                    }
                    case '.' -> {
                        beginAtom();
                        out.append('.');
                        pos++;
                    }
                    default -> {
                        beginAtom();
                        int cp = src.codePointAt(pos);
                        pos += Character.charCount(cp);
                        literalAtom(cp);
                    }
                }
            }
            if (!groups.isEmpty()) {
                throw refuse("has an unclosed group");
            }
            endFoldedRun();
            if (numberedBackReference && !groupNames.isEmpty()) {
                throw refuse("has named groups and a numbered back reference, which count groups differently"
                        + " in Oniguruma and Java");
            }
            out.append(")".repeat(topLevelImplicit));
            return out.toString();
        }

        private static boolean isLiteral(char c) {
            return "\\[()|*+?{^$.".indexOf(c) < 0;
        }

        private void beginAtom() {
            atomStart = out.length();
            quantifier = NONE;
        }

        /** A literal char outside brackets. */
        private void literalAtom(int cp) {
            literal(cp);
            if (ignoreCase) {
                int folded = Character.toLowerCase(Character.toUpperCase(cp));
                refuseMultiCharFold(cp, folded, "literal");
                foldedRun.appendCodePoint(folded);
            }
        }

        // Oniguruma case-folds a run of literal chars as a whole, so (?i)ss also matches ß and
        // (?i)ß matches ss; java.util.regex folds char by char.
        private void refuseMultiCharFold(int cp, int folded, String what) {
            if (MULTI_CHAR_FOLDS.indexOf(cp) >= 0 || MULTI_CHAR_FOLDS.indexOf(folded) >= 0) {
                throw refuse("has the case-insensitive " + what + " " + Character.toString(cp)
                        + ", whose case folding is several chars, which java.util.regex does not match");
            }
        }

        private void endFoldedRun() {
            if (foldedRun.isEmpty()) {
                return;
            }
            String run = foldedRun.toString();
            foldedRun.setLength(0);
            for (String target : FOLD_TARGETS.split("\\|")) {
                if (run.contains(target)) {
                    throw refuse("has the case-insensitive literal '" + target
                            + "', which Oniguruma also matches as one char (as 'ss' matches ß) and java.util.regex does not");
                }
            }
        }

        private void literal(int cp) {
            if (cp < 0x80 && "\\[]{}()*+?.^$|&-#".indexOf(cp) >= 0) {
                out.append('\\').append((char) cp);
            } else if (cp < 0x20 || cp == 0x7F) {
                out.append(String.format("\\x{%X}", cp));
            } else {
                out.appendCodePoint(cp);
            }
        }

        // Wraps the last atom and its quantifier in a group, so that one more quantifier repeats both.
        private void stack() {
            out.insert(atomStart, "(?:");
            out.append(')');
        }

        private void simpleQuantifier(char c) {
            pos++;
            if (atomStart < 0) {
                throw refuse("has a '" + c + "' with nothing to repeat");
            }
            switch (quantifier) {
                case NONE -> {
                    out.append(c);
                    quantifier = SIMPLE;
                }
                case SIMPLE -> {
                    if (c == '*') {
                        stack();
                        out.append(c);
                    } else {
                        out.append(c); // *? +? ?? lazy, *+ ++ ?+ possessive, as in Java
                        quantifier = MODIFIED;
                    }
                }
                case INTERVAL -> {
                    if (c == '?') {
                        out.append(c);
                        quantifier = MODIFIED;
                    } else {
                        stack();
                        out.append(c);
                        quantifier = SIMPLE;
                    }
                }
                default -> {
                    stack();
                    out.append(c);
                    quantifier = SIMPLE;
                }
            }
        }

        private void interval() {
            int close = src.indexOf('}', pos);
            String body = close < 0 ? null : src.substring(pos + 1, close);
            int comma = body == null ? -1 : body.indexOf(',');
            String low = body == null ? "" : comma < 0 ? body : body.substring(0, comma);
            String high = comma < 0 ? "" : body.substring(comma + 1);
            boolean valid = body != null && digits(low) && digits(high)
                    && !(low.isEmpty() && (comma < 0 || high.isEmpty()));
            if (!valid) {
                beginAtom();
                out.append("\\{");
                pos++;
                return;
            }
            if (atomStart < 0) {
                throw refuse("has an interval {" + body + "} with nothing to repeat");
            }
            if (quantifier != NONE) {
                stack();
            }
            out.append('{').append(low.isEmpty() ? "0" : low);
            if (comma >= 0) {
                out.append(',').append(high);
            }
            out.append('}');
            pos = close + 1;
            quantifier = INTERVAL;
        }

        private static boolean digits(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                    return false;
                }
            }
            return true;
        }

        private void group() {
            int start = out.length();
            if (!src.startsWith("(?", pos)) {
                pos++;
                openGroup(start, "(");
                return;
            }
            char kind = pos + 2 < src.length() ? src.charAt(pos + 2) : ')';
            switch (kind) {
                case ':', '=', '!', '>' -> {
                    pos += 3;
                    openGroup(start, "(?" + kind);
                }
                case '<' -> {
                    char next = pos + 3 < src.length() ? src.charAt(pos + 3) : ')';
                    if (next == '=' || next == '!') {
                        pos += 4;
                        openGroup(start, "(?<" + next);
                    } else {
                        int end = src.indexOf('>', pos);
                        if (end < 0) {
                            throw refuse("has an unterminated group name");
                        }
                        String name = src.substring(pos + 3, end);
                        pos = end + 1;
                        openGroup(start, "(?<" + javaGroupName(name) + ">");
                    }
                }
                case '\'' -> {
                    int end = src.indexOf('\'', pos + 3);
                    if (end < 0) {
                        throw refuse("has an unterminated group name");
                    }
                    String name = src.substring(pos + 3, end);
                    pos = end + 1;
                    openGroup(start, "(?<" + javaGroupName(name) + ">");
                }
                case '#' -> {
                    int end = src.indexOf(')', pos);
                    if (end < 0) {
                        throw refuse("has an unterminated comment");
                    }
                    pos = end + 1;
                }
                default -> options(start);
            }
        }

        // (?imx-imx) and (?imx-imx:...): Ruby's m is Java's s; x is refused.
        private void options(int start) {
            StringBuilder flags = new StringBuilder("(?");
            boolean on = true;
            boolean newIgnoreCase = ignoreCase;
            int i = pos + 2;
            for (; i < src.length(); i++) {
                char f = src.charAt(i);
                if (f == ':' || f == ')') {
                    break;
                }
                switch (f) {
                    case '-' -> {
                        flags.append(f);
                        on = false;
                    }
                    case 'i' -> {
                        flags.append(f);
                        newIgnoreCase = on;
                    }
                    case 'm' -> flags.append('s');
                    default -> throw refuse("has the group (?" + src.substring(pos + 2, Math.min(i + 1,
                            src.length())) + ", which Gale does not translate");
                }
            }
            if (i >= src.length()) {
                throw refuse("has an unterminated option group");
            }
            pos = i + 1;
            String opened = flags + ":";
            if (src.charAt(i) == ':') {
                openGroup(start, opened);
                ignoreCase = newIgnoreCase;
                return;
            }
            ignoreCase = newIgnoreCase;
            // An isolated option group reaches to the end of the enclosing group.
            out.append(opened);
            if (groups.isEmpty()) {
                topLevelImplicit++;
            } else {
                groups.peek()[1]++;
            }
            atomStart = -1;
        }

        // Java group names are [a-zA-Z][a-zA-Z0-9]*, Oniguruma's may hold '_' and more.
        private String javaGroupName(String name) {
            if (name.isEmpty() || groupNames.containsKey(name)) {
                throw refuse("has " + (name.isEmpty() ? "an empty group name" : "the group name '" + name + "' twice"));
            }
            String java = "g" + (groupNames.size() + 1);
            groupNames.put(name, java);
            return java;
        }

        private void openGroup(int start, String opening) {
            out.append(opening);
            groups.push(new int[] {start, 0, ignoreCase ? 1 : 0});
            atomStart = -1;
        }

        private void closeGroup() {
            pos++;
            if (groups.isEmpty()) {
                throw refuse("has an unmatched ')'");
            }
            int[] group = groups.pop();
            out.append(")".repeat(group[1] + 1));
            ignoreCase = group[2] == 1;
            atomStart = group[0];
            quantifier = NONE;
        }

        /** A bracket class, nested ones and POSIX brackets included. */
        private void characterClass() {
            out.append('[');
            pos++;
            if (pos < src.length() && src.charAt(pos) == '^') {
                out.append('^');
                pos++;
            }
            if (pos < src.length() && src.charAt(pos) == ']') {
                out.append("\\]"); // a ']' first is literal
                pos++;
            }
            while (pos < src.length()) {
                char c = src.charAt(pos);
                if (c == ']') {
                    out.append(']');
                    pos++;
                    return;
                }
                if (c == '[') {
                    if (src.startsWith("[:", pos) && posixBracket()) {
                        continue;
                    }
                    characterClass();
                } else if (c == '\\') {
                    out.append(escape(true));
                } else if (c == '&' && src.startsWith("&&", pos)) {
                    out.append("&&");
                    pos += 2;
                } else if (c == '-') {
                    out.append('-');
                    pos++;
                } else {
                    int cp = src.codePointAt(pos);
                    pos += Character.charCount(cp);
                    if (ignoreCase) {
                        refuseMultiCharFold(cp, Character.toLowerCase(Character.toUpperCase(cp)), "class member");
                    }
                    literal(cp);
                }
            }
            throw refuse("has an unclosed character class");
        }

        private boolean posixBracket() {
            int end = src.indexOf(":]", pos + 2);
            if (end < 0) {
                return false;
            }
            String name = src.substring(pos + 2, end);
            boolean negated = name.startsWith("^");
            String bare = negated ? name.substring(1) : name;
            if (!bare.matches("[a-z]+")) {
                return false;
            }
            String java = POSIX.get(bare);
            if (java == null) {
                throw refuse("has the POSIX bracket [:" + name + ":], which Gale does not translate");
            }
            out.append(negated ? negate(java) : java);
            pos = end + 2;
            return true;
        }

        /** A backslash escape at {@code pos}; {@code inClass}: inside brackets. */
        private String escape(boolean inClass) {
            if (pos + 1 >= src.length()) {
                throw refuse("has a lone backslash at its end");
            }
            char c = src.charAt(pos + 1);
            pos += 2;
            switch (c) {
                case 'w': return inClass ? WORD_IN_CLASS : WORD;
                case 'W': return inClass ? NOT_WORD_IN_CLASS : NOT_WORD;
                case 'd': return "\\d";
                case 'D': return "\\D";
                case 's': return "\\s";
                case 'S': return "\\S";
                case 'h': return "[0-9A-Fa-f]";
                case 'H': return "[^0-9A-Fa-f]";
                case 't': return "\\t";
                case 'n': return "\\n";
                case 'r': return "\\r";
                case 'f': return "\\f";
                case 'a': return "\\a";
                case 'e': return "\\e";
                case 'v': return "\\x{B}";
                case 'b':
                    return inClass ? "\\x{8}"
                            : "(?:(?<=" + WORD + ")(?!" + WORD + ")|(?<!" + WORD + ")(?=" + WORD + "))";
                case 'B':
                    if (inClass) {
                        break;
                    }
                    return "(?:(?<=" + WORD + ")(?=" + WORD + ")|(?<!" + WORD + ")(?!" + WORD + "))";
                case 'A':
                case 'z':
                case 'Z':
                    if (inClass) {
                        break;
                    }
                    return "\\" + c;
                case 'R':
                    if (inClass) {
                        break;
                    }
                    return "(?>\\r\\n|[\\n\\x{B}\\f\\r\\x{85}\\x{2028}\\x{2029}])";
                case 'N':
                    if (inClass) {
                        break;
                    }
                    return "[^\\n]";
                case 'O':
                    if (inClass) {
                        break;
                    }
                    return "(?s:.)";
                case 'x': return hexEscape();
                case 'u': return codePoint(hexDigits(4, 4, "\\u"), "\\u");
                case '0': return codePoint(octal(), "\\0");
                case 'p':
                case 'P': return property(c == 'P', inClass);
                case 'c': return control(inClass);
                case 'k':
                    // \k<name> and \k'name'
                    char quote = pos < src.length() ? src.charAt(pos) : ' ';
                    if (inClass || (quote != '<' && quote != '\'')) {
                        break;
                    }
                    int end = src.indexOf(quote == '<' ? '>' : '\'', pos + 1);
                    if (end < 0) {
                        break;
                    }
                    String ref = src.substring(pos + 1, end);
                    String written = src.substring(pos - 2, end + 1);
                    pos = end + 1;
                    String java = groupNames.get(ref);
                    if (java == null) {
                        throw refuse("has the back reference " + written + " to no group before it");
                    }
                    return "\\k<" + java + ">";
                default:
                    if (c >= '1' && c <= '9' && !inClass
                            && (pos >= src.length() || src.charAt(pos) < '0' || src.charAt(pos) > '9')) {
                        numberedBackReference = true;
                        return "\\" + c;
                    }
                    if (c < 0x80 && !Character.isLetterOrDigit(c)) {
                        return "\\" + c;
                    }
                    if (c >= 0x80) {
                        pos--;
                        int cp = src.codePointAt(pos);
                        pos += Character.charCount(cp);
                        return new String(Character.toChars(cp));
                    }
            }
            throw refuse("has the escape \\" + c + (inClass ? " in a character class" : "")
                    + ", which Gale does not translate");
        }

        // \cX, the control char X & 0x9F (\c? is DEL), for a printable ASCII X
        private String control(boolean inClass) {
            char x = pos < src.length() ? src.charAt(pos) : 0;
            if (x < 0x20 || x > 0x7E || x == '\\') {
                throw refuse("has the escape \\c" + (x == 0 ? "" : Character.toString(x))
                        + (inClass ? " in a character class" : "") + ", which Gale does not translate");
            }
            pos++;
            return codePoint(x == '?' ? 0x7F : x & 0x9F, "\\c");
        }

        private String hexEscape() {
            if (pos < src.length() && src.charAt(pos) == '{') {
                int end = src.indexOf('}', pos);
                if (end < 0) {
                    throw refuse("has an unterminated \\x{...}");
                }
                String hex = src.substring(pos + 1, end).trim();
                pos = end + 1;
                if (hex.isEmpty() || hex.length() > 8 || !hex.matches("[0-9A-Fa-f]+")) {
                    throw refuse("has the escape \\x{" + hex + "}");
                }
                return codePoint(Long.parseLong(hex, 16), "\\x{");
            }
            long value = hexDigits(1, 2, "\\x");
            if (value >= 0x80) {
                throw refuse("has the byte escape \\x" + Long.toHexString(value)
                        + ", a lone UTF-8 byte, which Gale does not translate");
            }
            return codePoint(value, "\\x");
        }

        private long hexDigits(int min, int max, String what) {
            int i = pos;
            while (i < src.length() && i - pos < max && Character.digit(src.charAt(i), 16) >= 0) {
                i++;
            }
            if (i - pos < min) {
                throw refuse("has an incomplete escape " + what);
            }
            long value = Long.parseLong(src.substring(pos, i), 16);
            pos = i;
            return value;
        }

        private long octal() {
            int i = pos;
            while (i < src.length() && i - pos < 2 && src.charAt(i) >= '0' && src.charAt(i) <= '7') {
                i++;
            }
            long value = i == pos ? 0 : Long.parseLong(src.substring(pos, i), 8);
            pos = i;
            return value;
        }

        private String codePoint(long value, String what) {
            if (value > Character.MAX_CODE_POINT || (value >= 0xD800 && value <= 0xDFFF)) {
                throw refuse("has the escape " + what + Long.toHexString(value) + ", not a Unicode scalar value");
            }
            return String.format("\\x{%X}", value);
        }

        // \p{Name}, \p{^Name}, \P{Name}
        private String property(boolean negated, boolean inClass) {
            if (pos >= src.length() || src.charAt(pos) != '{') {
                throw refuse("has a \\p or \\P without {name}");
            }
            int end = src.indexOf('}', pos);
            if (end < 0) {
                throw refuse("has an unterminated \\p{...}");
            }
            String name = src.substring(pos + 1, end);
            pos = end + 1;
            String bare = name;
            if (bare.startsWith("^")) {
                negated = !negated;
                bare = bare.substring(1);
            }
            String java = inClass && normalize(bare).equals("word") ? WORD_IN_CLASS : javaProperty(bare);
            if (java == null) {
                throw refuse("has the property \\p{" + name + "}, which Gale does not translate");
            }
            return negated ? negate(java) : java;
        }

        private static String negate(String java) {
            if (java.startsWith("\\p{")) {
                return "\\P" + java.substring(2);
            }
            return "[^" + java + "]";
        }

        private IllegalArgumentException refuse(String problem) {
            return new IllegalArgumentException(problem);
        }
    }

    // ---- case folding -------------------------------------------------------------------------------

    // The chars whose full case folding (CaseFolding.txt, status F) is several chars ...
    private static final String MULTI_CHAR_FOLDS = "\u00df\u0130\u0149\u01f0\u0390\u03b0\u0587\u1e96\u1e97"
            + "\u1e98\u1e99\u1e9a\u1e9e\u1f50\u1f52\u1f54\u1f56\u1f80\u1f81\u1f82\u1f83\u1f84\u1f85\u1f86"
            + "\u1f87\u1f88\u1f89\u1f8a\u1f8b\u1f8c\u1f8d\u1f8e\u1f8f\u1f90\u1f91\u1f92\u1f93\u1f94\u1f95"
            + "\u1f96\u1f97\u1f98\u1f99\u1f9a\u1f9b\u1f9c\u1f9d\u1f9e\u1f9f\u1fa0\u1fa1\u1fa2\u1fa3\u1fa4"
            + "\u1fa5\u1fa6\u1fa7\u1fa8\u1fa9\u1faa\u1fab\u1fac\u1fad\u1fae\u1faf\u1fb2\u1fb3\u1fb4\u1fb6"
            + "\u1fb7\u1fbc\u1fc2\u1fc3\u1fc4\u1fc6\u1fc7\u1fcc\u1fd2\u1fd3\u1fd6\u1fd7\u1fe2\u1fe3\u1fe4"
            + "\u1fe6\u1fe7\u1ff2\u1ff3\u1ff4\u1ff6\u1ff7\u1ffc\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06"
            + "\ufb13\ufb14\ufb15\ufb16\ufb17";

    // ... and those foldings, '|'-separated (a literal run holding one also matches the single char).
    private static final String FOLD_TARGETS = "a\u02be|ff|ffi|ffl|fi|fl|h\u0331|i\u0307|j\u030c|ss|st|t\u0308"
            + "|w\u030a|y\u030a|\u02bcn|\u03ac\u03b9|\u03ae\u03b9|\u03b1\u0342|\u03b1\u03b9|\u03b7\u0342"
            + "|\u03b7\u03b9|\u03b9\u0308\u0300|\u03b9\u0308\u0301|\u03b9\u0308\u0342|\u03b9\u0342|\u03c1\u0313"
            + "|\u03c5\u0308\u0300|\u03c5\u0308\u0301|\u03c5\u0308\u0342|\u03c5\u0313|\u03c5\u0342|\u03c9\u0342"
            + "|\u03c9\u03b9|\u03ce\u03b9|\u0565\u0582|\u0574\u0565|\u0574\u056b|\u0574\u056d|\u0574\u0576"
            + "|\u057e\u0576|\u1f00\u03b9|\u1f01\u03b9|\u1f02\u03b9|\u1f03\u03b9|\u1f04\u03b9|\u1f05\u03b9"
            + "|\u1f06\u03b9|\u1f07\u03b9|\u1f20\u03b9|\u1f21\u03b9|\u1f22\u03b9|\u1f23\u03b9|\u1f24\u03b9"
            + "|\u1f25\u03b9|\u1f26\u03b9|\u1f27\u03b9|\u1f60\u03b9|\u1f61\u03b9|\u1f62\u03b9|\u1f63\u03b9"
            + "|\u1f64\u03b9|\u1f65\u03b9|\u1f66\u03b9|\u1f67\u03b9|\u1f70\u03b9|\u1f74\u03b9|\u1f7c\u03b9";

    // ---- property names -----------------------------------------------------------------------------

    // Oniguruma's POSIX brackets in Unicode mode (as measured on tokenizers 0.23.2).
    private static final Map<String, String> POSIX = Map.ofEntries(
            Map.entry("alpha", "\\p{IsAlphabetic}"),
            Map.entry("digit", "\\p{Nd}"),
            Map.entry("alnum", "[\\p{IsAlphabetic}\\p{Nd}]"),
            Map.entry("upper", "\\p{IsUppercase}"),
            Map.entry("lower", "\\p{IsLowercase}"),
            Map.entry("space", "\\s"),
            Map.entry("xdigit", "[0-9A-Fa-f]"),
            Map.entry("word", WORD_IN_CLASS),
            Map.entry("cntrl", "\\p{Cc}"),
            Map.entry("blank", "[\\t\\p{Zs}]"),
            Map.entry("ascii", "[\\x{0}-\\x{7F}]"),
            Map.entry("graph", "[^\\s\\p{Cc}\\p{Cn}\\p{Cs}]"),
            Map.entry("print", "[[^\\s\\p{Cc}\\p{Cn}\\p{Cs}]\\p{Zs}]"),
            Map.entry("punct", "[\\p{P}\\p{S}]"));

    // General categories, short and long names (normalized).
    private static final Map<String, String> CATEGORIES = new HashMap<>();

    static {
        String[][] names = {
                {"l", "letter"}, {"lu", "uppercaseletter"}, {"ll", "lowercaseletter"},
                {"lt", "titlecaseletter"}, {"lm", "modifierletter"}, {"lo", "otherletter"},
                {"lc", "casedletter"}, {"m", "mark", "combiningmark"}, {"mn", "nonspacingmark"},
                {"mc", "spacingmark"}, {"me", "enclosingmark"}, {"n", "number"},
                {"nd", "decimalnumber"}, {"nl", "letternumber"}, {"no", "othernumber"},
                {"p", "punctuation"}, {"pc", "connectorpunctuation"}, {"pd", "dashpunctuation"},
                {"ps", "openpunctuation"}, {"pe", "closepunctuation"}, {"pi", "initialpunctuation"},
                {"pf", "finalpunctuation"}, {"po", "otherpunctuation"}, {"s", "symbol"},
                {"sm", "mathsymbol"}, {"sc", "currencysymbol"}, {"sk", "modifiersymbol"},
                {"so", "othersymbol"}, {"z", "separator"}, {"zs", "spaceseparator"},
                {"zl", "lineseparator"}, {"zp", "paragraphseparator"}, {"c", "other"}, {"cc", "control"},
                {"cf", "format"}, {"cs", "surrogate"}, {"co", "privateuse"}, {"cn", "unassigned"},
        };
        for (String[] aliases : names) {
            String java = "\\p{" + (aliases[0].length() == 1 ? aliases[0].toUpperCase(Locale.ROOT)
                    : Character.toUpperCase(aliases[0].charAt(0)) + aliases[0].substring(1)) + "}";
            if (aliases[0].equals("lc")) {
                java = "[\\p{Lu}\\p{Ll}\\p{Lt}]";
            }
            for (String alias : aliases) {
                CATEGORIES.put(alias, java);
            }
        }
        CATEGORIES.put("alphabetic", "\\p{IsAlphabetic}");
        CATEGORIES.put("uppercase", "\\p{IsUppercase}");
        CATEGORIES.put("lowercase", "\\p{IsLowercase}");
        CATEGORIES.put("whitespace", "\\s");
        CATEGORIES.put("hexdigit", "[0-9A-Fa-f\\x{FF10}-\\x{FF19}\\x{FF21}-\\x{FF26}\\x{FF41}-\\x{FF46}]");
        CATEGORIES.put("asciihexdigit", "[0-9A-Fa-f]");
        CATEGORIES.put("ideographic", "\\p{IsIdeographic}");
        CATEGORIES.put("joincontrol", "\\p{IsJoin_Control}");
        CATEGORIES.put("noncharactercodepoint", "\\p{IsNoncharacter_Code_Point}");
        CATEGORIES.put("emoji", "\\p{IsEmoji}");
        CATEGORIES.put("emojipresentation", "\\p{IsEmoji_Presentation}");
        CATEGORIES.put("emojimodifier", "\\p{IsEmoji_Modifier}");
        CATEGORIES.put("emojimodifierbase", "\\p{IsEmoji_Modifier_Base}");
        CATEGORIES.put("emojicomponent", "\\p{IsEmoji_Component}");
        CATEGORIES.put("extendedpictographic", "\\p{IsExtended_Pictographic}");
        CATEGORIES.put("word", WORD);
        CATEGORIES.put("any", "[\\x{0}-\\x{10FFFF}]");
        CATEGORIES.put("assigned", "\\P{Cn}");
        // \p{Alpha} and the other POSIX names may also be written as properties; \p{Punct} is only P.
        POSIX.forEach((k, v) -> CATEGORIES.putIfAbsent(k, v));
        CATEGORIES.put("punct", "\\p{P}");
    }

    private static final Map<String, String> SCRIPTS = new HashMap<>();

    static {
        for (Character.UnicodeScript script : Character.UnicodeScript.values()) {
            if (script != Character.UnicodeScript.UNKNOWN) {
                SCRIPTS.put(normalize(script.name()), "\\p{script=" + script.name() + "}");
            }
        }
    }

    // Unicode blocks by Oniguruma's names (\p{In_Basic_Latin}), read from the JDK when a pattern first names one.
    private static final class Blocks {

        // Java's names for these blocks are older than Unicode's, which Oniguruma uses.
        private static final Map<String, String> RENAMED = Map.of("GREEK", "greekandcoptic",
                "CYRILLIC_SUPPLEMENTARY", "cyrillicsupplement",
                "COMBINING_MARKS_FOR_SYMBOLS", "combiningdiacriticalmarksforsymbols");

        // normalized name -> Java's name of the block
        static final Map<String, String> BY_NAME = new HashMap<>();

        static {
            Character.UnicodeBlock last = null;
            for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
                Character.UnicodeBlock block = Character.UnicodeBlock.of(cp);
                if (block != null && block != last) {
                    String java = block.toString();
                    BY_NAME.put(RENAMED.getOrDefault(java, normalize(java)), java);
                    last = block;
                }
            }
        }
    }

    private static String normalize(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != ' ' && c != '_' && c != '-') {
                b.append(Character.toLowerCase(c));
            }
        }
        return b.toString();
    }

    /** The Java class for Oniguruma's property {@code name}, or null when Gale has none. */
    private static String javaProperty(String name) {
        String key = normalize(name);
        String java = CATEGORIES.get(key);
        if (java != null) {
            return java;
        }
        java = SCRIPTS.get(key);
        if (java != null) {
            return java;
        }
        if (key.startsWith("in")) {
            String block = Blocks.BY_NAME.get(key.substring(2));
            if (block != null) {
                return "\\p{In" + block + "}";
            }
        }
        try {
            return "\\p{script=" + Character.UnicodeScript.forName(key).name() + "}";
        } catch (IllegalArgumentException notAScript) {
            return null;
        }
    }
}
