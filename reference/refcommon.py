"""Shared helpers for the reference-oracle scripts (paths, corpus, deterministic output)."""

import gzip
import hashlib
import io
import json
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS_DIR = REPO / "encoder" / "src" / "test" / "resources" / "corpus"
TEXTS_FILE = CORPUS_DIR / "texts.jsonl"
ADVERSARIAL_FILE = CORPUS_DIR / "adversarial.jsonl"
FIXTURES_DIR = REPO / "encoder" / "src" / "test" / "resources" / "reference"

# Seeds of every random generator the fixture scripts use (recorded in the manifest). Later steps
# (tiny random-weight models) add theirs here.
SEEDS = {
    "sentencepiece.set_random_generator_seed": 0,
    # models_fixtures.py: torch.manual_seed(seed) before the model is built (its own init), then a
    # torch.Generator seeded seed + 1 for the LayerNorm weights / biases and the Linear biases
    "torch.manual_seed (models_fixtures.py, per family)": {
        "bert-uncased": 1010,
        "bert-cased": 1020,
        "distilbert": 1030,
        "electra": 1040,
        "mpnet": 1050,
        "gte": 1060,
        "nomic-bert": 1070,
        "roberta": 1080,
        "modernbert": 1090,
        "xlm-roberta": 1100,
        "deberta-v2": 1110,
    },
    # model_variants.py: the same scheme (torch.manual_seed(seed), then randomise with seed + 1)
    "torch.manual_seed (model_variants.py, per variant)": {
        "bert-uncased-a": 2010,
        "bert-uncased-b": 2012,
        "distilbert-a": 2030,
        "distilbert-b": 2032,
        "electra-a": 2040,
        "electra-b": 2042,
        "mpnet-a": 2050,
        "mpnet-b": 2052,
        "gte-a": 2060,
        "gte-b": 2062,
        "nomic-bert-a": 2070,
        "nomic-bert-b": 2072,
        "roberta-a": 2080,
        "roberta-b": 2082,
        "modernbert-a": 2090,
        "modernbert-b": 2092,
        "xlm-roberta-a": 2100,
        "xlm-roberta-b": 2102,
        "camembert-a": 2104,
        "deberta-v2-a": 2110,
        "deberta-v2-b": 2112,
    },
    # st_fixtures.py: torch.manual_seed(seed) before the Dense module is built (nn.Linear's own init)
    "torch.manual_seed (st_fixtures.py, Dense weights per directory)": {
        "bert-uncased-cls-dense-normalize": 3010,
        "deberta-v2-b-max-dense": 3020,
        "xlm-roberta-weightedmean-dense": 3030,
        "nomic-bert-a-cls-dense-normalize": 3040,
    },
    # heads_fixtures.py: torch.manual_seed(seed) before the head model is built (its own init), then a
    # torch.Generator seeded seed + 1 for every head parameter (the encoder is the base model.safetensors)
    "torch.manual_seed (heads_fixtures.py, per head)": {
        "bert-uncased-mlm": 4010,
        "bert-uncased-multilabel": 4020,
        "bert-uncased-rerank": 4030,
        "bert-uncased-seqcls": 4040,
        "bert-uncased-splade": 4050,
        "bert-uncased-tokcls": 4060,
        "deberta-v2-mlm": 4070,
        "deberta-v2-seqcls": 4080,
        "deberta-v2-tokcls": 4090,
        "distilbert-mlm": 4100,
        "distilbert-seqcls": 4110,
        "distilbert-splade": 4120,
        "distilbert-tokcls": 4130,
        "electra-mlm": 4140,
        "electra-seqcls": 4150,
        "electra-tokcls": 4160,
        "modernbert-mlm": 4170,
        "modernbert-seqcls": 4180,
        "modernbert-seqcls-mean": 4190,
        "modernbert-tokcls": 4200,
        "mpnet-mlm": 4210,
        "mpnet-seqcls": 4220,
        "mpnet-tokcls": 4230,
        "roberta-mlm": 4240,
        "roberta-regression": 4250,
        "roberta-seqcls": 4260,
        "roberta-tokcls": 4270,
        "xlm-roberta-mlm": 4280,
        "xlm-roberta-rerank": 4290,
        "xlm-roberta-seqcls": 4300,
        "xlm-roberta-tokcls": 4310,
    },
}

# Environment reference/regenerate runs every step with.
DETERMINISTIC_ENV = {"PYTHONHASHSEED": "0", "RAYON_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}

# Rule documented in README.md and recorded in the manifest.
TRAINING_TEXT_RULE = (
    "texts.jsonl lines with an even 0-based line index (0, 2, 4, ...), in file order; "
    "adversarial.jsonl is never used for training"
)


def _read_jsonl_texts(path):
    out = []
    with open(path, "r", encoding="utf-8") as f:
        for line in f:
            if line.strip() == "":
                continue
            out.append(json.loads(line)["text"])
    return out


def load_corpus():
    """Returns (corpus_texts, adversarial_texts). A fixture text index i refers to
    (corpus_texts + adversarial_texts)[i]."""
    return _read_jsonl_texts(TEXTS_FILE), _read_jsonl_texts(ADVERSARIAL_FILE)


def all_texts():
    corpus, adversarial = load_corpus()
    return corpus + adversarial


def training_texts():
    corpus, _ = load_corpus()
    return corpus[0::2]


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def json_line(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def write_jsonl_gz(path, records):
    """gzip with mtime=0 and no file name in the header, so the bytes depend only on the records."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", fileobj=buf, mode="wb", compresslevel=9, mtime=0) as g:
        for r in records:
            g.write(json_line(r).encode("utf-8"))
    Path(path).write_bytes(buf.getvalue())
    return len(buf.getvalue())


def check_deterministic_env():
    """The fixture scripts must run with the variables reference/regenerate sets."""
    want = DETERMINISTIC_ENV
    bad = {k: os.environ.get(k) for k, v in want.items() if os.environ.get(k) != v}
    if bad:
        raise SystemExit(
            f"run through reference/regenerate (environment not deterministic: {bad}; want {want})"
        )


def _none_to_minus_one(xs):
    return [-1 if x is None else x for x in xs]


def encode_record(tok, a, b, text_a, text_b, max_length=None, strategy="longest_first", direction="right",
                  special=True, with_tokens=True):
    """One fixture record: what Python tokenizers' encode gives for text_a (and text_b), truncated as asked.
    a and b are how the record names the texts (an index into the fixture texts, or the text itself).
    Padding is always off; the file's own truncation is replaced by the case's. An exception (truncation
    impossible, ...) is recorded as the error, its message being part of the oracle."""
    rec = {
        "a": a,
        "b": b,
        "max_length": max_length,
        "strategy": strategy,
        "direction": direction,
        "special": special,
    }
    try:
        tok.no_padding()
        if max_length is None:
            tok.no_truncation()
        else:
            tok.enable_truncation(max_length, stride=0, strategy=strategy, direction=direction)
        enc = tok.encode(text_a, pair=text_b, add_special_tokens=special)
    except Exception as e:
        rec["error"] = str(e)
        return rec
    rec["ids"] = enc.ids
    rec["type_ids"] = enc.type_ids
    rec["special_tokens_mask"] = enc.special_tokens_mask
    rec["offsets"] = [v for pair in enc.offsets for v in pair]
    rec["word_ids"] = _none_to_minus_one(enc.word_ids)
    rec["sequence_ids"] = _none_to_minus_one(enc.sequence_ids)
    if with_tokens:
        rec["tokens"] = enc.tokens
    rec["error"] = None
    if max_length is None and text_b is None:
        rec["decoded"] = tok.decode(enc.ids, skip_special_tokens=False)
        rec["decoded_skip"] = tok.decode(enc.ids, skip_special_tokens=True)
    return rec
