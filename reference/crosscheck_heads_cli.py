#!/usr/bin/env python3
"""The Gale CLI end to end on checkpoints that crosscheck_heads.py wrote: runs `gale classify`, `gale ner` (every
aggregation), `gale fill-mask`, `gale rerank` (sigmoid and --raw-scores) and `gale embed --sparse` on each
checkpoint's inputs, as a user would (JSONL in, JSONL out), and compares the output with the pipeline outputs in
its expected.jsonl.gz: same labels, entity spans, words and tokens; scores within 1e-4 (aggregated entity
scores 1e-3). Prints one line per checkpoint and command with the largest differences; exits 1 on a mismatch.

  crosscheck_heads_cli.py --dir DIR [--gale ./gale] [NAME ...]
"""

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

SCORE, AGGREGATED = 1e-4, 1e-3


def records(d):
    with gzip.open(d / "expected.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


class Run:
    def __init__(self, gale, tmp):
        self.gale, self.tmp, self.n = gale, Path(tmp), 0

    def __call__(self, command, model, rows, *args):
        self.n += 1
        inp, out = self.tmp / f"in{self.n}.jsonl", self.tmp / f"out{self.n}.jsonl"
        write_jsonl(inp, rows)
        cmd = [self.gale, command, "-m", str(model), "-i", str(inp), "-o", str(out), "-q", *args]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            err = [line for line in p.stderr.splitlines() if "WARNING" not in line]
            raise RuntimeError(f"{' '.join(cmd[1:3])} exit {p.returncode}: {' | '.join(err)[:400]}")
        got = read_jsonl(out)
        if len(got) != len(rows):
            raise RuntimeError(f"{command}: {len(rows)} rows in, {len(got)} out")
        return got


def tie(scores, k, eps=SCORE):
    return any(abs(scores[k] - scores[j]) < eps for j in (k - 1, k + 1) if 0 <= j < len(scores))


def classify(run, d, recs, problems):
    rows = [{"text": r["text"], "pair": r["text_pair"]} for r in recs]
    got = run("classify", d, rows, "--pair-column", "pair")
    worst = 0.0
    for i, (r, g) in enumerate(zip(recs, got)):
        want = {x["label"]: x["score"] for x in r["labels"]}
        have = {x["label"]: x["score"] for x in g["labels"]}
        if want.keys() != have.keys():
            problems.append(f"record {i}: labels {sorted(have)} != {sorted(want)}")
            continue
        worst = max(worst, max(abs(want[k] - have[k]) for k in want))
        scores = [x["score"] for x in r["labels"]]
        if g["label"] != r["labels"][0]["label"] and not tie(scores, 0):
            problems.append(f"record {i}: label {g['label']} != {r['labels'][0]['label']}")
        if abs(g["score"] - r["labels"][0]["score"]) > SCORE and not tie(scores, 0):
            problems.append(f"record {i}: score {g['score']} != {r['labels'][0]['score']}")
    return {"classify": worst}


def ner(run, d, recs, problems):
    out = {}
    for strategy in ("none", "simple", "first", "average", "max"):
        got = run("ner", d, [{"text": r["text"]} for r in recs], "--aggregation", strategy)
        worst = 0.0
        key = "entity" if strategy == "none" else "entity_group"
        fields = [key, "word", "start", "end"] + (["index"] if strategy == "none" else [])
        for i, (r, g) in enumerate(zip(recs, got)):
            want, have = r["entities"][strategy], g["entities"]
            if [[e[f] for f in fields] for e in want] != [[e[f] for f in fields] for e in have]:
                problems.append(f"ner {strategy} record {i}: {have} != {want}")
                continue
            if want:
                worst = max(worst, max(abs(a["score"] - b["score"]) for a, b in zip(want, have)))
        if worst > (SCORE if strategy == "none" else AGGREGATED):
            problems.append(f"ner {strategy}: score off by {worst:.2e}")
        out[f"ner {strategy}"] = worst
    return out


def fill_mask(run, d, recs, problems):
    got = run("fill-mask", d, [{"text": r["text"]} for r in recs], "--top-k", "5")
    worst = 0.0
    for i, (r, g) in enumerate(zip(recs, got)):
        want = r["predictions"] if r.get("masks", 1) > 1 else [r["predictions"]]
        have = g["predictions"] if r.get("masks", 1) > 1 else [g["predictions"]]
        for m, (w, h) in enumerate(zip(want, have)):
            scores = [x["score"] for x in w]
            for k, (a, b) in enumerate(zip(w, h)):
                worst = max(worst, abs(a["score"] - b["score"]))
                if not tie(scores, k) and [a["token"], a["token_str"], a["sequence"]] != \
                        [b["token"], b["token_str"], b["sequence"]]:
                    problems.append(f"fill-mask record {i} mask {m} #{k}: {b} != {a}")
    if worst > SCORE:
        problems.append(f"fill-mask: score off by {worst:.2e}")
    return {"fill-mask": worst}


def rerank(run, d, recs, problems):
    worst = {"rerank": 0.0, "rerank --raw-scores": 0.0}
    queries = list(dict.fromkeys(r["query"] for r in recs))
    for q in queries:
        group = [r for r in recs if r["query"] == q]
        rows = [{"text": r["passage"]} for r in group]
        for flag, field in (([], "score"), (["--raw-scores"], "raw")):
            got = run("rerank", d, rows, "--query", q, *flag)
            name = "rerank" + (" --raw-scores" if flag else "")
            for k, (r, g) in enumerate(zip(group, got)):
                if g["index"] != k:
                    problems.append(f"rerank: index {g['index']} at row {k}")
                worst[name] = max(worst[name], abs(g["score"] - r[field]))
    for name, w in worst.items():
        if w > SCORE:
            problems.append(f"{name}: off by {w:.2e}")
    return worst


def sparse(run, d, recs, problems):
    got = run("embed", d, [{"text": r["text"]} for r in recs], "--sparse")
    worst = 0.0
    for i, (r, g) in enumerate(zip(recs, got)):
        want = dict(zip(r["indices"], r["values"]))
        have = {e["index"]: e["value"] for e in g["sparse"]}
        for k in set(want) | set(have):
            diff = abs(want.get(k, 0.0) - have.get(k, 0.0))
            worst = max(worst, diff)
            if diff > SCORE:
                problems.append(f"sparse record {i} index {k}: {have.get(k)} != {want.get(k)}")
    return {"embed --sparse": worst}


TASKS = {"text-classification": classify, "token-classification": ner, "fill-mask": fill_mask, "rerank": rerank,
         "sparse": sparse}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--gale", default=str(Path(__file__).resolve().parent.parent / "gale"))
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    root = Path(args.dir)
    names = args.names or sorted(p.name for p in root.iterdir() if (p / "task.txt").is_file())
    failed = 0
    with tempfile.TemporaryDirectory(prefix="gale-heads-cli-") as tmp:
        run = Run(args.gale, tmp)
        for name in names:
            d = root / name
            task = (d / "task.txt").read_text(encoding="utf-8").strip()
            problems = []
            try:
                worst = TASKS[task](run, d, records(d), problems)
                detail = " ".join(f"{k}={v:.1e}" for k, v in worst.items())
            except RuntimeError as e:
                problems.append(str(e))
                detail = ""
            failed += bool(problems)
            print(f"{'FAIL' if problems else 'ok  '} {name:28s} {task:21s} {detail}", flush=True)
            for p in problems[:3]:
                print(f"       {p}", flush=True)
    print(f"crosscheck_heads_cli: {len(names) - failed} of {len(names)} checkpoints match", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
