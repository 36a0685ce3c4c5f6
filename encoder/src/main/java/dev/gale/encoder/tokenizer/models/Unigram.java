package dev.gale.encoder.tokenizer.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.Model;
import dev.gale.encoder.tokenizer.TokenizerJson;
import dev.gale.encoder.tokenizer.Utf8;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Hugging Face's {@code Unigram} model ({@code models/unigram/model.rs}, {@code encode_optimized}, the
 * path every loaded model takes, {@code is_optimized} being always true there; the lattice.rs path
 * gives the same tokens and is not ported): the Viterbi best path over the pieces that match the word, an
 * unknown char costing the lowest score minus 10; runs of unknown nodes are fused into one token,
 * which is its own piece when the vocabulary has it, else its {@code <0xNN>} byte tokens under byte
 * fallback (each spanning the whole run), else the unknown token. Words seen before come from a
 * {@link Cache}.
 */
public final class Unigram implements Model {

    private static final double K_UNK_PENALTY = 10.0;

    private final String[] pieces; // (vocab) piece by id
    private final double[] scores; // (vocab) log probability by id
    private final Trie trie;
    private final int unkId; // -1 when unk_id is null
    private final double minScore;
    private final boolean byteFallback;
    private final int[] byteIds; // (256) id of "<0xNN>", -1 when absent
    private final String missingUnkId; // the error for an unknown char when unk_id is null
    private final Cache cache = new Cache(Cache.DEFAULT_CAPACITY);

    private Unigram(String[] pieces, double[] scores, int unkId, boolean byteFallback, String missingUnkId) {
        this.pieces = pieces;
        this.scores = scores;
        this.trie = new Trie(pieces);
        this.unkId = unkId;
        double min = Double.POSITIVE_INFINITY;
        for (double s : scores) {
            if (s < min) {
                min = s;
            }
        }
        this.minScore = min;
        this.byteFallback = byteFallback;
        this.byteIds = new int[256];
        for (int b = 0; b < 256; b++) {
            String t = BPE.byteToken(b);
            byteIds[b] = trie.get(t, 0, t.length());
        }
        this.missingUnkId = missingUnkId;
    }

    /**
     * Reads {@code vocab} (required, {@code [[piece, score], ...]}, the id being the index), and the
     * optional {@code unk_id} and {@code byte_fallback}.
     */
    static Unigram fromJson(JsonNode node, String path, TokenizerJson json) {
        JsonNode vocab = json.array(node, path, "vocab");
        String field = TokenizerJson.field(path, "vocab");
        String[] pieces = new String[vocab.size()];
        double[] scores = new double[vocab.size()];
        for (int i = 0; i < pieces.length; i++) {
            JsonNode entry = vocab.get(i);
            if (!entry.isArray() || entry.size() != 2 || !entry.get(0).isTextual() || !entry.get(1).isNumber()) {
                throw json.error(field + "[" + i + "]", TokenizerJson.describe(entry), "[\"piece\", score]");
            }
            pieces[i] = entry.get(0).textValue();
            scores[i] = serdeF64(entry.get(1));
        }
        int unkId = json.nonNegativeInt(node, path, "unk_id", -1);
        if (unkId >= pieces.length) {
            throw json.error(TokenizerJson.field(path, "unk_id"), "is " + unkId + " but " + field
                    + " has " + pieces.length + " pieces", "the index of a piece, the unknown token's");
        }
        boolean byteFallback = json.bool(node, path, "byte_fallback", false);
        String missingUnkId = json.error(TokenizerJson.field(path, "unk_id"),
                "is null and a word has a char that no piece covers", "the id of the unknown token")
                .getMessage();
        return new Unigram(pieces, scores, unkId, byteFallback, missingUnkId);
    }

    /**
     * The f64 that serde_json (without its float_roundtrip feature, as Hugging Face builds it) reads
     * for this number: the first 19 or so significant digits as an integer, rounded to a double, then
     * divided or multiplied by a power of ten, one ULP off the correctly rounded value for about one
     * score in eight, enough to flip a close Viterbi choice. The digits are the number's own when
     * Jackson kept them (BigDecimal), else the shortest decimal of Jackson's double, which is the
     * file's text whenever that was written shortest (Python's json, serde_json, ryu).
     */
    static double serdeF64(JsonNode number) {
        if (number.isIntegralNumber() && number.canConvertToLong()) {
            return (double) number.longValue();
        }
        if (!Double.isFinite(number.doubleValue())) {
            return number.doubleValue();
        }
        String text = number.isBigDecimal() || number.isBigInteger() ? number.decimalValue().toString()
                : Double.toString(number.doubleValue());
        return parseLikeSerde(text);
    }

    private static final double[] POW10 = new double[309];

    static {
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = Double.parseDouble("1e" + i);
        }
    }

    // serde_json's parse_integer / parse_decimal / parse_exponent / f64_from_parts, on a well-formed
    // number ("-1.25", "1.0E-5", "3E+2").
    static double parseLikeSerde(String text) {
        long cap = Long.divideUnsigned(-1L, 10); // u64::MAX / 10
        int capDigit = (int) Long.remainderUnsigned(-1L, 10);
        int i = 0;
        boolean negative = text.charAt(0) == '-';
        if (negative) {
            i++;
        }
        long significand = 0; // unsigned
        int exponent = 0;
        // Once a digit does not fit, the integer part's further digits only raise the exponent and
        // the fraction's are dropped (the fraction tries again first, as serde_json does).
        boolean full = false;
        for (; i < text.length() && Character.isDigit(text.charAt(i)); i++) {
            int digit = text.charAt(i) - '0';
            if (full || overflows(significand, digit, cap, capDigit)) {
                full = true;
                exponent++;
            } else {
                significand = significand * 10 + digit;
            }
        }
        if (i < text.length() && text.charAt(i) == '.') {
            full = false;
            for (i++; i < text.length() && Character.isDigit(text.charAt(i)); i++) {
                int digit = text.charAt(i) - '0';
                if (full || overflows(significand, digit, cap, capDigit)) {
                    full = true;
                } else {
                    significand = significand * 10 + digit;
                    exponent--;
                }
            }
        }
        if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            long e = Long.parseLong(text.substring(text.charAt(i + 1) == '+' ? i + 2 : i + 1));
            exponent = (int) Math.max(-100_000, Math.min(100_000, exponent + e)); // far past any double
        }
        double f = significand >= 0 ? (double) significand
                : (double) ((significand >>> 1) | (significand & 1)) * 2.0;
        while (true) {
            int abs = Math.abs(exponent);
            if (abs < POW10.length) {
                f = exponent >= 0 ? f * POW10[abs] : f / POW10[abs];
                break;
            }
            if (f == 0.0) {
                break;
            }
            if (exponent >= 0) {
                return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            f /= 1e308;
            exponent += 308;
        }
        return negative ? -f : f;
    }

    private static boolean overflows(long significand, int digit, long cap, int capDigit) {
        int c = Long.compareUnsigned(significand, cap);
        return c > 0 || (c == 0 && digit > capDigit);
    }

    @Override
    public void tokenize(CharSequence word, IntList out) {
        int n = word.length();
        if (n == 0) {
            return;
        }
        int hash = Cache.hash(word);
        if (cache.get(word, hash, out)) {
            return;
        }
        int mark = out.size();
        encode(word, out);
        cache.put(word, hash, out, mark);
    }

    // encode_optimized, then tokenize's id lookup and byte fallback.
    private void encode(CharSequence word, IntList out) {
        int n = word.length();
        double unkScore = minScore - K_UNK_PENALTY;
        // The best path ending at each char position: its score, where its last node starts (-1
        // while none reaches there) and that node's id.
        double[] bestScore = new double[n + 1]; // (n + 1)
        int[] startsAt = new int[n + 1]; // (n + 1)
        int[] nodeId = new int[n + 1]; // (n + 1)
        Arrays.fill(startsAt, -1);
        for (int start = 0; start < n; ) {
            int charLen = Character.charCount(Character.codePointAt(word, start));
            double till = bestScore[start];
            boolean hasSingleNode = false;
            int v = Trie.root();
            for (int k = start; k < n; k++) {
                v = trie.child(v, word.charAt(k));
                if (v < 0) {
                    break;
                }
                int id = trie.value(v);
                if (id < 0) {
                    continue;
                }
                int end = k + 1;
                double candidate = scores[id] + till;
                if (startsAt[end] < 0 || candidate > bestScore[end]) {
                    bestScore[end] = candidate;
                    startsAt[end] = start;
                    nodeId[end] = id;
                }
                if (end - start == charLen) {
                    hasSingleNode = true;
                }
            }
            if (!hasSingleNode) {
                int end = start + charLen;
                double candidate = unkScore + till;
                if (startsAt[end] < 0 || candidate > bestScore[end]) {
                    if (unkId < 0) {
                        throw new IllegalArgumentException(missingUnkId);
                    }
                    bestScore[end] = candidate;
                    startsAt[end] = start;
                    nodeId[end] = unkId;
                }
            }
            start += charLen;
        }

        // Back from the end: (start, end, id) per token, id -1 for a fused run of unknown nodes;
        // written from the back of path so that it reads forward.
        int count = 0;
        for (int end = n; end > 0; ) {
            int start = startsAt[end];
            boolean unk = nodeId[end] == unkId;
            while (unk && start > 0 && nodeId[start] == unkId) {
                start = startsAt[start];
            }
            count++;
            end = start;
        }
        int[] path = new int[count * 3];
        int p = path.length;
        for (int end = n; end > 0; ) {
            int start = startsAt[end];
            int id = nodeId[end];
            if (id == unkId) {
                while (start > 0 && nodeId[start] == unkId) {
                    start = startsAt[start];
                }
                id = -1;
            }
            path[--p] = id;
            path[--p] = end;
            path[--p] = start;
            end = start;
        }
        for (int t = 0; t < path.length; t += 3) {
            int start = path[t];
            int end = path[t + 1];
            int id = path[t + 2];
            if (id < 0) {
                id = trie.get(word, start, end);
                if (id < 0 && !(byteFallback && addBytes(word, start, end, out))) {
                    id = unkId;
                }
            }
            if (id >= 0) {
                out.add(id, start, end);
            }
        }
    }

    // The "<0xNN>" tokens of every UTF-8 byte of word[start, end), each spanning all of it; false,
    // adding nothing, when one of them is missing.
    private boolean addBytes(CharSequence word, int start, int end, IntList out) {
        for (int pass = 0; pass < 2; pass++) {
            for (int i = start; i < end; ) {
                int cp = Character.codePointAt(word, i);
                int length = Utf8.length(cp);
                for (int k = 0; k < length; k++) {
                    int id = byteIds[Utf8.byteAt(cp, length, k)];
                    if (id < 0) {
                        return false;
                    }
                    if (pass == 1) {
                        out.add(id, start, end);
                    }
                }
                i += Character.charCount(cp);
            }
        }
        return true;
    }

    @Override
    public OptionalInt tokenToId(String token) {
        int id = trie.get(token, 0, token.length());
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public String idToToken(int id) {
        return id >= 0 && id < pieces.length ? pieces[id] : null;
    }

    /** An unknown piece keeps its own text as its token string, as in model.rs's {@code tokenize}. */
    @Override
    public String tokenValue(int id, CharSequence word, int start, int end) {
        return id == unkId ? word.subSequence(start, end).toString() : idToToken(id);
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public int unkId() {
        return unkId;
    }
}
