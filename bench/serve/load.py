#!/usr/bin/env python3
"""Bounded load on a running `gale serve`: N concurrent clients for D seconds, over keep-alive connections.

Each client loops: draw 1-16 texts (its own seeded RNG) from the text file, POST them to the route, read the whole
answer, record latency, status, transport errors and TEI's x-compute-tokens / x-queue-time / x-inference-time
headers; it starts no request after the deadline, and each request has a timeout. Meanwhile GET /health once a
second (a probe that fails or takes over 2 s counts as a failure).

Exit status 1 when any answer has a status not in --expect, any request failed in transport, or a /health probe
failed.

Reported per concurrency: completed requests/s; real tokens/s (the sum of x-compute-tokens of the 200 answers,
which counts every token the encoder ran, special tokens included, after truncation: what `gale embed`'s summary
counts, no padding); latency p50/p90/p99 of the 200 answers; the median x-queue-time and x-inference-time; the
count of each status; transport errors by kind; the client's own CPU time (it shares the machine).

  python bench/serve/load.py --url http://127.0.0.1:18201 --concurrency 1,8,64 --duration 60 [--json-out FILE]
"""

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from collections import Counter

import aiohttp

import common


def percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    i = min(len(sorted_values) - 1, max(0, int(round(q / 100 * (len(sorted_values) - 1)))))
    return sorted_values[i]


async def client(cid, session, url, route, texts, rng, sizes, deadline, timeout, out, check):
    field = "input" if route.endswith("embeddings") else "inputs"
    while time.monotonic() < deadline:
        k = rng.randint(sizes[0], sizes[1])
        batch = [texts[rng.randrange(len(texts))] for _ in range(k)]
        body = json.dumps({field: batch}).encode()
        t0 = time.perf_counter()
        try:
            async with session.post(url + route, data=body, headers={"Content-Type": "application/json"},
                                    timeout=aiohttp.ClientTimeout(total=timeout)) as r:
                raw = await r.read()
                dt = time.perf_counter() - t0
                rec = {"status": r.status, "latency": dt, "inputs": k}
                if r.status == 200:
                    h = r.headers
                    rec["tokens"] = int(h.get("x-compute-tokens", 0))
                    rec["queue_ms"] = int(h.get("x-queue-time", -1))
                    rec["inference_ms"] = int(h.get("x-inference-time", -1))
                    if check:
                        parsed = json.loads(raw)
                        rows = parsed if field == "inputs" else parsed.get("data", [])
                        if len(rows) != k:
                            rec["status"] = "bad-200"
                out["requests"].append(rec)
        except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError, OSError) as e:
            out["requests"].append({"status": None, "latency": time.perf_counter() - t0, "inputs": k,
                                    "error": type(e).__name__})


async def health_probe(session, url, stop, out):
    while not stop.is_set():
        t0 = time.perf_counter()
        try:
            async with session.get(url + "/health", timeout=aiohttp.ClientTimeout(total=2)) as r:
                await r.read()
                ok = r.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
            ok = False
        out["health"].append({"ok": ok, "latency": time.perf_counter() - t0})
        try:
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        except asyncio.TimeoutError:
            pass


async def run_level(url, route, texts, concurrency, duration, seed, sizes, timeout, check):
    out = {"requests": [], "health": []}
    # one connection per client (keep-alive), plus the health probe's own session
    conn = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    async with aiohttp.ClientSession(connector=conn) as session, aiohttp.ClientSession() as probe_session:
        stop = asyncio.Event()
        probe = asyncio.create_task(health_probe(probe_session, url, stop, out))
        cpu0 = time.process_time()
        t0 = time.monotonic()
        deadline = t0 + duration
        await asyncio.gather(*(client(c, session, url, route, texts, random.Random(seed * 100003 + c), sizes, deadline,
                                      timeout, out, check) for c in range(concurrency)))
        wall = time.monotonic() - t0
        cpu = time.process_time() - cpu0
        stop.set()
        await probe
    return summarize(out, concurrency, wall, cpu)


def summarize(out, concurrency, wall, cpu):
    reqs = out["requests"]
    ok = [r for r in reqs if r["status"] == 200]
    lat = sorted(r["latency"] for r in ok)
    statuses = Counter(str(r["status"]) for r in reqs if r["status"] is not None)
    errors = Counter(r["error"] for r in reqs if r["status"] is None)
    health = out["health"]
    return {
        "concurrency": concurrency,
        "wall_s": wall,
        "requests": len(reqs),
        "ok": len(ok),
        "requests_per_s": len(ok) / wall,
        "texts_per_s": sum(r["inputs"] for r in ok) / wall,
        "tokens": sum(r["tokens"] for r in ok),
        "tokens_per_s": sum(r["tokens"] for r in ok) / wall,
        "latency_p50_ms": percentile(lat, 50) * 1000,
        "latency_p90_ms": percentile(lat, 90) * 1000,
        "latency_p99_ms": percentile(lat, 99) * 1000,
        "latency_max_ms": (lat[-1] * 1000) if lat else float("nan"),
        "queue_median_ms": statistics.median(r["queue_ms"] for r in ok) if ok else float("nan"),
        "inference_median_ms": statistics.median(r["inference_ms"] for r in ok) if ok else float("nan"),
        "statuses": dict(sorted(statuses.items())),
        "transport_errors": dict(errors),
        "health_probes": len(health),
        "health_failures": sum(1 for h in health if not h["ok"]),
        "health_max_ms": max((h["latency"] for h in health), default=0) * 1000,
        "client_cpu_s": cpu,
    }


def line(s):
    return (f"c={s['concurrency']:<3} {s['requests_per_s']:8.1f} req/s {s['tokens_per_s']:9.0f} tokens/s "
            f"({s['texts_per_s']:.0f} texts/s)  p50 {s['latency_p50_ms']:.0f} ms  p90 {s['latency_p90_ms']:.0f} ms  "
            f"p99 {s['latency_p99_ms']:.0f} ms  queue median {s['queue_median_ms']:.0f} ms  "
            f"statuses {s['statuses']}  transport errors {s['transport_errors'] or 0}  "
            f"health {s['health_probes'] - s['health_failures']}/{s['health_probes']} ok (max {s['health_max_ms']:.0f} ms)  "
            f"client CPU {s['client_cpu_s']:.1f} s of {s['wall_s']:.1f} s")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8080", help="the server's base URL")
    p.add_argument("--route", default="/embed", choices=["/embed", "/v1/embeddings", "/embeddings", "/"])
    p.add_argument("--concurrency", default="1,8,64", help="comma-separated client counts, run one after another")
    p.add_argument("--duration", type=float, default=60, help="seconds per concurrency (default: %(default)s)")
    p.add_argument("--texts", default=common.CORPUS, help="JSONL with \"text\", or one text a line (default: the corpus)")
    p.add_argument("--seed", type=int, default=14)
    p.add_argument("--batch", default="1,16", help="min,max texts per request (default: %(default)s)")
    p.add_argument("--timeout", type=float, default=120, help="per-request timeout in seconds")
    p.add_argument("--no-check", action="store_true", help="do not parse 200 bodies (each must hold one row per input)")
    p.add_argument("--json-out", help="write the summaries as JSON here")
    p.add_argument("--expect", default="200", help="statuses that are not failures (default: %(default)s; e.g. 200,429)")
    a = p.parse_args()
    texts = common.read_texts(a.texts)
    levels = [int(c) for c in a.concurrency.split(",") if c.strip()]
    sizes = tuple(int(x) for x in a.batch.split(","))
    url = a.url.rstrip("/")
    results = []
    for c in levels:
        s = asyncio.run(run_level(url, a.route, texts, c, a.duration, a.seed, sizes, a.timeout, not a.no_check))
        s["route"] = a.route
        results.append(s)
        print(line(s), flush=True)
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump(results, f, indent=1)
    expected = set(a.expect.split(","))
    problems = []
    for s in results:
        for status, n in s["statuses"].items():
            if status not in expected:
                problems.append(f"c={s['concurrency']}: {n} answers with status {status}")
        for kind, n in s["transport_errors"].items():
            problems.append(f"c={s['concurrency']}: {n} transport errors ({kind})")
        if s["health_failures"]:
            problems.append(f"c={s['concurrency']}: {s['health_failures']} of {s['health_probes']} /health probes failed")
    for problem in problems:
        print(f"UNEXPECTED {problem}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
