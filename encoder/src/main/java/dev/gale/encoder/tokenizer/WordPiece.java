package dev.gale.encoder.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Hugging Face's {@code WordPiece} model ({@code models/wordpiece/mod.rs}): greedy longest match
 * first, continuation pieces looked up with their prefix, and the whole word replaced by the
 * unknown token when it is too long or when any part of it cannot be matched.
 *
 * <p>The vocabulary is an open-addressing table over the tokens' chars, so that a candidate
 * piece is looked up straight from the word, prefix included, without building a string.
 */
final class WordPiece {

    private final int unkId;
    private final int maxInputCharsPerWord;

    private final char[] prefix;
    private final int prefixHash;
    // The longest vocabulary token, in chars (a continuation piece may be this minus the
    // prefix): longer candidates are skipped without a lookup.
    private final int maxPieceChars;

    // Open addressing, linear probing; an empty slot has a null key.
    private final char[][] keys; // (slots)
    private final int[] keyIds; // (slots)
    private final int mask;

    private final String[] tokensById; // (maxId + 1), null where no token has that id
    private final int size;

    WordPiece(Map<String, Integer> vocab, String unkToken, String continuingSubwordPrefix,
              int maxInputCharsPerWord) {
        Integer unk = vocab.get(unkToken);
        if (unk == null) {
            throw new IllegalArgumentException(
                    "unk_token '" + unkToken + "' is not in the vocabulary");
        }
        this.unkId = unk;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.prefix = continuingSubwordPrefix.toCharArray();
        this.prefixHash = hashChars(SEED, prefix, 0, prefix.length);

        int slots = Integer.highestOneBit(Math.max(vocab.size(), 1) * 2 - 1) * 2;
        this.keys = new char[slots][];
        this.keyIds = new int[slots];
        this.mask = slots - 1;
        int maxId = -1;
        int longest = 0;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            char[] key = e.getKey().toCharArray();
            int slot = finish(hashChars(SEED, key, 0, key.length)) & mask;
            while (keys[slot] != null) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            keyIds[slot] = e.getValue();
            maxId = Math.max(maxId, e.getValue());
            longest = Math.max(longest, key.length);
        }
        this.maxPieceChars = longest;
        this.tokensById = new String[maxId + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            tokensById[e.getValue()] = e.getKey();
        }
        this.size = vocab.size();
    }

    static WordPiece fromJson(JsonNode node, String path, TokenizerJson json) {
        JsonNode vocabNode = json.object(node, path, "vocab");
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : vocabNode.properties()) {
            vocab.put(e.getKey(), json.nonNegativeInt(e.getValue(),
                    TokenizerJson.field(path, "vocab") + "['" + e.getKey() + "']"));
        }
        String unk = json.text(node, path, "unk_token");
        if (!vocab.containsKey(unk)) {
            throw json.error(TokenizerJson.field(path, "unk_token"), "'" + unk
                    + "' is not a key of " + TokenizerJson.field(path, "vocab"),
                    "one of its tokens");
        }
        return new WordPiece(vocab, unk, json.text(node, path, "continuing_subword_prefix"),
                json.nonNegativeInt(node, path, "max_input_chars_per_word"));
    }

    /** Appends the ids of the word {@code text[start, end)} to {@code ids}. */
    void tokenize(CharSequence text, int start, int end, IntList ids) {
        if (start >= end) {
            return;
        }
        if (Character.codePointCount(text, start, end) > maxInputCharsPerWord) {
            ids.add(unkId);
            return;
        }
        int mark = ids.size();
        int pos = start;
        while (pos < end) {
            boolean continuation = pos > start;
            int longest = continuation ? maxPieceChars - prefix.length : maxPieceChars;
            int to = end;
            if (to - pos > longest) {
                to = pos + longest;
                // Only whole code points are candidates, as in the Rust loop.
                if (to > pos && Character.isHighSurrogate(text.charAt(to - 1))
                        && Character.isLowSurrogate(text.charAt(to))) {
                    to--;
                }
            }
            int id = -1;
            while (to > pos) {
                id = lookup(text, pos, to, continuation);
                if (id >= 0) {
                    break;
                }
                to -= (to - pos >= 2 && Character.isLowSurrogate(text.charAt(to - 1))
                        && Character.isHighSurrogate(text.charAt(to - 2))) ? 2 : 1;
            }
            if (id < 0) {
                ids.truncate(mark);
                ids.add(unkId);
                return;
            }
            ids.add(id);
            pos = to;
        }
    }

    OptionalInt tokenToId(String token) {
        int id = lookup(token, 0, token.length(), false);
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The token with this id, or {@code null}. */
    String idToToken(int id) {
        return id >= 0 && id < tokensById.length ? tokensById[id] : null;
    }

    int vocabSize() {
        return size;
    }

    // The id of text[from, to), preceded by the continuing-subword prefix when asked; -1 if none.
    private int lookup(CharSequence text, int from, int to, boolean withPrefix) {
        int h = withPrefix ? prefixHash : SEED;
        for (int i = from; i < to; i++) {
            h = h * 31 + text.charAt(i);
        }
        int length = (withPrefix ? prefix.length : 0) + (to - from);
        for (int slot = finish(h) & mask; ; slot = (slot + 1) & mask) {
            char[] key = keys[slot];
            if (key == null) {
                return -1;
            }
            if (key.length == length && matches(key, text, from, to, withPrefix)) {
                return keyIds[slot];
            }
        }
    }

    private boolean matches(char[] key, CharSequence text, int from, int to, boolean withPrefix) {
        int k = 0;
        if (withPrefix) {
            for (char c : prefix) {
                if (key[k++] != c) {
                    return false;
                }
            }
        }
        for (int i = from; i < to; i++) {
            if (key[k++] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static final int SEED = 0x2F0B_5A3D;

    private static int hashChars(int h, char[] chars, int from, int to) {
        for (int i = from; i < to; i++) {
            h = h * 31 + chars[i];
        }
        return h;
    }

    private static int finish(int h) {
        h *= 0x9E37_79B9;
        return h ^ (h >>> 15);
    }
}
