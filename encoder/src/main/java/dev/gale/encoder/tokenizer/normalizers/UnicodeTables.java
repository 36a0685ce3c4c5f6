package dev.gale.encoder.tokenizer.normalizers;

import com.ibm.icu.lang.CharacterProperties;
import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UCharacterCategory;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.UnicodeSet;
import java.util.Arrays;

/**
 * The Unicode data of Hugging Face's normalizers, built on first use from ICU4J's data
 * ({@code com.ibm.icu:icu4j} 78.3, Unicode 17.0.0; nothing of it is copied into Gale). Hugging Face
 * {@code tokenizers} 0.23.2 links two Rust crates with data of two Unicode versions, neither the
 * JDK's (Unicode 16):
 *
 * <ul>
 *   <li>{@code unicode-normalization-alignments} 0.1.12, <b>Unicode 9.0.0</b>: combining classes,
 *       compositions, full canonical and compatibility decompositions (NFD, NFKD, NFC, NFKC) and
 *       {@code is_combining_mark} (StripAccents). They are ICU's {@link Normalizer2} data for the
 *       characters of {@code Age <= 9.0} only: a newer character is unassigned to the crate (class 0,
 *       no decomposition, no composition, not a mark). Unicode's normalization stability policy makes
 *       that exactly the Unicode 9 data, since the decompositions, combining classes and composition
 *       exclusions of an assigned character never change. General_Category is not stable: of the
 *       marks, three code points changed after 9.0 and are corrected here (see {@link Marks}).
 *   <li>{@code unicode-segmentation} 1.13.2, <b>Unicode 17.0.0</b>: Grapheme_Cluster_Break,
 *       Extended_Pictographic and Indic_Conjunct_Break (Precompiled's grapheme clusters), ICU's data
 *       as it is, so the ICU version must stay one of Unicode 17 (ICU 78.x; ICU 79 is Unicode 18).
 * </ul>
 *
 * <p>Each group of tables is built when it is first needed (a holder class each), from ICU's
 * property sets: the code points with a non-zero combining class, a decomposition, General_Category
 * Mark, or a grapheme property. {@code UnicodeTablesTest} checks every code point against Python
 * tokenizers 0.23.2 (the {@code unicode} reference fixture, made by {@code reference/unicode_fixtures.py}).
 */
final class UnicodeTables {

    private UnicodeTables() {}

    // Grapheme categories, in the order of unicode-segmentation's GraphemeCat enum.
    static final int GC_ANY = 0;
    static final int GC_CR = 1;
    static final int GC_CONTROL = 2;
    static final int GC_EXTEND = 3;
    static final int GC_EXTENDED_PICTOGRAPHIC = 4;
    static final int GC_INCB_CONSONANT = 5;
    static final int GC_L = 6;
    static final int GC_LF = 7;
    static final int GC_LV = 8;
    static final int GC_LVT = 9;
    static final int GC_PREPEND = 10;
    static final int GC_REGIONAL_INDICATOR = 11;
    static final int GC_SPACING_MARK = 12;
    static final int GC_T = 13;
    static final int GC_V = 14;
    static final int GC_ZWJ = 15;

    // Bits of QUICK: what may make a char change under a normalization form.
    static final int CANONICAL_DECOMPOSITION = 1;
    static final int COMPATIBILITY_DECOMPOSITION = 2;
    static final int NON_STARTER = 4;
    static final int COMPOSES_AS_SECOND = 8;

    /** The QUICK bits of {@code cp}: Hangul, decomposed and composed by arithmetic, is the caller's business. */
    static int quickFlags(int cp) {
        return cp < 0x80 ? 0 : Normalization.QUICK.get(cp);
    }

    /** {@code canonical_combining_class}. */
    static int combiningClass(int cp) {
        return cp < 0x300 ? 0 : Normalization.CCC.get(cp);
    }

    /**
     * The full canonical (or, with {@code compatibility}, compatibility-then-canonical) decomposition
     * of {@code cp}, as {@code offset << 5 | length} into {@link #decomposed}; 0 when it has none.
     * Hangul syllables are decomposed by arithmetic, not here.
     */
    static int decomposition(int cp, boolean compatibility) {
        if (compatibility) {
            int d = Normalization.COMPATIBILITY.get(cp);
            if (d != 0) {
                return d;
            }
        }
        return Normalization.CANONICAL.get(cp);
    }

    static int decomposed(int index) {
        return Normalization.DECOMPOSED[index];
    }

    /** {@code composition_table}: the primary composite of {@code a} and {@code b}, or -1. */
    static int composition(int a, int b) {
        long[] keys = Normalization.COMPOSE_KEYS;
        long key = composeKey(a, b);
        for (int slot = composeSlot(key, keys.length); keys[slot] != 0; slot = (slot + 1) & (keys.length - 1)) {
            if (keys[slot] == key) {
                return Normalization.COMPOSE_VALUES[slot];
            }
        }
        return -1;
    }

    private static long composeKey(int a, int b) {
        return (long) a << 21 | b;
    }

    private static int composeSlot(long key, int size) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & (size - 1);
    }

    /** {@code is_combining_mark} of unicode-normalization-alignments (General_Category=Mark in Unicode 9). */
    static boolean isCombiningMark(int cp) {
        return cp >= 0x300 && Marks.MARK.get(cp) != 0;
    }

    /** The grapheme cluster break category (GC_*) of unicode-segmentation. */
    static int graphemeCategory(int cp) {
        if (cp <= 0x7E) {
            if (cp >= 0x20) {
                return GC_ANY;
            }
            return cp == '\n' ? GC_LF : cp == '\r' ? GC_CR : GC_CONTROL;
        }
        return Segmentation.GRAPHEME_CAT.get(cp);
    }

    /** {@code InCB_Extend} of unicode-segmentation (Indic_Conjunct_Break=Extend). */
    static boolean isInCBExtend(int cp) {
        return Segmentation.INCB.get(cp) == Segmentation.INCB_EXTEND;
    }

    /** {@code is_incb_linker} of unicode-segmentation (Indic_Conjunct_Break=Linker): the viramas that join conjuncts (GB9c). */
    static boolean isInCBLinker(int cp) {
        return Segmentation.INCB.get(cp) == Segmentation.INCB_LINKER;
    }

    /**
     * Whether {@code cp} was assigned in Unicode 9.0 or before: its Age (the version that assigned it,
     * 0.0 when unassigned) is at most 9.0, and there was no 9.x after 9.0.
     */
    private static boolean inUnicode9(int cp) {
        return UCharacter.getAge(cp).getMajor() <= 9;
    }

    /** The code points of {@code set}, in order. */
    private static int[] codePoints(UnicodeSet set) {
        int[] out = new int[set.size()];
        int n = 0;
        for (UnicodeSet.EntryRange r : set.ranges()) {
            for (int cp = r.codepoint; cp <= r.codepointEnd; cp++) {
                out[n++] = cp;
            }
        }
        return out;
    }

    /** The set of the code points whose int property {@code property} is not {@code value}. */
    private static UnicodeSet not(int property, int value) {
        return new UnicodeSet().applyIntPropertyValue(property, value).complement();
    }

    /** unicode-normalization-alignments' tables but {@code is_combining_mark}: Unicode 9 normalization data. */
    private static final class Normalization {

        private static final int HANGUL_FIRST = 0xAC00;
        private static final int HANGUL_LAST = 0xD7A3;
        private static final int QUICK_CHECK_YES = 1; // UNORM_YES

        static final CodePointTable CCC = new CodePointTable();
        static final CodePointTable QUICK = new CodePointTable();
        static final CodePointTable CANONICAL = new CodePointTable(); // offset << 5 | length into DECOMPOSED, or 0
        static final CodePointTable COMPATIBILITY = new CodePointTable();
        static final int[] DECOMPOSED;
        static final long[] COMPOSE_KEYS; // open addressing: first << 21 | second, 0 = free
        static final int[] COMPOSE_VALUES;

        static {
            Normalizer2 nfc = Normalizer2.getNFCInstance();
            Normalizer2 nfkc = Normalizer2.getNFKCInstance();
            for (int cp : codePoints(not(UProperty.CANONICAL_COMBINING_CLASS, 0))) {
                if (inUnicode9(cp)) {
                    CCC.set(cp, nfc.getCombiningClass(cp));
                    QUICK.or(cp, NON_STARTER);
                }
            }

            Decompositions decompositions = new Decompositions();
            int[] pairs = new int[3 * 1024]; // (first, second, composite)*
            int pairCount = 0;
            // NFKD_Quick_Check=No: the characters that decompose. Hangul syllables are decomposed and
            // composed by arithmetic.
            for (int cp : codePoints(not(UProperty.NFKD_QUICK_CHECK, QUICK_CHECK_YES).remove(HANGUL_FIRST, HANGUL_LAST))) {
                if (!inUnicode9(cp)) {
                    continue;
                }
                // NFKD is the canonical decomposition when there is no other: stored once.
                String compatibility = nfkc.getDecomposition(cp);
                String canonical = nfc.getDecomposition(cp);
                if (canonical == null) {
                    decompositions.add(COMPATIBILITY, COMPATIBILITY_DECOMPOSITION, cp, compatibility);
                    continue;
                }
                decompositions.add(CANONICAL, CANONICAL_DECOMPOSITION, cp, canonical);
                if (!compatibility.equals(canonical)) {
                    decompositions.add(COMPATIBILITY, COMPATIBILITY_DECOMPOSITION, cp, compatibility);
                }
                // A primary composite: its canonical mapping is a pair that composes back to it.
                String raw = nfc.getRawDecomposition(cp);
                if (raw.codePointCount(0, raw.length()) == 2) {
                    int first = raw.codePointAt(0);
                    int second = raw.codePointAt(Character.charCount(first));
                    if (nfc.composePair(first, second) == cp) {
                        if (3 * pairCount == pairs.length) {
                            pairs = Arrays.copyOf(pairs, 2 * pairs.length);
                        }
                        pairs[3 * pairCount] = first;
                        pairs[3 * pairCount + 1] = second;
                        pairs[3 * pairCount + 2] = cp;
                        pairCount++;
                    }
                }
            }
            DECOMPOSED = Arrays.copyOf(decompositions.data, decompositions.used);

            COMPOSE_KEYS = new long[Integer.highestOneBit(pairCount) * 4];
            COMPOSE_VALUES = new int[COMPOSE_KEYS.length];
            for (int p = 0; p < pairCount; p++) {
                int second = pairs[3 * p + 1];
                QUICK.or(second, COMPOSES_AS_SECOND);
                long key = composeKey(pairs[3 * p], second);
                int slot = composeSlot(key, COMPOSE_KEYS.length);
                while (COMPOSE_KEYS[slot] != 0) {
                    slot = (slot + 1) & (COMPOSE_KEYS.length - 1);
                }
                COMPOSE_KEYS[slot] = key;
                COMPOSE_VALUES[slot] = pairs[3 * p + 2];
            }
        }

        /** The code points of the decompositions, end to end. */
        private static final class Decompositions {

            int[] data = new int[16384];
            int used;

            void add(CodePointTable table, int flag, int cp, String decomposition) {
                if (used + decomposition.length() > data.length) {
                    data = Arrays.copyOf(data, 2 * data.length);
                }
                int start = used;
                for (int i = 0; i < decomposition.length(); ) {
                    int c = decomposition.codePointAt(i);
                    data[used++] = c;
                    i += Character.charCount(c);
                }
                table.set(cp, start << 5 | (used - start));
                QUICK.or(cp, flag);
            }
        }
    }

    /**
     * {@code is_combining_mark}: General_Category Mn, Mc or Me in Unicode 9. Since then U+1CF2 and
     * U+1CF3 (VEDIC SIGN ARDHAVISARGA, ROTATED ARDHAVISARGA) went from Mc to Lo and U+111C9 (SHARADA
     * SANDHI MARK) from Po to Mn (both by Unicode 13); no other code point of Unicode 9 entered or
     * left the marks (UnicodeTablesTest: StripAccents on every code point).
     */
    private static final class Marks {

        static final CodePointTable MARK = new CodePointTable();

        static {
            int mask = 1 << UCharacterCategory.NON_SPACING_MARK | 1 << UCharacterCategory.COMBINING_SPACING_MARK
                    | 1 << UCharacterCategory.ENCLOSING_MARK;
            for (int cp : codePoints(new UnicodeSet().applyIntPropertyValue(UProperty.GENERAL_CATEGORY_MASK, mask))) {
                if (inUnicode9(cp)) {
                    MARK.set(cp, 1);
                }
            }
            MARK.set(0x1CF2, 1);
            MARK.set(0x1CF3, 1);
            MARK.set(0x111C9, 0);
        }
    }

    /** unicode-segmentation's tables: Unicode 17 grapheme data, only Precompiled needs them. */
    private static final class Segmentation {

        static final int INCB_EXTEND = 1;
        static final int INCB_LINKER = 2;

        static final CodePointTable GRAPHEME_CAT = new CodePointTable();
        static final CodePointTable INCB = new CodePointTable();

        static {
            for (int cp : codePoints(not(UProperty.GRAPHEME_CLUSTER_BREAK, UCharacter.GraphemeClusterBreak.OTHER))) {
                GRAPHEME_CAT.set(cp, category(UCharacter.getIntPropertyValue(cp, UProperty.GRAPHEME_CLUSTER_BREAK)));
            }
            // Extended_Pictographic and InCB=Consonant characters all have Grapheme_Cluster_Break=Other;
            // unicode-segmentation gives them categories of their own.
            for (int cp : codePoints(CharacterProperties.getBinaryPropertySet(UProperty.EXTENDED_PICTOGRAPHIC))) {
                if (GRAPHEME_CAT.get(cp) == GC_ANY) {
                    GRAPHEME_CAT.set(cp, GC_EXTENDED_PICTOGRAPHIC);
                }
            }
            for (int cp : codePoints(not(UProperty.INDIC_CONJUNCT_BREAK, UCharacter.IndicConjunctBreak.NONE.ordinal()))) {
                int v = UCharacter.getIntPropertyValue(cp, UProperty.INDIC_CONJUNCT_BREAK);
                if (v == UCharacter.IndicConjunctBreak.CONSONANT.ordinal()) {
                    if (GRAPHEME_CAT.get(cp) == GC_ANY) {
                        GRAPHEME_CAT.set(cp, GC_INCB_CONSONANT);
                    }
                } else if (v == UCharacter.IndicConjunctBreak.EXTEND.ordinal()) {
                    INCB.set(cp, INCB_EXTEND);
                } else if (v == UCharacter.IndicConjunctBreak.LINKER.ordinal()) {
                    INCB.set(cp, INCB_LINKER);
                }
            }
        }

        private static int category(int gcb) {
            return switch (gcb) {
                case UCharacter.GraphemeClusterBreak.CR -> GC_CR;
                case UCharacter.GraphemeClusterBreak.LF -> GC_LF;
                case UCharacter.GraphemeClusterBreak.CONTROL -> GC_CONTROL;
                case UCharacter.GraphemeClusterBreak.EXTEND -> GC_EXTEND;
                case UCharacter.GraphemeClusterBreak.ZWJ -> GC_ZWJ;
                case UCharacter.GraphemeClusterBreak.L -> GC_L;
                case UCharacter.GraphemeClusterBreak.V -> GC_V;
                case UCharacter.GraphemeClusterBreak.T -> GC_T;
                case UCharacter.GraphemeClusterBreak.LV -> GC_LV;
                case UCharacter.GraphemeClusterBreak.LVT -> GC_LVT;
                case UCharacter.GraphemeClusterBreak.PREPEND -> GC_PREPEND;
                case UCharacter.GraphemeClusterBreak.REGIONAL_INDICATOR -> GC_REGIONAL_INDICATOR;
                case UCharacter.GraphemeClusterBreak.SPACING_MARK -> GC_SPACING_MARK;
                default -> GC_ANY; // Other, and the emoji values that no character has had since Unicode 11
            };
        }
    }

    /** An int per code point, 0 by default: blocks of 128 shared while all zero. */
    private static final class CodePointTable {

        private static final int SHIFT = 7;
        private static final int[] ZERO = new int[1 << SHIFT];

        private final int[][] blocks = new int[(Character.MAX_CODE_POINT >> SHIFT) + 1][];

        CodePointTable() {
            Arrays.fill(blocks, ZERO);
        }

        void set(int cp, int value) {
            int b = cp >> SHIFT;
            if (blocks[b] == ZERO) {
                blocks[b] = new int[1 << SHIFT];
            }
            blocks[b][cp & ((1 << SHIFT) - 1)] = value;
        }

        void or(int cp, int bits) {
            set(cp, get(cp) | bits);
        }

        int get(int cp) {
            return blocks[cp >> SHIFT][cp & ((1 << SHIFT) - 1)];
        }
    }
}
