"""Writes the Unicode tables of the Rust crates that Hugging Face tokenizers 0.23.2 links, so that
Gale normalizes with the same Unicode data (not the JDK's, which is Unicode 16):

  unicode-normalization-alignments 0.1.12 (Unicode 9.0.0), src/tables.rs at commit
      9ca696060d7bedd591f903b6285c29abaab716fa of github.com/n1t0/unicode-normalization
      -> unicode-normalization-alignments-0.1.12.bin
  unicode-segmentation 1.13.2 (Unicode 17.0.0), src/tables.rs at tag v1.13.2 of
      github.com/unicode-rs/unicode-segmentation
      -> unicode-segmentation-1.13.2.bin

Usage: python gen_unicode_tables.py <normalization tables.rs> <segmentation tables.rs> <out dir>

Both files are big-endian int32 sections, each a count followed by its records (read by
UnicodeTables.java):
  normalization: ccc (cp, class)*, composition (first, second, composite)*,
                 canonical (cp, n, cp*n)*, compatibility (cp, n, cp*n)*, combining mark cp*
  segmentation:  grapheme_cat (first, last, category index)*, InCB_Extend (first, last)*
"""
import re
import struct
import sys

CHAR = r"'\\u\{([0-9A-Fa-f]+)\}'"


def section(src, name):
    start = src.index("const " + name)
    start = src.index("&[", start) + 2
    end = src.index("];", start)
    return src[start:end]


def ints(values):
    return b"".join(struct.pack(">i", v) for v in values)


def normalization(src):
    out = []
    ccc = [int(x, 16) for x in re.findall(r"0x([0-9A-Fa-f]+)", section(src, "CANONICAL_COMBINING_CLASS_KV"))]
    out.append(ints([len(ccc)]) + ints(v for kv in ccc for v in (kv >> 8, kv & 0xFF)))

    comp = []
    for key, c in re.findall(r"\(0x([0-9A-Fa-f]+),\s*" + CHAR + r"\)", section(src, "COMPOSITION_TABLE_KV")):
        key = int(key, 16)
        comp.append((key >> 16, key & 0xFFFF, int(c, 16)))
    astral = src[src.index("fn composition_table_astral"):]
    astral = astral[:astral.index("_ => None")]
    for a, b, c in re.findall(r"\(" + CHAR + ", " + CHAR + r"\) => Some\(" + CHAR + r"\)", astral):
        comp.append((int(a, 16), int(b, 16), int(c, 16)))
    assert len(comp) == 928 + 12, len(comp)
    out.append(ints([len(comp)]) + ints(v for t in comp for v in t))

    for name in ("CANONICAL_DECOMPOSED_KV", "COMPATIBILITY_DECOMPOSED_KV"):
        entries = re.findall(r"\(0x([0-9A-Fa-f]+),\s*&\[([^\]]*)\]\)", section(src, name))
        data = [len(entries)]
        for cp, chars in entries:
            cps = [int(x, 16) for x in re.findall(CHAR, chars)]
            data += [int(cp, 16), len(cps)] + cps
        out.append(ints(data))

    marks = [int(x, 16) for x in re.findall(r"0x([0-9A-Fa-f]+)", section(src, "COMBINING_MARK_KV"))]
    out.append(ints([len(marks)]) + ints(sorted(marks)))
    return b"".join(out)


GRAPHEME_CATS = ["GC_Any", "GC_CR", "GC_Control", "GC_Extend", "GC_Extended_Pictographic",
                 "GC_InCB_Consonant", "GC_L", "GC_LF", "GC_LV", "GC_LVT", "GC_Prepend",
                 "GC_Regional_Indicator", "GC_SpacingMark", "GC_T", "GC_V", "GC_ZWJ"]


def segmentation(src):
    enum = src[src.index("pub enum GraphemeCat"):]
    enum = enum[:enum.index("}")]
    assert re.findall(r"GC_\w+", enum) == GRAPHEME_CATS, "GraphemeCat order changed"
    cats = re.findall(CHAR + r",\s*" + CHAR + r",\s*(GC_\w+)\)", section(src, "grapheme_cat_table"))
    out = [ints([len(cats)]) + ints(v for a, b, c in cats
                                    for v in (int(a, 16), int(b, 16), GRAPHEME_CATS.index(c)))]
    incb = re.findall(r"\(" + CHAR + r",\s*" + CHAR + r"\)", section(src, "InCB_Extend_table"))
    out.append(ints([len(incb)]) + ints(int(x, 16) for pair in incb for x in pair))
    return b"".join(out)


def main():
    norm_src = open(sys.argv[1], encoding="utf-8").read()
    seg_src = open(sys.argv[2], encoding="utf-8").read()
    out_dir = sys.argv[3]
    open(out_dir + "/unicode-normalization-alignments-0.1.12.bin", "wb").write(normalization(norm_src))
    open(out_dir + "/unicode-segmentation-1.13.2.bin", "wb").write(segmentation(seg_src))


if __name__ == "__main__":
    main()
