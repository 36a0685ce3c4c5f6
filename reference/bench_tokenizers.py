#!/usr/bin/env python3
"""Single-thread throughput of Python `tokenizers` over the corpus texts, the baseline Gale's own
tokenizer benchmark is compared with.

    reference/.venv/bin/python reference/bench_tokenizers.py \
        --tokenizer encoder/src/test/resources/reference/tokenizers/bert-uncased/tokenizer.json ... \
        --rounds 5

For every tokenizer.json: one warm-up round, then --rounds timed rounds of (a) tok.encode_batch(texts)
and (b) a Python loop of tok.encode(t); truncation and padding off, special tokens added. Prints one
JSON line per tokenizer with the median tokens/s of each.
"""

import os

# Single thread, set before `tokenizers` is imported (its Rayon pool reads them at start).
os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ["RAYON_NUM_THREADS"] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import refcommon  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402


def bench(path, texts, rounds):
    tok = Tokenizer.from_file(str(path))
    tok.no_truncation()
    tok.no_padding()

    def batch():
        return sum(len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=True))

    def loop():
        n = 0
        for t in texts:
            n += len(tok.encode(t, add_special_tokens=True).ids)
        return n

    tokens = batch()  # warm-up (and the token count)
    loop()
    batch_rates, loop_rates = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        n = batch()
        batch_rates.append(n / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        n = loop()
        loop_rates.append(n / (time.perf_counter() - t0))
    return {
        "tokenizer": str(path),
        "texts": len(texts),
        "tokens": tokens,
        "encode_batch_tokens_per_s": statistics.median(batch_rates),
        "encode_loop_tokens_per_s": statistics.median(loop_rates),
        "rounds": rounds,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tokenizer", nargs="+", required=True, metavar="PATH", help="tokenizer.json file(s)")
    ap.add_argument("--rounds", type=int, default=5, help="timed rounds after the warm-up (default 5)")
    ap.add_argument(
        "--texts",
        choices=("all", "corpus"),
        default="all",
        help="all: texts.jsonl + adversarial.jsonl (the fixture texts, default); corpus: texts.jsonl only",
    )
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    corpus, adversarial = refcommon.load_corpus()
    texts = corpus + adversarial if args.texts == "all" else corpus
    for path in args.tokenizer:
        print(json.dumps(bench(path, texts, args.rounds)), flush=True)


if __name__ == "__main__":
    main()
