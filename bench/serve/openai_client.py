#!/usr/bin/env python3
"""Embeddings from a running `gale serve`, through real clients, against `gale embed` on the same texts.

OpenAI's own Python client (`openai`) calls /v1/embeddings (and /embeddings, its base URL without /v1): string and
list inputs, encoding_format "float" and the client's default (it asks for base64 and decodes it), dimensions=128.
urllib calls TEI's /embed (and POST /, the default route) the same ways, plus token-id inputs from /tokenize.
Every vector is compared with `gale embed` run as a subprocess on the same texts (JSONL in, JSONL out): the worst
cosine of each route must be >= --min-cosine (0.99999). Response bodies are checked against TEI's OpenAPI
schemas (`openai` parses /v1/embeddings into its own types as well); errors (empty and oversized batches) must
have TEI's statuses and shapes.

  python bench/serve/openai_client.py --url http://127.0.0.1:18201 [--count 100] [--gale ./gale]

Exit status 0 when everything holds, 1 otherwise.
"""

import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import common


def cosine(a, b):
    if len(a) != len(b):
        return float("-inf")
    dot = sum(x * y for x, y in zip(a, b))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / max(na * nb, 1e-30)


class Checks:
    def __init__(self, schemas, min_cosine):
        self.schemas = schemas
        self.min_cosine = min_cosine
        self.failures = []
        self.routes = {}   # name -> [count, worst cosine]

    def fail(self, what):
        self.failures.append(what)
        print(f"FAIL {what}")

    def schema(self, name, value, where):
        if self.schemas is None:
            return
        problems = self.schemas.check(name, value)
        if problems:
            self.fail(f"{where}: body does not match TEI's {name} schema: {'; '.join(problems[:3])}")

    def vectors(self, route, got, expected):
        """got and expected: lists of vectors, in the same order."""
        entry = self.routes.setdefault(route, [0, float("inf")])
        if len(got) != len(expected):
            self.fail(f"{route}: {len(got)} vectors for {len(expected)} inputs")
            return
        for g, e in zip(got, expected):
            entry[0] += 1
            entry[1] = min(entry[1], cosine(g, e))


def post(url, body, timeout=120):
    """POST JSON; (status, headers, parsed body or None)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, r.headers, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, e.headers, json.loads(raw)
        except ValueError:
            return e.code, e.headers, raw


def get(url, timeout=30):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            raw = r.read()
            return r.status, raw
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def gale_embed(gale, model, texts, workdir):
    """`gale embed` on the texts: their vectors, in order."""
    src = os.path.join(workdir, "texts.jsonl")
    out = os.path.join(workdir, "gale-embed.jsonl")
    with open(src, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps({"text": t}) + "\n")
    cmd = [gale, "embed", "--model", model, "--input", src, "--output", out]
    run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({run.returncode}):\n{run.stderr}")
    summary = [l for l in run.stderr.splitlines() if l.startswith("embedded ")]
    print(f"reference: gale embed --model {model} on {len(texts)} texts: {summary[0] if summary else '(no summary)'}")
    with open(out, encoding="utf-8") as f:
        vectors = [json.loads(l)["embedding"] for l in f if l.strip()]
    if len(vectors) != len(texts):
        sys.exit(f"gale embed wrote {len(vectors)} rows for {len(texts)} texts")
    m = re.match(r"embedded [\d,]+ texts, ([\d,]+) tokens", summary[0]) if summary else None
    return vectors, int(m.group(1).replace(",", "")) if m else None


def chunks(items, n):
    return [items[i:i + n] for i in range(0, len(items), n)]


def check_openai(base, model_name, texts, ref, batch, checks):
    import openai
    from openai.types import CreateEmbeddingResponse

    for suffix, label in (("/v1", "/v1/embeddings"), ("", "/embeddings")):
        client = openai.OpenAI(base_url=base + suffix, api_key="unused", max_retries=0, timeout=120)
        singles = list(range(min(16, len(texts))))
        variants = [("float", "float", None), ("default (base64)", openai.NOT_GIVEN, None),
                    ("float, dimensions=128", "float", 128), ("default (base64), dimensions=128", openai.NOT_GIVEN, 128)]
        if suffix == "":
            variants = variants[1:2]   # the alias: one pass is enough
        for vname, fmt, dims in variants:
            for shape in ("string", "list"):
                if shape == "string" and dims is not None:
                    continue
                route = f"{label} {shape} input, {vname}"
                groups = [[i] for i in singles] if shape == "string" else chunks(list(range(len(texts))), batch)
                got, want = [], []
                for g in groups:
                    inp = texts[g[0]] if shape == "string" else [texts[i] for i in g]
                    kwargs = {"input": inp, "model": model_name, "encoding_format": fmt}
                    if dims is not None:
                        kwargs["dimensions"] = dims
                    raw = client.embeddings.with_raw_response.create(**kwargs)
                    body = json.loads(raw.text)
                    checks.schema("OpenAICompatResponse", body, route)
                    wire_base64 = fmt is openai.NOT_GIVEN
                    if body.get("data") and not isinstance(body["data"][0].get("embedding"), str if wire_base64 else list):
                        checks.fail(f"{route}: embedding on the wire is not {'a base64 string' if wire_base64 else 'a list'}")
                    resp = raw.parse()
                    if not isinstance(resp, CreateEmbeddingResponse):
                        checks.fail(f"{route}: the client parsed {type(resp).__name__}, not CreateEmbeddingResponse")
                        continue
                    if resp.object != "list" or [d.index for d in resp.data] != list(range(len(g))):
                        checks.fail(f"{route}: object {resp.object!r}, indices {[d.index for d in resp.data]}")
                    tokens = raw.headers.get("x-compute-tokens")
                    if resp.usage.prompt_tokens <= 0 or str(resp.usage.prompt_tokens) != tokens:
                        checks.fail(f"{route}: usage.prompt_tokens {resp.usage.prompt_tokens}, x-compute-tokens {tokens}")
                    for d in resp.data:
                        if not isinstance(d.embedding, list) or len(d.embedding) != (dims or len(ref[0])):
                            checks.fail(f"{route}: an embedding of {len(d.embedding)} values")
                    got += [d.embedding for d in resp.data]
                    want += [ref[i][:dims] if dims else ref[i] for i in g]
                checks.vectors(route, got, want)
        # errors, as the client raises them
        for inp, cls, status in (([], openai.BadRequestError, 400), ([texts[0]] * (batch + 1), openai.UnprocessableEntityError, 422)):
            try:
                client.embeddings.create(input=inp, model=model_name)
                checks.fail(f"{label} with {len(inp)} inputs: no error")
            except cls as e:
                if e.status_code != status:
                    checks.fail(f"{label} with {len(inp)} inputs: status {e.status_code}, expected {status}")
                checks.schema("OpenAICompatErrorResponse", e.body if isinstance(e.body, dict) else {}, f"{label} {status}")
                if isinstance(e.body, dict) and e.body.get("code") != status:
                    checks.fail(f"{label} {status}: code {e.body.get('code')}")
            except openai.APIError as e:
                checks.fail(f"{label} with {len(inp)} inputs: {type(e).__name__} {e}, expected {cls.__name__}")


def check_tei(base, texts, ref, ref_tokens, batch, max_length, checks):
    singles = list(range(min(16, len(texts))))
    list_tokens = 0
    for path in ("/embed", "/"):
        variants = [("", {}), (", dimensions=128", {"dimensions": 128}), (", normalize=false", {"normalize": False})]
        if path == "/":
            variants = variants[:1]
        for vname, extra in variants:
            for shape in ("string", "list"):
                if shape == "string" and extra:
                    continue
                route = f"POST {path} {shape} input{vname}"
                groups = [[i] for i in singles] if shape == "string" else chunks(list(range(len(texts))), batch)
                got, want = [], []
                for g in groups:
                    inp = texts[g[0]] if shape == "string" else [texts[i] for i in g]
                    status, headers, body = post(base + path, {"inputs": inp, **extra})
                    if status != 200:
                        checks.fail(f"{route}: status {status}: {body}")
                        continue
                    checks.schema("EmbedResponse", body, route)
                    if not headers.get("x-compute-tokens") or not headers.get("x-inference-time"):
                        checks.fail(f"{route}: no x-compute-tokens / x-inference-time header")
                    got += body
                    want += [ref[i][:extra["dimensions"]] if "dimensions" in extra else ref[i] for i in g]
                    if path == "/embed" and shape == "list" and not extra:
                        list_tokens += int(headers.get("x-compute-tokens") or 0)
                checks.vectors(route, got, want)
    # the tokens the server counts are the ones gale embed counts (what tokens/s means on both sides)
    if ref_tokens is not None:
        same = list_tokens == ref_tokens
        print(f"tokens: x-compute-tokens over POST /embed (list input) {list_tokens:,}, gale embed's summary {ref_tokens:,}: "
              f"{'equal' if same else 'DIFFERENT'}")
        if not same:
            checks.fail(f"x-compute-tokens sum {list_tokens} != gale embed's {ref_tokens} tokens")
    # token ids from /tokenize (texts that fit: a cut id list would lose its [SEP], a cut text keeps it)
    status, _, tokenized = post(base + "/tokenize", {"inputs": texts[:batch]})
    if status != 200:
        checks.fail(f"/tokenize: status {status}: {tokenized}")
    else:
        checks.schema("TokenizeResponse", tokenized, "/tokenize")
        fit = [i for i, toks in enumerate(tokenized) if len(toks) <= max_length]
        ids = [[t["id"] for t in tokenized[i]] for i in fit]
        status, _, body = post(base + "/embed", {"inputs": ids})
        route = "POST /embed token-id inputs (from /tokenize)"
        if status != 200:
            checks.fail(f"{route}: status {status}: {body}")
        else:
            checks.schema("EmbedResponse", body, route)
            checks.vectors(route, body, [ref[i] for i in fit])
    # errors
    for body, status, etype in (({"inputs": []}, 400, "Empty"), ({"inputs": [texts[0]] * (batch + 1)}, 422, "Validation")):
        got, _, err = post(base + "/embed", body)
        where = f"/embed with {len(body['inputs'])} inputs"
        if got != status:
            checks.fail(f"{where}: status {got}, expected {status}")
        checks.schema("ErrorResponse", err if isinstance(err, dict) else {}, where)
        if isinstance(err, dict) and err.get("error_type") != etype:
            checks.fail(f"{where}: error_type {err.get('error_type')!r}, expected {etype!r}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8080", help="the server's base URL")
    p.add_argument("--model", default="all-minilm-l6-v2", help="the model the server serves, for gale embed (default: %(default)s)")
    p.add_argument("--gale", default=os.path.join(common.ROOT, "gale"), help="the gale command (default: the checkout's)")
    p.add_argument("--texts", default=common.CORPUS, help="texts to draw from (JSONL with \"text\", or lines)")
    p.add_argument("--count", type=int, default=100, help="texts to embed (default: %(default)s; the longest is always one)")
    p.add_argument("--seed", type=int, default=14)
    p.add_argument("--min-cosine", type=float, default=0.99999)
    p.add_argument("--spec", default=common.DEFAULT_SPEC, help="TEI's OpenAPI JSON (default: %(default)s; 'none' skips)")
    a = p.parse_args()
    base = a.url.rstrip("/")

    pool = common.read_texts(a.texts)
    rng = random.Random(a.seed)
    longest = max(range(len(pool)), key=lambda i: len(pool[i]))
    picked = sorted(set(rng.sample(range(len(pool)), min(a.count, len(pool)) - 1)) | {longest})
    texts = [pool[i] for i in picked]
    schemas = common.load_schemas(a.spec)
    checks = Checks(schemas, a.min_cosine)

    status, _ = get(base + "/health")
    if status != 200:
        sys.exit(f"{base}/health: {status}")
    status, raw = get(base + "/info")
    info = json.loads(raw)
    checks.schema("Info", info, "GET /info")
    batch = int(info.get("max_client_batch_size", 32))
    max_length = int(info.get("max_input_length", 512))

    with tempfile.TemporaryDirectory(prefix="gale-serve-check-") as work:
        ref, ref_tokens = gale_embed(a.gale, a.model, texts, work)
    check_openai(base, info.get("model_id", a.model), texts, ref, batch, checks)
    check_tei(base, texts, ref, ref_tokens, batch, max_length, checks)

    print(f"\n{len(texts)} texts (seed {a.seed}), each vector against gale embed's; pass: worst cosine >= {a.min_cosine}")
    print(f"| route | vectors | worst cosine | 1 - worst | |\n|---|---:|---:|---:|---|")
    for route, (n, worst) in checks.routes.items():
        ok = n > 0 and worst >= a.min_cosine
        if not ok:
            checks.failures.append(f"{route}: worst cosine {worst}")
        print(f"| {route} | {n} | {worst:.9f} | {1 - worst:.1e} | {'ok' if ok else 'FAIL'} |")
    if checks.failures:
        print(f"\n{len(checks.failures)} failure(s):")
        for f in checks.failures:
            print(f"  - {f}")
        sys.exit(1)
    print("\nall checks passed" + ("" if schemas else " (schema checks skipped)"))


if __name__ == "__main__":
    main()
