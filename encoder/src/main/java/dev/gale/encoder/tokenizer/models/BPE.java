package dev.gale.encoder.tokenizer.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.TokenizerJson;
import dev.gale.encoder.tokenizer.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's {@code BPE} model ({@code models/bpe/model.rs}, {@code word.rs}): each char of the
 * word becomes a symbol (its token, with the continuing-subword prefix on all but the first and the
 * end-of-word suffix on the last; else its {@code <0xNN>} byte tokens under byte fallback; else the
 * unknown token, runs of them fused under fuse_unk; else nothing), then symbols are merged as in
 * {@link Word}. Words seen before come from a {@link Cache}.
 */
public final class BPE extends VocabModel {

    // Chars below this get their symbol from a table filled at load, so most words hash nothing per char.
    private static final int SMALL_CHARS = 0x800;

    private final MergeMap merges;
    private final char[] prefix; // continuing_subword_prefix, or none
    private final int prefixHash;
    private final char[] suffix; // end_of_word_suffix, or none
    private final byte[] prefixBytes; // (UTF-8 bytes of the prefix)
    private final byte[] suffixBytes;
    private final boolean hasUnkToken;
    private final int unkId; // -1 when there is no unk token or the vocabulary lacks it
    private final String missingUnk; // the error for a word that needs the missing unk token
    private final boolean fuseUnk;
    private final boolean byteFallback;
    private final int[] byteIds; // (256) id of "<0xNN>", -1 when absent
    private final boolean ignoreMerges;
    // (4 * SMALL_CHARS) id of [prefix] c [suffix] at (first ? 0 : 1) + (last ? 2 : 0), -1 when none
    private final int[] smallCharIds;
    private final Cache cache = new Cache(Cache.DEFAULT_CAPACITY);

    private BPE(Vocab vocab, MergeMap merges, String prefix, String suffix, String unkToken,
                String missingUnk, boolean fuseUnk, boolean byteFallback, boolean ignoreMerges) {
        super(vocab);
        this.merges = merges;
        this.prefix = prefix == null ? Vocab.NONE : prefix.toCharArray();
        this.prefixHash = Vocab.hash(Vocab.SEED, this.prefix);
        this.suffix = suffix == null ? Vocab.NONE : suffix.toCharArray();
        this.prefixBytes = new String(this.prefix).getBytes(StandardCharsets.UTF_8);
        this.suffixBytes = new String(this.suffix).getBytes(StandardCharsets.UTF_8);
        this.hasUnkToken = unkToken != null;
        this.unkId = unkToken == null ? -1 : vocab.get(unkToken);
        this.missingUnk = missingUnk;
        this.fuseUnk = fuseUnk;
        this.byteFallback = byteFallback;
        this.byteIds = new int[256];
        for (int b = 0; b < 256; b++) {
            byteIds[b] = vocab.get(byteToken(b));
        }
        this.ignoreMerges = ignoreMerges;
        this.smallCharIds = new int[4 * SMALL_CHARS];
        for (int where = 0; where < 4; where++) {
            char[] pre = (where & 1) != 0 ? this.prefix : Vocab.NONE;
            char[] suf = (where & 2) != 0 ? this.suffix : Vocab.NONE;
            for (int c = 0; c < SMALL_CHARS; c++) {
                String one = String.valueOf((char) c);
                int h = Vocab.hash(Vocab.hash(Vocab.hash(Vocab.SEED, pre), one, 0, 1), suf);
                smallCharIds[where * SMALL_CHARS + c] = vocab.find(h, pre, one, 0, 1, suf);
            }
        }
    }

    /**
     * Reads {@code vocab} and {@code merges} (required; merges as {@code "a b"} strings or
     * {@code ["a", "b"]} pairs), and the optional {@code dropout}, {@code unk_token},
     * {@code continuing_subword_prefix}, {@code end_of_word_suffix}, {@code fuse_unk},
     * {@code byte_fallback} and {@code ignore_merges}. A dropout above 0 is refused.
     */
    static BPE fromJson(JsonNode node, String path, TokenizerJson json) {
        JsonNode dropout = TokenizerJson.optional(node, "dropout");
        if (dropout != null) {
            String field = TokenizerJson.field(path, "dropout");
            if (!dropout.isNumber()) {
                throw json.error(field, TokenizerJson.describe(dropout), "a number or null");
            }
            float p = dropout.floatValue(); // Hugging Face keeps an f32
            if (!(p >= 0f && p <= 1f)) {
                throw json.error(field, TokenizerJson.describe(dropout), "a number between 0 and 1");
            }
            if (p > 0f) {
                throw new Models.Refused(json.error(field, TokenizerJson.describe(dropout)
                        + ": BPE dropout samples merges at random and Gale encodes deterministically",
                        "null or 0"));
            }
        }
        Map<String, Integer> vocabMap = Vocab.readMap(node, path, "vocab", json);
        Vocab vocab = new Vocab(vocabMap);
        String unk = json.text(node, path, "unk_token", null);
        String prefix = json.text(node, path, "continuing_subword_prefix", null);
        String suffix = json.text(node, path, "end_of_word_suffix", null);
        boolean fuseUnk = json.bool(node, path, "fuse_unk", false);
        boolean byteFallback = json.bool(node, path, "byte_fallback", false);
        boolean ignoreMerges = json.bool(node, path, "ignore_merges", false);
        MergeMap merges = readMerges(node, path, json, vocab, prefix);
        String missingUnk = unk == null ? null : Vocab.missingUnk(json, path, unk);
        return new BPE(vocab, merges, prefix, suffix, unk, missingUnk, fuseUnk, byteFallback,
                ignoreMerges);
    }

    // Builds Hugging Face's MergeMap: (a, b) -> (rank, id of a + b), b without its prefix bytes; a
    // pair listed twice keeps its last rank, as the Rust map's inserts do.
    private static MergeMap readMerges(JsonNode node, String path, TokenizerJson json, Vocab vocab,
                                       String prefix) {
        JsonNode list = json.array(node, path, "merges");
        String field = TokenizerJson.field(path, "merges");
        List<String[]> pairs = new ArrayList<>(list.size());
        List<String> fields = new ArrayList<>(list.size());
        boolean pairForm = true; // serde tries Vec<(String, String)> first, then Vec<String>
        for (JsonNode m : list) {
            if (!(m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual())) {
                pairForm = false;
                break;
            }
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            String at = field + "[" + i + "]";
            if (pairForm) {
                pairs.add(new String[] {m.get(0).textValue(), m.get(1).textValue()});
            } else if (!m.isTextual()) {
                throw json.error(at, TokenizerJson.describe(m),
                        "every merge a \"a b\" string, or every merge an [\"a\", \"b\"] pair");
            } else if (!m.textValue().startsWith("#version")) {
                String[] parts = m.textValue().split(" ", -1);
                if (parts.length != 2) {
                    throw json.error(at, TokenizerJson.describe(m) + " (merges line "
                            + (pairs.size() + 1) + ")", "two tokens separated by one space");
                }
                pairs.add(parts);
            } else {
                continue;
            }
            fields.add(at);
        }
        byte[] prefixBytes = prefix == null ? new byte[0] : prefix.getBytes(StandardCharsets.UTF_8);
        MergeMap merges = new MergeMap(pairs.size());
        for (int rank = 0; rank < pairs.size(); rank++) {
            String a = pairs.get(rank)[0];
            String b = pairs.get(rank)[1];
            String at = fields.get(rank);
            int aId = requireToken(vocab, a, at, path, json);
            int bId = requireToken(vocab, b, at, path, json);
            String merged = a + stripPrefix(b, prefixBytes, at, json);
            int newId = requireToken(vocab, merged, at, path, json);
            merges.put(aId, bId, rank, newId);
        }
        return merges;
    }

    private static int requireToken(Vocab vocab, String token, String at, String path,
                                    TokenizerJson json) {
        int id = vocab.get(token);
        if (id < 0) {
            throw json.error(at, "needs '" + token + "', which is not a key of "
                    + TokenizerJson.field(path, "vocab"), "merges of tokens in the vocabulary into one");
        }
        return id;
    }

    // Hugging Face drops the prefix's byte length from the front of b, whether or not b starts with it.
    private static String stripPrefix(String b, byte[] prefixBytes, String at, TokenizerJson json) {
        if (prefixBytes.length == 0) {
            return b;
        }
        byte[] bytes = b.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < prefixBytes.length
                || (bytes.length > prefixBytes.length && (bytes[prefixBytes.length] & 0xC0) == 0x80)) {
            throw json.error(at, "has a second token '" + b + "' shorter than or cut inside by the"
                    + " continuing_subword_prefix", "a second token that starts with the prefix");
        }
        return new String(bytes, prefixBytes.length, bytes.length - prefixBytes.length,
                StandardCharsets.UTF_8);
    }

    static String byteToken(int b) {
        return String.format("<0x%02X>", b);
    }

    @Override
    public void tokenize(CharSequence word, IntList out) {
        int n = word.length();
        if (n == 0) {
            return;
        }
        if (ignoreMerges) {
            int id = vocab.get(word);
            if (id >= 0) {
                out.add(id, 0, n);
                return;
            }
        }
        int hash = Cache.hash(word);
        if (cache.get(word, hash, out)) {
            return;
        }
        int mark = out.size();
        Word symbols = mergeWord(word);
        symbols.emit(word, out);
        cache.put(word, hash, out, mark);
    }

    // merge_word: the symbols of the word, merged.
    private Word mergeWord(CharSequence w) {
        int n = w.length();
        Word word = new Word(n);
        int pendingUnk = -1; // the unk symbol not added yet (fuse_unk grows it), -1 when none
        int pendingLen = 0;
        for (int i = 0; i < n; ) {
            int cp = Character.codePointAt(w, i);
            int end = i + Character.charCount(cp);
            boolean first = i == 0;
            boolean last = end == n;
            int byteLen = Utf8.length(cp);
            int id;
            if (cp < SMALL_CHARS) {
                id = smallCharIds[((first ? 0 : 1) + (last ? 2 : 0)) * SMALL_CHARS + cp];
            } else {
                int h = Vocab.hash(first ? Vocab.SEED : prefixHash, w, i, end);
                id = vocab.find(last ? Vocab.hash(h, suffix) : h, first ? Vocab.NONE : prefix, w, i, end,
                        last ? suffix : Vocab.NONE);
            }
            if (id >= 0) {
                if (pendingUnk >= 0) {
                    word.add(pendingUnk, pendingLen);
                    pendingUnk = -1;
                }
                word.add(id, byteLen);
            } else if (byteFallback && addBytes(word, first ? null : prefixBytes, cp, byteLen,
                    last ? suffixBytes : null)) {
                // A pending unk stays pending across byte tokens, as in Hugging Face.
            } else if (hasUnkToken) {
                if (pendingUnk >= 0 && fuseUnk) {
                    pendingLen += byteLen;
                } else {
                    if (pendingUnk >= 0) {
                        word.add(pendingUnk, pendingLen);
                    }
                    if (unkId < 0) {
                        throw new IllegalArgumentException(missingUnk);
                    }
                    pendingUnk = unkId;
                    pendingLen = byteLen;
                }
            }
            // With no unk token the char is dropped, and later offsets shift as in Hugging Face.
            i = end;
        }
        if (pendingUnk >= 0) {
            word.add(pendingUnk, pendingLen);
        }
        word.mergeAll(merges);
        return word;
    }

    // Byte fallback: the "<0xNN>" tokens of every byte of prefix + char + suffix, each one byte
    // long; false, adding nothing, when one of them is missing.
    private boolean addBytes(Word word, byte[] pre, int cp, int byteLen, byte[] suf) {
        if (pre != null) {
            for (byte b : pre) {
                if (byteIds[b & 0xFF] < 0) {
                    return false;
                }
            }
        }
        for (int k = 0; k < byteLen; k++) {
            if (byteIds[Utf8.byteAt(cp, byteLen, k)] < 0) {
                return false;
            }
        }
        if (suf != null) {
            for (byte b : suf) {
                if (byteIds[b & 0xFF] < 0) {
                    return false;
                }
            }
        }
        if (pre != null) {
            for (byte b : pre) {
                word.add(byteIds[b & 0xFF], 1);
            }
        }
        for (int k = 0; k < byteLen; k++) {
            word.add(byteIds[Utf8.byteAt(cp, byteLen, k)], 1);
        }
        if (suf != null) {
            for (byte b : suf) {
                word.add(byteIds[b & 0xFF], 1);
            }
        }
        return true;
    }


    /**
     * Hugging Face's {@code MergeMap}: pair of ids -> (rank, new id), open addressing over the pair
     * packed in a long, the value packed as {@code rank << 32 | newId}.
     */
    static final class MergeMap {

        private static final long EMPTY = -1L;

        private final long[] table; // (slots * 2) key a << 32 | b (EMPTY when free), then its value
        private final int mask;
        private final int shift;

        MergeMap(int expected) {
            int slots = Integer.highestOneBit(Math.max(expected, 1) * 2 - 1) * 2;
            table = new long[slots * 2];
            for (int slot = 0; slot < slots; slot++) {
                table[2 * slot] = EMPTY;
            }
            mask = slots - 1;
            shift = 64 - Integer.numberOfTrailingZeros(slots);
        }

        void put(int a, int b, int rank, int newId) {
            long key = (long) a << 32 | b;
            int slot = slot(key);
            while (table[2 * slot] != EMPTY && table[2 * slot] != key) {
                slot = (slot + 1) & mask;
            }
            table[2 * slot] = key;
            table[2 * slot + 1] = (long) rank << 32 | newId;
        }

        /** {@code rank << 32 | newId} of the pair (a, b), or -1 when they do not merge. */
        long get(int a, int b) {
            long key = (long) a << 32 | b;
            for (int slot = slot(key); ; slot = (slot + 1) & mask) {
                long k = table[2 * slot];
                if (k == key) {
                    return table[2 * slot + 1];
                }
                if (k == EMPTY) {
                    return -1;
                }
            }
        }

        static int rank(long value) {
            return (int) (value >>> 32);
        }

        static int newId(long value) {
            return (int) value;
        }

        private int slot(long key) {
            return (int) ((key * 0x9E37_79B9_7F4A_7C15L) >>> shift) & mask;
        }
    }

    @Override
    public int unkId() {
        return unkId;
    }

    @Override
    public String continuingSubwordPrefix() {
        return prefix.length == 0 ? null : new String(prefix);
    }
}
