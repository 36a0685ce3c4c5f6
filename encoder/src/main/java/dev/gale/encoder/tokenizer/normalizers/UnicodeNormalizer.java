package dev.gale.encoder.tokenizer.normalizers;

import dev.gale.encoder.tokenizer.IntList;
import dev.gale.encoder.tokenizer.NormalizedString;
import dev.gale.encoder.tokenizer.Normalizer;

/**
 * Hugging Face's {@code NFD}, {@code NFKD}, {@code NFC} and {@code NFKC} ({@code normalizers/unicode.rs},
 * {@code NormalizedString::nfd} etc.), which run the {@code unicode-normalization-alignments} crate
 * (0.1.12, Unicode 9.0.0) and hand its (char, change) pairs to {@code transform}.
 *
 * <p>The changes, which decide the alignments, follow that crate ({@code decompose.rs},
 * {@code recompose.rs}): a decomposition emits its first char with change 0 and the others with +1;
 * canonical reordering sorts each run of non-starters by combining class, each char keeping its
 * change; a composition of a pending starter (change {@code a}) with a char (change {@code b})
 * yields a char with change {@code a + b - 1}. The Unicode data are the crate's, not the JDK's (see
 * {@link UnicodeTables}), so a character assigned after Unicode 9 is left as it is, as in Rust.
 */
public enum UnicodeNormalizer implements Normalizer {
    NFD(false, false),
    NFKD(true, false),
    NFC(false, true),
    NFKC(true, true);

    private static final int S_BASE = 0xAC00;
    private static final int L_BASE = 0x1100;
    private static final int V_BASE = 0x1161;
    private static final int T_BASE = 0x11A7;
    private static final int L_COUNT = 19;
    private static final int V_COUNT = 21;
    private static final int T_COUNT = 28;
    private static final int N_COUNT = V_COUNT * T_COUNT;
    private static final int S_COUNT = L_COUNT * N_COUNT;

    private final boolean compatibility;
    private final boolean compose;

    UnicodeNormalizer(boolean compatibility, boolean compose) {
        this.compatibility = compatibility;
        this.compose = compose;
    }

    /**
     * Hugging Face transforms the whole text; only the stretch from the first to the last char that
     * can change (plus, when composing, the starter before it) is rewritten here: the chars around it
     * are starters that neither decompose nor compose, which the crate passes through with change 0.
     */
    @Override
    public void normalize(NormalizedString text) {
        int n = text.length();
        int mask = (compatibility ? UnicodeTables.COMPATIBILITY_DECOMPOSITION : 0)
                | UnicodeTables.CANONICAL_DECOMPOSITION | UnicodeTables.NON_STARTER
                | (compose ? UnicodeTables.COMPOSES_AS_SECOND : 0);
        int first = -1;
        int end = 0;
        for (int i = 0; i < n; ) {
            char c = text.charAt(i);
            if (c < 0x80) { // ASCII neither decomposes, reorders nor composes
                i++;
                continue;
            }
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            // Hangul syllables decompose; jamo vowels and trailing consonants compose (a few more
            // jamo than those in the range are taken, which only widens the stretch).
            boolean hangul = cp >= S_BASE && cp < S_BASE + S_COUNT
                    || (compose && cp >= V_BASE && cp < T_BASE + T_COUNT);
            if (hangul || (UnicodeTables.quickFlags(cp) & mask) != 0) {
                if (first < 0) {
                    first = i;
                }
                end = next;
            }
            i = next;
        }
        if (first < 0) {
            return;
        }
        int from = compose && first > 0 ? first - Character.charCount(text.codePointBefore(first)) : first;
        IntList pairs = decompose(text, from, end, compatibility);
        if (compose) {
            pairs = recompose(pairs);
        }
        if (!isIdentity(text, from, end, pairs)) {
            text.transformRange(from, end, pairs, 0);
        }
    }

    /**
     * {@code Decompositions} of {@code text[from, to)}: (code point, change) pairs of the canonically
     * ordered decomposition.
     */
    static IntList decompose(NormalizedString text, int from, int to, boolean compatibility) {
        IntList out = new IntList(2 * (to - from) + 16);
        int runStart = 0; // first pair of the non-starters not yet sorted
        for (int i = from; i < to; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80) {
                runStart = push(out, runStart, cp, 0);
            } else if (cp >= S_BASE && cp < S_BASE + S_COUNT) {
                int s = cp - S_BASE;
                runStart = push(out, runStart, L_BASE + s / N_COUNT, 0);
                runStart = push(out, runStart, V_BASE + (s % N_COUNT) / T_COUNT, 1);
                if (s % T_COUNT > 0) {
                    runStart = push(out, runStart, T_BASE + s % T_COUNT, 1);
                }
            } else {
                int d = UnicodeTables.decomposition(cp, compatibility);
                if (d == 0) {
                    runStart = push(out, runStart, cp, 0);
                } else {
                    int start = d >>> 5;
                    int stop = start + (d & 31);
                    for (int k = start; k < stop; k++) {
                        runStart = push(out, runStart, UnicodeTables.decomposed(k), k == start ? 0 : 1);
                    }
                }
            }
        }
        sortRun(out, runStart);
        return out;
    }

    /** {@code push_back}: a starter first sorts the pending non-starters. Returns the new run start. */
    private static int push(IntList out, int runStart, int cp, int change) {
        if (UnicodeTables.combiningClass(cp) == 0) {
            sortRun(out, runStart);
            out.add(cp);
            out.add(change);
            return out.size();
        }
        out.add(cp);
        out.add(change);
        return runStart;
    }

    /** Stable sort of the pairs from {@code runStart} on by combining class ({@code sort_by_key}). */
    private static void sortRun(IntList out, int runStart) {
        int end = out.size();
        for (int i = runStart + 2; i < end; i += 2) {
            int cp = out.get(i);
            int change = out.get(i + 1);
            int ccc = UnicodeTables.combiningClass(cp);
            int j = i - 2;
            while (j >= runStart && UnicodeTables.combiningClass(out.get(j)) > ccc) {
                out.set(j + 2, out.get(j));
                out.set(j + 3, out.get(j + 1));
                j -= 2;
            }
            out.set(j + 2, cp);
            out.set(j + 3, change);
        }
    }

    /** {@code Recompositions}, run to the end over the decomposed pairs. */
    static IntList recompose(IntList in) {
        IntList out = new IntList(in.size());
        IntList buffer = new IntList(8); // blocked or uncombined non-starters after the composee
        boolean hasComposee = false;
        int composee = 0;
        int composeeChange = 0;
        int lastClass = -1; // -1: None
        for (int p = 0; p < in.size(); p += 2) {
            int ch = in.get(p);
            int change = in.get(p + 1);
            int chClass = UnicodeTables.combiningClass(ch);
            if (!hasComposee) {
                if (chClass != 0) {
                    out.add(ch);
                    out.add(change);
                } else {
                    hasComposee = true;
                    composee = ch;
                    composeeChange = change;
                }
                continue;
            }
            if (lastClass == -1) {
                int r = compose(composee, ch);
                if (r >= 0) {
                    composee = r;
                    composeeChange += change - 1;
                    continue;
                }
                if (chClass == 0) {
                    out.add(composee);
                    out.add(composeeChange);
                    composee = ch;
                    composeeChange = change;
                    continue;
                }
                buffer.add(ch);
                buffer.add(change);
                lastClass = chClass;
                continue;
            }
            if (lastClass >= chClass) {
                // ch is blocked from the composee
                if (chClass == 0) {
                    out.add(composee);
                    out.add(composeeChange);
                    for (int b = 0; b < buffer.size(); b++) {
                        out.add(buffer.get(b));
                    }
                    buffer.clear();
                    composee = ch;
                    composeeChange = change;
                    lastClass = -1;
                    continue;
                }
                buffer.add(ch);
                buffer.add(change);
                lastClass = chClass;
                continue;
            }
            int r = compose(composee, ch);
            if (r >= 0) {
                composee = r;
                composeeChange += change - 1;
                continue;
            }
            buffer.add(ch);
            buffer.add(change);
            lastClass = chClass;
        }
        if (hasComposee) {
            out.add(composee);
            out.add(composeeChange);
        }
        for (int b = 0; b < buffer.size(); b++) {
            out.add(buffer.get(b));
        }
        return out;
    }

    /** {@code compose}: Hangul by arithmetic, then the composition table; -1 when none. */
    private static int compose(int a, int b) {
        if (a >= L_BASE && a < L_BASE + L_COUNT && b >= V_BASE && b < V_BASE + V_COUNT) {
            return S_BASE + (a - L_BASE) * N_COUNT + (b - V_BASE) * T_COUNT;
        }
        if (a >= S_BASE && a < S_BASE + S_COUNT && b > T_BASE && b < T_BASE + T_COUNT
                && (a - S_BASE) % T_COUNT == 0) {
            return a + (b - T_BASE);
        }
        return UnicodeTables.composition(a, b);
    }

    /** Whether {@code pairs} rewrite {@code text[from, to)} into itself: the alignments stay as they are. */
    private static boolean isIdentity(NormalizedString text, int from, int to, IntList pairs) {
        int p = 0;
        for (int i = from; i < to; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (p >= pairs.size() || pairs.get(p) != cp || pairs.get(p + 1) != 0) {
                return false;
            }
            p += 2;
        }
        return p == pairs.size();
    }
}
