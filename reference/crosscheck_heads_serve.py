#!/usr/bin/env python3
"""`gale serve` end to end on checkpoints that crosscheck_heads.py wrote: starts a server per checkpoint, sends
each checkpoint's inputs over HTTP as a client would (POST /predict, /rerank, /ner, /fill_mask, /embed_sparse, in
requests of at most 32 inputs), and compares the answers with the transformers / sentence-transformers pipeline
outputs in its expected.jsonl.gz, with the same checks and tolerances as crosscheck_heads_cli.py. Standard
library only (urllib).

  crosscheck_heads_serve.py --dir DIR [--gale ./gale] [NAME ...]
"""

import argparse
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import crosscheck_heads_cli as cli

BATCH = 32


class Server:
    """`gale serve --port 0` on one checkpoint; the port is read off its 'listening on' line."""

    def __init__(self, gale, model):
        self.proc = subprocess.Popen([gale, "serve", "-m", str(model), "--port", "0"], stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 300
        self.url = None
        lines = []
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            lines.append(line.strip())
            m = re.search(r"listening on (http://\S+)", line)
            if m:
                self.url = m.group(1)
                break
        if self.url is None:
            self.stop()
            raise RuntimeError("gale serve did not start: " + " | ".join(lines[-3:]))

    def post(self, route, body):
        req = urllib.request.Request(self.url + route, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"POST {route}: {e.code} {e.read().decode()[:300]}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def chunks(rows):
    return [rows[i:i + BATCH] for i in range(0, len(rows), BATCH)]


class Run:
    """Answers crosscheck_heads_cli's run(command, model, rows, *args) with the server, in the CLI's row shapes."""

    def __init__(self, server):
        self.s = server

    def __call__(self, command, model, rows, *args):
        out = []
        if command == "classify":
            for part in chunks(rows):
                inputs = [[r["text"], r["pair"]] if r.get("pair") is not None else [r["text"]] for r in part]
                for labels in self.s.post("/predict", {"inputs": inputs}):
                    out.append({"label": labels[0]["label"], "score": labels[0]["score"], "labels": labels})
        elif command == "ner":
            strategy = args[args.index("--aggregation") + 1]
            for part in chunks(rows):
                for entities in self.s.post("/ner", {"inputs": [r["text"] for r in part], "aggregation_strategy": strategy}):
                    out.append({"entities": entities})
        elif command == "fill-mask":
            k = int(args[args.index("--top-k") + 1])
            for part in chunks(rows):
                for predictions in self.s.post("/fill_mask", {"inputs": [r["text"] for r in part], "top_k": k}):
                    out.append({"predictions": predictions})
        elif command == "rerank":
            query = args[args.index("--query") + 1]
            raw = "--raw-scores" in args
            base = 0
            for part in chunks(rows):
                ranks = self.s.post("/rerank", {"query": query, "texts": [r["text"] for r in part], "raw_scores": raw})
                for r in sorted(ranks, key=lambda x: x["index"]):
                    out.append({"index": base + r["index"], "score": r["score"]})
                base += len(part)
        elif command == "embed":
            for part in chunks(rows):
                for sparse in self.s.post("/embed_sparse", {"inputs": [r["text"] for r in part]}):
                    out.append({"sparse": sparse})
        else:
            raise RuntimeError(f"no route for {command}")
        if len(out) != len(rows):
            raise RuntimeError(f"{command}: {len(rows)} inputs, {len(out)} answers")
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--gale", default=str(Path(__file__).resolve().parent.parent / "gale"))
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    root = Path(args.dir)
    names = args.names or sorted(p.name for p in root.iterdir() if (p / "task.txt").is_file())
    failed = 0
    for name in names:
        d = root / name
        task = (d / "task.txt").read_text(encoding="utf-8").strip()
        problems = []
        detail = ""
        server = None
        try:
            server = Server(args.gale, d)
            worst = cli.TASKS[task](Run(server), d, cli.records(d), problems)
            detail = " ".join(f"{k}={v:.1e}" for k, v in worst.items())
        except RuntimeError as e:
            problems.append(str(e))
        finally:
            if server is not None:
                server.stop()
        failed += bool(problems)
        print(f"{'FAIL' if problems else 'ok  '} {name:28s} {task:21s} {detail}", flush=True)
        for p in problems[:3]:
            print(f"       {p}", flush=True)
    print(f"crosscheck_heads_serve: {len(names) - failed} of {len(names)} checkpoints match", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
