#!/usr/bin/env python3
"""sentence-transformers on torch CPU over the corpus, for `bench/families`: one JSON line per family.

For each family directory ${GALE_BENCH_DIR:-/tmp/gale-families}/<family>/ (built by bench_models.py):
SentenceTransformer(dir) (its modules.json: Transformer, mean pooling, max_seq_length 512), torch threads =
--threads. The batches, as in FamilyThroughput.java: the corpus's texts sorted by token count (ties in corpus
order), cut into batches of 32, every --every-th batch kept (so each keeps the padding of a whole-corpus run);
each is one encode(batch, batch_size=32) call, so that sentence-transformers, which sorts a call's texts by
character length, pads exactly these batches. A warm-up pass over every 4th of them comes first.
Real tokens: the tokenizer's ids, special tokens included, truncated at 512, without padding.
The tokenizer is the one sentence-transformers loads (AutoTokenizer). For deberta-v3-small, transformers 5.18's
DebertaV2Tokenizer gives other ids than its own tokenizer.json (which Gale and `tokenizers` follow) on 23 of the
2,418 texts, so the token counts differ by a few; FamilyThroughput says so under the table.

  python reference/bench_st.py [--dir DIR] [--every K] [--threads T] family ...
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


def corpus():
    return [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path(os.environ.get("GALE_BENCH_DIR", "/tmp/gale-families")))
    parser.add_argument("--every", type=int, default=5, help="keep every K-th length-sorted batch (1: all)")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("families", nargs="+")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    texts = corpus()
    for family in args.families:
        model = SentenceTransformer(str(args.dir / family), device="cpu")
        model.max_seq_length = MAX_LENGTH
        lengths = [len(ids) for ids in model.tokenizer(texts, truncation=True, max_length=MAX_LENGTH)["input_ids"]]
        order = sorted(range(len(texts)), key=lambda i: (lengths[i], i))
        batches = [order[b:b + BATCH] for b in range(0, len(order), BATCH)][:: args.every]
        batches = [[texts[i] for i in batch] for batch in batches]
        tokens = sum(lengths[i] for b in range(0, len(order), BATCH * args.every) for i in order[b:b + BATCH])
        for batch in batches[::4]:
            model.encode(batch, batch_size=BATCH)
        t0 = time.perf_counter()
        for batch in batches:
            model.encode(batch, batch_size=BATCH)
        seconds = time.perf_counter() - t0
        print(json.dumps({"family": family, "texts": sum(len(b) for b in batches), "batches": len(batches), "tokens": tokens, "seconds": round(seconds, 3),
                          "tokens_per_s": round(tokens / seconds, 1), "threads": args.threads,
                          "attn_implementation": model[0].auto_model.config._attn_implementation,
                          "sentence_transformers": __import__("sentence_transformers").__version__,
                          "torch": torch.__version__}), flush=True)
        print(f"sentence-transformers {family}: {tokens / seconds:,.0f} tokens/s ({tokens} tokens, {seconds:.1f} s)",
              file=sys.stderr)
        del model


if __name__ == "__main__":
    main()
