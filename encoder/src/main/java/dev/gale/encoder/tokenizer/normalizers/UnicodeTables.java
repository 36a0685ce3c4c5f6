package dev.gale.encoder.tokenizer.normalizers;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The Unicode data of the Rust crates behind Hugging Face's normalizers, not the JDK's (Unicode 16):
 * {@code unicode-normalization-alignments} 0.1.12 (Unicode 9.0.0: combining classes, compositions,
 * full canonical and compatibility decompositions, {@code is_combining_mark}) and
 * {@code unicode-segmentation} 1.13.2 (Unicode 17.0.0: grapheme cluster break categories and
 * {@code InCB=Extend}). The resources are generated from the crates' {@code tables.rs} by
 * {@code gen_unicode_tables.py} (test resources), which documents their layout.
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

    private static final CodePointTable CCC;
    private static final CodePointTable QUICK;
    private static final CodePointTable CANONICAL; // offset << 5 | length into DECOMPOSED, or 0
    private static final CodePointTable COMPATIBILITY;
    private static final int[] DECOMPOSED;
    private static final CodePointTable COMBINING_MARK;
    private static final long[] COMPOSE_KEYS; // open addressing: first << 21 | second, 0 = free
    private static final int[] COMPOSE_VALUES;

    static {
        try (DataInputStream in = open("unicode-normalization-alignments-0.1.12.bin")) {
            CCC = new CodePointTable();
            QUICK = new CodePointTable();
            for (int n = in.readInt(); n > 0; n--) {
                int cp = in.readInt();
                CCC.set(cp, in.readInt());
                QUICK.or(cp, NON_STARTER);
            }
            int pairs = in.readInt();
            COMPOSE_KEYS = new long[Integer.highestOneBit(pairs) * 4];
            COMPOSE_VALUES = new int[COMPOSE_KEYS.length];
            for (int n = pairs; n > 0; n--) {
                int first = in.readInt();
                int second = in.readInt();
                QUICK.or(second, COMPOSES_AS_SECOND);
                long key = composeKey(first, second);
                int slot = composeSlot(key);
                while (COMPOSE_KEYS[slot] != 0) {
                    slot = (slot + 1) & (COMPOSE_KEYS.length - 1);
                }
                COMPOSE_KEYS[slot] = key;
                COMPOSE_VALUES[slot] = in.readInt();
            }
            int[] data = new int[16384];
            int used = 0;
            CodePointTable[] decompositions = new CodePointTable[2];
            for (int k = 0; k < 2; k++) {
                decompositions[k] = new CodePointTable();
                for (int n = in.readInt(); n > 0; n--) {
                    int cp = in.readInt();
                    int length = in.readInt();
                    if (used + length > data.length) {
                        data = Arrays.copyOf(data, data.length * 2);
                    }
                    for (int i = 0; i < length; i++) {
                        data[used + i] = in.readInt();
                    }
                    decompositions[k].set(cp, used << 5 | length);
                    QUICK.or(cp, k == 0 ? CANONICAL_DECOMPOSITION : COMPATIBILITY_DECOMPOSITION);
                    used += length;
                }
            }
            CANONICAL = decompositions[0];
            COMPATIBILITY = decompositions[1];
            DECOMPOSED = Arrays.copyOf(data, used);
            COMBINING_MARK = new CodePointTable();
            for (int n = in.readInt(); n > 0; n--) {
                COMBINING_MARK.set(in.readInt(), 1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The QUICK bits of {@code cp}: Hangul, decomposed and composed by arithmetic, is the caller's business. */
    static int quickFlags(int cp) {
        return cp < 0x80 ? 0 : QUICK.get(cp);
    }

    private static DataInputStream open(String name) {
        InputStream in = UnicodeTables.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("resource " + name + " is missing from the Gale jar");
        }
        return new DataInputStream(new BufferedInputStream(in));
    }

    /** {@code canonical_combining_class}. */
    static int combiningClass(int cp) {
        return cp < 0x300 ? 0 : CCC.get(cp);
    }

    /**
     * The full canonical (or, with {@code compatibility}, compatibility-then-canonical) decomposition
     * of {@code cp}, as {@code offset << 5 | length} into {@link #decomposed}; 0 when it has none.
     * Hangul syllables are decomposed by arithmetic, not here.
     */
    static int decomposition(int cp, boolean compatibility) {
        if (compatibility) {
            int d = COMPATIBILITY.get(cp);
            if (d != 0) {
                return d;
            }
        }
        return CANONICAL.get(cp);
    }

    static int decomposed(int index) {
        return DECOMPOSED[index];
    }

    /** {@code composition_table}: the primary composite of {@code a} and {@code b}, or -1. */
    static int composition(int a, int b) {
        long key = composeKey(a, b);
        for (int slot = composeSlot(key); COMPOSE_KEYS[slot] != 0;
                slot = (slot + 1) & (COMPOSE_KEYS.length - 1)) {
            if (COMPOSE_KEYS[slot] == key) {
                return COMPOSE_VALUES[slot];
            }
        }
        return -1;
    }

    private static long composeKey(int a, int b) {
        return (long) a << 21 | b;
    }

    private static int composeSlot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & (COMPOSE_KEYS.length - 1);
    }

    /** {@code is_combining_mark} of unicode-normalization-alignments (General_Category=Mark). */
    static boolean isCombiningMark(int cp) {
        return cp >= 0x300 && COMBINING_MARK.get(cp) != 0;
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

    /** {@code InCB_Extend} of unicode-segmentation. */
    static boolean isInCBExtend(int cp) {
        return Segmentation.INCB_EXTEND.get(cp) != 0;
    }

    /** {@code is_incb_linker} of unicode-segmentation: the viramas that join conjuncts (GB9c). */
    static boolean isInCBLinker(int cp) {
        return switch (cp) {
            case 0x94D, 0x9CD, 0xACD, 0xB4D, 0xC4D, 0xD4D, 0x1039, 0x17D2, 0x1A60, 0x1B44, 0x1BAB,
                 0xA9C0, 0xAAF6, 0x10A3F, 0x11133, 0x113D0, 0x1193E, 0x11A47, 0x11A99, 0x11F42 -> true;
            default -> false;
        };
    }

    /** unicode-segmentation's tables, loaded on first use: only Precompiled needs them. */
    private static final class Segmentation {

        static final CodePointTable GRAPHEME_CAT;
        static final CodePointTable INCB_EXTEND;

        static {
            try (DataInputStream in = open("unicode-segmentation-1.13.2.bin")) {
                GRAPHEME_CAT = new CodePointTable();
                for (int n = in.readInt(); n > 0; n--) {
                    int first = in.readInt();
                    int last = in.readInt();
                    int cat = in.readInt();
                    for (int cp = first; cp <= last; cp++) {
                        GRAPHEME_CAT.set(cp, cat);
                    }
                }
                INCB_EXTEND = new CodePointTable();
                for (int n = in.readInt(); n > 0; n--) {
                    int first = in.readInt();
                    int last = in.readInt();
                    for (int cp = first; cp <= last; cp++) {
                        INCB_EXTEND.set(cp, 1);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
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
