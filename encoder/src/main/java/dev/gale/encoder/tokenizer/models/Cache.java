package dev.gale.encoder.tokenizer.models;

import dev.gale.encoder.tokenizer.IntList;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hugging Face's word cache ({@code utils/cache.rs}): the tokens of words already seen, for words
 * shorter than {@link #MAX_LENGTH}, filled until {@link #DEFAULT_CAPACITY} entries and never
 * evicted. Like Hugging Face's, it promises no accuracy, only speed: a put may be lost when threads
 * race.
 *
 * <p>Lock-free: a fixed open-addressing table whose entries are written once, completely, before a
 * release store (or CAS) publishes them; readers load them with acquire. An entry is one int array,
 * {@code [hash, word length, word chars..., (id, start, end) per token...]}, so a hit reads one
 * object.
 */
final class Cache {

    static final int DEFAULT_CAPACITY = 10_000;
    /** Hugging Face counts UTF-8 bytes; chars are fewer, so a few more (long) words are kept here. */
    static final int MAX_LENGTH = 256;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(int[][].class);

    private final int[][] slots; // (2 * capacity rounded up to a power of two) entries, null when free
    private final int mask;
    private final int capacity;
    private final AtomicInteger size = new AtomicInteger();

    Cache(int capacity) {
        this.capacity = capacity;
        int n = Integer.highestOneBit(Math.max(capacity, 1) * 2 - 1) * 2;
        this.slots = new int[n][];
        this.mask = n - 1;
    }

    static int hash(CharSequence word) {
        int h = Vocab.SEED;
        for (int i = 0, n = word.length(); i < n; i++) {
            h = h * 31 + word.charAt(i);
        }
        h *= 0x9E37_79B9;
        return h ^ (h >>> 15);
    }

    /** Appends the cached tokens of {@code word} to {@code out}; false when it is not cached. */
    boolean get(CharSequence word, int hash, IntList out) {
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int[] e = (int[]) SLOT.getAcquire(slots, slot);
            if (e == null) {
                return false;
            }
            if (holds(e, hash, word)) {
                for (int i = 2 + e[1]; i < e.length; i += 3) {
                    out.add(e[i], e[i + 1], e[i + 2]);
                }
                return true;
            }
        }
    }

    /** Remembers {@code tokens[from, size)} as the tokens of {@code word}, when there is room. */
    void put(CharSequence word, int hash, IntList tokens, int from) {
        int n = word.length();
        if (n >= MAX_LENGTH || size.get() >= capacity) {
            return;
        }
        int[] entry = new int[2 + n + tokens.size() - from];
        entry[0] = hash;
        entry[1] = n;
        for (int i = 0; i < n; i++) {
            entry[2 + i] = word.charAt(i);
        }
        for (int i = from; i < tokens.size(); i++) {
            entry[2 + n + i - from] = tokens.get(i);
        }
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            if (SLOT.compareAndSet(slots, slot, null, entry)) {
                size.incrementAndGet();
                return;
            }
            if (holds((int[]) SLOT.getAcquire(slots, slot), hash, word)) {
                return;
            }
        }
    }

    private static boolean holds(int[] e, int hash, CharSequence word) {
        if (e[0] != hash || e[1] != word.length()) {
            return false;
        }
        for (int i = 0; i < e[1]; i++) {
            if (e[2 + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
