"""transformers' fill-mask pipeline over the corpus, for a real-weights model directory (see README.md, "Real
weights"): the oracle a Java fill-mask test compares its top 5 against.

    /work/venv/hf/bin/python reference/fill_mask_reference.py --model DIR --out FILE.jsonl.gz [--texts N]

Not a regenerate step (the model is not committed). Inputs: the first N corpus texts (texts.jsonl; default all
2,418). In each, the whitespace-separated words (runs of non-whitespace) that are alphabetic (str.isalpha) and
at least 3 characters long are the candidates; the middle one (index len // 2) is replaced by the tokenizer's
mask token. A text with no candidate, or one that already holds the mask token, is skipped (counted on stderr).
If the masked text has more than --max-tokens tokens with the special tokens (default 128), it is cut to a run
of whole words around the mask: starting from the masked word, one word is added on the left, then one on the
right, alternately, while the tokens still fit; a side stops at the first word that does not fit. The cut is a
slice of the text (its own whitespace kept) from the first word's start to the last word's end.

Output: gzip (mtime 0) JSON lines, one per kept text:
  i            index of the text in texts.jsonl
  masked_word  the word the mask replaced
  truncated    whether the text was cut to fit
  n_tokens     tokens of `text` with the special tokens
  text         the pipeline's input
  predictions  pipeline("fill-mask", top_k=5)(text) as returned: score, token, token_str, sequence

Runs on one thread (torch.set_num_threads(1), deterministic algorithms), eval mode, on the CPU.
"""

import argparse
import re
import sys
import time
from pathlib import Path

import refcommon

WORD = re.compile(r"\S+")


def mask_text(text, mask):
    """(masked text, masked word) or None when the text has no candidate word."""
    words = [m for m in WORD.finditer(text) if m.group().isalpha() and len(m.group()) >= 3]
    if not words:
        return None
    w = words[len(words) // 2]
    return text[:w.start()] + mask + text[w.end():], w.group()


def fit(tok, masked, mask, max_tokens):
    """(text, truncated, n_tokens): masked itself when it fits, else the largest run of words around the mask
    that does (see the module doc)."""
    special = tok.num_special_tokens_to_add(pair=False)
    budget = max_tokens - special
    n = len(tok(masked, add_special_tokens=False)["input_ids"])
    if n <= budget:
        return masked, False, n + special
    words = list(WORD.finditer(masked))
    m = next(j for j, w in enumerate(words) if w.group() == mask)
    # BERT-style pre-tokenization splits at whitespace first, so the tokens of a run of words are the words'
    # tokens added up (checked on the result below)
    counts = [len(tok(w.group(), add_special_tokens=False)["input_ids"]) for w in words]
    lo = hi = m
    total = counts[m]
    grew = True
    while grew:
        grew = False
        if lo > 0 and total + counts[lo - 1] <= budget:
            lo -= 1
            total += counts[lo]
            grew = True
        if hi < len(words) - 1 and total + counts[hi + 1] <= budget:
            hi += 1
            total += counts[hi]
            grew = True
    cut = masked[words[lo].start():words[hi].end()]
    ids = tok(cut, add_special_tokens=False)["input_ids"]
    if len(ids) != total or ids.count(tok.mask_token_id) != 1:
        raise SystemExit(f"fill_mask_reference: cutting to {max_tokens} tokens went wrong ({len(ids)} tokens, "
                         f"{total} expected) for {cut!r}")
    return cut, True, total + special


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, required=True, help="Hugging Face model directory with an MLM head")
    ap.add_argument("--out", type=Path, required=True, help="output .jsonl.gz")
    ap.add_argument("--texts", type=int, default=None, help="first N corpus texts (default: all)")
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--top-k", type=int, default=5)
    args = ap.parse_args()

    import torch
    import transformers
    from transformers import AutoTokenizer, pipeline
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    tok = AutoTokenizer.from_pretrained(str(args.model))
    fill = pipeline("fill-mask", model=str(args.model), tokenizer=tok, top_k=args.top_k, device="cpu")
    fill.model.eval()
    mask = tok.mask_token

    corpus, _ = refcommon.load_corpus()
    texts = corpus if args.texts is None else corpus[:args.texts]
    records, no_word, has_mask, truncated = [], [], [], 0
    t0 = time.time()
    for i, text in enumerate(texts):
        if mask in text:
            has_mask.append(i)
            continue
        got = mask_text(text, mask)
        if got is None:
            no_word.append(i)
            continue
        masked, word = got
        cut, was_cut, n_tokens = fit(tok, masked, mask, args.max_tokens)
        truncated += was_cut
        with torch.no_grad():
            preds = fill(cut)
        records.append({
            "i": i,
            "masked_word": word,
            "truncated": was_cut,
            "n_tokens": n_tokens,
            "text": cut,
            "predictions": [{"score": float(p["score"]), "token": int(p["token"]), "token_str": p["token_str"],
                             "sequence": p["sequence"]} for p in preds],
        })
        if (i + 1) % 200 == 0:
            print(f"fill_mask_reference: {i + 1}/{len(texts)} texts, {time.time() - t0:.0f} s", file=sys.stderr)
    seconds = time.time() - t0
    size = refcommon.write_jsonl_gz(args.out, records)
    print(f"fill_mask_reference: {len(records)} records from {len(texts)} texts ({truncated} cut to "
          f"{args.max_tokens} tokens; skipped {len(no_word)} without an alphabetic word of 3+ letters, "
          f"{len(has_mask)} already holding {mask}) in {seconds:.0f} s; transformers {transformers.__version__}, "
          f"torch {torch.__version__}; {args.out} {size} bytes", file=sys.stderr)
    if no_word:
        print(f"fill_mask_reference: skipped (no word): {no_word}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
