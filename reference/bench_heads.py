#!/usr/bin/env python3
"""Builds random-weight task-head checkpoints at real shapes for `bench/heads`, once, outside the repository.

From each `bench_models.py` base model in ${GALE_BENCH_DIR:-/tmp/gale-families}/<family>/ (run that first), writes
<family>-seqcls (3 labels), <family>-tokcls (9 BIO labels) and <family>-mlm (the tied masked-LM head) next to it:
config.json with the head architecture, model.safetensors as the head model's save_pretrained writes it (the
base encoder's weights loaded into it, the head from torch.manual_seed(SEED) and the model's own init) and the
base directory's tokenizer files. Never committed (hundreds of MB).

  python reference/bench_heads.py [--dir DIR] [family ...]      (default: distilbert-base bert-base)
"""

import argparse
import json
import os
import shutil
from pathlib import Path

import torch
import transformers
from transformers import AutoConfig, AutoModel, AutoModelForMaskedLM, AutoModelForSequenceClassification, AutoModelForTokenClassification

transformers.logging.set_verbosity_error()

SEED = 13
LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
TASKS = {
    "seqcls": (AutoModelForSequenceClassification, {"num_labels": 3}),
    "tokcls": (AutoModelForTokenClassification, {"id2label": dict(enumerate(LABELS)), "label2id": {l: i for i, l in enumerate(LABELS)}}),
    "mlm": (AutoModelForMaskedLM, {}),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.environ.get("GALE_BENCH_DIR", "/tmp/gale-families"))
    ap.add_argument("families", nargs="*", default=["distilbert-base", "bert-base"])
    args = ap.parse_args()
    root = Path(args.dir)
    for family in args.families:
        base = root / family
        if not (base / "model.safetensors").is_file():
            raise SystemExit(f"{base}: no base model; run reference/bench_models.py --dir {root} {family} first")
        encoder = AutoModel.from_pretrained(base)
        for task, (cls, extra) in TASKS.items():
            out = root / f"{family}-{task}"
            stamp = {"script": "bench_heads.py", "seed": SEED, "task": task, "base": family}
            if (out / "built.json").is_file() and json.loads((out / "built.json").read_text()) == stamp:
                continue
            torch.manual_seed(SEED)
            config = AutoConfig.from_pretrained(base, **extra)
            model = cls.from_config(config).eval()
            prefix = model.base_model_prefix
            missing, unexpected = getattr(model, prefix).load_state_dict(encoder.state_dict(), strict=False)
            if unexpected or [m for m in missing if "pooler" not in m]:
                raise SystemExit(f"{family}-{task}: base weights do not fit (missing {missing}, unexpected {unexpected})")
            if out.exists():
                shutil.rmtree(out)
            model.save_pretrained(out, safe_serialization=True)
            for f in ("tokenizer.json", "tokenizer_config.json"):
                shutil.copy(base / f, out / f)
            (out / "built.json").write_text(json.dumps(stamp))
            print(f"{out}: {type(model).__name__}")


if __name__ == "__main__":
    main()
