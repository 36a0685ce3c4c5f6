#!/usr/bin/env python3
"""Bad input against a running `gale serve`: each request must get its defined status, and the server must stay up.

The statuses are TEI's (router/src/http/server.rs; Gale's server/src/main/java/dev/gale/server/ApiError.java):
  400  the body is not JSON (malformed, trailing tokens, duplicate keys, nested too deep, not UTF-8, empty)
       and an empty batch (error_type Empty)
  413  a body over the payload limit (2 MB by default), with or without Content-Length
  422  JSON of the wrong shape: not an object, a missing field, wrong types, batches over
       --max-client-batch-size (33 and 10,000 inputs), a text over the max input length with truncate: false,
       token ids outside the vocabulary (error_type Tokenizer), an unknown prompt
  404 / 405  an unknown route / a wrong method
  200  a 1 MB text with truncate: true (cut to the max length)
Error bodies must match TEI's ErrorResponse schema (OpenAICompatErrorResponse on /v1/embeddings) with the
expected error_type. Two clients misbehave on the socket: one closes mid-body, one sends heavy requests and closes
without reading; neither gets an answer, and /health must still answer 200 after every case.

Memory: VmRSS of --pid (from /proc) before, then the suite --rounds times (3), then --idle seconds (20), then
VmRSS again; the rule is after <= before * 1.10 + 50 MB. (The JVM's heap after a GC is not visible from outside
without attaching; --jcmd JCMD adds the heap after a forced full GC, before and after, for information only: RSS
also grows when G1 merely keeps more heap committed, or when the encoder's workspace grows to a larger batch than
it had seen, neither of which is a leak; the live heap after a GC tells those apart.)

  python bench/serve/bad_input.py --url http://127.0.0.1:18201 --pid PID

Exit status 1 on any unexpected status or body or a /health failure; else 3 when RSS breaks the rule; else 0.
"""

import argparse
import http.client
import json
import re
import socket
import subprocess
import sys
import time
import urllib.parse

import common

MB = 1 << 20


class Server:
    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.host, self.port = u.hostname, u.port or 80

    def request(self, method, path, body=None, headers=None, timeout=120):
        """(status, parsed JSON body or raw bytes); None status when the connection failed."""
        c = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            h = {"Content-Type": "application/json"}
            h.update(headers or {})
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            raw = r.read()
            try:
                return r.status, json.loads(raw) if raw else b""
            except ValueError:
                return r.status, raw
        except (OSError, http.client.HTTPException) as e:
            return None, f"{type(e).__name__}: {e}"
        finally:
            c.close()

    def raw(self, data_parts, read=True, timeout=60):
        """Sends bytes on a fresh socket; the status line's code (None when there is none), the head of the answer."""
        s = socket.create_connection((self.host, self.port), timeout=timeout)
        try:
            for part in data_parts:
                try:
                    s.sendall(part)
                except (BrokenPipeError, ConnectionResetError):
                    break   # the server answered early and closed: read what it said
            if not read:
                return None, b""
            got = b""
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    got += chunk
                    head_end = got.find(b"\r\n\r\n")
                    m = re.search(rb"content-length: *(\d+)", got[:head_end], re.I) if head_end >= 0 else None
                    if m and len(got) >= head_end + 4 + int(m.group(1)):
                        break
            except (ConnectionResetError, socket.timeout):
                pass
            m = re.match(rb"HTTP/1\.[01] (\d{3})", got)
            return (int(m.group(1)) if m else None), got
        finally:
            s.close()

    def health(self):
        status, _ = self.request("GET", "/health", timeout=10)
        return status == 200

    def metric(self, name_prefix):
        """The sum of the samples of a /metrics line family that start with name_prefix."""
        status, raw = self.request("GET", "/metrics", timeout=10)
        text = raw.decode() if isinstance(raw, bytes) else str(raw)
        total = 0.0
        for line in text.splitlines():
            if line.startswith(name_prefix):
                try:
                    total += float(line.rsplit(" ", 1)[1])
                except ValueError:
                    pass
        return total


def j(value):
    return json.dumps(value).encode()


def cases(max_batch, payload_limit):
    """(name, method, route, body bytes or None, headers, expected status, expected error_type or None)."""
    big = ("lorem ipsum dolor sit amet " * (MB // 27 + 1))[:MB]   # 1 MB of words
    word = "hello"
    deep = b'{"inputs": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    out = [
        ("malformed JSON", "POST", "/embed", b'{"inputs": ["a", ', {}, 400, "Validation"),
        ("empty body", "POST", "/embed", b"", {}, 400, "Validation"),
        ("trailing tokens", "POST", "/embed", b'{"inputs": "a"} x', {}, 400, "Validation"),
        ("duplicate key", "POST", "/embed", b'{"inputs": "a", "inputs": "b"}', {}, 400, "Validation"),
        ("nested 100,000 deep", "POST", "/embed", deep, {}, 400, "Validation"),
        ("invalid UTF-8", "POST", "/embed", b'{"inputs": "caf\xe9 \xff\xfe"}', {}, 400, "Validation"),
        ("not an object", "POST", "/embed", j(["a"]), {}, 422, "Validation"),
        ("missing inputs", "POST", "/embed", j({"input": "a"}), {}, 422, "Validation"),
        ("empty batch", "POST", "/embed", j({"inputs": []}), {}, 400, "Empty"),
        ("empty token ids", "POST", "/embed", j({"inputs": [[]]}), {}, 400, "Empty"),
        (f"{max_batch + 1} inputs", "POST", "/embed", j({"inputs": [word] * (max_batch + 1)}), {}, 422, "Validation"),
        ("10,000 inputs", "POST", "/embed", j({"inputs": [word] * 10_000}), {}, 422, "Validation"),
        ("inputs: a number", "POST", "/embed", j({"inputs": 5}), {}, 422, "Validation"),
        ("inputs: an object", "POST", "/embed", j({"inputs": {"a": 1}}), {}, 422, "Validation"),
        ("inputs: mixed list", "POST", "/embed", j({"inputs": ["a", 3]}), {}, 422, "Validation"),
        ("inputs: float ids", "POST", "/embed", j({"inputs": [101, 1.5, 102]}), {}, 422, "Validation"),
        ("inputs: negative id", "POST", "/embed", j({"inputs": [101, -1, 102]}), {}, 422, "Validation"),
        ("inputs: id 2^40", "POST", "/embed", j({"inputs": [101, 2 ** 40, 102]}), {}, 422, "Validation"),
        ("inputs: id outside the vocabulary", "POST", "/embed", j({"inputs": [101, 99_999_999, 102]}), {}, 422, "Tokenizer"),
        ("normalize: a string", "POST", "/embed", j({"inputs": "a", "normalize": "yes"}), {}, 422, "Validation"),
        ("truncate: a number", "POST", "/embed", j({"inputs": "a", "truncate": 1}), {}, 422, "Validation"),
        ("dimensions: -1", "POST", "/embed", j({"inputs": "a", "dimensions": -1}), {}, 422, "Validation"),
        ("dimensions: 100,000", "POST", "/embed", j({"inputs": "a", "dimensions": 100_000}), {}, 422, "Validation"),
        ("dimensions: a string", "POST", "/embed", j({"inputs": "a", "dimensions": "128"}), {}, 422, "Validation"),
        ("dimensions: 1e400", "POST", "/embed", b'{"inputs": "a", "dimensions": 1e400}', {}, 422, "Validation"),
        ("truncation_direction: up", "POST", "/embed", j({"inputs": "a", "truncation_direction": "up"}), {}, 422, "Validation"),
        ("unknown prompt_name", "POST", "/embed", j({"inputs": "a", "prompt_name": "no-such-prompt"}), {}, 422, "Validation"),
        ("1 MB text, truncate: true", "POST", "/embed", j({"inputs": big, "truncate": True}), {}, 200, None),
        ("1 MB text, truncate: false", "POST", "/embed", j({"inputs": big, "truncate": False}), {}, 422, "Validation"),
        ("1 MB text, /v1/embeddings", "POST", "/v1/embeddings", j({"input": big}), {}, 200, None),
        ("body over the payload limit", "POST", "/embed", j({"inputs": [big[: payload_limit // 2]] * 3}), {}, 413, "Validation"),
        ("/v1: malformed JSON", "POST", "/v1/embeddings", b'{"input": ', {}, 400, "Validation"),
        ("/v1: empty batch", "POST", "/v1/embeddings", j({"input": []}), {}, 400, "Empty"),
        (f"/v1: {max_batch + 1} inputs", "POST", "/v1/embeddings", j({"input": [word] * (max_batch + 1)}), {}, 422, "Validation"),
        ("/v1: encoding_format hex", "POST", "/v1/embeddings", j({"input": "a", "encoding_format": "hex"}), {}, 422, "Validation"),
        ("/v1: model a number", "POST", "/v1/embeddings", j({"input": "a", "model": 3}), {}, 422, "Validation"),
        ("GET /embed", "GET", "/embed", None, {}, 405, "Validation"),
        ("POST /no-such-route", "POST", "/no-such-route", j({"inputs": "a"}), {}, 404, "Validation"),
    ]
    return out


def check_body(schemas, name, route, status, body, etype):
    """Problems with an answer's body, given its status was the expected one."""
    if status == 200:
        rows = body if route != "/v1/embeddings" else (body.get("data") if isinstance(body, dict) else None)
        return [] if isinstance(rows, list) and len(rows) == 1 else [f"200 without one embedding: {str(body)[:120]}"]
    if not isinstance(body, dict):
        return [f"error body is not JSON: {body[:120]!r}"]
    openai = route == "/v1/embeddings"
    problems = []
    if schemas is not None:
        schema = "OpenAICompatErrorResponse" if openai else "ErrorResponse"
        problems += [f"{schema}: {p}" for p in schemas.check(schema, body)]
    if body.get("error_type") != etype:
        problems.append(f"error_type {body.get('error_type')!r}, expected {etype!r}")
    if openai and body.get("code") != status:
        problems.append(f"code {body.get('code')!r}, expected {status}")
    return problems


def run_suite(server, schemas, max_batch, payload_limit, heavy_text, verbose):
    failures = []

    def ensure_up(after):
        if not server.health():
            failures.append(f"/health did not answer 200 after: {after}")

    for name, method, route, body, headers, expected, etype in cases(max_batch, payload_limit):
        t0 = time.perf_counter()
        status, answer = server.request(method, route, body, headers)
        dt = time.perf_counter() - t0
        ok = status == expected
        problems = check_body(schemas, name, route, status, answer, etype) if ok else [f"status {status}, expected {expected}: {str(answer)[:200]}"]
        failures += [f"{name}: {p}" for p in problems]
        if verbose:
            print(f"  {'ok  ' if not problems else 'FAIL'} {expected} {name} ({dt * 1000:.0f} ms)")
        ensure_up(name)

    # a body over the limit sent chunked (no Content-Length): the server counts what it reads
    name = "chunked body over the payload limit"
    payload = b'{"inputs": "' + b"a" * (payload_limit + 100_000) + b'"}'
    parts = [f"POST /embed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".encode()]
    for i in range(0, len(payload), 256 * 1024):
        piece = payload[i:i + 256 * 1024]
        parts.append(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
    parts.append(b"0\r\n\r\n")
    status, got = server.raw(parts)
    if status != 413:
        failures.append(f"{name}: status {status}, expected 413 ({got[:120]!r})")
    if verbose:
        print(f"  {'ok  ' if status == 413 else 'FAIL'} 413 {name}")
    ensure_up(name)

    # a client that closes mid-body: nobody to answer; the server must only stay up
    name = "client closes mid-body"
    body = j({"inputs": [heavy_text] * 8})
    head = f"POST /embed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    server.raw([head, body[: len(body) // 3]], read=False)
    time.sleep(0.2)
    ensure_up(name)
    if verbose:
        print(f"  ok   --- {name} (no answer expected)")

    # clients that send a heavy request and close without reading: queued work is dropped, nothing breaks
    name = "clients close after a heavy request"
    dropped0 = server.metric("te_request_dropped_total")
    body = j({"inputs": [heavy_text] * max_batch})
    head = f"POST /embed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    for _ in range(8):
        server.raw([head + body], read=False)
    time.sleep(0.5)
    ensure_up(name)
    status, answer = server.request("POST", "/embed", j({"inputs": ["still serving?"]}))
    if status != 200:
        failures.append(f"{name}: a request after it got {status}")
    dropped = server.metric("te_request_dropped_total") - dropped0
    if verbose:
        print(f"  {'ok  ' if status == 200 else 'FAIL'} --- {name} (no answer expected; {dropped:.0f} of 8 dropped unrun)")
    return failures


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8080", help="the server's base URL")
    p.add_argument("--pid", type=int, required=True, help="the server's process id (its java process), for VmRSS")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--idle", type=float, default=20, help="seconds of idle before the second RSS reading")
    p.add_argument("--spec", default=common.DEFAULT_SPEC, help="TEI's OpenAPI JSON (default: %(default)s; 'none' skips)")
    p.add_argument("--jcmd", help="a jcmd binary: also report the heap after a forced GC at the end (information only)")
    a = p.parse_args()
    server = Server(a.url)
    if not server.health():
        sys.exit(f"{a.url}/health does not answer 200")
    status, info = server.request("GET", "/info")
    max_batch = int(info.get("max_client_batch_size", 32))
    payload_limit = 2_000_000   # TEI's and gale serve's default --payload-limit (not in /info)
    schemas = common.load_schemas(a.spec)
    heavy_text = " ".join(common.read_texts(common.CORPUS)[:40])[:4000]   # over the max input length: cut to it

    before = common.rss_kib(a.pid)
    print(f"RSS before: {before / 1024:.0f} MB (pid {a.pid})")
    heap_before = heap_after_gc(a.jcmd, a.pid) if a.jcmd else None
    failures = []
    for r in range(a.rounds):
        t0 = time.perf_counter()
        print(f"round {r + 1} of {a.rounds}:")
        f = run_suite(server, schemas, max_batch, payload_limit, heavy_text, verbose=(r == 0))
        failures += [f"round {r + 1}: {x}" for x in f]
        print(f"  {len(f)} failure(s) in {time.perf_counter() - t0:.1f} s; RSS {common.rss_kib(a.pid) / 1024:.0f} MB")
    settled = settle(server)
    print(f"server idle again after {settled:.1f} s (no request in flight, the encoder's queue empty); idle {a.idle:.0f} s more...")
    time.sleep(a.idle)
    if not server.health():
        failures.append("/health did not answer 200 after the idle time")
    after = common.rss_kib(a.pid)
    limit = before * 1.10 + 50 * 1024
    held = after <= limit
    print(f"RSS after: {after / 1024:.0f} MB; rule: after <= before * 1.10 + 50 MB = {limit / 1024:.0f} MB: "
          f"{'holds' if held else 'BROKEN'}")
    if a.jcmd:
        heap_after = heap_after_gc(a.jcmd, a.pid)
        if heap_before and heap_after:
            print(f"heap after a forced GC (jcmd; information only): before {heap_before[0]:.0f} MB used of "
                  f"{heap_before[1]:.0f} MB committed, after {heap_after[0]:.0f} MB used of {heap_after[1]:.0f} MB committed")
    if failures:
        print(f"\n{len(failures)} failure(s):")
        for f in failures:
            print(f"  - {f}")
        sys.exit(1)
    print("\nevery case got its status; the server stayed up")
    if not held:
        print(f"but the RSS rule is broken: after {after / 1024:.0f} MB > before * 1.10 + 50 MB = {limit / 1024:.0f} MB")
        sys.exit(3)


def settle(server, limit=600):
    """Waits until no request is in flight (te_requests_in_flight 0) and the encoder has finished what it took: the
    heavy requests of clients that hung up may still be running after their handlers ended. A one-text /embed is
    answered only after the passes queued before it. Returns the seconds waited."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit:
        status, text = server.request("GET", "/metrics")
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        m = re.search(r"^te_requests_in_flight (\S+)$", text, re.M)
        if status == 200 and m and float(m.group(1)) == 0:
            break
        time.sleep(0.5)
    server.request("POST", "/embed", json.dumps({"inputs": "idle probe"}).encode())
    return time.perf_counter() - t0


def heap_after_gc(jcmd, pid):
    """(used MB, committed MB) of the heap right after a full GC that jcmd asks for; None if jcmd cannot tell."""
    subprocess.run([jcmd, str(pid), "GC.run"], capture_output=True)
    heap = subprocess.run([jcmd, str(pid), "GC.heap_info"], capture_output=True, text=True).stdout
    m = re.search(r"committed (\d+)K, used (\d+)K", heap)
    if not m:
        print(f"jcmd GC.heap_info said: {heap.strip()[:200]!r}")
        return None
    return int(m.group(2)) / 1024, int(m.group(1)) / 1024


if __name__ == "__main__":
    main()
