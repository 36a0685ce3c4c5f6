package dev.gale.encoder.tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * Hugging Face's {@code NormalizedString} ({@code tokenizer/normalizer.rs}): a piece of text as the
 * normalizers have rewritten it, where every char still knows which stretch of the original input it
 * came from, so that the tokens' offsets point into the user's text.
 *
 * <p>Units: Hugging Face counts bytes of UTF-8 and aligns every byte; Gale counts UTF-16 chars (Java's
 * {@code String} indices) and aligns every char. Both halves of a surrogate pair carry the alignment of
 * their code point, as all the bytes of a code point do in Rust, so the offsets agree once Hugging
 * Face's are converted to chars. Alignments here are absolute indices into the whole original text.
 *
 * <p>Rewriting follows {@code transform_range} exactly: a new char with {@code change <= 0} takes the
 * alignment of the old char it replaces (and {@code -change} further old chars are dropped), a char
 * with {@code change > 0} is inserted with the alignment of the old char just before it, or an empty
 * alignment at the start of this string when there is none.
 *
 * <p>A slice shares its parent's arrays until it is rewritten, so splitting text into words copies
 * nothing. Not thread-safe: one encode call owns its strings.
 */
public final class NormalizedString implements CharSequence {

    private final String original; // the whole input text
    private final int originalStart; // where this string's stretch of the original begins
    private final int originalEnd;
    private char[] chars; // normalized text at [base, base + length)
    private int[] alignStart; // (chars.length) original [start, end) of each normalized char
    private int[] alignEnd;
    private int base;
    private int length;
    private boolean shared; // arrays also seen by another slice: copy before writing in place

    private NormalizedString(String original, int originalStart, int originalEnd, char[] chars,
                             int[] alignStart, int[] alignEnd, int base, int length, boolean shared) {
        this.original = original;
        this.originalStart = originalStart;
        this.originalEnd = originalEnd;
        this.chars = chars;
        this.alignStart = alignStart;
        this.alignEnd = alignEnd;
        this.base = base;
        this.length = length;
        this.shared = shared;
    }

    /** The stretch {@code text[from, to)} of an input, not normalized yet. */
    public static NormalizedString of(String text, int from, int to) {
        int n = to - from;
        char[] chars = new char[n];
        text.getChars(from, to, chars, 0);
        int[] start = new int[n];
        int[] end = new int[n];
        for (int i = 0; i < n; i++) {
            int at = from + i;
            if (Character.isHighSurrogate(chars[i]) && i + 1 < n && Character.isLowSurrogate(chars[i + 1])) {
                start[i] = at;
                end[i] = at + 2;
                start[i + 1] = at;
                end[i + 1] = at + 2;
                i++;
            } else {
                start[i] = at;
                end[i] = at + 1;
            }
        }
        return new NormalizedString(text, from, to, chars, start, end, 0, n, false);
    }

    /** A whole input text, not normalized yet. */
    public static NormalizedString of(String text) {
        return of(text, 0, text.length());
    }

    @Override
    public int length() {
        return length;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    @Override
    public char charAt(int index) {
        return chars[base + index];
    }

    /** The code point at {@code index}; a lone surrogate reads as itself. */
    public int codePointAt(int index) {
        char c = chars[base + index];
        if (Character.isHighSurrogate(c) && index + 1 < length) {
            char d = chars[base + index + 1];
            if (Character.isLowSurrogate(d)) {
                return Character.toCodePoint(c, d);
            }
        }
        return c;
    }

    /** The code point that ends just before {@code index}. */
    public int codePointBefore(int index) {
        char c = chars[base + index - 1];
        if (Character.isLowSurrogate(c) && index >= 2) {
            char h = chars[base + index - 2];
            if (Character.isHighSurrogate(h)) {
                return Character.toCodePoint(h, c);
            }
        }
        return c;
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new String(chars, base + start, end - start);
    }

    @Override
    public String toString() {
        return new String(chars, base, length);
    }

    /** The whole input text this string was cut from. */
    public String original() {
        return original;
    }

    /** Where this string's stretch of the original input begins (absolute). */
    public int originalStart() {
        return originalStart;
    }

    public int originalEnd() {
        return originalEnd;
    }

    /** The original [start, end) of normalized char {@code index} (absolute offsets). */
    public int alignmentStart(int index) {
        return alignStart[base + index];
    }

    public int alignmentEnd(int index) {
        return alignEnd[base + index];
    }

    /**
     * The original offsets of the normalized range {@code [from, to)}, packed as {@code start << 32 | end}
     * ({@code convert_offsets} of a normalized range, then shifted as {@code into_encoding} does). An
     * empty range maps to itself, shifted by this string's start, as in Hugging Face.
     */
    public long originalOffsets(int from, int to) {
        if (from >= to) {
            return pack(originalStart + from, originalStart + to);
        }
        return pack(alignStart[base + from], alignEnd[base + to - 1]);
    }

    public static long pack(int start, int end) {
        return ((long) start << 32) | (end & 0xFFFF_FFFFL);
    }

    public static int packedStart(long packed) {
        return (int) (packed >>> 32);
    }

    public static int packedEnd(long packed) {
        return (int) packed;
    }

    /**
     * The normalized range {@code [from, to)} as a string of its own ({@code slice} of a normalized
     * range): it shares this one's arrays until either is rewritten.
     */
    public NormalizedString slice(int from, int to) {
        if (from < 0 || to > length || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + length);
        }
        int oStart;
        int oEnd;
        if (from == to) {
            oStart = from < length ? alignStart[base + from] : originalEnd;
            oEnd = oStart;
        } else {
            oStart = alignStart[base + from];
            oEnd = alignEnd[base + to - 1];
        }
        shared = true;
        return new NormalizedString(original, oStart, oEnd, chars, alignStart, alignEnd, base + from,
                to - from, true);
    }

    // ---- rewriting -------------------------------------------------------------------------------

    /**
     * Rewrites the normalized range {@code [from, to)} ({@code transform_range} of a normalized range):
     * {@code dest} holds (code point, change) pairs; the first {@code initialOffset} old code points of
     * the range are dropped before the first pair is read.
     */
    public void transformRange(int from, int to, IntList dest, int initialOffset) {
        int pairs = dest.size() / 2;
        int produced = 0;
        for (int p = 0; p < pairs; p++) {
            produced += Character.charCount(dest.get(2 * p));
        }
        int newLength = length - (to - from) + produced;
        char[] newChars = new char[newLength];
        int[] newStart = new int[newLength];
        int[] newEnd = new int[newLength];
        System.arraycopy(chars, base, newChars, 0, from);
        System.arraycopy(alignStart, base, newStart, 0, from);
        System.arraycopy(alignEnd, base, newEnd, 0, from);

        int old = from; // index of the next old char to replace
        for (int k = 0; k < initialOffset && old < to; k++) {
            old += charCountAt(old, to);
        }
        int w = from;
        for (int p = 0; p < pairs; p++) {
            int cp = dest.get(2 * p);
            int change = dest.get(2 * p + 1);
            int aStart;
            int aEnd;
            if (change > 0) {
                if (old < 1) {
                    aStart = originalStart;
                    aEnd = originalStart;
                } else {
                    aStart = alignStart[base + old - 1];
                    aEnd = alignEnd[base + old - 1];
                }
            } else {
                if (old >= length) {
                    throw new IllegalStateException("transform reads past the end of '" + this + "'");
                }
                aStart = alignStart[base + old];
                aEnd = alignEnd[base + old];
                if (old < to) {
                    old += charCountAt(old, to);
                }
                for (int k = 0; k < -change && old < to; k++) {
                    old += charCountAt(old, to);
                }
            }
            if (Character.isBmpCodePoint(cp)) {
                newChars[w] = (char) cp;
                newStart[w] = aStart;
                newEnd[w] = aEnd;
                w++;
            } else {
                newChars[w] = Character.highSurrogate(cp);
                newChars[w + 1] = Character.lowSurrogate(cp);
                newStart[w] = aStart;
                newStart[w + 1] = aStart;
                newEnd[w] = aEnd;
                newEnd[w + 1] = aEnd;
                w += 2;
            }
        }
        int tail = length - to;
        System.arraycopy(chars, base + to, newChars, w, tail);
        System.arraycopy(alignStart, base + to, newStart, w, tail);
        System.arraycopy(alignEnd, base + to, newEnd, w, tail);
        install(newChars, newStart, newEnd, newLength);
    }

    /** {@code transform}: rewrites the whole string. */
    public void transform(IntList dest, int initialOffset) {
        transformRange(0, length, dest, initialOffset);
    }

    private int charCountAt(int index, int limit) {
        char c = chars[base + index];
        return Character.isHighSurrogate(c) && index + 1 < limit
                && Character.isLowSurrogate(chars[base + index + 1]) ? 2 : 1;
    }

    private void install(char[] newChars, int[] newStart, int[] newEnd, int newLength) {
        chars = newChars;
        alignStart = newStart;
        alignEnd = newEnd;
        base = 0;
        length = newLength;
        shared = false;
    }

    private void own() {
        if (shared) {
            install(Arrays.copyOfRange(chars, base, base + length),
                    Arrays.copyOfRange(alignStart, base, base + length),
                    Arrays.copyOfRange(alignEnd, base, base + length), length);
        }
    }

    /**
     * Replaces char {@code index} by {@code c}, keeping its alignment: the fast form of a one-to-one
     * {@code map} on a char that is not a surrogate.
     */
    public void setCharAt(int index, char c) {
        own();
        chars[base + index] = c;
    }

    /**
     * {@code filter}: keeps the code points {@code keep} accepts, each with its own alignment (what
     * Hugging Face's change counts amount to).
     */
    public void filter(IntPredicate keep) {
        own();
        int w = 0;
        for (int i = 0; i < length; ) {
            int n = charCountAt(i, length);
            int cp = n == 2 ? Character.toCodePoint(chars[base + i], chars[base + i + 1]) : chars[base + i];
            if (keep.test(cp)) {
                for (int k = 0; k < n; k++) {
                    chars[base + w] = chars[base + i + k];
                    alignStart[base + w] = alignStart[base + i + k];
                    alignEnd[base + w] = alignEnd[base + i + k];
                    w++;
                }
            }
            i += n;
        }
        length = w;
    }

    /** {@code map}: each code point replaced by {@code map(cp)}, keeping its alignment. */
    public void map(IntUnaryOperator map) {
        IntList dest = new IntList(length * 2);
        for (int i = 0; i < length; ) {
            int cp = codePointAt(i);
            i += Character.charCount(cp);
            dest.add(map.applyAsInt(cp));
            dest.add(0);
        }
        transform(dest, 0);
    }

    /**
     * {@code prepend}: {@code s} in front of the first char, every char of it aligned to that first char;
     * nothing when this string is empty.
     */
    public void prepend(String s) {
        if (length == 0 || s.isEmpty()) {
            return;
        }
        int first = codePointAt(0);
        IntList dest = new IntList(2 * s.length() + 2);
        boolean firstOfS = true;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            dest.add(cp);
            dest.add(firstOfS ? 0 : 1);
            firstOfS = false;
        }
        dest.add(first);
        dest.add(1);
        transformRange(0, Character.charCount(first), dest, 0);
    }

    /** {@code append}: {@code s} after the last char, aligned to it. */
    public void append(String s) {
        if (s.isEmpty()) {
            return;
        }
        IntList dest = new IntList(2 * s.length() + 2);
        int from = length;
        if (length > 0) {
            int last = codePointBefore(length);
            from = length - Character.charCount(last);
            dest.add(last);
            dest.add(0);
        }
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            dest.add(cp);
            dest.add(1);
        }
        transformRange(from, length, dest, 0);
    }

    /**
     * {@code replace}: each match of {@code pattern} becomes {@code content}, whose chars all take the
     * alignment of the last char of the match (an empty content deletes the match).
     */
    public void replace(SplitPattern pattern, String content) {
        IntList matches = pattern.findMatches(this);
        boolean any = false;
        for (int m = 0; m < matches.size(); m += 3) {
            if (matches.get(m + 2) != 0) {
                any = true;
                break;
            }
        }
        if (!any) {
            return;
        }
        int capacity = length + 16;
        char[] newChars = new char[capacity];
        int[] newStart = new int[capacity];
        int[] newEnd = new int[capacity];
        int w = 0;
        for (int m = 0; m < matches.size(); m += 3) {
            int from = matches.get(m);
            int to = matches.get(m + 1);
            boolean isMatch = matches.get(m + 2) != 0;
            int needed = w + (isMatch ? content.length() : to - from);
            if (needed > newChars.length) {
                int grown = Math.max(needed, newChars.length * 2);
                newChars = Arrays.copyOf(newChars, grown);
                newStart = Arrays.copyOf(newStart, grown);
                newEnd = Arrays.copyOf(newEnd, grown);
            }
            if (!isMatch) {
                System.arraycopy(chars, base + from, newChars, w, to - from);
                System.arraycopy(alignStart, base + from, newStart, w, to - from);
                System.arraycopy(alignEnd, base + from, newEnd, w, to - from);
                w += to - from;
            } else {
                // An empty match inserts content aligned to the char before it.
                int aStart = to >= 1 ? alignStart[base + to - 1] : originalStart;
                int aEnd = to >= 1 ? alignEnd[base + to - 1] : originalStart;
                for (int k = 0; k < content.length(); k++) {
                    newChars[w] = content.charAt(k);
                    newStart[w] = aStart;
                    newEnd[w] = aEnd;
                    w++;
                }
            }
        }
        install(newChars, newStart, newEnd, w);
    }

    /** {@code lstrip}/{@code rstrip}: drops leading and/or trailing White_Space. */
    public void strip(boolean left, boolean right) {
        int from = 0;
        int to = length;
        if (left) {
            while (from < to) {
                int cp = codePointAt(from);
                if (!UnicodeCategories.isWhitespace(cp)) {
                    break;
                }
                from += Character.charCount(cp);
            }
        }
        if (right) {
            while (to > from) {
                int cp = codePointBefore(to);
                if (!UnicodeCategories.isWhitespace(cp)) {
                    break;
                }
                to -= Character.charCount(cp);
            }
        }
        if (from > 0 || to < length) {
            base += from;
            length = to - from;
        }
    }

    // ---- splitting -------------------------------------------------------------------------------

    /**
     * {@code split}: cuts this string where {@code pattern} matches, the matches handled as
     * {@code behavior} says, and appends the non-empty pieces to {@code out}.
     */
    public void split(SplitPattern pattern, SplitDelimiterBehavior behavior, List<NormalizedString> out) {
        IntList m = pattern.findMatches(this);
        int n = m.size() / 3;
        // (start, end, remove) triples after applying the behaviour
        IntList splits = new IntList(m.size());
        switch (behavior) {
            case ISOLATED -> {
                for (int i = 0; i < n; i++) {
                    add(splits, m.get(3 * i), m.get(3 * i + 1), 0);
                }
            }
            case REMOVED -> {
                for (int i = 0; i < n; i++) {
                    add(splits, m.get(3 * i), m.get(3 * i + 1), m.get(3 * i + 2));
                }
            }
            case CONTIGUOUS -> {
                boolean previous = false;
                for (int i = 0; i < n; i++) {
                    boolean isMatch = m.get(3 * i + 2) != 0;
                    if (isMatch == previous && splits.size() > 0) {
                        splits.set(splits.size() - 2, m.get(3 * i + 1));
                    } else {
                        add(splits, m.get(3 * i), m.get(3 * i + 1), 0);
                    }
                    previous = isMatch;
                }
            }
            case MERGED_WITH_PREVIOUS -> {
                boolean previous = false;
                for (int i = 0; i < n; i++) {
                    boolean isMatch = m.get(3 * i + 2) != 0;
                    if (isMatch && !previous && splits.size() > 0) {
                        splits.set(splits.size() - 2, m.get(3 * i + 1));
                    } else {
                        add(splits, m.get(3 * i), m.get(3 * i + 1), 0);
                    }
                    previous = isMatch;
                }
            }
            case MERGED_WITH_NEXT -> {
                boolean previous = false;
                IntList reversed = new IntList(m.size());
                for (int i = n - 1; i >= 0; i--) {
                    boolean isMatch = m.get(3 * i + 2) != 0;
                    if (isMatch && !previous && reversed.size() > 0) {
                        reversed.set(reversed.size() - 3, m.get(3 * i));
                    } else {
                        add(reversed, m.get(3 * i), m.get(3 * i + 1), 0);
                    }
                    previous = isMatch;
                }
                for (int i = reversed.size() / 3 - 1; i >= 0; i--) {
                    add(splits, reversed.get(3 * i), reversed.get(3 * i + 1), 0);
                }
            }
        }
        for (int i = 0; i < splits.size(); i += 3) {
            int from = splits.get(i);
            int to = splits.get(i + 1);
            if (splits.get(i + 2) == 0 && from < to) {
                out.add(slice(from, to));
            }
        }
    }

    private static void add(IntList list, int a, int b, int c) {
        list.add(a);
        list.add(b);
        list.add(c);
    }
}
