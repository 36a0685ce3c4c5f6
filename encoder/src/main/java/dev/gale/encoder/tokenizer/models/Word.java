package dev.gale.encoder.tokenizer.models;

import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.Utf8;
import java.util.Arrays;

/**
 * Hugging Face's BPE {@code Word} ({@code models/bpe/word.rs}): a word as a linked row of symbols
 * (token id, length in UTF-8 bytes), merged pair by pair in order of merge rank, leftmost first among
 * equal ranks. One per word being merged; not thread-safe.
 */
final class Word {

    // Symbols, in word order; a symbol merged into its left neighbour keeps its slot with len 0.
    private int[] c; // (symbols) token id
    private int[] prev; // (symbols) index of the previous live symbol, -1 at the start
    private int[] next; // (symbols) index of the next live symbol, -1 at the end
    private int[] len; // (symbols) UTF-8 bytes, as Hugging Face counts them (see BPE)
    private int size;

    // The merge queue: a binary min-heap of (rank << 32 | pos), with each entry's new id alongside.
    private long[] queue; // (entries)
    private int[] queueIds; // (entries)
    private int queued;

    Word(int capacity) {
        capacity = Math.max(capacity, 4);
        c = new int[capacity];
        prev = new int[capacity];
        next = new int[capacity];
        len = new int[capacity];
        queue = new long[capacity];
        queueIds = new int[capacity];
    }

    /** {@code add}: appends a symbol. */
    void add(int id, int byteLen) {
        if (size == c.length) {
            int n = size * 2;
            c = Arrays.copyOf(c, n);
            prev = Arrays.copyOf(prev, n);
            next = Arrays.copyOf(next, n);
            len = Arrays.copyOf(len, n);
        }
        if (size > 0) {
            next[size - 1] = size;
        }
        c[size] = id;
        prev[size] = size - 1;
        next[size] = -1;
        len[size] = byteLen;
        size++;
    }

    /**
     * {@code merge_all} without dropout. A queued merge whose pair has changed since is dropped, unless
     * the pair now there merges into the same new id, which Hugging Face also accepts.
     */
    void mergeAll(BPE.MergeMap merges) {
        queued = 0;
        for (int i = 0; i + 1 < size; i++) {
            long m = merges.get(c[i], c[i + 1]);
            if (m >= 0) {
                push(BPE.MergeMap.rank(m), i, BPE.MergeMap.newId(m));
            }
        }
        while (queued > 0) {
            long top = queue[0];
            int newId = queueIds[0];
            pop();
            int pos = (int) top;
            if (len[pos] == 0 || next[pos] == -1) {
                continue;
            }
            int right = next[pos];
            long target = merges.get(c[pos], c[right]);
            if (target < 0 || BPE.MergeMap.newId(target) != newId) {
                continue;
            }
            c[pos] = newId;
            len[pos] += len[right];
            next[pos] = next[right];
            len[right] = 0;
            if (next[pos] >= 0) {
                prev[next[pos]] = pos;
            }
            if (prev[pos] >= 0) {
                long m = merges.get(c[prev[pos]], c[pos]);
                if (m >= 0) {
                    push(BPE.MergeMap.rank(m), prev[pos], BPE.MergeMap.newId(m));
                }
            }
            if (next[pos] >= 0) {
                long m = merges.get(c[pos], c[next[pos]]);
                if (m >= 0) {
                    push(BPE.MergeMap.rank(m), pos, BPE.MergeMap.newId(m));
                }
            }
        }
    }

    /**
     * Appends the live symbols to {@code out} as (id, start, end) triples. Hugging Face's offsets are
     * the running sum of the symbols' byte lengths; each is mapped here to the chars of {@code word}
     * holding those bytes (a byte inside a code point stands for the whole code point), which is where
     * Hugging Face's byte offsets land once aligned. Past the word's end (the prefix or suffix bytes of
     * a byte fallback) an offset is clamped to the end.
     */
    void emit(CharSequence word, IntList out) {
        int n = word.length();
        int bytePos = 0;
        int ci = 0; // cursor: the char at ci starts at UTF-8 byte cb of the word
        int cb = 0;
        for (int s = 0; s < size; s++) {
            if (len[s] == 0) {
                continue;
            }
            int first = bytePos;
            bytePos += len[s];
            int last = bytePos - 1;
            while (ci < n) {
                int cp = Character.codePointAt(word, ci);
                int bl = Utf8.length(cp);
                if (cb + bl > first) {
                    break;
                }
                cb += bl;
                ci += Character.charCount(cp);
            }
            int start = ci;
            while (ci < n) {
                int cp = Character.codePointAt(word, ci);
                int bl = Utf8.length(cp);
                if (cb + bl > last) {
                    break;
                }
                cb += bl;
                ci += Character.charCount(cp);
            }
            int end = ci < n ? ci + Character.charCount(Character.codePointAt(word, ci)) : n;
            out.add(c[s], start, end);
        }
    }

    private void push(int rank, int pos, int newId) {
        if (queued == queue.length) {
            queue = Arrays.copyOf(queue, queued * 2);
            queueIds = Arrays.copyOf(queueIds, queued * 2);
        }
        long key = (long) rank << 32 | pos;
        int i = queued++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (queue[parent] <= key) {
                break;
            }
            queue[i] = queue[parent];
            queueIds[i] = queueIds[parent];
            i = parent;
        }
        queue[i] = key;
        queueIds[i] = newId;
    }

    private void pop() {
        int n = --queued;
        if (n == 0) {
            return;
        }
        long key = queue[n];
        int id = queueIds[n];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && queue[child + 1] < queue[child]) {
                child++;
            }
            if (key <= queue[child]) {
                break;
            }
            queue[i] = queue[child];
            queueIds[i] = queueIds[child];
            i = child;
        }
        queue[i] = key;
        queueIds[i] = id;
    }
}
