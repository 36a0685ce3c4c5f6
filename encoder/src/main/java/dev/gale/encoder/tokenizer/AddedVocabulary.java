package dev.gale.encoder.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Hugging Face's {@code AddedVocabulary} ({@code tokenizer/added_vocabulary.rs}): before the
 * model sees anything, the input is cut around occurrences of the added tokens, so that
 * "hello [SEP] world" keeps [SEP] whole. Tokens with {@code normalized=false} are matched on the
 * raw input; the others on each remaining piece after normalization, in their normalized form.
 *
 * <p>Matching is leftmost-longest and non-overlapping, like the Aho-Corasick automaton of the
 * Rust version; a match rejected by {@code single_word} is skipped, not retried shorter.
 */
final class AddedVocabulary {

    /** Piece id of the text between two added tokens. */
    static final int TEXT = -1;

    private final List<AddedToken> tokens;
    private final Matcher raw;
    private final Matcher normalized;

    /**
     * @param tokens the added tokens with their final ids
     * @param normalizer the tokenizer's normalizer, applied to the tokens that match the
     *     normalized text; {@code null} when the tokenizer has none
     */
    AddedVocabulary(List<AddedToken> tokens, BertNormalizer normalizer) {
        this.tokens = List.copyOf(tokens);
        List<AddedToken> rawTokens = new ArrayList<>();
        List<String> rawPatterns = new ArrayList<>();
        List<AddedToken> normalizedTokens = new ArrayList<>();
        List<String> normalizedPatterns = new ArrayList<>();
        for (AddedToken token : tokens) {
            if (token.normalized()) {
                String pattern = normalizer == null
                        ? token.content() : normalizer.normalize(token.content());
                if (pattern.isEmpty()) {
                    throw new IllegalArgumentException("added token '" + token.content()
                            + "' is empty once normalized and could never be matched");
                }
                normalizedTokens.add(token);
                normalizedPatterns.add(pattern);
            } else {
                rawTokens.add(token);
                rawPatterns.add(token.content());
            }
        }
        this.raw = new Matcher(rawTokens, rawPatterns);
        this.normalized = new Matcher(normalizedTokens, normalizedPatterns);
    }

    /**
     * Reads {@code added_tokens} and gives each token the id Hugging Face gives it: its id in
     * the model's vocabulary, else the next free id after the vocabulary (the JSON {@code id}
     * is only a record of that and is not trusted).
     */
    static AddedVocabulary fromJson(JsonNode array, String path, TokenizerJson json,
                                    WordPiece model, BertNormalizer normalizer) {
        List<AddedToken> tokens = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        int maxId = -1;
        for (int i = 0; i < array.size(); i++) {
            JsonNode node = array.get(i);
            String at = path + "[" + i + "]";
            if (!node.isObject()) {
                throw json.error(at, TokenizerJson.describe(node), "an object");
            }
            String content = json.text(node, at, "content");
            if (content.isEmpty()) {
                // Hugging Face ignores empty added tokens.
                continue;
            }
            if (ids.containsKey(content)) {
                throw json.error(TokenizerJson.field(at, "content"), "'" + content
                        + "' appears twice", "each added token once");
            }
            int id = model.tokenToId(content).orElse(-1);
            if (id < 0) {
                id = maxId < 0 ? model.vocabSize()
                        : maxId >= model.vocabSize() ? maxId + 1 : model.vocabSize();
            }
            ids.put(content, id);
            maxId = Math.max(maxId, id);
            tokens.add(new AddedToken(id, content,
                    json.bool(node, at, "single_word", false),
                    json.bool(node, at, "lstrip", false),
                    json.bool(node, at, "rstrip", false),
                    json.bool(node, at, "normalized", true),
                    json.bool(node, at, "special", false)));
        }
        try {
            return new AddedVocabulary(tokens, normalizer);
        } catch (IllegalArgumentException e) {
            throw json.error(path, e.getMessage(), "tokens that survive normalization");
        }
    }

    List<AddedToken> tokens() {
        return tokens;
    }

    boolean splitsRaw() {
        return raw.patterns.length > 0;
    }

    boolean splitsNormalized() {
        return normalized.patterns.length > 0;
    }

    /**
     * Cuts the raw input {@code text[from, to)} around the tokens with {@code normalized=false},
     * appending (start, end, id) triples that cover it, id being {@link #TEXT} between tokens.
     */
    void splitRaw(CharSequence text, int from, int to, IntList pieces) {
        raw.split(text, from, to, pieces);
    }

    /** As {@link #splitRaw}, for the tokens with {@code normalized=true}, on normalized text. */
    void splitNormalized(CharSequence text, int from, int to, IntList pieces) {
        normalized.split(text, from, to, pieces);
    }

    /** One set of patterns and the tokens they stand for. */
    private static final class Matcher {

        private final AddedToken[] tokens;
        private final String[] patterns;
        // Indices of the patterns, longest first, so that the first hit at a position is the
        // longest one there.
        private final int[] longestFirst;
        // Bit c is set when some pattern starts with char c (c < 128); any non-ASCII first char
        // sets nonAsciiFirst.
        private final long[] asciiFirst = new long[2];
        private final boolean nonAsciiFirst;

        Matcher(List<AddedToken> tokens, List<String> patterns) {
            this.tokens = tokens.toArray(AddedToken[]::new);
            this.patterns = patterns.toArray(String[]::new);
            this.longestFirst = IntStream.range(0, this.patterns.length)
                    .boxed()
                    .sorted(Comparator.comparingInt((Integer p) -> -this.patterns[p].length()))
                    .mapToInt(Integer::intValue)
                    .toArray();
            boolean nonAscii = false;
            for (String p : this.patterns) {
                char c = p.charAt(0);
                if (c < 128) {
                    asciiFirst[c >>> 6] |= 1L << c;
                } else {
                    nonAscii = true;
                }
            }
            this.nonAsciiFirst = nonAscii;
        }

        // find_matches of added_vocabulary.rs, with offsets relative to text rather than to
        // the piece, and no output for an empty piece (which Hugging Face drops anyway).
        void split(CharSequence text, int from, int to, IntList pieces) {
            int startOffset = from;
            int searchFrom = from;
            while (true) {
                long match = findLeftmostLongest(text, searchFrom, to);
                if (match < 0) {
                    break;
                }
                int matchStart = (int) (match >>> 32);
                AddedToken token = tokens[(int) match];
                int matchEnd = matchStart + patterns[(int) match].length();
                searchFrom = matchEnd;
                if (token.singleWord()) {
                    boolean spaceBefore = matchStart == from
                            || !UnicodeCategories.isWordCharacter(codePointBefore(text, matchStart));
                    boolean spaceAfter = matchEnd == to || !UnicodeCategories.isWordCharacter(
                            UnicodeCategories.codePointAt(text, matchEnd, to));
                    if (!spaceBefore || !spaceAfter) {
                        continue;
                    }
                }
                int start = matchStart;
                int stop = matchEnd;
                if (token.lstrip()) {
                    int newStart = matchStart;
                    while (newStart > from
                            && UnicodeCategories.isWhitespace(codePointBefore(text, newStart))) {
                        newStart -= Character.charCount(codePointBefore(text, newStart));
                    }
                    // A previous match may already have taken these spaces.
                    start = Math.max(newStart, startOffset);
                }
                if (token.rstrip()) {
                    while (stop < to) {
                        int cp = UnicodeCategories.codePointAt(text, stop, to);
                        if (!UnicodeCategories.isWhitespace(cp)) {
                            break;
                        }
                        stop += Character.charCount(cp);
                    }
                }
                if (startOffset < start) {
                    add(pieces, startOffset, start, TEXT);
                }
                add(pieces, start, stop, token.id());
                startOffset = stop;
            }
            if (startOffset < to) {
                add(pieces, startOffset, to, TEXT);
            }
        }

        // (start << 32 | pattern index) of the leftmost-longest match at or after from, or -1.
        private long findLeftmostLongest(CharSequence text, int from, int to) {
            if (patterns.length == 0) {
                return -1;
            }
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                boolean candidate = c < 128
                        ? (asciiFirst[c >>> 6] & (1L << c)) != 0
                        : nonAsciiFirst;
                if (!candidate) {
                    continue;
                }
                for (int p : longestFirst) {
                    String pattern = patterns[p];
                    if (i + pattern.length() <= to && startsWith(text, i, pattern)) {
                        return ((long) i << 32) | p;
                    }
                }
            }
            return -1;
        }

        private static boolean startsWith(CharSequence text, int at, String pattern) {
            for (int k = 0; k < pattern.length(); k++) {
                if (text.charAt(at + k) != pattern.charAt(k)) {
                    return false;
                }
            }
            return true;
        }

        private static int codePointBefore(CharSequence text, int index) {
            char low = text.charAt(index - 1);
            if (Character.isLowSurrogate(low) && index >= 2
                    && Character.isHighSurrogate(text.charAt(index - 2))) {
                return Character.toCodePoint(text.charAt(index - 2), low);
            }
            return Character.isSurrogate(low) ? 0xFFFD : low;
        }

        private static void add(IntList pieces, int start, int end, int id) {
            pieces.add(start);
            pieces.add(end);
            pieces.add(id);
        }
    }
}
