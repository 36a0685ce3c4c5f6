#!/usr/bin/env python3
"""Dumps what Python `tokenizers` does with every Unicode code point, so that Gale's Unicode tables
(UnicodeTables.java, built at run time from ICU4J: Unicode 9 normalization data, Unicode 17 grapheme
data) can be checked against the Rust crates `tokenizers` 0.23.2 links: unicode-normalization-alignments
0.1.12 (Unicode 9.0.0) and unicode-segmentation 1.13.2 (Unicode 17.0.0).

Output: encoder/src/test/resources/reference/unicode/

normalizers.jsonl.gz   line 1: a header (the normalizers, the probe, the counts); then one line per code
                       point that some normalizer changes: {"cp": N, NAME: output, ...}, with only the
                       NAMEs whose output differs from the input. Every code point 0..0x10FFFF but the
                       surrogates is normalized on its own by NFD, NFKD, NFC, NFKC, StripAccents,
                       NFD+StripAccents (what BertNormalizer does to strip accents) and Precompiled (the
                       first normalizer of the xlm-roberta fixture's tokenizer.json: SentencePiece's
                       nmt_nfkc rules). Two more entries test the combining classes and compositions:
                       "NFD+probe" is NFD(cp + PROBE) and "NFC+probe" NFC(cp + PROBE), PROBE being one
                       combining mark of each combining class of Unicode 9 in increasing class order;
                       they are recorded only when they differ from NFD(cp) + PROBE (NFC(cp) + PROBE).
graphemes.jsonl.gz     line 1: a header (the two Precompiled normalizers, the seed, the classes drawn
                       from, the counts); then {"t": text, NAME: [normalized, [start, end, ...]], ...}:
                       random sequences of 2 to 6 code points drawn from grapheme-break classes (half
                       of them following TEMPLATES, one per break rule), and
                       what the two Precompiled normalizers make of them, with the original code-point
                       offsets of each normalized char. Precompiled cuts its input into extended
                       grapheme clusters and looks a cluster of fewer than 6 UTF-8 bytes up whole (the
                       rule of its first char or shortest prefix replaces all of it), so its output shows
                       where the clusters end. The normalizers: "xlm-roberta" (as above) and "probe", a
                       charsmap compiled here with sentencepiece from PROBE_RULES (a rule for the first
                       char of many classes: Hangul jamo, pictographs, consonants, prepend, controls...),
                       which shows the boundaries that nmt_nfkc's rules do not. The sequences kept are
                       those where the segmentation shows (the output differs from that of the code
                       points one by one) under one of the two, plus NON_REVEALING others. The header's
                       "after_a" is the probe normalizer on "a" + each code point: which code points join
                       the cluster of the char before them (GB9, GB9a), for every code point.

Run it through `reference/regenerate unicode` (it sets PYTHONHASHSEED=0 RAYON_NUM_THREADS=1
TOKENIZERS_PARALLELISM=false). Deterministic: the same bytes on every run.
"""

import base64
import hashlib
import io
import json
import random
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import refcommon  # noqa: E402

refcommon.check_deterministic_env()

import sentencepiece as spm  # noqa: E402
import tokenizers  # noqa: E402
from sentencepiece import sentencepiece_model_pb2  # noqa: E402
from tokenizers import PreTokenizedString, Tokenizer  # noqa: E402
from tokenizers import normalizers as N  # noqa: E402

OUT_DIR = refcommon.FIXTURES_DIR / "unicode"
XLM_ROBERTA = "tokenizers/xlm-roberta/tokenizer.json"  # relative to FIXTURES_DIR
SEED = 1700
SEQUENCES = 400_000  # candidates drawn
REVEALING = 6000  # sequences kept where the segmentation shows
NON_REVEALING = 500  # and others
SPM_SEED = 0

# ---------------------------------------------------------------------------------------------
# Grapheme-break classes to draw from (Unicode 17 values; the oracle decides, these only steer the
# draw). "random" draws any code point of RANDOM_RANGES.
# ---------------------------------------------------------------------------------------------

CLASSES = {
    "CR": [0x0D],
    "LF": [0x0A],
    "Control": [0x01, 0x09, 0x1E, 0x1F, 0x7F, 0x80, 0x85, 0x9F, 0xAD, 0x061C, 0x180E, 0x200B, 0x200E, 0x2028,
                0x2029, 0x2060, 0xFEFF, 0xFFF9, 0x1D173, 0xE0001, 0xE0080, 0xE0FFF],
    "Extend": [0x0300, 0x0301, 0x0308, 0x0323, 0x0327, 0x0345, 0x0483, 0x0488, 0x0591, 0x05BF, 0x0610, 0x064B,
               0x0670, 0x0711, 0x0897, 0x0898, 0x093C, 0x0941, 0x0951, 0x09BC, 0x09BE, 0x0B3E, 0x0BBE, 0x0E31,
               0x0F71, 0x1AB0, 0x1DC0, 0x200C, 0x20D0, 0x20DD, 0x302A, 0x3099, 0xFE00, 0xFE0F, 0xFE20, 0xFF9E,
               0x101FD, 0x10EFD, 0x11F00, 0x1D165, 0x1E4EC, 0x1F3FB, 0x1F3FF, 0xE0020, 0xE007F, 0xE0100],
    "SpacingMark": [0x0903, 0x093B, 0x093E, 0x0949, 0x0982, 0x0A03, 0x0E33, 0x0EB3, 0x1B04, 0xA823, 0x11002,
                    0x16F51],
    "Prepend": [0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x0D4E,
                0x110BD, 0x110CD, 0x111C2, 0x111C3, 0x1193F, 0x11941, 0x11A3A, 0x11A84, 0x11A89, 0x11D46,
                0x11F02],
    "L": [0x1100, 0x1101, 0x1112, 0x115F, 0xA960, 0xA97C],
    "V": [0x1160, 0x1161, 0x1175, 0x11A7, 0xD7B0, 0xD7C6],
    "T": [0x11A8, 0x11AB, 0x11C2, 0x11FF, 0xD7CB, 0xD7FB],
    "LV": [0xAC00, 0xAC1C, 0xD788],
    "LVT": [0xAC01, 0xAC1B, 0xD7A3],
    "RI": [0x1F1E6, 0x1F1E7, 0x1F1F8, 0x1F1FA, 0x1F1FF],
    "ZWJ": [0x200D],
    "ExtPict": [0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x231A, 0x2600, 0x2764, 0x1F000, 0x1F308,
                0x1F44D, 0x1F468, 0x1F469, 0x1F600, 0x1F9D1, 0x1FAF8, 0x1FC00, 0x1FFFD],
    "Consonant": [0x0915, 0x0924, 0x0938, 0x0995, 0x09A4, 0x0A95, 0x0B15, 0x0C15, 0x0D15, 0x1000, 0x1780,
                  0x1A20, 0x1B13, 0x1B8A, 0xA989, 0xAAE0, 0x10A10, 0x11107, 0x1190C, 0x11A0B, 0x11A5C, 0x11F04],
    "Linker": [0x094D, 0x09CD, 0x0ACD, 0x0B4D, 0x0C4D, 0x0D4D, 0x1039, 0x17D2, 0x1A60, 0x1B44, 0x1BAB, 0xA9C0,
               0xAAF6, 0x10A3F, 0x11133, 0x113D0, 0x1193E, 0x11A47, 0x11A99, 0x11F42],
    "Any": [0x20, 0x41, 0x61, 0x62, 0x7A, 0xE9, 0x03B1, 0x05D0, 0x0627, 0x0E01, 0x3042, 0x4E00],
}
RANDOM_RANGES = [(0x00A0, 0x24FF), (0x3000, 0x30FF), (0xA800, 0xABFF), (0xFE00, 0xFFFD), (0x10000, 0x11FFF),
                 (0x16F00, 0x16FFF), (0x1D100, 0x1D24F), (0x1E000, 0x1EFFF), (0x1F000, 0x1FAFF),
                 (0xE0000, 0xE01EF)]
WEIGHTS = {"CR": 2, "LF": 2, "Control": 3, "Extend": 12, "SpacingMark": 4, "Prepend": 5, "L": 4, "V": 4,
           "T": 4, "LV": 3, "LVT": 3, "RI": 4, "ZWJ": 5, "ExtPict": 5, "Consonant": 6, "Linker": 5, "Any": 8,
           "mapped": 8, "random": 6}
# Half of the sequences follow one of these templates instead (a slot: classes to pick from, "?" when it
# may be left out), made to exercise one break rule each and end in a short cluster that shows it.
# "Mark2" and "ExtPict2" are the two-byte ones of Extend and ExtPict.
TEMPLATES = [
    "CR LF Mark2?",                                            # GB3
    "CR|LF|Control Mark2|ZWJ|SpacingMark|Any",                 # GB4
    "Mark2|Any|Prepend CR|LF|Control Mark2?",                  # GB5
    "L L|V|LV|LVT Mark2",                                      # GB6
    "LV|V V|T Mark2",                                          # GB7
    "LVT|T T Mark2",                                           # GB8
    "L|V|T|LV|LVT L|V|T|LV|LVT L|V|T|LV|LVT? Mark2",           # GB6-8 and their absence
    "Any|mapped|ExtPict2 Mark2|ZWJ|SpacingMark Mark2?",        # GB9, GB9a
    "Prepend Any|L|ExtPict2|Consonant|RI|mapped|Prepend Mark2?",  # GB9b
    "Prepend Control|CR|LF Mark2?",                            # GB9b stops at controls (GB5)
    "Consonant Extend? Linker Extend? Consonant Mark2?",       # GB9c
    "Consonant Linker Linker|Extend? Consonant Mark2",         # GB9c
    "Any|SpacingMark|Linker Linker Consonant Mark2",           # no GB9c
    "ExtPict|ExtPict2 Extend? ZWJ ExtPict2 Mark2?",            # GB11
    "Any|Consonant|Mark2 ZWJ ExtPict2 Mark2",                  # no GB11
    "RI RI RI Mark2?",                                         # GB12, GB13
    "RI RI RI RI Mark2?",
]
TEMPLATE_CLASSES = {
    "Mark2": [cp for cp in CLASSES["Extend"] if len(chr(cp).encode()) == 2],
    "ExtPict2": [cp for cp in CLASSES["ExtPict"] if len(chr(cp).encode()) == 2],
}

# The probe charsmap: a rule (replacing the char by an ASCII tag) for the first chars of clusters that
# nmt_nfkc leaves alone, so that a cluster of fewer than 6 bytes starting with one shows its extent.
PROBE_TAGS = {"CR": "r", "Control": "k", "Extend": "m", "SpacingMark": "s", "Prepend": "p", "L": "L", "V": "V",
              "T": "T", "LV": "S", "LVT": "W", "ZWJ": "z", "ExtPict": "e", "Consonant": "C", "Linker": "n"}
PROBE_ASCII = {0x61: "A", 0x62: "B"}  # a and b


def probe_rules():
    rules = {}
    for name, tag in PROBE_TAGS.items():
        for cp in CLASSES[name]:
            rules[cp] = tag
    rules.update(PROBE_ASCII)
    return sorted(rules.items())


# ---------------------------------------------------------------------------------------------


def normalizer(config):
    """A tokenizers normalizer built from its tokenizer.json object, as Tokenizer.from_file builds it."""
    tok = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": config,
           "pre_tokenizer": None, "post_processor": None, "decoder": None,
           "model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}}
    return Tokenizer.from_str(json.dumps(tok)).normalizer


def compile_charsmap(rules):
    """SentencePiece's precompiled_charsmap for `rules` ((code point, replacement) pairs)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        tsv = Path(tmp) / "rules.tsv"
        tsv.write_text("".join(f"{cp:X}\t{' '.join(f'{ord(c):X}' for c in dst)}\n" for cp, dst in rules),
                       encoding="utf-8")
        spm.set_random_generator_seed(SPM_SEED)
        model = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(["the quick brown fox jumps over the lazy dog"] * 50),
            model_writer=model, model_type="unigram", vocab_size=30, normalization_rule_tsv=str(tsv),
            num_threads=1, shuffle_input_sentence=False, minloglevel=2)
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(model.getvalue())
    return proto.normalizer_spec.precompiled_charsmap


def align(norm, text):
    """(normalized, flat original code-point offsets of each normalized char), see Alignments.java."""
    pre = PreTokenizedString(text)
    pre.normalize(lambda ns: norm.normalize(ns))
    pre.split(lambda i, ns: [ns[j:j + 1] for j in range(len(ns.normalized))])
    splits = pre.get_splits(offset_referential="original", offset_type="char")
    return "".join(s for s, _, _ in splits), [v for _, o, _ in splits for v in o]


def code_points():
    return [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]


def make_probe(nfd):
    """One mark per combining class that tokenizers' NFD knows (Unicode 9), in increasing class order.
    Candidates come from Python's unicodedata (another Unicode version); a candidate is taken only if
    tokenizers sorts the probe so far, given in reverse, into increasing order with it (so tokenizers too
    sees strictly increasing non-zero classes) and it does not decompose."""
    by_class = {}
    for cp in code_points():
        c = unicodedata.combining(chr(cp))
        if c:
            by_class.setdefault(c, []).append(chr(cp))
    probe = []
    for ccc in sorted(by_class):
        for ch in by_class[ccc]:
            trial = probe + [ch]
            if nfd.normalize_str(ch) == ch and nfd.normalize_str("".join(reversed(trial))) == "".join(trial):
                probe.append(ch)
                break
    return "".join(probe), [unicodedata.combining(ch) for ch in probe]


def sweep(precompiled):
    nfd, nfc = N.NFD(), N.NFC()
    single = {
        "NFD": nfd,
        "NFKD": N.NFKD(),
        "NFC": nfc,
        "NFKC": N.NFKC(),
        "StripAccents": N.StripAccents(),
        "NFD+StripAccents": N.Sequence([N.NFD(), N.StripAccents()]),
        "Precompiled": precompiled,
    }
    probe, probe_classes = make_probe(nfd)
    records, changed = [], {name: 0 for name in list(single) + ["NFD+probe", "NFC+probe"]}
    total = 0
    for cp in code_points():
        total += 1
        s = chr(cp)
        rec = {"cp": cp}
        outs = {}
        for name, norm in single.items():
            outs[name] = norm.normalize_str(s)
            if outs[name] != s:
                rec[name] = outs[name]
        for name, norm, base in (("NFD+probe", nfd, outs["NFD"]), ("NFC+probe", nfc, outs["NFC"])):
            out = norm.normalize_str(s + probe)
            if out != base + probe:
                rec[name] = out
        if len(rec) > 1:
            for name in rec:
                if name != "cp":
                    changed[name] += 1
            records.append(rec)
    header = {
        "generator": "reference/unicode_fixtures.py",
        "tokenizers": tokenizers.__version__,
        "normalizers": {
            "NFD": {"type": "NFD"}, "NFKD": {"type": "NFKD"}, "NFC": {"type": "NFC"}, "NFKC": {"type": "NFKC"},
            "StripAccents": {"type": "StripAccents"},
            "NFD+StripAccents": {"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "StripAccents"}]},
            "Precompiled": {"from": XLM_ROBERTA, "member": "normalizer.normalizers[0]"},
            "NFD+probe": {"type": "NFD", "input": "cp + probe", "recorded_unless": "NFD(cp) + probe"},
            "NFC+probe": {"type": "NFC", "input": "cp + probe", "recorded_unless": "NFC(cp) + probe"},
        },
        "probe": probe,
        "probe_classes": probe_classes,
        "code_points": total,
        "records": len(records),
        "changed": changed,
    }
    return header, records


def pick(rng, name, mapped):
    if name == "random":
        lo, hi = rng.choice(RANDOM_RANGES)
        return chr(rng.randint(lo, hi))
    if name == "mapped":
        return chr(rng.choice(mapped))
    return chr(rng.choice(TEMPLATE_CLASSES.get(name) or CLASSES[name]))


def draw(rng, mapped):
    """2 to 6 code points of random classes, or a template's."""
    if rng.random() < 0.5:
        names = list(WEIGHTS)
        weights = [WEIGHTS[n] for n in names]
        return "".join(pick(rng, rng.choices(names, weights)[0], mapped) for _ in range(rng.randint(2, 6)))
    out = []
    for slot in rng.choice(TEMPLATES).split():
        if slot.endswith("?"):
            if rng.random() < 0.5:
                continue
            slot = slot[:-1]
        out.append(pick(rng, rng.choice(slot.split("|")), mapped))
    return "".join(out)


def attachments(probe):
    """The probe normalizer on "a" + cp for every code point: "a" has a rule and "a" + cp is under 6 bytes,
    so the output is "A" when cp joins the cluster of "a" (Extend, ZWJ, SpacingMark: GB9, GB9a) and "A"
    followed by the code point's own output otherwise. Recorded as the ranges of the joining code points
    and the other outputs that are not "A" + cp (the code points the probe rules rewrite)."""
    joined, other = [], {}
    for cp in code_points():
        out = probe.normalize_str("a" + chr(cp))
        if out == "A":
            if joined and joined[-1][1] == cp - 1:
                joined[-1][1] = cp
            else:
                joined.append([cp, cp])
        elif out != "A" + chr(cp):
            other[str(cp)] = out
    return {"joined": joined, "joined_code_points": sum(hi - lo + 1 for lo, hi in joined), "other": other}


def graphemes(precompiled, sweep_records):
    charsmap = compile_charsmap(probe_rules())
    probe = normalizer({"type": "Precompiled", "precompiled_charsmap": base64.b64encode(charsmap).decode("ascii")})
    norms = {"xlm-roberta": precompiled, "probe": probe}
    # chars of at most 3 UTF-8 bytes that nmt_nfkc rewrites: their clusters can be short
    mapped = [r["cp"] for r in sweep_records if "Precompiled" in r and r["cp"] >= 0x80 and len(chr(r["cp"]).encode()) <= 3]
    rng = random.Random(SEED)
    seen = set()
    revealing, others = [], []
    for _ in range(SEQUENCES):
        if len(revealing) >= REVEALING and len(others) >= NON_REVEALING:
            break
        text = draw(rng, mapped)
        if text in seen:
            continue
        seen.add(text)
        rec = {"t": text}
        shows = []
        for name, norm in norms.items():
            rec[name] = list(align(norm, text))
            if rec[name][0] != "".join(norm.normalize_str(c) for c in text):
                shows.append(name)
        if shows and len(revealing) < REVEALING:
            revealing.append((rec, shows))
        elif not shows and len(others) < NON_REVEALING:
            others.append(rec)
    shown = {name: sum(1 for _, shows in revealing if name in shows) for name in norms}
    revealing = [rec for rec, _ in revealing]
    records = revealing + others
    after_a = attachments(probe)
    header = {
        "generator": "reference/unicode_fixtures.py",
        "tokenizers": tokenizers.__version__,
        "normalizers": {
            "xlm-roberta": {"from": XLM_ROBERTA, "member": "normalizer.normalizers[0]"},
            "probe": {"type": "Precompiled", "precompiled_charsmap": base64.b64encode(charsmap).decode("ascii"),
                      "rules": {f"{cp:X}": dst for cp, dst in probe_rules()}},
        },
        "seed": SEED,
        "classes": {name: [f"{cp:X}" for cp in cps] for name, cps in CLASSES.items()},
        "random_ranges": [[f"{lo:X}", f"{hi:X}"] for lo, hi in RANDOM_RANGES],
        "weights": WEIGHTS,
        "templates": TEMPLATES,
        "after_a": after_a,
        "records": len(records),
        "revealing": len(revealing),
        "revealing_by_normalizer": shown,
    }
    return header, records


def main():
    tj_path = refcommon.FIXTURES_DIR / XLM_ROBERTA
    tj = json.loads(tj_path.read_text(encoding="utf-8"))
    config = tj["normalizer"]["normalizers"][0]
    assert config["type"] == "Precompiled", config["type"]
    precompiled = normalizer(config)
    charsmap_sha = hashlib.sha256(base64.b64decode(config["precompiled_charsmap"])).hexdigest()

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    header, records = sweep(precompiled)
    header["normalizers"]["Precompiled"]["charsmap_sha256"] = charsmap_sha
    size = refcommon.write_jsonl_gz(OUT_DIR / "normalizers.jsonl.gz", [header] + records)
    print(f"unicode: {header['code_points']} code points, {len(records)} records, {size} bytes -> normalizers.jsonl.gz")

    header, records = graphemes(precompiled, records)
    header["normalizers"]["xlm-roberta"]["charsmap_sha256"] = charsmap_sha
    size = refcommon.write_jsonl_gz(OUT_DIR / "graphemes.jsonl.gz", [header] + records)
    print(f"unicode: {len(records)} sequences ({header['revealing']} revealing), {size} bytes -> graphemes.jsonl.gz")


if __name__ == "__main__":
    main()
