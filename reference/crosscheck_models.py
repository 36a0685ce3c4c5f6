#!/usr/bin/env python3
"""Writes transformers' last hidden states (and, for a sentence-transformers directory, SentenceTransformer.encode
embeddings) for model directories and texts of your choosing, in the fixture formats the Java tests read, so that
ExternalModelsTest can compare Gale with them. Run it through reference/crosscheck-models.

  crosscheck_models.py --model DIR [DIR ...] --texts FILE --out OUT [--max-length N]

FILE: JSON lines with a "text" field, or plain text, one text per line. Each model gets OUT/<n>-<dirname>/ with
model-dir.txt (the absolute directory), hidden_states.jsonl.gz (records as models_fixtures.py writes them, the text
inline, plus max_length) and, when DIR has modules.json, expected.jsonl.gz (as st_fixtures.py writes them).
Both run with eager attention in float64 by default (--dtype float32 for transformers' own float32 numbers),
whatever dtype the checkpoint is stored in: float64 is the exact answer Gale's float32 is measured against. (On
random-weight models with large activations, transformers' float32 result is itself up to ~1e-5 away from it.)
"""

import argparse
import gzip
import inspect
import json
from pathlib import Path

import torch
from tokenizers import Tokenizer
from transformers import AutoModel, AutoTokenizer


def read_texts(path):
    texts = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            value = json.loads(line)
            texts.append(value["text"] if isinstance(value, dict) else str(value))
        except (json.JSONDecodeError, KeyError):
            texts.append(line)
    return texts


def round7(x):
    return float(f"{x:.7g}")


def write(path, records):
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        for r in records:
            f.write((json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))


def model_max(model):
    c = model.config
    positions = getattr(c, "max_position_embeddings", None) or 512
    if c.model_type in ("roberta", "xlm-roberta", "camembert", "mpnet"):
        positions -= (c.pad_token_id or 1) + 1
    return positions


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", nargs="+", required=True)
    ap.add_argument("--texts", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    args = ap.parse_args()
    torch.set_num_threads(1)
    texts = read_texts(args.texts)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for n, spec in enumerate(args.model):
        d = Path(spec).resolve()
        folder = out / f"{n:02d}-{d.name}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "model-dir.txt").write_text(str(d), encoding="utf-8")
        tok = AutoTokenizer.from_pretrained(str(d))
        backend = Tokenizer.from_file(str(d / "tokenizer.json"))
        dtype = getattr(torch, args.dtype)
        model = AutoModel.from_pretrained(str(d), dtype=dtype, attn_implementation="eager").eval()
        max_length = min(args.max_length, model_max(model))
        backend.no_padding()
        backend.enable_truncation(max_length)
        takes = "token_type_ids" in inspect.signature(model.forward).parameters and "token_type_ids" in tok.model_input_names
        records = []
        with torch.no_grad():
            for text in texts:
                enc = tok(text, truncation=True, max_length=max_length, return_token_type_ids=True)
                ref = backend.encode(text)
                ids = torch.tensor([enc["input_ids"]])
                kwargs = dict(input_ids=ids, attention_mask=torch.ones_like(ids))
                if takes:
                    kwargs["token_type_ids"] = torch.tensor([enc["token_type_ids"]])
                hidden = model(**kwargs).last_hidden_state[0]
                records.append({"a": text, "b": None, "ids": enc["input_ids"],
                                "type_ids": enc["token_type_ids"] if takes else None,
                                "ids_match_tokenizer_json": enc["input_ids"] == ref.ids,
                                "hidden_size": hidden.shape[1], "max_length": max_length,
                                "last_hidden_state": [round7(v) for v in hidden.reshape(-1).tolist()]})
        write(folder / "hidden_states.jsonl.gz", records)
        line = f"{d}: {len(records)} texts, max_length {max_length}, {args.dtype}"
        if (d / "modules.json").is_file():
            from sentence_transformers import SentenceTransformer

            st = SentenceTransformer(str(d), device="cpu",
                                     model_kwargs={"dtype": dtype, "attn_implementation": "eager"})
            vectors = st.encode(texts, batch_size=1, convert_to_numpy=True)
            write(folder / "expected.jsonl.gz", [
                {"text": t, "prompt_name": None, "prompt": None, "embedding": [round7(float(x)) for x in v]}
                for t, v in zip(texts, vectors)])
            line += ", sentence-transformers embeddings too"
        print(line, flush=True)


if __name__ == "__main__":
    main()
