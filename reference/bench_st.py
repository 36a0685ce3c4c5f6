#!/usr/bin/env python3
"""sentence-transformers on torch CPU over the corpus, for `bench/families`: one JSON line per family.

For each family directory ${GALE_BENCH_DIR:-/tmp/gale-families}/<family>/ (built by bench_models.py):
SentenceTransformer(dir) (its modules.json: Transformer, mean pooling, max_seq_length 512), torch threads =
--threads, encode(texts, batch_size=32) over the texts sorted by token count, after a warm-up encode of 64 of
them. sentence-transformers sorts each call's texts again, by character length, before it cuts batches.
The texts: --texts N of the corpus's, text i * total // N for i < N (the same rule as FamilyThroughput.java).
Real tokens: the tokenizer's ids, special tokens included, truncated at 512, without padding.

  python reference/bench_st.py [--dir DIR] [--texts N] [--threads T] family ...
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import torch
from sentence_transformers import SentenceTransformer

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "encoder" / "src" / "test" / "resources" / "corpus" / "texts.jsonl"
BATCH = 32
MAX_LENGTH = 512


def corpus(n):
    texts = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    n = len(texts) if n <= 0 else min(n, len(texts))
    return [texts[i * len(texts) // n] for i in range(n)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path(os.environ.get("GALE_BENCH_DIR", "/tmp/gale-families")))
    parser.add_argument("--texts", type=int, default=0, help="texts spread over the corpus (0: all)")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("families", nargs="+")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    texts = corpus(args.texts)
    for family in args.families:
        model = SentenceTransformer(str(args.dir / family), device="cpu")
        model.max_seq_length = MAX_LENGTH
        lengths = [len(ids) for ids in model.tokenizer(texts, truncation=True, max_length=MAX_LENGTH)["input_ids"]]
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        ordered = [texts[i] for i in order]
        model.encode(ordered[:: max(1, len(ordered) // 64)], batch_size=BATCH)
        t0 = time.perf_counter()
        model.encode(ordered, batch_size=BATCH)
        seconds = time.perf_counter() - t0
        tokens = sum(lengths)
        print(json.dumps({"family": family, "texts": len(texts), "tokens": tokens, "seconds": round(seconds, 3),
                          "tokens_per_s": round(tokens / seconds, 1), "threads": args.threads,
                          "attn_implementation": model[0].auto_model.config._attn_implementation,
                          "sentence_transformers": __import__("sentence_transformers").__version__,
                          "torch": torch.__version__}), flush=True)
        print(f"sentence-transformers {family}: {tokens / seconds:,.0f} tokens/s ({tokens} tokens, {seconds:.1f} s)",
              file=sys.stderr)
        del model


if __name__ == "__main__":
    main()
