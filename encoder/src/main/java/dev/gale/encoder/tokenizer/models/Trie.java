package dev.gale.encoder.tokenizer.models;

import java.util.Arrays;

/**
 * Hugging Face's Unigram {@code Trie} ({@code models/unigram/trie.rs}) over UTF-16 chars instead of
 * bytes (the pieces that prefix a text at a char boundary are the same either way). Nodes are
 * numbered breadth first, so the children of a node are consecutive, from its first child to the
 * next node's first child, sorted by their label. The root's children are
 * found through a table indexed by char. Immutable.
 */
final class Trie {

    private static final int ROOT = 0;

    private final int[] rootChild; // (65536) child of the root by char, 0 when none
    // (nodes + 1) * 2: per node, its first child and the id of the piece ending there (-1 when none),
    // side by side so that one step reads one cache line for both.
    private final int[] node;
    private final char[] label; // (nodes) char on the edge into the node
    private final int emptyValue; // id of the empty piece, -1 when none

    /** A trie of {@code pieces}, piece {@code i} having id {@code i}; a repeated piece keeps its last id. */
    Trie(String[] pieces) {
        String[] sorted = pieces.clone();
        Arrays.sort(sorted);

        // Sorted input: the child to follow is always the last one added to its parent.
        int capacity = 1;
        for (String p : sorted) {
            capacity += p.length();
        }
        int[] lastChild = new int[capacity];
        int[] nextSibling = new int[capacity];
        int[] firstOf = new int[capacity];
        char[] labels = new char[capacity];
        Arrays.fill(lastChild, -1);
        Arrays.fill(nextSibling, -1);
        Arrays.fill(firstOf, -1);
        int nodes = 1;
        for (String piece : sorted) {
            int v = ROOT;
            for (int k = 0; k < piece.length(); k++) {
                char ch = piece.charAt(k);
                int child = lastChild[v];
                if (child < 0 || labels[child] != ch) {
                    int created = nodes++;
                    labels[created] = ch;
                    if (child < 0) {
                        firstOf[v] = created;
                    } else {
                        nextSibling[child] = created;
                    }
                    lastChild[v] = created;
                    child = created;
                }
                v = child;
            }
        }

        // Renumber breadth first.
        int[] queue = new int[nodes]; // old ids, in new order
        this.node = new int[(nodes + 1) * 2];
        this.label = new char[nodes];
        int tail = 1;
        for (int head = 0; head < nodes; head++) {
            int old = queue[head];
            node[2 * head] = tail;
            node[2 * head + 1] = -1;
            for (int ch = firstOf[old]; ch >= 0; ch = nextSibling[ch]) {
                queue[tail++] = ch;
            }
            label[head] = labels[old];
        }
        node[2 * nodes] = tail;
        this.rootChild = new int[65536];
        for (int v = node[2 * ROOT]; v < node[2 * (ROOT + 1)]; v++) {
            rootChild[label[v]] = v;
        }

        // Ids last, in id order, so that a repeated piece ends with its last id.
        int empty = -1;
        for (int id = 0; id < pieces.length; id++) {
            String piece = pieces[id];
            if (piece.isEmpty()) {
                empty = id;
                continue;
            }
            int v = ROOT;
            for (int k = 0; k < piece.length(); k++) {
                v = child(v, piece.charAt(k));
            }
            node[2 * v + 1] = id;
        }
        this.emptyValue = empty;
    }

    /** The node reached from {@code node} by {@code ch}, or -1. */
    int child(int parent, char ch) {
        if (parent == ROOT) {
            int v = rootChild[ch];
            return v == 0 ? -1 : v;
        }
        int lo = node[2 * parent];
        int hi = node[2 * parent + 2] - 1;
        if (hi - lo < 8) {
            for (int v = lo; v <= hi; v++) {
                if (label[v] == ch) {
                    return v;
                }
            }
            return -1;
        }
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            char c = label[mid];
            if (c < ch) {
                lo = mid + 1;
            } else if (c > ch) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    static int root() {
        return ROOT;
    }

    /** The id of the piece ending at {@code node}, or -1. */
    int value(int v) {
        return node[2 * v + 1];
    }

    /** The id of the piece {@code text[from, to)}, or -1. */
    int get(CharSequence text, int from, int to) {
        if (from == to) {
            return emptyValue;
        }
        int v = ROOT;
        for (int i = from; i < to && v >= 0; i++) {
            v = child(v, text.charAt(i));
        }
        return v < 0 ? -1 : node[2 * v + 1];
    }
}
