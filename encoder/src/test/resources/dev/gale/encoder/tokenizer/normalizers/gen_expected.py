"""Expected values for NormalizersAdversarialTest, from Python tokenizers 0.23.2 (and sentencepiece 0.2.2
for the charsmaps). Run with the reference venv from this folder:

    python gen_expected.py ../../../../../corpus/adversarial.jsonl

Writes
  nmt_nfkc.charsmap.gz       SentencePiece's built-in nmt_nfkc rules, compiled (the precompiled_charsmap
                             of every nmt_nfkc model: XLM-R, DeBERTa-v3, T5, ...)
  custom.charsmap            a few hand-written rules (CUSTOM_RULES) that exercise Precompiled's quirks
  adversarial-expected.jsonl.gz
                             line 1: {"configs": {name: normalizer JSON}}, "@nmt_nfkc" and "@custom"
                             standing for the charsmaps in base64; then one line per (config, text):
                             {"c": name, "t": text index, "n": normalized, "o": [start, end, ...]}, the
                             original code-point offsets of each normalized code point.

The offsets come from a PreTokenizedString split into one piece per normalized char, which is the
cheapest exact way to read alignments from Python (NormalizedString has no accessor for them).
"""
import base64
import gzip
import json
import os
import sys
import tempfile

import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2
from tokenizers import PreTokenizedString, Tokenizer

CUSTOM_RULES = [
    ("61", "41"),                   # a -> A: the prefix of "a" + combining marks, which then vanish
    ("65 301", "45"),               # e + acute -> E
    ("2122", "54 4D"),              # ™ -> TM: one char becomes two
    ("1E", ""),                     # U+001E -> nothing
    ("1F1FA", "55"),                # regional indicator U -> U
    ("D", "20"),                    # \r -> space, so "\r\n" (one cluster) -> one space
    ("915 94D", "4B"),              # ka + virama -> K
    ("E9", "65 301 301"),           # é -> e + two acutes
    ("1100", "4C 56 54 2D 4A 41 4D 4F"),  # a Hangul choseong -> 8 ASCII chars
    ("41 42 43 44 45 46", "78"),    # a 6-byte key: never looked up whole
]


def charsmap(folder, name, **kwargs):
    corpus = os.path.join(folder, "corpus.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        f.write("the quick brown fox jumps over the lazy dog\n" * 50)
    spm.SentencePieceTrainer.train(input=corpus, model_prefix=os.path.join(folder, name), vocab_size=30,
                                   model_type="unigram", minloglevel=2, **kwargs)
    proto = sentencepiece_model_pb2.ModelProto()
    with open(os.path.join(folder, name + ".model"), "rb") as f:
        proto.ParseFromString(f.read())
    return proto.normalizer_spec.precompiled_charsmap


def bert(clean, chinese, strip, lower):
    return {"type": "BertNormalizer", "clean_text": clean, "handle_chinese_chars": chinese,
            "strip_accents": strip, "lowercase": lower}


PC = {"type": "Precompiled", "precompiled_charsmap": "@nmt_nfkc"}
CONFIGS = {
    "NFD": {"type": "NFD"}, "NFKD": {"type": "NFKD"}, "NFC": {"type": "NFC"}, "NFKC": {"type": "NFKC"},
    "bert-uncased": bert(True, True, None, True), "bert-cased": bert(True, True, None, False),
    "bert-strip-only": bert(True, False, True, False), "bert-no-clean": bert(False, True, False, True),
    "Lowercase": {"type": "Lowercase"},
    "NFD+StripAccents": {"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "StripAccents"}]},
    "NFKD+StripAccents+Lowercase": {"type": "Sequence", "normalizers": [
        {"type": "NFKD"}, {"type": "StripAccents"}, {"type": "Lowercase"}]},
    "Strip": {"type": "Strip", "strip_left": True, "strip_right": True},
    "Strip-right": {"type": "Strip", "strip_left": False, "strip_right": True},
    "Nmt": {"type": "Nmt"},
    "Precompiled-nmt_nfkc": PC,
    "Precompiled-custom": {"type": "Precompiled", "precompiled_charsmap": "@custom"},
    "xlm-roberta": {"type": "Sequence", "normalizers": [
        PC, {"type": "Strip", "strip_left": False, "strip_right": True},
        {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": "\u2581"}]},
    "Replace-space": {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"},
    "Replace-whitespace": {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "},
    "Replace-vowels": {"type": "Replace", "pattern": {"Regex": "[aeiou]+"}, "content": ""},
    "Replace-letters": {"type": "Replace", "pattern": {"Regex": "\\p{L}"}, "content": "<>"},
    "Replace-empty": {"type": "Replace", "pattern": {"String": ""}, "content": "|"},
    "Replace-star": {"type": "Replace", "pattern": {"Regex": "x*"}, "content": "-"},
    "Prepend": {"type": "Prepend", "prepend": "\u2581"},
    "ByteLevel": {"type": "ByteLevel"},
    "bert-then-NFKC": {"type": "Sequence", "normalizers": [
        bert(True, True, False, True), {"type": "NFKC"}, {"type": "Lowercase"}]},
}


def normalizer(config, maps):
    text = json.dumps(config)
    for key, value in maps.items():
        text = text.replace('"@' + key + '"', json.dumps(value))
    tokenizer = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [],
                 "normalizer": json.loads(text), "pre_tokenizer": None, "post_processor": None,
                 "decoder": None, "model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}}
    return Tokenizer.from_str(json.dumps(tokenizer)).normalizer


def align(norm, text):
    pre = PreTokenizedString(text)
    pre.normalize(lambda ns: norm.normalize(ns))
    pre.split(lambda i, ns: [ns[j:j + 1] for j in range(len(ns.normalized))])
    splits = pre.get_splits(offset_referential="original", offset_type="char")
    return "".join(s for s, _, _ in splits), [v for _, o, _ in splits for v in o]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
    with tempfile.TemporaryDirectory() as tmp:
        nmt = charsmap(tmp, "nmt", normalization_rule_name="nmt_nfkc")
        rules = os.path.join(tmp, "rules.tsv")
        with open(rules, "w", encoding="utf-8") as f:
            f.write("".join(src + "\t" + dst + "\n" for src, dst in CUSTOM_RULES))
        custom = charsmap(tmp, "custom", normalization_rule_tsv=rules)
    with open(os.path.join(here, "nmt_nfkc.charsmap.gz"), "wb") as f:
        f.write(gzip.compress(nmt, 9, mtime=0))
    with open(os.path.join(here, "custom.charsmap"), "wb") as f:
        f.write(custom)
    maps = {"nmt_nfkc": base64.b64encode(nmt).decode(), "custom": base64.b64encode(custom).decode()}
    lines = [json.dumps({"configs": CONFIGS})]
    for name, config in CONFIGS.items():
        norm = normalizer(config, maps)
        for i, text in enumerate(texts):
            normalized, offsets = align(norm, text)
            lines.append(json.dumps({"c": name, "t": i, "n": normalized, "o": offsets}, ensure_ascii=False))
    with open(os.path.join(here, "adversarial-expected.jsonl.gz"), "wb") as f:
        f.write(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), 9, mtime=0))


if __name__ == "__main__":
    main()
