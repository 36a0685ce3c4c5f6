package dev.gale.encoder.tokenizer.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code vocab} map of BPE, WordPiece and WordLevel ({@code AHashMap<String, u32>} in Hugging
 * Face), as an open-addressing table over the tokens' chars: a candidate made of a prefix, a stretch
 * of the word and a suffix is looked up without building a string. Immutable.
 */
final class Vocab {

    static final char[] NONE = new char[0];
    static final int SEED = 0x2F0B_5A3D;

    // Linear probing over slots of four ints, (hash, id, start, length), the token being
    // pool[start, start + length); an empty slot has id -1. A probe compares the hash and the length
    // before it reads any char, and neighbouring slots share a cache line.
    private static final int STRIDE = 4;
    private final int[] table; // (slots * 4)
    private final char[] pool; // (total chars of all tokens)
    private final int mask;
    private final int size;
    private final int maxKeyChars; // the longest token, in chars

    // id -> token; a map only when the ids are too sparse for an array.
    private final String[] tokensById; // (maxId + 1), null where no token has that id
    private final Map<Integer, String> sparseTokens;

    Vocab(Map<String, Integer> vocab) {
        int slots = Integer.highestOneBit(Math.max(vocab.size(), 1) * 2 - 1) * 2;
        this.table = new int[slots * STRIDE];
        this.mask = slots - 1;
        this.size = vocab.size();
        for (int slot = 0; slot < slots; slot++) {
            table[slot * STRIDE + 1] = -1;
        }
        int total = 0;
        for (String token : vocab.keySet()) {
            total += token.length();
        }
        this.pool = new char[total];
        int used = 0;
        int longest = 0;
        int maxId = -1;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            String token = e.getKey();
            token.getChars(0, token.length(), pool, used);
            int h = hash(SEED, token, 0, token.length());
            int slot = finish(h) & mask;
            while (table[slot * STRIDE + 1] >= 0) {
                slot = (slot + 1) & mask;
            }
            int at = slot * STRIDE;
            table[at] = h;
            table[at + 1] = e.getValue();
            table[at + 2] = used;
            table[at + 3] = token.length();
            used += token.length();
            longest = Math.max(longest, token.length());
            maxId = Math.max(maxId, e.getValue());
        }
        this.maxKeyChars = longest;
        // Several tokens may share an id; the last one in the file answers id -> token.
        if (maxId < 2L * vocab.size() + 1024) {
            this.tokensById = new String[maxId + 1];
            this.sparseTokens = null;
            vocab.forEach((token, id) -> tokensById[id] = token);
        } else {
            this.tokensById = null;
            this.sparseTokens = new HashMap<>();
            vocab.forEach((token, id) -> sparseTokens.put(id, token));
        }
    }

    /** Reads a {@code {"token": id, ...}} object, in file order (a repeated key keeps its last id). */
    static Map<String, Integer> readMap(JsonNode node, String path, String name, TokenizerJson json) {
        JsonNode object = json.object(node, path, name);
        String field = TokenizerJson.field(path, name);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            vocab.put(e.getKey(), json.nonNegativeInt(e.getValue(), field + "['" + e.getKey() + "']"));
        }
        return vocab;
    }

    /**
     * The error for a word that needs {@code unkToken} (member unk_token of the model at {@code path})
     * when the vocabulary lacks it: Hugging Face loads such a model and fails only on that word.
     */
    static String missingUnk(TokenizerJson json, String path, String unkToken) {
        return json.error(TokenizerJson.field(path, "unk_token"), "'" + unkToken + "' is not a key of "
                + TokenizerJson.field(path, "vocab") + " and a word needs it", "one of its tokens").getMessage();
    }

    int size() {
        return size;
    }

    int maxKeyChars() {
        return maxKeyChars;
    }

    /** The id of {@code token}, or -1. */
    int get(CharSequence token) {
        return get(token, 0, token.length());
    }

    /** The id of {@code text[from, to)}, or -1. */
    int get(CharSequence text, int from, int to) {
        return find(hash(SEED, text, from, to), NONE, text, from, to, NONE);
    }

    /**
     * The id of {@code prefix + text[from, to) + suffix}, or -1; {@code hash} is that string's
     * {@link #hash} chain from {@link #SEED}.
     */
    int find(int hash, char[] prefix, CharSequence text, int from, int to, char[] suffix) {
        int length = prefix.length + (to - from) + suffix.length;
        for (int slot = finish(hash) & mask; ; slot = (slot + 1) & mask) {
            int at = slot * STRIDE;
            int id = table[at + 1];
            if (id < 0) {
                return -1;
            }
            if (table[at] == hash && table[at + 3] == length
                    && matches(table[at + 2], prefix, text, from, to, suffix)) {
                return id;
            }
        }
    }

    /** The token with this id, or {@code null}. */
    String token(int id) {
        if (tokensById != null) {
            return id >= 0 && id < tokensById.length ? tokensById[id] : null;
        }
        return sparseTokens.get(id);
    }

    static int hash(int h, char[] chars) {
        for (char c : chars) {
            h = h * 31 + c;
        }
        return h;
    }

    static int hash(int h, CharSequence text, int from, int to) {
        for (int i = from; i < to; i++) {
            h = h * 31 + text.charAt(i);
        }
        return h;
    }

    private boolean matches(int start, char[] prefix, CharSequence text, int from, int to, char[] suffix) {
        int k = start;
        for (char c : prefix) {
            if (pool[k++] != c) {
                return false;
            }
        }
        for (int i = from; i < to; i++) {
            if (pool[k++] != text.charAt(i)) {
                return false;
            }
        }
        for (char c : suffix) {
            if (pool[k++] != c) {
                return false;
            }
        }
        return true;
    }

    private static int finish(int h) {
        h *= 0x9E37_79B9;
        return h ^ (h >>> 15);
    }
}
