#!/usr/bin/env python3
"""Builds two more tiny random-weight models per encoder family (and one CamemBERT), each with other
config options than the family's model in tokenizers/<family>/, saved in float16 (`-a`) or bfloat16
(`-b`), and dumps their last hidden states for inputs longer than the model's maximum length.

Output, per variant: encoder/src/test/resources/reference/models/<variant>/
  tokenizer-from.txt                      the folder (under reference/) whose tokenizer.json and tokenizer_config.json
                                          complete this model directory (copied in while the script runs, not kept)
  config.json, model.safetensors          save_pretrained(safe_serialization=True) in float16 / bfloat16
  hidden_states.jsonl.gz                  the models step's record format plus "max_length" (see
                                          reference/README.md, "Models")

The weights are drawn in float32 (the model's own init, then models_fixtures.randomise), rounded to the
storage dtype and back, and the reference is the float32 model holding the rounded weights: reloading the
directory with AutoModel.from_pretrained(dtype=torch.float32) gives exactly those weights (checked), so
the hidden states are exact for the stored file. Run it through `reference/regenerate` (after the
`tokenizers` step, whose folders it copies from).
"""

import argparse
import copy
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import refcommon  # noqa: E402
import models_fixtures as mf  # noqa: E402  (checks the deterministic environment on import)

import torch  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402
from transformers import (  # noqa: E402
    AutoModel,
    AutoTokenizer,
    BertConfig,
    BertModel,
    CamembertConfig,
    CamembertModel,
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

OUT_ROOT = refcommon.FIXTURES_DIR / "models"
TOKENIZER_ROOT = refcommon.FIXTURES_DIR / "tokenizers"
SEEDS = refcommon.SEEDS["torch.manual_seed (model_variants.py, per variant)"]
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")
MODEL_FILES = ("config.json", "model.safetensors")
HIDDEN_FILE = mf.HIDDEN_FILE
DTYPES = {"a": torch.float16, "b": torch.bfloat16}

TEXTS = mf.TEXTS
N_CORPUS = mf.N_CORPUS

# Inputs, the same rules for every variant (all truncated longest_first at the variant's max length):
SHORT_TEXTS = ["", "a", "Hi!"]  # inline texts: the empty one gives only the special tokens
N_ADVERSARIAL = 4  # adversarial texts that fit untruncated, spread over the file
N_CORPUS_TEXTS = 7  # corpus texts spread over the length order; the long ones are truncated
PAIRS = [(0, 1), (1208, 1209)]
MIN_TRUNCATED = 3  # at least this many records must have been cut at the max length

# -a: hidden 20, 5 heads (head size 4), 3 layers, intermediate 36, 32 tokens at most
A = dict(hidden_size=20, num_attention_heads=5, num_hidden_layers=3, intermediate_size=36)
A_MAX = 32
# -b: hidden 12, 3 heads (head size 4), 2 layers (1 for bert), intermediate 20, 24 tokens at most
B = dict(hidden_size=12, num_attention_heads=3, num_hidden_layers=2, intermediate_size=20)
B_MAX = 24


def ids(tok):
    return dict(pad_token_id=tok.pad_token_id)


def roberta_ids(tok):
    return dict(pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)


def variant_specs():
    """variant -> (tokenizer folder, model class, function(tokenizer, vocab_size) -> config, max_length).
    max_length is what the model takes: max_position_embeddings, less the pad_token_id + 1 offset of the
    RoBERTa-style position ids (roberta, xlm-roberta, camembert, mpnet); the RoPE / relative-position
    models get max_position_embeddings = max_length too."""
    init = dict(initializer_range=mf.INIT_RANGE)

    def bert_a(tok, vocab):
        return BertConfig(vocab_size=vocab, type_vocab_size=2, max_position_embeddings=A_MAX, **A, **init, **ids(tok))

    def bert_b(tok, vocab):
        return BertConfig(vocab_size=vocab, type_vocab_size=2, max_position_embeddings=B_MAX,
                          **dict(B, num_hidden_layers=1), hidden_act="gelu_new", layer_norm_eps=1e-6,
                          **init, **ids(tok))

    def distilbert(spec, max_len, **extra):
        def make(tok, vocab):
            return DistilBertConfig(vocab_size=vocab, dim=spec["hidden_size"], n_heads=spec["num_attention_heads"],
                                    n_layers=spec["num_hidden_layers"], hidden_dim=spec["intermediate_size"],
                                    max_position_embeddings=max_len, pad_token_id=tok.pad_token_id, **init, **extra)
        return make

    def electra_a(tok, vocab):
        # embedding_size = hidden_size: no embeddings_project
        return ElectraConfig(vocab_size=vocab, embedding_size=20, type_vocab_size=2, max_position_embeddings=A_MAX,
                             **A, **init, **ids(tok))

    def electra_b(tok, vocab):
        # embeddings wider than the hidden size, projected down by embeddings_project
        return ElectraConfig(vocab_size=vocab, embedding_size=20, type_vocab_size=2, max_position_embeddings=B_MAX,
                             **B, **init, **ids(tok))

    def roberta_style(cls, spec, max_len, **extra):
        def make(tok, vocab):
            return cls(vocab_size=vocab, max_position_embeddings=max_len + 2, **spec, **init, **roberta_ids(tok),
                       **extra)
        return make

    def gte_a(tok, vocab):
        # no token type embeddings (as gte-base-en-v1.5); RoPE theta 500000
        return GteConfig(vocab_size=vocab, type_vocab_size=0, max_position_embeddings=A_MAX,
                         rope_parameters={"rope_type": "default", "rope_theta": 500000.0}, **A, **init, **ids(tok))

    def gte_b(tok, vocab):
        # one token type (as gte-multilingual-base): the type ids are not passed (see README)
        return GteConfig(vocab_size=vocab, type_vocab_size=1, max_position_embeddings=B_MAX, layer_norm_eps=1e-5,
                         **B, **init, **ids(tok))

    def nomic_a(tok, vocab):
        return NomicBertConfig(vocab_size=vocab, type_vocab_size=2, max_position_embeddings=A_MAX, **A, **init,
                               **ids(tok))

    def nomic_b(tok, vocab):
        return NomicBertConfig(vocab_size=vocab, type_vocab_size=2, max_position_embeddings=B_MAX, hidden_act="gelu",
                               rope_parameters={"rope_type": "default", "rope_theta": 10000.0}, **B, **init, **ids(tok))

    def modernbert_ids(tok):
        return dict(pad_token_id=tok.pad_token_id, bos_token_id=tok.cls_token_id, eos_token_id=tok.sep_token_id,
                    cls_token_id=tok.cls_token_id, sep_token_id=tok.sep_token_id)

    def modernbert_a(tok, vocab):
        # global_attn_every_n_layers left at its default 3: layers full / sliding / sliding, window 16
        return ModernBertConfig(vocab_size=vocab, max_position_embeddings=A_MAX, local_attention=16, **A, **init,
                                **modernbert_ids(tok))

    def modernbert_b(tok, vocab):
        return ModernBertConfig(
            vocab_size=vocab,
            max_position_embeddings=B_MAX,
            **dict(B, num_hidden_layers=4),
            global_attn_every_n_layers=3,  # full / sliding / sliding / full
            local_attention=8,  # 4 tokens either side
            norm_bias=True,
            mlp_bias=True,
            attention_bias=True,
            hidden_activation="gelu_pytorch_tanh",
            rope_parameters={
                "full_attention": {"rope_type": "default", "rope_theta": 80000.0},
                "sliding_attention": {"rope_type": "default", "rope_theta": 5000.0},
            },
            **init,
            **modernbert_ids(tok),
        )

    def deberta_a(tok, vocab):
        return DebertaV2Config(
            vocab_size=vocab,
            max_position_embeddings=A_MAX,
            type_vocab_size=0,
            relative_attention=True,
            position_buckets=8,  # distances beyond +-4 log-bucketed
            max_relative_positions=-1,  # = max_position_embeddings (32)
            share_att_key=True,
            pos_att_type=["p2c", "c2p"],
            position_biased_input=False,
            norm_rel_ebd="layer_norm",
            **A,
            **init,
            **roberta_ids(tok),
        )

    def deberta_b(tok, vocab):
        return DebertaV2Config(
            vocab_size=vocab,
            max_position_embeddings=B_MAX,
            type_vocab_size=2,
            embedding_size=8,  # projected to 12 by embeddings.embed_proj
            relative_attention=True,
            position_buckets=-1,  # no log buckets: distances clamped at +-16
            max_relative_positions=16,
            share_att_key=False,  # own pos_key_proj
            pos_att_type=["c2p"],
            position_biased_input=True,  # absolute position embeddings too
            norm_rel_ebd="none",
            **B,
            **init,
            **roberta_ids(tok),
        )

    return {
        "bert-uncased-a": ("bert-uncased", BertModel, bert_a, A_MAX),
        "bert-uncased-b": ("bert-uncased", BertModel, bert_b, B_MAX),
        "distilbert-a": ("distilbert", DistilBertModel, distilbert(A, A_MAX), A_MAX),
        "distilbert-b": ("distilbert", DistilBertModel,
                         distilbert(B, B_MAX, activation="relu", sinusoidal_pos_embds=True), B_MAX),
        "electra-a": ("electra", ElectraModel, electra_a, A_MAX),
        "electra-b": ("electra", ElectraModel, electra_b, B_MAX),
        # relative_attention_num_buckets stays 32: MPNetEncoder.compute_position_bias always buckets with 32
        "mpnet-a": ("mpnet", MPNetModel, roberta_style(MPNetConfig, A, A_MAX, layer_norm_eps=1e-5), A_MAX),
        "mpnet-b": ("mpnet", MPNetModel, roberta_style(MPNetConfig, B, B_MAX), B_MAX),
        "gte-a": ("gte", GteModel, gte_a, A_MAX),
        "gte-b": ("gte", GteModel, gte_b, B_MAX),
        "nomic-bert-a": ("nomic-bert", NomicBertModel, nomic_a, A_MAX),
        "nomic-bert-b": ("nomic-bert", NomicBertModel, nomic_b, B_MAX),
        "roberta-a": ("roberta", RobertaModel, roberta_style(RobertaConfig, A, A_MAX, type_vocab_size=1,
                                                             layer_norm_eps=1e-5), A_MAX),
        "roberta-b": ("roberta", RobertaModel, roberta_style(RobertaConfig, B, B_MAX, type_vocab_size=2), B_MAX),
        "modernbert-a": ("modernbert", ModernBertModel, modernbert_a, A_MAX),
        "modernbert-b": ("modernbert", ModernBertModel, modernbert_b, B_MAX),
        "xlm-roberta-a": ("xlm-roberta", XLMRobertaModel, roberta_style(XLMRobertaConfig, A, A_MAX, type_vocab_size=2,
                                                                       layer_norm_eps=1e-5), A_MAX),
        "xlm-roberta-b": ("xlm-roberta", XLMRobertaModel, roberta_style(XLMRobertaConfig, B, B_MAX, type_vocab_size=1),
                          B_MAX),
        "camembert-a": ("xlm-roberta", CamembertModel, roberta_style(CamembertConfig, A, A_MAX, type_vocab_size=1,
                                                                     layer_norm_eps=1e-5), A_MAX),
        "deberta-v2-a": ("deberta-v2", DebertaV2Model, deberta_a, A_MAX),
        "deberta-v2-b": ("deberta-v2", DebertaV2Model, deberta_b, B_MAX),
    }


VARIANTS = variant_specs()


def storage_dtype(variant):
    return DTYPES[variant.rsplit("-", 1)[1]]


# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------


def build_model(variant, tok):
    _, cls, make_config, _ = VARIANTS[variant]
    config = make_config(tok, mf.full_vocab_size(tok))
    config._attn_implementation = "eager"  # the plain formulation (not written to config.json)
    seed = SEEDS[variant]
    torch.manual_seed(seed)
    model = cls(config)  # the model's own _init_weights, with initializer_range = INIT_RANGE
    mf.randomise(model, seed)
    model = model.to(torch.float32).eval()
    # round every weight to the storage dtype: the float32 model then holds exactly what the file stores
    dtype = storage_dtype(variant)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(dtype).to(torch.float32))
    return model


def save_model(variant, model, folder):
    stored = copy.deepcopy(model).to(storage_dtype(variant))
    stored.save_pretrained(str(folder), safe_serialization=True)
    for name in MODEL_FILES:
        if not (folder / name).is_file():
            raise SystemExit(f"{folder / name}: save_pretrained did not write it")
    extra = sorted(p.name for p in folder.iterdir() if p.name not in MODEL_FILES + TOKENIZER_FILES)
    if extra:
        raise SystemExit(f"{folder}: unexpected files {extra}")
    text = (folder / "config.json").read_text(encoding="utf-8")
    if str(refcommon.REPO) in text or "name_or_path" in text:
        raise SystemExit(f"{folder / 'config.json'} records a local path; not reproducible")
    want = str(storage_dtype(variant)).removeprefix("torch.")
    if json.loads(text).get("dtype") != want:
        raise SystemExit(f"{folder / 'config.json'}: dtype {json.loads(text).get('dtype')}, want {want}")


def reload_model(variant, model, folder):
    """The reference is what a user gets from the directory in float32: check it holds the rounded weights."""
    loaded = AutoModel.from_pretrained(str(folder), dtype=torch.float32, attn_implementation="eager").eval()
    if type(loaded) is not type(model) or loaded.dtype != torch.float32:
        raise SystemExit(f"{variant}: reloaded as {type(loaded).__name__} {loaded.dtype}")
    mine, theirs = model.state_dict(), loaded.state_dict()
    if mine.keys() != theirs.keys() or any(not torch.equal(mine[k], theirs[k]) for k in mine):
        raise SystemExit(f"{variant}: the reloaded weights differ from the rounded ones")
    return loaded


# ---------------------------------------------------------------------------------------------
# Inputs and hidden states
# ---------------------------------------------------------------------------------------------


def corpus_choice():
    by_length = sorted(range(N_CORPUS), key=lambda i: (len(mf.CORPUS[i]), i))
    return sorted(by_length[(k * (N_CORPUS - 1)) // (N_CORPUS_TEXTS - 1)] for k in range(N_CORPUS_TEXTS))


def adversarial_choice(tok, max_length):
    """Of the adversarial texts that fit in max_length tokens untruncated, N_ADVERSARIAL spread over the file
    (indices floor(j * n / N_ADVERSARIAL) of the n that fit)."""
    fit = [N_CORPUS + j for j, text in enumerate(mf.ADVERSARIAL) if len(tok(text)["input_ids"]) <= max_length]
    if len(fit) < N_ADVERSARIAL:
        raise SystemExit(f"fewer than {N_ADVERSARIAL} adversarial texts fit in {max_length} tokens")
    return [fit[(j * len(fit)) // N_ADVERSARIAL] for j in range(N_ADVERSARIAL)]


def text_of(x):
    return None if x is None else (x if isinstance(x, str) else TEXTS[x])


def inputs_for(variant, tok, backend, max_length):
    """(a, b, encoding, agrees with tokenizer.json, untruncated token count) per record."""
    cases = [(t, None) for t in SHORT_TEXTS]
    cases += [(i, None) for i in adversarial_choice(tok, max_length) + corpus_choice()]
    cases += PAIRS
    backend.no_padding()
    backend.enable_truncation(max_length, stride=0, strategy="longest_first", direction="right")
    for a, b in cases:
        ta, tb = text_of(a), text_of(b)
        full = len(tok(ta, tb)["input_ids"])
        enc = tok(ta, tb, truncation=True, max_length=max_length, return_token_type_ids=True)
        if len(enc["input_ids"]) > max_length:
            raise SystemExit(f"{variant}: ({a}, {b}) has {len(enc['input_ids'])} tokens")
        ref = backend.encode(ta, pair=tb)
        agrees = enc["input_ids"] == ref.ids and enc["token_type_ids"] == ref.type_ids
        yield a, b, enc, agrees, full


def passes_type_ids(model, tok):
    """As the models step, except that a model with one token type gets none: a BERT-style tokenizer gives the
    second text of a pair type id 1, which its embedding does not have (transformers would raise)."""
    return mf.passes_type_ids(model, tok) and getattr(model.config, "type_vocab_size", None) != 1


def dump_hidden_states(variant, model, folder, max_length):
    tok = AutoTokenizer.from_pretrained(str(folder))
    backend = Tokenizer.from_file(str(folder / "tokenizer.json"))
    pass_types = passes_type_ids(model, tok)
    records = []
    tokens = mismatches = truncated = 0
    with torch.no_grad():
        for a, b, enc, agrees, full in inputs_for(variant, tok, backend, max_length):
            r = mf.hidden_state_record(variant, model, a, b, enc, agrees, pass_types)
            records.append({"a": r.pop("a"), "b": r.pop("b"), "max_length": max_length, **r})
            tokens += len(enc["input_ids"])
            mismatches += 0 if agrees else 1
            truncated += 1 if full > max_length else 0
    if truncated < MIN_TRUNCATED:
        raise SystemExit(f"{variant}: only {truncated} records truncated at {max_length}")
    size = refcommon.write_jsonl_gz(folder / HIDDEN_FILE, records)
    return len(records), tokens, size, pass_types, mismatches, truncated


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="variants to build (default: all)")
    args = ap.parse_args()
    unknown = [n for n in args.names if n not in VARIANTS]
    if unknown:
        raise SystemExit(f"unknown variant(s) {unknown}; known: {list(VARIANTS)}")
    names = args.names or list(VARIANTS)
    if set(SEEDS) != set(VARIANTS):
        raise SystemExit("refcommon.SEEDS and VARIANTS name different variants")
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    if not args.names and OUT_ROOT.is_dir():
        shutil.rmtree(OUT_ROOT)  # a full run leaves no stale variant behind
    total = 0
    for variant in names:
        family, _, _, max_length = VARIANTS[variant]
        src = TOKENIZER_ROOT / family
        folder = OUT_ROOT / variant
        if not (src / "tokenizer.json").is_file():
            raise SystemExit(f"{src}: no tokenizer.json (run the tokenizers step first)")
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for name in TOKENIZER_FILES:
            shutil.copyfile(src / name, folder / name)
        tok = AutoTokenizer.from_pretrained(str(folder))
        model = build_model(variant, tok)
        save_model(variant, model, folder)
        model = reload_model(variant, model, folder)
        n, tokens, hs_size, types, mismatches, truncated = dump_hidden_states(variant, model, folder, max_length)
        # the tokenizer files were needed to build and check the model; the committed folder points at them instead
        # (the Java tests assemble the directory: the family folder's tokenizer files, then this folder's files)
        for name in TOKENIZER_FILES:
            (folder / name).unlink()
        (folder / "tokenizer-from.txt").write_text(f"tokenizers/{family}", encoding="utf-8")
        sizes = {p.name: p.stat().st_size for p in folder.iterdir()}
        total += sum(sizes.values())
        print(
            f"{variant:14s} {mf.describe(model)} dtype={storage_dtype(variant)} max_length={max_length} | "
            f"records={n} truncated={truncated} tokens={tokens} type_ids={'yes' if types else 'no'} "
            f"ids_differ_from_tokenizer_json={mismatches} safetensors={sizes['model.safetensors']} B "
            f"hidden={hs_size} B folder={sum(sizes.values())} B",
            flush=True,
        )
    print(f"model-variants: {len(names)} variants, {total} bytes", flush=True)


if __name__ == "__main__":
    main()
