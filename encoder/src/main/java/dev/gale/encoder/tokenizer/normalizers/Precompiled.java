package dev.gale.encoder.tokenizer.normalizers;

import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.Normalizer;
import dev.gale.encoder.tokenizer.Utf8;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Hugging Face's {@code Precompiled} ({@code normalizers/precompiled.rs} over the {@code spm_precompiled}
 * crate 0.1.4): SentencePiece's compiled normalization rules. The charsmap is a little-endian u32
 * trie size in bytes, a darts-clone double-array trie over UTF-8 bytes, then the replacements: UTF-8
 * strings ended by NUL, which the trie's values index by byte.
 *
 * <p>Quirks kept from Hugging Face: the text is cut into extended grapheme clusters; a cluster of
 * fewer than 6 UTF-8 bytes is looked up whole, and if the <em>shortest</em> prefix of it with a rule
 * matches, that rule's replacement stands for the whole cluster (what follows the prefix is dropped);
 * otherwise each char is looked up on its own. A replacement's chars take change 0, the extra ones
 * change 1; a shorter replacement adds the difference to the change of the last char emitted so
 * far, even one of an earlier cluster.
 */
public final class Precompiled implements Normalizer {

    private final int[] array; // the double array: units as u32
    private final int[] replacements; // code points of the replacement blob, NUL kept as 0
    private final int[] codePointAtByte; // (blob bytes + 1) index into replacements, or -1 inside a char
    private final int[] ascii = new int[128]; // replacement of each ASCII char alone, or -1
    private final int[] asciiToAscii = new int[128]; // that replacement when it is one ASCII char, or -1

    /**
     * @param charsmap the decoded {@code precompiled_charsmap}
     * @throws IllegalArgumentException when it cannot be parsed (spm_precompiled's {@code ParseError}
     *     and {@code NormalizedInvalidUtf8}; Hugging Face also refuses an empty charsmap)
     */
    public Precompiled(byte[] charsmap) {
        if (charsmap.length < 4) {
            throw new IllegalArgumentException("cannot be parsed: " + charsmap.length
                    + " bytes, fewer than the 4 of its trie size");
        }
        ByteBuffer in = ByteBuffer.wrap(charsmap).order(ByteOrder.LITTLE_ENDIAN);
        long trieBytes = Integer.toUnsignedLong(in.getInt());
        long units = trieBytes / 4;
        if (units == 0 || 4 + 4 * units > charsmap.length) {
            throw new IllegalArgumentException("cannot be parsed: its trie of " + trieBytes
                    + " bytes is empty or does not fit in " + (charsmap.length - 4) + " bytes");
        }
        array = new int[(int) units];
        for (int i = 0; i < array.length; i++) {
            array[i] = in.getInt();
        }
        int blobStart = 4 + 4 * array.length;
        String blob;
        try {
            blob = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(charsmap, blobStart, charsmap.length - blobStart))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("cannot be parsed: its replacements are not UTF-8");
        }
        replacements = blob.codePoints().toArray();
        codePointAtByte = new int[charsmap.length - blobStart + 1];
        Arrays.fill(codePointAtByte, -1);
        int b = 0;
        for (int k = 0; k < replacements.length; k++) {
            codePointAtByte[b] = k;
            b += Utf8.length(replacements[k]);
        }
        codePointAtByte[b] = replacements.length;
        for (int c = 0; c < 128; c++) {
            ascii[c] = lookup(String.valueOf((char) c), 0, 1);
            asciiToAscii[c] = -1;
            if (ascii[c] >= 0) {
                int k = codePointAtByte[ascii[c]];
                if (k >= 0 && k + 1 < replacements.length && replacements[k] > 0 && replacements[k] < 0x80
                        && replacements[k + 1] == 0) {
                    asciiToAscii[c] = replacements[k];
                }
            }
        }
    }

    /**
     * Most text has nothing to rewrite but ASCII chars into ASCII chars (nmt_nfkc turns newlines and
     * tabs into spaces): those are rewritten in place, one char for one with change 0, until the first
     * cluster whose rewriting changes the length; from there on the pairs are collected. Replacing
     * ASCII by ASCII in place cannot move a later cluster boundary: no ASCII char is Extend, ZWJ,
     * a linker, a consonant or a pictograph, which the boundary rules look back for.
     */
    @Override
    public void normalize(NormalizedString text) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            int end = asciiCluster(text, i, n);
            if (end > 0) {
                char c = text.charAt(i);
                if (ascii[c] >= 0) {
                    if (asciiToAscii[c] < 0) {
                        break;
                    }
                    text.setCharAt(i, (char) asciiToAscii[c]);
                }
                i = end;
                continue;
            }
            end = Graphemes.next(text, i, n);
            if (rewrites(text, i, end)) {
                break;
            }
            i = end;
        }
        if (i == n) {
            return;
        }
        IntList dest = new IntList(2 * (n - i) + 16);
        int from = i;
        if (i > 0) {
            // A shorter replacement may change the change of the char before it.
            int before = text.codePointBefore(i);
            from = i - Character.charCount(before);
            dest.add(before);
            dest.add(0);
        }
        while (i < n) {
            int end = asciiCluster(text, i, n);
            if (end > 0) {
                char c = text.charAt(i);
                if (ascii[c] >= 0) {
                    replace(dest, 1, ascii[c]);
                } else {
                    dest.add(c);
                    dest.add(0);
                }
                i = end;
                continue;
            }
            end = Graphemes.next(text, i, n);
            int whole = isShort(text, i, end) ? lookup(text, i, end) : -1;
            if (whole >= 0) {
                replace(dest, Character.codePointCount(text, i, end), whole);
            } else {
                for (int k = i; k < end; ) {
                    int cp = Character.codePointAt(text, k);
                    int next = k + Character.charCount(cp);
                    int one = lookup(text, k, next);
                    if (one >= 0) {
                        replace(dest, 1, one);
                    } else {
                        dest.add(cp);
                        dest.add(0);
                    }
                    k = next;
                }
            }
            i = end;
        }
        text.transformRange(from, n, dest, 0);
    }

    /** The end of the cluster at {@code i} when it is one ASCII char before another (or the end), else 0. */
    private static int asciiCluster(NormalizedString text, int i, int n) {
        char c = text.charAt(i);
        if (c >= 0x80) {
            return 0;
        }
        if (i + 1 == n) {
            return n;
        }
        char d = text.charAt(i + 1);
        return d < 0x80 && !(c == '\r' && d == '\n') ? i + 1 : 0;
    }

    /** Whether the cluster {@code text[from, to)} is rewritten, whole or char by char. */
    private boolean rewrites(NormalizedString text, int from, int to) {
        if (isShort(text, from, to) && lookup(text, from, to) >= 0) {
            return true;
        }
        for (int k = from; k < to; ) {
            int cp = Character.codePointAt(text, k);
            int next = k + Character.charCount(cp);
            if (lookup(text, k, next) >= 0) {
                return true;
            }
            k = next;
        }
        return false;
    }

    /** precompiled.rs {@code replace}: {@code oldCount} chars become the replacement at {@code index}. */
    private void replace(IntList dest, int oldCount, int index) {
        int first = codePointAtByte[index];
        if (first < 0) {
            throw new IllegalStateException("precompiled_charsmap: replacement offset " + index
                    + " is inside a UTF-8 sequence");
        }
        int newCount = 0;
        for (int k = first; k < replacements.length && replacements[k] != 0; k++) {
            dest.add(replacements[k]);
            dest.add(0);
            newCount++;
        }
        int diff = newCount - oldCount;
        if (diff > 0) {
            for (int p = dest.size() - 1; p > dest.size() - 1 - 2 * diff; p -= 2) {
                dest.set(p, 1);
            }
        } else if (diff < 0 && dest.size() > 0) {
            dest.set(dest.size() - 1, dest.get(dest.size() - 1) + diff);
        }
    }

    /**
     * {@code Precompiled::transform}: {@code common_prefix_search} over the UTF-8 of
     * {@code text[from, to)}, keeping its first (shortest) result: the byte index of a replacement, or
     * -1. A NUL byte ends the key. A trie that points outside itself (Hugging Face panics) is refused.
     */
    private int lookup(CharSequence text, int from, int to) {
        int[] a = array;
        int node = offset(a[0]);
        for (int i = from; i < to; ) {
            int cp = Character.codePointAt(text, i);
            i += Character.charCount(cp);
            int bytes = Utf8.length(cp);
            for (int k = 0; k < bytes; k++) {
                int b = Utf8.byteAt(cp, bytes, k);
                if (b == 0) {
                    return -1;
                }
                node ^= b;
                if (node >= a.length) {
                    throw new IllegalArgumentException("cannot be parsed: its trie points past its "
                            + a.length + " units");
                }
                int unit = a[node];
                if ((unit & 0x800000FF) != b) {
                    return -1;
                }
                node ^= offset(unit);
                if (((unit >>> 8) & 1) != 0) {
                    if (node >= a.length) {
                        throw new IllegalArgumentException("cannot be parsed: its trie points past its "
                                + a.length + " units");
                    }
                    return a[node] & 0x7FFFFFFF;
                }
            }
        }
        return -1;
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }

    /** Whether {@code text[from, to)} is fewer than 6 bytes of UTF-8 ({@code grapheme.len() < 6}). */
    private static boolean isShort(CharSequence text, int from, int to) {
        int bytes = 0;
        for (int i = from; i < to && bytes < 6; ) {
            int cp = Character.codePointAt(text, i);
            i += Character.charCount(cp);
            bytes += Utf8.length(cp);
        }
        return bytes < 6;
    }
}
