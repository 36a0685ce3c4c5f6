package dev.gale.encoder.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private final Map<Integer, AddedToken> byId;
    private final Map<String, Integer> idsByContent;
    private final Map<Integer, String> decoded; // id -> the form decode shows (normalized when it differs)
    private final Set<String> specialContents;
    private final Matcher raw;
    private final Matcher normalized;

    /**
     * @param tokens the added tokens with their final ids
     * @param normalizer the tokenizer's normalizer, applied to the tokens that match the
     *     normalized text; {@code null} when the tokenizer has none
     */
    AddedVocabulary(List<AddedToken> tokens, Normalizer normalizer) {
        this.tokens = List.copyOf(tokens);
        this.byId = new HashMap<>();
        this.idsByContent = new HashMap<>();
        this.decoded = new HashMap<>();
        this.specialContents = new HashSet<>();
        List<AddedToken> rawTokens = new ArrayList<>();
        List<String> rawPatterns = new ArrayList<>();
        List<AddedToken> normalizedTokens = new ArrayList<>();
        List<String> normalizedPatterns = new ArrayList<>();
        for (AddedToken token : tokens) {
            byId.put(token.id(), token);
            idsByContent.put(token.content(), token.id());
            if (token.special()) {
                specialContents.add(token.content());
            }
            if (token.normalized()) {
                String pattern = normalizer == null ? token.content() : normalizer.normalize(token.content());
                if (!pattern.equals(token.content())) {
                    decoded.put(token.id(), pattern);
                }
                if (pattern.isEmpty()) {
                    // Never matched, as in Hugging Face, whose automaton skips empty patterns.
                    continue;
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
     * Reads {@code added_tokens} and gives each token the id Hugging Face gives it ({@code add_tokens}):
     * its id in the model's vocabulary, else the next free id after the vocabulary (the JSON {@code id}
     * is only a record of that and is not trusted).
     */
    static AddedVocabulary fromJson(JsonNode array, String path, TokenizerJson json, Model model,
                                    Normalizer normalizer) {
        List<AddedToken> tokens = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        int nextId = model.vocabSize();
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
            Integer known = ids.get(content);
            int id = known != null ? known : model.tokenToId(content).orElse(-1);
            if (id < 0) {
                id = nextId++;
            }
            AddedToken token = new AddedToken(id, content,
                    json.bool(node, at, "single_word", false),
                    json.bool(node, at, "lstrip", false),
                    json.bool(node, at, "rstrip", false),
                    json.bool(node, at, "normalized", true),
                    json.bool(node, at, "special", false));
            if (known != null) {
                // A second entry with the same content replaces the first, keeping its id.
                tokens.removeIf(t -> t.content().equals(content));
            }
            ids.put(content, id);
            tokens.add(token);
        }
        return new AddedVocabulary(tokens, normalizer);
    }

    List<AddedToken> tokens() {
        return tokens;
    }

    /** The added token with this id, or null. */
    AddedToken byId(int id) {
        return byId.get(id);
    }

    /** The id of the added token with this content, or -1. */
    int idOf(String content) {
        Integer id = idsByContent.get(content);
        return id == null ? -1 : id;
    }

    /** {@code simple_id_to_token}: how decode spells added token {@code id}, or null when it is not one. */
    String decodedForm(int id) {
        AddedToken token = byId.get(id);
        if (token == null) {
            return null;
        }
        String form = decoded.get(id);
        return form == null ? token.content() : form;
    }

    /** {@code is_special_token}: whether {@code token} is the content of a special added token. */
    boolean isSpecial(String token) {
        return specialContents.contains(token);
    }

    /**
     * {@code extract_and_normalize}: cuts {@code text} around the tokens matched on the raw input,
     * normalizes each remaining piece, and cuts those around the tokens matched on normalized text.
     */
    void extractAndNormalize(Normalizer normalizer, PreTokenizedString text) {
        if (raw.patterns.length > 0) {
            text.splitAdded(null, raw::split);
        }
        text.splitAdded(normalizer, normalized.patterns.length > 0 ? normalized::split : null);
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
        /** (start, end, id) triples covering {@code text}, id {@link #TEXT} between tokens; null when no match. */
        IntList split(CharSequence text) {
            IntList pieces = new IntList(12);
            split(text, 0, text.length(), pieces);
            return pieces;
        }

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
