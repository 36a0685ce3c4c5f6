package dev.gale.encoder.tokenizer.normalizers;

import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.SplitPattern;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Hugging Face's {@code SysRegex} ({@code utils/onig.rs}): an Oniguruma regex (Ruby syntax, UTF-8)
 * translated to {@link java.util.regex}, and matched as the {@code onig} crate's {@code find_iter}
 * iterates: an empty match right where the previous match ended is skipped.
 *
 * <p>The translation keeps Ruby's meanings where Java's differ: {@code ^ $} are line anchors and
 * {@code .} excludes only {@code \n} ({@code MULTILINE | UNIX_LINES}); the {@code (?m)} option is
 * Java's {@code (?s)}; {@code \h} is a hex digit; {@code \v} is U+000B; {@code \w} is Alphabetic, Mark,
 * Nd, Pc or one of ² ³ ¹ ¼ ½ ¾ (Java's has Join_Control instead), and {@code \b \B} follow it; {@code \d \s} and POSIX
 * brackets are Unicode ({@code UNICODE_CHARACTER_CLASS}); {@code {,n}} is {@code {0,n}} and a brace that is no quantifier
 * is a literal. Refused with an error: {@code \K \y \Y \g \O \N \Q}, absent groups, POSIX
 * {@code [:graph:]} and {@code [:print:]}, and property names Java has no counterpart for. Left as
 * known differences: case-insensitive matching follows Java's case mappings, not Unicode case
 * folding (Oniguruma's {@code (?i)ß} matches "SS"; Java's {@code (?i)i} matches U+0130 and U+0131).
 * The classes were compared with Oniguruma on every code point.
 */
public final class OnigRegex implements SplitPattern {

    // Oniguruma's \w: Alphabetic, Mark, Nd, Pc, and (its Latin-1 table) the digits ² ³ ¹ ¼ ½ ¾.
    private static final String WORD = "\\p{Alpha}\\p{M}\\p{Nd}\\p{Pc}\\xB2\\xB3\\xB9\\xBC-\\xBE";
    private static final String HEX = "0-9a-fA-F";
    // Java's \b counts Join_Control as a word char; Oniguruma's does not. Java's look-behind of a
    // class sees one char, so {1,2} lets it see a supplementary code point too.
    private static final String WORD_BOUNDARY =
            "(?:(?<=[" + WORD + "]{1,2})(?![" + WORD + "])|(?<![" + WORD + "]{1,2})(?=[" + WORD + "]))";
    private static final String NOT_WORD_BOUNDARY =
            "(?:(?<=[" + WORD + "]{1,2})(?=[" + WORD + "])|(?<![" + WORD + "]{1,2})(?![" + WORD + "]))";

    private static final Map<String, String> POSIX = Map.ofEntries(
            Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"),
            Map.entry("ascii", "\\x00-\\x7F"), Map.entry("blank", "\\p{Blank}"),
            Map.entry("cntrl", "\\p{Cc}"), Map.entry("digit", "\\p{Nd}"),
            Map.entry("lower", "\\p{Lower}"), Map.entry("upper", "\\p{Upper}"),
            Map.entry("punct", "\\p{P}\\p{S}"), Map.entry("space", "\\s"),
            Map.entry("word", "\\p{Alpha}\\p{M}\\p{Nd}\\p{Pc}"), Map.entry("xdigit", HEX));

    private static final Map<String, String> GENERAL_CATEGORIES = Map.ofEntries(
            Map.entry("letter", "L"), Map.entry("casedletter", "LC"), Map.entry("uppercaseletter", "Lu"),
            Map.entry("lowercaseletter", "Ll"), Map.entry("titlecaseletter", "Lt"),
            Map.entry("modifierletter", "Lm"), Map.entry("otherletter", "Lo"), Map.entry("mark", "M"),
            Map.entry("combiningmark", "M"), Map.entry("nonspacingmark", "Mn"),
            Map.entry("spacingmark", "Mc"), Map.entry("enclosingmark", "Me"), Map.entry("number", "N"),
            Map.entry("decimalnumber", "Nd"), Map.entry("letternumber", "Nl"),
            Map.entry("othernumber", "No"), Map.entry("punctuation", "P"),
            Map.entry("connectorpunctuation", "Pc"), Map.entry("dashpunctuation", "Pd"),
            Map.entry("openpunctuation", "Ps"), Map.entry("closepunctuation", "Pe"),
            Map.entry("initialpunctuation", "Pi"), Map.entry("finalpunctuation", "Pf"),
            Map.entry("otherpunctuation", "Po"), Map.entry("symbol", "S"), Map.entry("mathsymbol", "Sm"),
            Map.entry("currencysymbol", "Sc"), Map.entry("modifiersymbol", "Sk"),
            Map.entry("othersymbol", "So"), Map.entry("separator", "Z"),
            Map.entry("spaceseparator", "Zs"), Map.entry("lineseparator", "Zl"),
            Map.entry("paragraphseparator", "Zp"), Map.entry("other", "C"), Map.entry("control", "Cc"),
            Map.entry("format", "Cf"), Map.entry("surrogate", "Cs"), Map.entry("privateuse", "Co"),
            Map.entry("unassigned", "Cn"));

    private static final Map<String, String> BINARY_PROPERTIES = Map.ofEntries(
            Map.entry("alphabetic", "IsAlphabetic"), Map.entry("ideographic", "IsIdeographic"),
            Map.entry("whitespace", "IsWhite_Space"), Map.entry("uppercase", "IsUppercase"),
            Map.entry("lowercase", "IsLowercase"), Map.entry("hexdigit", "IsHex_Digit"),
            Map.entry("joincontrol", "IsJoin_Control"), Map.entry("emoji", "IsEmoji"),
            Map.entry("emojipresentation", "IsEmoji_Presentation"),
            Map.entry("emojimodifier", "IsEmoji_Modifier"),
            Map.entry("emojimodifierbase", "IsEmoji_Modifier_Base"),
            Map.entry("emojicomponent", "IsEmoji_Component"),
            Map.entry("extendedpictographic", "IsExtended_Pictographic"),
            Map.entry("noncharactercodepoint", "IsNoncharacter_Code_Point"),
            Map.entry("assigned", "IsAssigned"));

    private final Pattern pattern;

    private OnigRegex(Pattern pattern) {
        this.pattern = pattern;
    }

    /**
     * Compiles an Oniguruma regex.
     *
     * @throws IllegalArgumentException naming the construct that has no translation, or Java's
     *     complaint about the translated pattern
     */
    public static OnigRegex compile(String onig) {
        String java = translate(onig);
        try {
            return new OnigRegex(Pattern.compile(java,
                    Pattern.MULTILINE | Pattern.UNIX_LINES | Pattern.UNICODE_CHARACTER_CLASS));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("is not a regex Gale can translate (as " + java + ": "
                    + e.getDescription() + ")");
        }
    }

    /** The translated pattern. */
    public Pattern pattern() {
        return pattern;
    }

    /** The {@code Pattern for &SysRegex} matches: (start, end, isMatch) triples covering {@code inside}. */
    @Override
    public IntList findMatches(CharSequence inside) {
        int n = inside.length();
        IntList out = new IntList(16);
        if (n == 0) {
            out.add(0, 0, 0);
            return out;
        }
        Matcher m = pattern.matcher(inside);
        int prev = 0;
        int from = 0;
        int lastMatchEnd = -1;
        while (from <= n && m.find(from)) {
            int start = m.start();
            int end = m.end();
            if (start == end && end == lastMatchEnd) {
                // onig's FindMatches: no empty match right after the previous one; step one char on.
                from = end < n ? end + Character.charCount(Character.codePointAt(inside, end)) : n + 1;
                continue;
            }
            if (prev != start) {
                out.add(prev, start, 0);
            }
            out.add(start, end, 1);
            prev = end;
            from = end;
            lastMatchEnd = end;
        }
        if (prev != n) {
            out.add(prev, n, 0);
        }
        return out;
    }

    /** Oniguruma (Ruby syntax) to java.util.regex; see the class comment. */
    static String translate(String onig) {
        StringBuilder out = new StringBuilder(onig.length() + 16);
        int depth = 0; // nesting of character classes
        int i = 0;
        int n = onig.length();
        while (i < n) {
            char c = onig.charAt(i);
            if (c == '\\') {
                i = escape(onig, i, depth > 0, out);
                continue;
            }
            if (depth > 0) {
                if (c == '[') {
                    if (onig.startsWith("[:", i)) {
                        i = posixBracket(onig, i, out);
                        continue;
                    }
                    depth++;
                    i = openClass(onig, i, out);
                    continue;
                }
                if (c == ']') {
                    depth--;
                }
                out.append(c);
                i++;
                continue;
            }
            switch (c) {
                case '[' -> {
                    depth++;
                    i = openClass(onig, i, out);
                }
                case '(' -> i = group(onig, i, out);
                case '{' -> i = brace(onig, i, out);
                default -> {
                    out.append(c);
                    i++;
                }
            }
        }
        return out.toString();
    }

    /** A class opening at {@code i}: {@code [}, an optional {@code ^}, and a leading {@code ]} as a literal. */
    private static int openClass(String onig, int i, StringBuilder out) {
        out.append('[');
        i++;
        if (i < onig.length() && onig.charAt(i) == '^') {
            out.append('^');
            i++;
        }
        if (i < onig.length() && onig.charAt(i) == ']') {
            out.append("\\]");
            i++;
        }
        return i;
    }

    private static int posixBracket(String onig, int i, StringBuilder out) {
        int close = onig.indexOf(":]", i + 2);
        if (close < 0) {
            throw new IllegalArgumentException("has an unclosed POSIX bracket at " + i);
        }
        String name = onig.substring(i + 2, close);
        boolean negated = name.startsWith("^");
        if (negated) {
            name = name.substring(1);
        }
        String set = POSIX.get(name);
        if (set == null) {
            throw new IllegalArgumentException("has the POSIX bracket [:" + name + ":], which Gale does not translate");
        }
        out.append(negated ? "[^" : "[").append(set).append(']');
        return close + 2;
    }

    /** A group opening at {@code i}: options and kinds that differ between Ruby and Java. */
    private static int group(String onig, int i, StringBuilder out) {
        if (!onig.startsWith("(?", i)) {
            out.append('(');
            return i + 1;
        }
        int j = i + 2;
        if (j >= onig.length()) {
            throw new IllegalArgumentException("ends inside a group");
        }
        char k = onig.charAt(j);
        switch (k) {
            case ':', '=', '!', '>' -> {
                out.append("(?").append(k);
                return j + 1;
            }
            case '<' -> {
                out.append("(?<");
                return j + 1; // (?<= (?<! (?<name>: the same in Java
            }
            case '\'' -> {
                int close = onig.indexOf('\'', j + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("has an unclosed group name at " + i);
                }
                out.append("(?<").append(onig, j + 1, close).append('>');
                return close + 1;
            }
            case '#' -> {
                int close = onig.indexOf(')', j);
                if (close < 0) {
                    throw new IllegalArgumentException("has an unclosed comment at " + i);
                }
                return close + 1;
            }
            case '~' -> throw new IllegalArgumentException("has an absent group (?~...), which Java lacks");
            default -> {
                // (?imx-imx) or (?imx-imx:...): Ruby's m is Java's s
                out.append("(?");
                while (j < onig.length() && onig.charAt(j) != ')' && onig.charAt(j) != ':') {
                    char f = onig.charAt(j++);
                    switch (f) {
                        case 'i', 'x', '-' -> out.append(f);
                        case 'm' -> out.append('s');
                        default -> throw new IllegalArgumentException(
                                "has the group option '" + f + "', undefined in Oniguruma's Ruby syntax");
                    }
                }
                return j;
            }
        }
    }

    /** A brace outside a class: a quantifier ({@code {,n}} made {@code {0,n}}) or a literal. */
    private static int brace(String onig, int i, StringBuilder out) {
        int close = onig.indexOf('}', i);
        if (close > i) {
            String body = onig.substring(i + 1, close);
            if (body.matches("\\d+(,\\d*)?") && !out.isEmpty()) {
                out.append(onig, i, close + 1);
                return close + 1;
            }
            if (body.matches(",\\d+") && !out.isEmpty()) {
                out.append("{0").append(body).append('}');
                return close + 1;
            }
        }
        out.append("\\{");
        return i + 1;
    }

    /** The escape at {@code i} (a backslash); returns the index after it. */
    private static int escape(String onig, int i, boolean inClass, StringBuilder out) {
        if (i + 1 >= onig.length()) {
            throw new IllegalArgumentException("ends with a lone backslash");
        }
        char e = onig.charAt(i + 1);
        switch (e) {
            case 'h' -> out.append(inClass ? HEX : "[" + HEX + "]");
            case 'H' -> out.append("[^" + HEX + "]");
            case 'w' -> out.append(inClass ? WORD : "[" + WORD + "]");
            case 'W' -> out.append("[^" + WORD + "]");
            case 'v' -> out.append("\\x0B");
            case 'b' -> out.append(inClass ? "\\x08" : WORD_BOUNDARY);
            case 'B' -> out.append(NOT_WORD_BOUNDARY);
            case 'd', 'D', 's', 'S', 'A', 'z', 'Z', 'G', 't', 'n', 'r', 'f', 'a', 'e', 'R', 'X' ->
                    out.append('\\').append(e);
            case 'x', 'u', 'c' -> out.append('\\').append(e); // hex, code point and control escapes: the same in Java
            case 'k' -> {
                if (i + 2 < onig.length() && onig.charAt(i + 2) == '\'') {
                    int close = onig.indexOf('\'', i + 3);
                    if (close < 0) {
                        throw new IllegalArgumentException("has an unclosed \\k'name'");
                    }
                    out.append("\\k<").append(onig, i + 3, close).append('>');
                    return close + 1;
                }
                out.append("\\k");
            }
            case 'p', 'P' -> {
                return property(onig, i, e == 'P', out);
            }
            case '0' -> {
                boolean octal = i + 2 < onig.length() && onig.charAt(i + 2) >= '0' && onig.charAt(i + 2) <= '7';
                out.append(octal ? "\\0" : "\\x00");
            }
            default -> {
                if (Character.isLetterOrDigit(e) && !(e >= '1' && e <= '9')) {
                    throw new IllegalArgumentException("uses \\" + e + ", which Gale does not translate");
                }
                out.append('\\').append(e); // a backreference or an escaped symbol
            }
        }
        return i + 2;
    }

    /** {@code \p{Name}}, {@code \p{^Name}} or {@code \P{Name}} at {@code i}. */
    private static int property(String onig, int i, boolean negated, StringBuilder out) {
        if (i + 2 >= onig.length() || onig.charAt(i + 2) != '{') {
            throw new IllegalArgumentException("has \\" + onig.charAt(i + 1) + " without {name}");
        }
        int close = onig.indexOf('}', i + 3);
        if (close < 0) {
            throw new IllegalArgumentException("has an unclosed \\p{");
        }
        String name = onig.substring(i + 3, close);
        if (name.startsWith("^")) {
            negated = !negated;
            name = name.substring(1);
        }
        out.append(negated ? "\\P{" : "\\p{").append(javaProperty(name)).append('}');
        return close + 1;
    }

    /** The Java name of an Oniguruma property (names ignore case, spaces, '_' and '-'). */
    private static String javaProperty(String name) {
        String key = name.toLowerCase(Locale.ROOT).replaceAll("[ _-]", "");
        for (String cat : GENERAL_CATEGORIES.values()) {
            if (cat.equalsIgnoreCase(key)) {
                return cat;
            }
        }
        String mapped = GENERAL_CATEGORIES.get(key);
        if (mapped != null) {
            return mapped;
        }
        mapped = BINARY_PROPERTIES.get(key);
        if (mapped != null) {
            return mapped;
        }
        switch (key) {
            case "alnum" -> { return "Alnum"; }
            case "alpha" -> { return "Alpha"; }
            case "blank" -> { return "Blank"; }
            case "cntrl" -> { return "Cc"; }
            case "digit" -> { return "Nd"; }
            case "lower" -> { return "Lower"; }
            case "upper" -> { return "Upper"; }
            case "space" -> { return "IsWhite_Space"; }
            case "punct", "word", "xdigit", "ascii", "any", "graph", "print" ->
                    throw new IllegalArgumentException("uses \\p{" + name + "}, which Gale does not translate");
            default -> { }
        }
        if (key.startsWith("in")) {
            try {
                Character.UnicodeBlock.forName(name.substring(2));
                return "In" + name.substring(2);
            } catch (IllegalArgumentException e) {
                // not a block: maybe a script such as Inherited
            }
        }
        try {
            return "Is" + Character.UnicodeScript.forName(name.replace(' ', '_')).name();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("uses the property \\p{" + name + "}, which Gale does not translate");
        }
    }
}
