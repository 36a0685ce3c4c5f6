"""Cross-checks Gale's tokenizer against Python tokenizers on tokenizers and texts of your choosing.

For each --tokenizer (a tokenizer.json or a directory holding one) this writes OUT/<name>/tokenizer.json and
OUT/<name>/expected.jsonl.gz in the fixture format (texts inline), which the Java parity test then reads:

    reference/crosscheck --tokenizer /path/to/model-dir ... --texts held-out.jsonl --out /tmp/crosscheck

Texts: a JSONL file with a "text" field per line, or plain text, one per line. Cases: every text single and
untruncated (with decode), the first 200 texts truncated (8, 33, 128 right; 33 left), and 200 pairs of
neighbouring texts untruncated and truncated (longest_first 16 and 64 right, 64 left; only_first and
only_second 64).
"""
import argparse
import gzip
import json
import os
import shutil

import sys
from pathlib import Path

from tokenizers import Tokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
import refcommon  # noqa: E402


def read_texts(path):
    texts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            if path.endswith((".jsonl", ".ndjson")):
                texts.append(json.loads(line)["text"])
            else:
                texts.append(line)
    return texts


def run_case(tok, a, b, max_length, strategy, direction):
    return refcommon.encode_record(tok, a, b, a, b, max_length, strategy, direction)


def cases(texts):
    for t in texts:
        yield (t, None, None, "longest_first", "right")
    for t in texts[:200]:
        for n, d in ((8, "right"), (33, "right"), (128, "right"), (33, "left")):
            yield (t, None, n, "longest_first", d)
    pairs = [(texts[i], texts[i + 1]) for i in range(0, min(len(texts) - 1, 400), 2)]
    for a, b in pairs:
        yield (a, b, None, "longest_first", "right")
        for n, s, d in ((16, "longest_first", "right"), (64, "longest_first", "right"),
                        (64, "longest_first", "left"), (64, "only_first", "right"),
                        (64, "only_second", "right")):
            yield (a, b, n, s, d)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokenizer", nargs="+", required=True)
    parser.add_argument("--texts", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    texts = read_texts(args.texts)
    for source in args.tokenizer:
        file = os.path.join(source, "tokenizer.json") if os.path.isdir(source) else source
        name = os.path.basename(os.path.dirname(os.path.abspath(file))) if os.path.isdir(source) \
            else os.path.splitext(os.path.basename(file))[0]
        folder = os.path.join(args.out, name)
        os.makedirs(folder, exist_ok=True)
        shutil.copyfile(file, os.path.join(folder, "tokenizer.json"))
        tok = Tokenizer.from_file(file)
        n = 0
        with gzip.open(os.path.join(folder, "expected.jsonl.gz"), "wt", encoding="utf-8") as out:
            for case in cases(texts):
                out.write(json.dumps(run_case(tok, *case), ensure_ascii=False) + "\n")
                n += 1
        print(f"{folder}: {n} cases")


if __name__ == "__main__":
    main()
