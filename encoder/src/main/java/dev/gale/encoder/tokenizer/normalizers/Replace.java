package dev.gale.encoder.tokenizer.normalizers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.Decoder;
import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.Normalizer;
import dev.gale.encoder.tokenizer.OnigPattern;
import dev.gale.encoder.tokenizer.SplitPattern;
import dev.gale.encoder.tokenizer.StringOrRegex;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face's {@code Replace} ({@code normalizers/replace.rs}, {@code NormalizedString::replace}):
 * every match of the pattern becomes {@code content}, whose chars all take the alignment of the last
 * char of the match (an empty match: of the char before it). It is Hugging Face's Replace decoder
 * too, which replaces the matches in each token.
 *
 * <p>Hugging Face compiles a {@code String} pattern as an escaped Oniguruma regex, so the empty
 * string matches before every char and at the end, as the empty regex does (see {@link OnigPattern#literal}).
 */
public final class Replace implements Normalizer, Decoder {

    /** A regex that is one char, maybe escaped, repeated at least n >= 1 times, greedily. */
    private static final Pattern RUN = Pattern.compile("([ \\w]|\\\\\\p{Punct})\\{([1-9]\\d{0,3}),\\}");

    private final SplitPattern pattern;
    private final String content;

    private Replace(SplitPattern pattern, String content) {
        this.pattern = pattern;
        this.content = content;
    }

    /** replace.rs {@code ReplaceDeserializer}: {@code pattern} is {"String": s} or {"Regex": r}, and {@code content}. */
    public static Replace fromJson(JsonNode node, String path, TokenizerJson json) {
        StringOrRegex pattern = StringOrRegex.fromJson(node, path, json);
        String content = json.text(node, path, "content");
        return pattern.build(json, text -> literal(text, content), regex -> regex(regex, content));
    }

    /** {@code ReplacePattern::String}. */
    public static Replace literal(String literal, String content) {
        return new Replace(OnigPattern.literal(literal), content);
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
        return new Replace(OnigPattern.compile(regex), content);
    }

    @Override
    public void normalize(NormalizedString text) {
        text.replace(pattern, content);
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String token : tokens) {
            // an empty token has no match at all, even for a pattern that matches the empty string
            IntList matches = pattern.findMatches(token);
            if (matches.size() == 3 && matches.get(2) == 0) { // no match
                out.add(token);
                continue;
            }
            StringBuilder replaced = new StringBuilder(token.length() + 16);
            for (int i = 0; i < matches.size(); i += 3) {
                if (matches.get(i + 2) == 1) {
                    replaced.append(content);
                } else {
                    replaced.append(token, matches.get(i), matches.get(i + 1));
                }
            }
            out.add(replaced.toString());
        }
        return out;
    }

    /** The matches of {@code c{min,}}: every maximal run of at least {@code min} {@code c}s. */
    private static SplitPattern runPattern(char c, int min) {
        return inside -> {
            int n = inside.length();
            SplitPattern.Matches matches = new SplitPattern.Matches(n);
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
                    matches.add(i, end);
                }
                i = end;
            }
            return matches.finish();
        };
    }
}
