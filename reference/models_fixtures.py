#!/usr/bin/env python3
"""Builds a tiny random-weight model of every encoder family next to the family's trained tokenizer, so
that each folder is a complete Hugging Face model directory, and dumps the model's last hidden states.

Output, per family folder encoder/src/test/resources/reference/tokenizers/<family>/ (tokenizer.json and
tokenizer_config.json are left as the `tokenizers` step wrote them):
  config.json, model.safetensors   save_pretrained(safe_serialization=True), float32
  hidden_states.jsonl.gz           one record per input: {"a", "b", "ids", "type_ids", "hidden_size",
                                   "last_hidden_state"} (see reference/README.md, "Models")

Run it through `reference/regenerate` (after the `tokenizers` step, which rebuilds the folders). Every
family has its own torch seed (refcommon.SEEDS); the forward passes run in eval mode, one thread, with
torch.use_deterministic_algorithms(True), so the output is byte-identical on every run.
"""

import argparse
import inspect
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import refcommon  # noqa: E402

refcommon.check_deterministic_env()
_THREAD_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
_bad = {k: os.environ.get(k) for k, v in _THREAD_ENV.items() if os.environ.get(k) != v}
if _bad:
    raise SystemExit(f"run through reference/regenerate (threads not pinned: {_bad}; want {_THREAD_ENV})")

import torch  # noqa: E402
from torch import nn  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

import transformers  # noqa: E402
from transformers import (  # noqa: E402
    AutoModel,
    AutoTokenizer,
    BertConfig,
    BertModel,
    DebertaV2Config,
    DebertaV2Model,
    DistilBertConfig,
    DistilBertModel,
    ElectraConfig,
    ElectraModel,
    GteConfig,
    GteModel,
    ModernBertConfig,
    ModernBertModel,
    MPNetConfig,
    MPNetModel,
    NomicBertConfig,
    NomicBertModel,
    RobertaConfig,
    RobertaModel,
    XLMRobertaConfig,
    XLMRobertaModel,
)

transformers.logging.set_verbosity_error()

OUT_ROOT = refcommon.FIXTURES_DIR / "tokenizers"
SEEDS = refcommon.SEEDS["torch.manual_seed (models_fixtures.py, per family)"]
MODEL_FILES = ("config.json", "model.safetensors")
HIDDEN_FILE = "hidden_states.jsonl.gz"

CORPUS, ADVERSARIAL = refcommon.load_corpus()
TEXTS = CORPUS + ADVERSARIAL
N_CORPUS = len(CORPUS)

MAX_TOKENS = 100  # every input is truncated to this many tokens (specials included)
N_ADVERSARIAL = 12  # the first adversarial texts that fit in MAX_TOKENS untruncated
N_CORPUS_TEXTS = 12  # corpus texts spread over the length order (code points)
# (a, b) pairs: corpus (i, i+1) and adversarial (2418 + 2j, 2419 + 2j); truncated longest_first at MAX_TOKENS
PAIRS = [(0, 1), (604, 605), (1208, 1209), (1812, 1813), (N_CORPUS, N_CORPUS + 1), (N_CORPUS + 2, N_CORPUS + 3)]

# Raised from the usual 0.02 so that the outputs are not tiny; norms and biases are randomised too
INIT_RANGE = 0.2
NORM_WEIGHT_STD = 0.2  # LayerNorm weight ~ N(1, 0.2), bias ~ N(0, 0.2)
LINEAR_BIAS_STD = 0.1  # Linear biases (zero after the models' init) ~ N(0, 0.1)

COMMON = dict(
    hidden_size=24,  # 32 took the new files over 7 MB (the embedding matrices dominate)
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=64,
    initializer_range=INIT_RANGE,
    max_position_embeddings=128,
)


def bert_like(tok, **extra):
    """The pad id ([PAD]); BERT-style configs have no cls / sep / bos / eos ids."""
    return dict(pad_token_id=tok.pad_token_id, **extra)


def family_specs():
    """family -> (model class, function(tokenizer, vocab_size) -> config)."""

    def bert(tok, vocab):
        return BertConfig(vocab_size=vocab, type_vocab_size=2, **COMMON, **bert_like(tok))

    def distilbert(tok, vocab):
        return DistilBertConfig(
            vocab_size=vocab,
            dim=COMMON["hidden_size"],
            n_layers=COMMON["num_hidden_layers"],
            n_heads=COMMON["num_attention_heads"],
            hidden_dim=COMMON["intermediate_size"],
            max_position_embeddings=COMMON["max_position_embeddings"],
            initializer_range=INIT_RANGE,
            pad_token_id=tok.pad_token_id,
        )

    def electra(tok, vocab):
        # the embeddings (16) are projected to the hidden size (24): ElectraModel.embeddings_project
        return ElectraConfig(vocab_size=vocab, embedding_size=16, type_vocab_size=2, **COMMON, **bert_like(tok))

    def roberta_style(cls):
        def make(tok, vocab):
            # position ids start at pad_token_id + 1, hence 2 more positions than the 128 tokens
            cfg = dict(COMMON, max_position_embeddings=COMMON["max_position_embeddings"] + 2)
            if cls is not MPNetConfig:  # MPNet has no token type embeddings
                cfg["type_vocab_size"] = 1
            return cls(
                vocab_size=vocab,
                pad_token_id=tok.pad_token_id,
                bos_token_id=tok.bos_token_id,
                eos_token_id=tok.eos_token_id,
                **cfg,
            )

        return make

    def deberta_v2(tok, vocab):
        return DebertaV2Config(
            vocab_size=vocab,
            type_vocab_size=0,  # as DeBERTa-v3: no token type embeddings
            relative_attention=True,
            position_buckets=16,  # relative distances beyond +-8 are log-bucketed
            max_relative_positions=-1,  # = max_position_embeddings
            share_att_key=True,
            pos_att_type=["p2c", "c2p"],
            position_biased_input=False,
            norm_rel_ebd="layer_norm",
            pad_token_id=tok.pad_token_id,
            bos_token_id=tok.bos_token_id,
            eos_token_id=tok.eos_token_id,
            **COMMON,
        )

    def modernbert(tok, vocab):
        return ModernBertConfig(
            vocab_size=vocab,
            hidden_size=COMMON["hidden_size"],
            num_hidden_layers=3,
            num_attention_heads=COMMON["num_attention_heads"],
            intermediate_size=COMMON["intermediate_size"],
            max_position_embeddings=COMMON["max_position_embeddings"],
            initializer_range=INIT_RANGE,
            global_attn_every_n_layers=2,  # layers 0, 2 global (full), layer 1 local (sliding)
            local_attention=16,  # window of 16: 8 tokens either side
            pad_token_id=tok.pad_token_id,
            bos_token_id=tok.cls_token_id,
            eos_token_id=tok.sep_token_id,
            cls_token_id=tok.cls_token_id,
            sep_token_id=tok.sep_token_id,
        )

    def gte(tok, vocab):
        return GteConfig(vocab_size=vocab, type_vocab_size=2, **COMMON, **bert_like(tok))

    def nomic_bert(tok, vocab):
        return NomicBertConfig(vocab_size=vocab, type_vocab_size=2, **COMMON, **bert_like(tok))

    return {
        "bert-uncased": (BertModel, bert),
        "bert-cased": (BertModel, bert),
        "distilbert": (DistilBertModel, distilbert),
        "electra": (ElectraModel, electra),
        "mpnet": (MPNetModel, roberta_style(MPNetConfig)),
        "gte": (GteModel, gte),
        "nomic-bert": (NomicBertModel, nomic_bert),
        "roberta": (RobertaModel, roberta_style(RobertaConfig)),
        "modernbert": (ModernBertModel, modernbert),
        "xlm-roberta": (XLMRobertaModel, roberta_style(XLMRobertaConfig)),
        "deberta-v2": (DebertaV2Model, deberta_v2),
    }


FAMILIES = family_specs()


# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------


def full_vocab_size(tok):
    """Every id the tokenizer can produce: the model vocab plus the added tokens."""
    backend = tok.backend_tokenizer
    return max(backend.get_vocab_size(with_added_tokens=True), max(tok.get_vocab().values()) + 1)


def randomise(model, seed):
    """After the model's own init: norms and Linear biases drawn too, so that a wrong one shows."""
    g = torch.Generator().manual_seed(seed + 1)
    norms = 0
    with torch.no_grad():
        for name, m in sorted(model.named_modules()):
            if isinstance(m, nn.LayerNorm):
                norms += 1
                if m.weight is not None:
                    m.weight.copy_(1 + NORM_WEIGHT_STD * torch.randn(m.weight.shape, generator=g))
                if m.bias is not None:
                    m.bias.copy_(NORM_WEIGHT_STD * torch.randn(m.bias.shape, generator=g))
            elif "norm" in type(m).__name__.lower():
                raise SystemExit(f"{type(m).__name__} at {name}: not an nn.LayerNorm, randomise it too")
            elif isinstance(m, nn.Linear) and m.bias is not None:
                m.bias.copy_(LINEAR_BIAS_STD * torch.randn(m.bias.shape, generator=g))
    if norms == 0:
        raise SystemExit("no LayerNorm found")


def build_model(family, tok):
    cls, make_config = FAMILIES[family]
    config = make_config(tok, full_vocab_size(tok))
    config._attn_implementation = "eager"  # the plain formulation (not written to config.json)
    torch.manual_seed(SEEDS[family])
    model = cls(config)  # the model's own _init_weights, with initializer_range = INIT_RANGE
    randomise(model, SEEDS[family])
    model = model.to(torch.float32).eval()
    return model


def save_model(model, folder):
    model.save_pretrained(str(folder), safe_serialization=True)
    for name in MODEL_FILES:
        if not (folder / name).is_file():
            raise SystemExit(f"{folder / name}: save_pretrained did not write it")
    expected = set(MODEL_FILES) | {"tokenizer.json", "tokenizer_config.json", "expected.jsonl.gz",
                                   "special_tokens_map.json", HIDDEN_FILE}
    extra = [p.name for p in folder.iterdir() if p.name not in expected]
    if extra:
        raise SystemExit(f"{folder}: unexpected files {extra}")
    text = (folder / "config.json").read_text(encoding="utf-8")
    if str(refcommon.REPO) in text or "name_or_path" in text:
        raise SystemExit(f"{folder / 'config.json'} records a local path; not reproducible")


# ---------------------------------------------------------------------------------------------
# Inputs and hidden states
# ---------------------------------------------------------------------------------------------


def corpus_choice():
    by_length = sorted(range(N_CORPUS), key=lambda i: (len(CORPUS[i]), i))
    # quantiles from the shortest to the longest text (the long ones are truncated at MAX_TOKENS)
    return sorted(by_length[(k * (N_CORPUS - 1)) // (N_CORPUS_TEXTS - 1)] for k in range(N_CORPUS_TEXTS))


def adversarial_choice(tok):
    out = []
    for j, text in enumerate(ADVERSARIAL):
        if len(tok(text)["input_ids"]) <= MAX_TOKENS:
            out.append(N_CORPUS + j)
            if len(out) == N_ADVERSARIAL:
                return out
    raise SystemExit(f"fewer than {N_ADVERSARIAL} adversarial texts fit in {MAX_TOKENS} tokens")


def round7(x):
    return float(f"{x:.7g}")


def inputs_for(family, tok, backend):
    cases = [(i, None) for i in adversarial_choice(tok) + corpus_choice()] + PAIRS
    backend.no_padding()
    backend.enable_truncation(MAX_TOKENS, stride=0, strategy="longest_first", direction="right")
    for a, b in cases:
        enc = tok(TEXTS[a], None if b is None else TEXTS[b], truncation=True, max_length=MAX_TOKENS,
                  return_token_type_ids=True)
        if len(enc["input_ids"]) > MAX_TOKENS:
            raise SystemExit(f"{family}: ({a}, {b}) has {len(enc['input_ids'])} tokens")
        # transformers 5 rebuilds some pipelines from the tokenizer class (DeBERTa-v2: its own normalizer
        # instead of tokenizer.json's), so say whether tokenizer.json (what Gale reads) gives the same ids
        ref = backend.encode(TEXTS[a], pair=None if b is None else TEXTS[b])
        agrees = enc["input_ids"] == ref.ids and enc["token_type_ids"] == ref.type_ids
        yield a, b, enc, agrees


def passes_type_ids(model, tok):
    """token_type_ids go to the model when the tokenizer returns them by default and forward() takes them."""
    takes_types = "token_type_ids" in inspect.signature(model.forward).parameters
    gives_types = "token_type_ids" in tok.model_input_names
    return takes_types and gives_types


def hidden_state_record(name, model, a, b, enc, agrees, pass_types):
    """One hidden_states.jsonl.gz record: the model run on enc (a batch of one, no padding, all-ones mask).
    Call it under torch.no_grad()."""
    hidden = model.config.hidden_size
    ids = torch.tensor([enc["input_ids"]], dtype=torch.long)
    kwargs = dict(input_ids=ids, attention_mask=torch.ones_like(ids))
    if pass_types:
        kwargs["token_type_ids"] = torch.tensor([enc["token_type_ids"]], dtype=torch.long)
    out = model(**kwargs).last_hidden_state
    if out.dtype != torch.float32 or tuple(out.shape) != (1, ids.shape[1], hidden):
        raise SystemExit(f"{name}: unexpected output {out.dtype} {tuple(out.shape)}")
    if not torch.isfinite(out).all():
        raise SystemExit(f"{name}: non-finite hidden state for ({a}, {b})")
    return {
        "a": a,
        "b": b,
        "ids": enc["input_ids"],
        "type_ids": enc["token_type_ids"] if pass_types else None,
        "ids_match_tokenizer_json": agrees,
        "hidden_size": hidden,
        "last_hidden_state": [round7(v) for v in out[0].reshape(-1).tolist()],
    }


def dump_hidden_states(family, model, folder):
    tok = AutoTokenizer.from_pretrained(str(folder))
    backend = Tokenizer.from_file(str(folder / "tokenizer.json"))
    pass_types = passes_type_ids(model, tok)
    records = []
    tokens = mismatches = 0
    with torch.no_grad():
        for a, b, enc, agrees in inputs_for(family, tok, backend):
            records.append(hidden_state_record(family, model, a, b, enc, agrees, pass_types))
            tokens += len(enc["input_ids"])
            mismatches += 0 if agrees else 1
    size = refcommon.write_jsonl_gz(folder / HIDDEN_FILE, records)
    return len(records), tokens, size, pass_types, mismatches


def describe(model):
    c = model.config.to_dict()
    keys = ("model_type", "vocab_size", "hidden_size", "dim", "num_attention_heads", "n_heads", "embedding_size", "num_hidden_layers", "n_layers",
            "intermediate_size", "hidden_dim", "max_position_embeddings", "type_vocab_size", "layer_types",
            "local_attention", "position_buckets", "pos_att_type")
    return " ".join(f"{k}={c[k]}" for k in keys if k in c and c[k] is not None)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="families to build (default: every family with a tokenizer folder)")
    args = ap.parse_args()
    unknown = [n for n in args.names if n not in FAMILIES]
    if unknown:
        raise SystemExit(f"unknown famil(ies) {unknown}; known: {list(FAMILIES)}")
    names = args.names or [n for n in FAMILIES if (OUT_ROOT / n / "tokenizer.json").is_file()]
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    total = 0
    for family in names:
        folder = OUT_ROOT / family
        if not (folder / "tokenizer.json").is_file():
            raise SystemExit(f"{folder}: no tokenizer.json (run the tokenizers step first)")
        for name in MODEL_FILES + (HIDDEN_FILE,):
            (folder / name).unlink(missing_ok=True)
        tok = AutoTokenizer.from_pretrained(str(folder))
        model = build_model(family, tok)
        save_model(model, folder)
        # the reference is what a user gets from the directory: reload it and check it is the same model
        loaded = AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()
        if type(loaded) is not type(model) or loaded.dtype != torch.float32:
            raise SystemExit(f"{family}: reloaded as {type(loaded).__name__} {loaded.dtype}")
        mine, theirs = model.state_dict(), loaded.state_dict()
        if mine.keys() != theirs.keys() or any(not torch.equal(mine[k], theirs[k]) for k in mine):
            raise SystemExit(f"{family}: the reloaded weights differ from the saved ones")
        model = loaded
        n, tokens, hs_size, types, mismatches = dump_hidden_states(family, model, folder)
        sizes = {name: (folder / name).stat().st_size for name in MODEL_FILES}
        new = hs_size + sum(sizes.values())
        total += new
        print(
            f"{family:12s} {describe(model)} | records={n} tokens={tokens} type_ids={'yes' if types else 'no'} "
            f"ids_differ_from_tokenizer_json={mismatches} "
            f"config={sizes['config.json']} B safetensors={sizes['model.safetensors']} B hidden={hs_size} B",
            flush=True,
        )
    print(f"models: {len(names)} families, {total} bytes", flush=True)


if __name__ == "__main__":
    main()
