#!/usr/bin/env python3
"""Builds tiny random-weight task-head checkpoints on top of the family base models and records what the real
Hugging Face pipelines (and sentence-transformers' CrossEncoder / SparseEncoder) output for them.

Output, per head: encoder/src/test/resources/reference/heads/<name>/
  config.json          the head model's config, as save_pretrained writes it (architectures, id2label, ...)
  base-from.txt        the family folder (relative to encoder/src/test/resources/reference/, no newline) whose
                       tokenizer.json, tokenizer_config.json and model.safetensors the head builds on
  task.txt             text-classification / token-classification / fill-mask / rerank / sparse (no newline)
  head.safetensors     every tensor save_pretrained writes for the head model that is not a base tensor (those are
                       the base file's, under the model's base_model_prefix), float32, metadata {"format": "pt"}
  tied.json            only where save_pretrained leaves tensors out because transformers ties them:
                       {left-out name: the name (in the head model's state_dict) of the tensor it is}
  modules.json, config_sentence_transformers.json, sentence_bert_config.json, [1_SpladePooling/config.json],
  [tokenizer_config.json]
                       rerank and sparse only: what sentence-transformers 6.0.1's save() writes besides the weights
                       and the tokenizer.json (tokenizer_config.json only where it differs from the base's; it then
                       replaces it)
  expected.jsonl.gz    one record per input (see reference/README.md, "Task heads")

The reference is made the way the Java test assembles the directory: a temporary folder gets the folder's
config.json (and ST files), the base's tokenizer.json + tokenizer_config.json, and the weights as two shards,
model-00001-of-00002.safetensors = the base model.safetensors (unprefixed names) and
model-00002-of-00002.safetensors = head.safetensors, with model.safetensors.index.json; transformers 5.18 loads
that (it adds the prefix to the base names). The pipelines run on what from_pretrained gives for it (eager
attention, float32, CPU, eval), one input at a time. Run it through `reference/regenerate` (after `models`).
"""

import argparse
import functools
import json
import logging
import re
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import refcommon  # noqa: E402
import models_fixtures as mf  # noqa: E402  (checks the deterministic environment on import)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
from safetensors import safe_open  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

import transformers  # noqa: E402
from transformers import (  # noqa: E402
    AutoConfig,
    AutoModelForMaskedLM,
    AutoModelForSequenceClassification,
    AutoModelForTokenClassification,
    AutoTokenizer,
    PreTrainedTokenizerFast,
    pipeline,
)

import sentence_transformers  # noqa: E402
from sentence_transformers import CrossEncoder, SparseEncoder  # noqa: E402
from sentence_transformers.base.modules import Transformer  # noqa: E402
from sentence_transformers.sparse_encoder.modules import MLMTransformer, SpladePooling  # noqa: E402

transformers.logging.set_verbosity_error()
warnings.filterwarnings("ignore", message="Tokenizer does not support real words")
warnings.filterwarnings("ignore", message="The MLMTransformer module is deprecated")
logging.getLogger("sentence_transformers").setLevel(logging.ERROR)

OUT_ROOT = refcommon.FIXTURES_DIR / "heads"
SEEDS = refcommon.SEEDS["torch.manual_seed (heads_fixtures.py, per head)"]
EXPECTED = "expected.jsonl.gz"
BASE_WEIGHTS = "model.safetensors"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")
LOCAL_FILES = ("base-from.txt", "task.txt", "head.safetensors", "tied.json", EXPECTED)
SHARDS = ("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")
MODEL_KWARGS = {"dtype": torch.float32, "attn_implementation": "eager"}

TEXTS = mf.TEXTS
CORPUS = mf.CORPUS
ADVERSARIAL_TEXTS = refcommon.load_corpus()[1]
N_CORPUS = mf.N_CORPUS

MAX_TOKENS = 100  # every input fits untruncated (specials included); the bases take 128
N_TEXTS = 24  # corpus texts per head, spread over the token-length order
N_ADVERSARIAL = 4  # adversarial texts that fit, spread over those that do
N_PAIRS = 6  # sequence classification: (i, i + 1) corpus pairs
N_TWO_MASKS = 3  # fill-mask records with two masks
N_QUERIES, N_PASSAGES = 3, 6  # rerank
TOP_LOGITS = 20  # fill-mask: the top logits of each mask row
TOP_K = 5  # fill-mask: pipeline top_k
# Texts whose discrete outputs hang on a near tie are passed over (the next text in the length order is taken), so
# that float32 rounding elsewhere cannot change them: fill-mask, the gaps between the TOP_K + 1 largest logits of
# each mask row; token classification, the gap between the two largest logits of every token.
MIN_GAP = 1e-4

# Head weights, after the model's own init (torch.manual_seed(seed)) and the base weights loaded: from a
# torch.Generator seeded seed + 1, in state_dict order, every head Linear weight ~ N(0, HEAD_WEIGHT_STD), every
# bias ~ N(mean, HEAD_BIAS_STD) (mean 0 except the SPLADE vocab biases: vocab_bias_mean), every LayerNorm weight
# ~ N(1, 0.2) and bias ~ N(0, 0.2).
HEAD_WEIGHT_STD = 0.4
HEAD_BIAS_STD = 0.2
NORM_STD = 0.2
# Then the output layer's bias is centred: the tiny random encoders give every token nearly the same hidden state
# direction, so a random head would give (almost) every input the same label / top token. The bias gets
# -W mu added, mu the mean input of the output layer over the calibration texts (per token for the token-level
# heads, per input for sequence classification), so that the labels vary with the input; the "O" label of the
# token classifiers gets O_BIAS more, so that about half the tokens are O, as in real NER.
CALIBRATION = [i for i in range(N_CORPUS) if i % 20 == 5]  # run truncated at MAX_TOKENS
O_BIAS = 1.0
# The Linear whose output is the logits, per head class
OUTPUT_LINEAR = {
    "BertForSequenceClassification": "classifier",
    "RobertaForSequenceClassification": "classifier.out_proj",
    "XLMRobertaForSequenceClassification": "classifier.out_proj",
    "DistilBertForSequenceClassification": "classifier",
    "DebertaV2ForSequenceClassification": "classifier",
    "ModernBertForSequenceClassification": "classifier",
    "ElectraForSequenceClassification": "classifier.out_proj",
    "MPNetForSequenceClassification": "classifier.out_proj",
    "BertForMaskedLM": "cls.predictions.decoder",
    "RobertaForMaskedLM": "lm_head.decoder",
    "XLMRobertaForMaskedLM": "lm_head.decoder",
    "DistilBertForMaskedLM": "vocab_projector",
    "DebertaV2ForMaskedLM": "cls.predictions.decoder",
    "ModernBertForMaskedLM": "decoder",
    "ElectraForMaskedLM": "generator_lm_head",
    "MPNetForMaskedLM": "lm_head.decoder",
}

NER_LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]
SENTIMENT3 = ["negative", "neutral", "positive"]
SENTIMENT2 = ["NEGATIVE", "POSITIVE"]
TOPICS = ["sports", "politics", "science", "arts"]

FAMILIES = ("bert-uncased", "roberta", "xlm-roberta", "distilbert", "deberta-v2", "modernbert", "electra", "mpnet")
AUTO = {
    "text-classification": AutoModelForSequenceClassification,
    "token-classification": AutoModelForTokenClassification,
    "fill-mask": AutoModelForMaskedLM,
    "rerank": AutoModelForSequenceClassification,
    "sparse": AutoModelForMaskedLM,
}
ARCH = {  # family -> (sequence classification, token classification, masked LM) class names
    "bert-uncased": ("BertForSequenceClassification", "BertForTokenClassification", "BertForMaskedLM"),
    "roberta": ("RobertaForSequenceClassification", "RobertaForTokenClassification", "RobertaForMaskedLM"),
    "xlm-roberta": ("XLMRobertaForSequenceClassification", "XLMRobertaForTokenClassification",
                    "XLMRobertaForMaskedLM"),
    "distilbert": ("DistilBertForSequenceClassification", "DistilBertForTokenClassification",
                   "DistilBertForMaskedLM"),
    "deberta-v2": ("DebertaV2ForSequenceClassification", "DebertaV2ForTokenClassification", "DebertaV2ForMaskedLM"),
    "modernbert": ("ModernBertForSequenceClassification", "ModernBertForTokenClassification",
                   "ModernBertForMaskedLM"),
    "electra": ("ElectraForSequenceClassification", "ElectraForTokenClassification", "ElectraForMaskedLM"),
    "mpnet": ("MPNetForSequenceClassification", "MPNetForTokenClassification", "MPNetForMaskedLM"),
}
TASK_ARCH = {"text-classification": 0, "rerank": 0, "token-classification": 1, "fill-mask": 2, "sparse": 2}


def head_specs():
    """name -> spec: family, task, labels (None: transformers' default LABEL_i), problem_type, config extras,
    st (the sentence-transformers module set for rerank / sparse)."""
    specs = {}
    for family in FAMILIES:
        labels = SENTIMENT2 if family == "distilbert" else SENTIMENT3
        specs[f"{family}-seqcls"] = dict(family=family, task="text-classification", labels=labels,
                                         problem_type="single_label_classification")
        specs[f"{family}-tokcls"] = dict(family=family, task="token-classification", labels=NER_LABELS)
        if family == "xlm-roberta":
            # XLMRobertaTokenizer rebuilds the pipeline with a WhitespaceSplit before the Metaspace, so every
            # offset after a space leaves the space out, unlike tokenizer.json's: the pipeline gets tokenizer.json
            # as it is (PreTrainedTokenizerFast, i.e. TokenizersBackend)
            specs[f"{family}-tokcls"]["tokenizer"] = "tokenizer.json"
        specs[f"{family}-mlm"] = dict(family=family, task="fill-mask")
    specs["bert-uncased-multilabel"] = dict(family="bert-uncased", task="text-classification", labels=TOPICS,
                                            problem_type="multi_label_classification")
    specs["roberta-regression"] = dict(family="roberta", task="text-classification", labels=None, num_labels=1,
                                       problem_type="regression")
    specs["modernbert-seqcls-mean"] = dict(family="modernbert", task="text-classification", labels=SENTIMENT3,
                                           problem_type="single_label_classification",
                                           extra={"classifier_pooling": "mean"})
    specs["bert-uncased-rerank"] = dict(family="bert-uncased", task="rerank", labels=None, num_labels=1)
    specs["xlm-roberta-rerank"] = dict(family="xlm-roberta", task="rerank", labels=None, num_labels=1)
    # the first as the Hub's SPLADE models have it (MLMTransformer, deprecated in 5.4), the second as
    # sentence-transformers 6 recommends (Transformer with transformer_task fill-mask)
    # vocab_bias_mean: the MLM vocab bias of the SPLADE heads is N(mean, 0.2), so that most logits are < 0 and the
    # output is sparse (a few to a few hundred non-zeros, longer texts more)
    specs["bert-uncased-splade"] = dict(family="bert-uncased", task="sparse", st="MLMTransformer",
                                        vocab_bias_mean=-2.2)
    specs["distilbert-splade"] = dict(family="distilbert", task="sparse", st="Transformer", vocab_bias_mean=-2.6)
    return dict(sorted(specs.items()))


HEADS = head_specs()


def spread(n, k):
    return [(j * n) // k for j in range(k)]


def f32(x):
    """A float32 value as the Python float it is exactly."""
    return float(np.float32(x))


def jsonable(obj):
    """numpy scalars (the pipelines' scores, indices) as Python numbers."""
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, float):
        return obj
    if isinstance(obj, (bool, int, str)) or obj is None:
        return obj
    raise SystemExit(f"unexpected value {obj!r} of type {type(obj).__name__} in a pipeline output")


# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------


def base_dir(family):
    d = refcommon.FIXTURES_DIR / "tokenizers" / family
    for name in ("config.json", BASE_WEIGHTS) + TOKENIZER_FILES:
        if not (d / name).is_file():
            raise SystemExit(f"{d / name}: missing (run the tokenizers and models steps first)")
    return d


def head_config(name, spec):
    config = AutoConfig.from_pretrained(str(base_dir(spec["family"])))
    if spec.get("labels") is not None:
        config.id2label = dict(enumerate(spec["labels"]))
        config.label2id = {label: i for i, label in enumerate(spec["labels"])}
    elif spec.get("num_labels") is not None:
        config.num_labels = spec["num_labels"]
    if spec.get("problem_type") is not None:
        config.problem_type = spec["problem_type"]
    for k, v in spec.get("extra", {}).items():
        setattr(config, k, v)
    config._attn_implementation = "eager"
    return config


def head_class(spec, config):
    cls = AUTO[spec["task"]]._model_mapping[type(config)]
    want = ARCH[spec["family"]][TASK_ARCH[spec["task"]]]
    if cls.__name__ != want:
        raise SystemExit(f"{spec['family']} {spec['task']}: transformers maps to {cls.__name__}, want {want}")
    return cls


def is_norm(module):
    return isinstance(module, nn.LayerNorm)


def randomise_head(name, model, prefix, seed, vocab_bias_mean):
    """Every parameter outside the base model: drawn from a generator seeded seed + 1, in named_parameters order
    (tied parameters once, base-tied ones not at all)."""
    g = torch.Generator().manual_seed(seed + 1)
    done = []
    # a parameter tied to a base one (the MLM decoder) is the base's; named_parameters names a tied parameter
    # once, by the module registered first (XLMRobertaForMaskedLM registers lm_head before roberta)
    base_params = {p.data_ptr() for p in getattr(model, prefix).parameters()}
    with torch.no_grad():
        for pname, p in model.named_parameters():
            if pname.startswith(prefix + ".") or p.data_ptr() in base_params:
                continue
            owner = model.get_submodule(pname.rsplit(".", 1)[0]) if "." in pname else model
            leaf = pname.rsplit(".", 1)[-1]
            if is_norm(owner):
                mean = 1.0 if leaf == "weight" else 0.0
                p.copy_(mean + NORM_STD * torch.randn(p.shape, generator=g))
            elif "norm" in type(owner).__name__.lower():
                raise SystemExit(f"{name}: {type(owner).__name__} at {pname} is not an nn.LayerNorm")
            elif leaf == "bias":
                mean = vocab_bias_mean if p.shape[0] == model.config.vocab_size else 0.0
                p.copy_(mean + HEAD_BIAS_STD * torch.randn(p.shape, generator=g))
            elif leaf == "weight" and isinstance(owner, nn.Linear):
                p.copy_(HEAD_WEIGHT_STD * torch.randn(p.shape, generator=g))
            else:
                raise SystemExit(f"{name}: head parameter {pname} ({type(owner).__name__}) not randomised")
            done.append(pname)
    return done


def output_linear(model):
    cls = type(model).__name__
    path = OUTPUT_LINEAR.get(cls, "classifier")
    if cls not in OUTPUT_LINEAR and not cls.endswith("ForTokenClassification"):
        raise SystemExit(f"{cls}: which Linear gives the logits?")
    linear = model.get_submodule(path)
    if not isinstance(linear, nn.Linear) or linear.bias is None:
        raise SystemExit(f"{cls}.{path}: not a Linear with a bias")
    return linear


def centre_output_bias(name, spec, model):
    """bias += -W mu (+ O_BIAS on the O label), mu the mean input of the output Linear over CALIBRATION."""
    tok = AutoTokenizer.from_pretrained(str(base_dir(spec["family"])))
    linear = output_linear(model)
    inputs = []
    handle = linear.register_forward_hook(lambda m, args, out: inputs.append(args[0][0].detach().clone()))
    with torch.no_grad():
        for i in CALIBRATION:
            enc = tok(CORPUS[i], truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
            model(**enc)
        handle.remove()
        rows = torch.cat([x.reshape(-1, x.shape[-1]) for x in inputs]).double()
        if len(inputs) != len(CALIBRATION) or (spec["task"] in ("text-classification", "rerank") and
                                               rows.shape[0] != len(CALIBRATION)):
            raise SystemExit(f"{name}: calibration saw {len(inputs)} calls, {rows.shape[0]} rows")
        mu = rows.mean(dim=0)
        shift = -(linear.weight.double() @ mu)
        if spec["task"] == "token-classification":
            shift[model.config.label2id["O"]] += O_BIAS
        linear.bias.add_(shift.to(torch.float32))


def build_model(name, spec):
    config = head_config(name, spec)
    cls = head_class(spec, config)
    torch.manual_seed(SEEDS[name])
    model = cls(config)
    prefix = model.base_model_prefix
    base = load_file(str(base_dir(spec["family"]) / BASE_WEIGHTS))
    missing, unexpected = getattr(model, prefix).load_state_dict(base, strict=False)
    randomise_head(name, model, prefix, SEEDS[name], spec.get("vocab_bias_mean", 0.0))
    model = model.to(torch.float32).eval()
    centre_output_bias(name, spec, model)
    # the tied parameters are the same tensors still
    for target, source in model.all_tied_weights_keys.items():
        if model.get_parameter(target).data_ptr() != model.get_parameter(source).data_ptr():
            raise SystemExit(f"{name}: {target} is not tied to {source}")
    return model, prefix, base, list(missing), sorted(unexpected)


def split_weights(name, model, prefix, base, saved_dir):
    """(head tensors, tied mapping) from what save_pretrained wrote."""
    files = sorted(p.name for p in saved_dir.glob("*.safetensors"))
    if files != ["model.safetensors"]:
        raise SystemExit(f"{name}: save_pretrained wrote {files}")
    with safe_open(str(saved_dir / "model.safetensors"), "pt") as f:
        if f.metadata() != {"format": "pt"}:
            raise SystemExit(f"{name}: metadata {f.metadata()}")
        saved = {k: f.get_tensor(k) for k in f.keys()}
    head = {}
    for k, v in saved.items():
        short = k[len(prefix) + 1:] if k.startswith(prefix + ".") else None
        if short is not None and short in base:
            if not torch.equal(v, base[short]):
                raise SystemExit(f"{name}: saved {k} is not the base's {short}")
        else:
            if v.dtype != torch.float32:
                raise SystemExit(f"{name}: {k} is {v.dtype}")
            head[k] = v.contiguous()
    state = model.state_dict()
    left_out = sorted(set(state) - set(saved))
    tied = {}
    for k in left_out:
        source = model.all_tied_weights_keys.get(k)
        if source is None or source not in saved or not torch.equal(state[k], saved[source]):
            raise SystemExit(f"{name}: save_pretrained left out {k}, which is not tied to a saved tensor")
        tied[k] = source
    extra = set(saved) - set(state)
    if extra:
        raise SystemExit(f"{name}: saved tensors not in the state dict: {sorted(extra)}")
    return head, tied


def check_no_paths(name, folder):
    for p in folder.rglob("*"):
        if p.is_file() and p.suffix in (".json", ".txt"):
            text = p.read_text(encoding="utf-8")
            if str(refcommon.REPO) in text or "/tmp" in text or "name_or_path" in text:
                raise SystemExit(f"{name}: {p.name} records a local path")


def assemble(spec, folder, into):
    """What the Java test does: the folder's config.json and sentence-transformers files, the base's tokenizer
    files (the folder's tokenizer_config.json, where it has one, instead), the base weights and head.safetensors
    as two shards with an index."""
    into.mkdir(parents=True)
    base = base_dir(spec["family"])
    for name in TOKENIZER_FILES:
        shutil.copyfile(base / name, into / name)
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and rel not in LOCAL_FILES:
            (into / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, into / rel)
    shutil.copyfile(base / BASE_WEIGHTS, into / SHARDS[0])
    shutil.copyfile(folder / "head.safetensors", into / SHARDS[1])
    weight_map = {}
    for shard in SHARDS:
        with safe_open(str(into / shard), "pt") as f:
            for k in f.keys():
                weight_map[k] = shard
    index = {"metadata": {}, "weight_map": dict(sorted(weight_map.items()))}
    (into / "model.safetensors.index.json").write_text(json.dumps(index, indent=2), encoding="utf-8")
    return into


def load_assembled(name, spec, directory, model):
    """from_pretrained of the assembled directory; it must be the in-memory model, weight for weight."""
    loaded = AUTO[spec["task"]].from_pretrained(str(directory), **MODEL_KWARGS).eval()
    if type(loaded) is not type(model) or loaded.dtype != torch.float32:
        raise SystemExit(f"{name}: loaded as {type(loaded).__name__} {loaded.dtype}")
    mine, theirs = model.state_dict(), loaded.state_dict()
    if mine.keys() != theirs.keys() or any(not torch.equal(mine[k], theirs[k]) for k in mine):
        raise SystemExit(f"{name}: the assembled directory's weights differ from the built model's")
    return loaded


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------


class Texts:
    """Which texts fit (<= MAX_TOKENS untruncated) and tokenize the same with AutoTokenizer as with
    tokenizer.json (transformers 5 rebuilds the DeBERTa-v2 / XLM-R normalizers; those texts are left out)."""

    def __init__(self, tok, backend):
        self.tok, self.backend = tok, backend
        self.backend.no_padding()
        self.backend.no_truncation()
        self.left_out = set()
        self.unclear = 0  # texts passed over for a near tie (see MIN_GAP)
        self.cache = {}

    def encode(self, text, pair=None, offsets=False):
        """The tokenizer.json encoding, or None if it does not fit or AutoTokenizer disagrees (ids, type ids, and
        with offsets=True the offsets too)."""
        key = (text, pair, offsets)
        if key not in self.cache:
            self.cache[key] = self._encode(text, pair, offsets)
        return self.cache[key]

    def _encode(self, text, pair, with_offsets):
        ref = self.backend.encode(text, pair=pair)
        if len(ref.ids) > MAX_TOKENS:
            return None
        enc = self.tok(text, pair, return_token_type_ids=True, return_offsets_mapping=True)
        offsets = [tuple(o) for o in enc["offset_mapping"]]
        if enc["input_ids"] != ref.ids or enc["token_type_ids"] != ref.type_ids or (
                with_offsets and offsets != list(ref.offsets)):
            self.left_out.add((text, pair))
            return None
        return ref

    def corpus(self, k, ok=lambda enc, text: True, offset=0, offsets=False, clear=None):
        """k corpus texts spread over the (token count, index) order of those that fit and pass ok; where clear
        is given, a text it refuses is replaced by the next one in that order."""
        fits = []
        for i, text in enumerate(CORPUS):
            enc = self.encode(text, offsets=offsets)
            if enc is not None and len(enc.ids) >= 3 and ok(enc, text):
                fits.append((len(enc.ids), i))
        fits.sort()
        if len(fits) < k:
            raise SystemExit(f"only {len(fits)} corpus texts fit")
        return sorted(self._pick([i for _, i in fits], k, offset, clear))

    def adversarial(self, k, ok=lambda enc, text: True, offsets=False, clear=None):
        """k adversarial texts spread over those that fit and pass ok (k None: all of them, in order)."""
        fits = [N_CORPUS + j for j, t in enumerate(ADVERSARIAL_TEXTS)
                if (e := self.encode(t, offsets=offsets)) is not None and ok(e, t)]
        if k is None:
            return fits
        if len(fits) < k:
            raise SystemExit(f"only {len(fits)} adversarial texts fit")
        return self._pick(fits, k, 0, clear)

    def _pick(self, order, k, offset, clear):
        picked = []
        for p in spread(len(order), k):
            p = min(len(order) - 1, p + offset)
            while clear is not None and (order[p] in picked or not clear(order[p])):
                self.unclear += 1
                p += 1
                if p == len(order):
                    raise SystemExit("ran out of texts whose decisions are clear")
            picked.append(order[p])
        return picked

    def pairs(self, k):
        fits = []
        for i in range(0, N_CORPUS - 1):
            if (i // 2) % 7 != 0:  # a sample, to keep this quick
                continue
            enc = self.encode(CORPUS[i], CORPUS[i + 1])
            if enc is not None:
                fits.append((len(enc.ids), i))
        fits.sort()
        return [(fits[p][1], fits[p][1] + 1) for p in spread(len(fits), k)]


def multi_token_words(enc, _text):
    """At least two words (pre-tokenizer pieces) that take more than one token."""
    counts = {}
    for w in enc.word_ids:
        if w is not None:
            counts[w] = counts.get(w, 0) + 1
    return sum(1 for c in counts.values() if c > 1) >= 2


WORD = re.compile(r"\S+")


def mask_words(text):
    """Spans of the whitespace-separated words that are letters only, 3 or more of them."""
    return [m.span() for m in WORD.finditer(text) if m.group().isalpha() and len(m.group()) >= 3]


def with_masks(text, spans, mask):
    out, last = [], 0
    for s, e in spans:
        out.append(text[last:s])
        out.append(mask)
        last = e
    out.append(text[last:])
    return "".join(out)


def masked_text(texts, text, masks):
    """text with masks words replaced by the mask token (the middle word; for two, at 1/3 and 2/3), or None."""
    words = mask_words(text)
    if len(words) < masks:
        return None
    picks = [words[len(words) // 2]] if masks == 1 else [words[len(words) // 3], words[(2 * len(words)) // 3]]
    if len(set(picks)) != masks:
        return None
    out = with_masks(text, picks, texts.tok.mask_token)
    enc = texts.encode(out)
    if enc is None or enc.ids.count(texts.tok.mask_token_id) != masks:
        return None
    return out


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------


class Capture:
    """The model inputs and logits of every forward call (a batch of one, no padding). sentence-transformers
    calls model.forward itself (its modality config names the method), which module hooks do not see, so the
    instance's forward is wrapped (functools.wraps: inspect.signature, which the pipelines read, is unchanged)."""

    def __init__(self, model):
        self.calls = []
        forward = model.forward

        @functools.wraps(forward)
        def wrapped(*args, **kwargs):
            self._pre(args, kwargs)
            output = forward(*args, **kwargs)
            self.calls[-1]["logits"] = output.logits[0].detach().clone()
            return output

        model.forward = wrapped

    def _pre(self, args, kwargs):
        if args:
            raise SystemExit("the model was called with positional arguments")
        ids = kwargs["input_ids"]
        mask = kwargs.get("attention_mask")
        if ids.shape[0] != 1 or (mask is not None and not bool(mask.all())):
            raise SystemExit(f"expected a batch of one without padding, got {tuple(ids.shape)}")
        types = kwargs.get("token_type_ids")
        self.calls.append({"ids": ids[0].tolist(), "type_ids": None if types is None else types[0].tolist()})

    def one(self):
        """The single call since the last one taken."""
        if len(self.calls) != 1:
            raise SystemExit(f"expected one forward call, got {len(self.calls)}")
        return self.calls.pop()


def check_ids(name, call, ref):
    if call["ids"] != ref.ids:
        raise SystemExit(f"{name}: the pipeline's ids differ from tokenizer.json's")
    if call["type_ids"] is not None and call["type_ids"] != ref.type_ids:
        raise SystemExit(f"{name}: the pipeline's type ids differ from tokenizer.json's")


def seqcls_records(name, model, tok, texts):
    clf = pipeline("text-classification", model=model, tokenizer=tok)
    cap = Capture(model)
    cases = [(i, None) for i in texts.corpus(N_TEXTS) + texts.adversarial(N_ADVERSARIAL)] + texts.pairs(N_PAIRS)
    records = []
    for a, b in cases:
        text, pair = TEXTS[a], None if b is None else TEXTS[b]
        labels = clf(text if pair is None else {"text": text, "text_pair": pair}, top_k=None)
        call = cap.one()
        check_ids(name, call, texts.backend.encode(text, pair=pair))
        logits = call["logits"]
        # the scores are the pipeline's function of these logits
        fn = clf.postprocess({"logits": logits[None]}, top_k=None, _legacy=False)
        if fn != labels:
            raise SystemExit(f"{name}: the pipeline's scores are not those of the captured logits")
        records.append({"text": text, "text_pair": pair, "ids": call["ids"], "type_ids": call["type_ids"],
                        "logits": [f32(v) for v in logits.tolist()], "labels": jsonable(labels)})
    return records, {}


def subword_quirk(tok, text):
    """Whether the token classification pipeline's is_subword test (gather_pre_entities) disagrees with the
    tokenizer's own word boundaries (word_ids) for a token of text after the first."""
    enc = tok(text, return_offsets_mapping=True, return_special_tokens_mask=True)
    prefix = getattr(tok.backend_tokenizer.model, "continuing_subword_prefix", None)
    previous = None
    for k, (i, (s, e), special) in enumerate(zip(enc["input_ids"], enc["offset_mapping"],
                                                 enc["special_tokens_mask"])):
        if special:
            continue
        if prefix:
            is_subword = len(tok.convert_ids_to_tokens(i)) != len(text[s:e])
        else:
            is_subword = s > 0 and " " not in text[s - 1:s + 1]
        if i == tok.unk_token_id:
            is_subword = False
        word = enc.word_ids()[k]
        if previous is not None and is_subword != (word == previous):
            return True
        previous = word
    return False


def tokcls_records(name, model, tok, texts):
    def clear(i):
        logits = logits_of(model, tok, TEXTS[i])
        return all(top_gap(row, 2) >= MIN_GAP for row in logits)

    cases = texts.corpus(N_TEXTS, ok=multi_token_words, offsets=True, clear=clear) + \
        texts.adversarial(N_ADVERSARIAL - 1, offsets=True, clear=clear)
    # and one adversarial text where the pipeline's word test and the tokenizer's words disagree: with a "##"
    # vocabulary a token is a subword when len(token) != len(text[start:end]), which a normalizer that changes the
    # length (a zero-width joiner removed) makes true for a word's first token; without, a token is a subword when
    # no space is at text[start - 1:start + 1], so the second byte-level piece of an accented letter after a space
    # starts a new word, and a word after a newline continues the previous one
    quirky = [i for i in texts.adversarial(None, offsets=True)
              if i not in cases and subword_quirk(tok, TEXTS[i]) and clear(i)]
    if not quirky:
        raise SystemExit(f"{name}: no adversarial text shows the subword quirk")
    cases.append(quirky[0])
    ner = pipeline("token-classification", model=model, tokenizer=tok)
    cap = Capture(model)
    records, differ = [], 0
    for a in cases:
        text = TEXTS[a]
        entities, logits = {}, None
        for strategy in ("none", "simple", "first", "average", "max"):
            entities[strategy] = jsonable(ner(text, aggregation_strategy=strategy))
            call = cap.one()
            if logits is None:
                logits, ids = call["logits"], call["ids"]
            elif not torch.equal(logits, call["logits"]) or ids != call["ids"]:
                raise SystemExit(f"{name}: the model gave other logits for the same input")
        ref = texts.backend.encode(text)
        check_ids(name, call, ref)
        theirs = tok(text, return_offsets_mapping=True)["offset_mapping"]
        if [list(o) for o in ref.offsets] != [list(o) for o in theirs]:
            raise SystemExit(f"{name}: offsets differ from tokenizer.json's")
        differ += 1 if any(entities[s] != entities["simple"] for s in ("first", "average", "max")) else 0
        records.append({"text": text, "ids": ids, "offsets": [list(o) for o in ref.offsets],
                        "logits": [[f32(v) for v in row] for row in logits.tolist()], "entities": entities})
    if differ < len(records) // 2:
        raise SystemExit(f"{name}: first / average / max differ from simple in only {differ} records")
    return records, {"word_aggregation_differs": differ}


def top_logits(row):
    values = row.tolist()
    order = sorted(range(len(values)), key=lambda t: (-values[t], t))[:TOP_LOGITS]
    return [[t, f32(values[t])] for t in order]


def logits_of(model, tok, text):
    with torch.no_grad():
        return model(**tok(text, return_tensors="pt")).logits[0]


def top_gap(row, k):
    values = torch.topk(row.double(), k).values
    return float((values[:-1] - values[1:]).min())


def mlm_records(name, model, tok, texts):
    def one_mask(enc, text):
        return masked_text(texts, text, 1) is not None

    def two_masks(enc, text):  # texts with more than the two masked words in them
        return len(text.split()) >= 6 and len(mask_words(text)) >= 4 and masked_text(texts, text, 2) is not None

    def clear(masks):
        def check(i):
            text = masked_text(texts, TEXTS[i], masks)
            logits = logits_of(model, tok, text)
            ids = tok(text)["input_ids"]
            return all(top_gap(logits[p], TOP_K + 1) >= MIN_GAP for p, t in enumerate(ids) if t == tok.mask_token_id)
        return check

    singles = texts.corpus(N_TEXTS, ok=one_mask, clear=clear(1)) + \
        texts.adversarial(N_ADVERSARIAL, ok=one_mask, clear=clear(1))
    doubles = texts.corpus(N_TWO_MASKS, ok=two_masks, offset=7, clear=clear(2))
    fill = pipeline("fill-mask", model=model, tokenizer=tok)
    cap = Capture(model)
    cases = [(i, 1) for i in singles] + [(i, 2) for i in doubles]
    records = []
    for a, masks in cases:
        text = masked_text(texts, TEXTS[a], masks)
        predictions = jsonable(fill(text, top_k=TOP_K))
        call = cap.one()
        check_ids(name, call, texts.backend.encode(text))
        positions = [p for p, t in enumerate(call["ids"]) if t == tok.mask_token_id]
        if len(positions) != masks:
            raise SystemExit(f"{name}: {len(positions)} masks in {text!r}")
        tops = [top_logits(call["logits"][p]) for p in positions]
        rec = {"text": text, "ids": call["ids"], "mask_positions": positions,
               "mask_logits_top": tops[0] if masks == 1 else tops, "predictions": predictions}
        if masks == 2:
            rec["masks"] = 2
            if len(predictions) != 2 or any(len(p) != TOP_K for p in predictions):
                raise SystemExit(f"{name}: two-mask predictions {predictions}")
        elif len(predictions) != TOP_K:
            raise SystemExit(f"{name}: predictions {predictions}")
        records.append(rec)
    return records, {}


def rerank_records(name, model, tok, texts, ce):
    """model: the transformers model inside the CrossEncoder loaded from the assembled directory."""
    cap = Capture(model)
    queries = texts.corpus(N_QUERIES, ok=lambda enc, t: 5 <= len(enc.ids) <= 14 and len(t.split()) >= 3)
    passages = texts.corpus(N_PASSAGES, ok=lambda enc, t: 20 <= len(enc.ids) <= 80)
    records = []
    for q in queries:
        for p in passages:
            query, passage = TEXTS[q], TEXTS[p]
            ref = texts.encode(query, passage)
            if ref is None:
                raise SystemExit(f"{name}: ({q}, {p}) does not fit")
            score = ce.predict([(query, passage)], convert_to_numpy=True, show_progress_bar=False)
            call = cap.one()
            raw = ce.predict([(query, passage)], activation_fn=nn.Identity(), convert_to_numpy=True,
                             show_progress_bar=False)
            call2 = cap.one()
            check_ids(name, call, ref)
            logit = call["logits"]
            if logit.shape != (1,) or not torch.equal(logit, call2["logits"]) or f32(raw[0]) != f32(logit[0]):
                raise SystemExit(f"{name}: raw {raw} is not the logit {logit}")
            if f32(score[0]) != f32(torch.sigmoid(logit)[0]):
                raise SystemExit(f"{name}: score {score} is not sigmoid({logit})")
            records.append({"query": query, "passage": passage, "ids": call["ids"], "type_ids": call["type_ids"],
                            "logit": f32(logit[0]), "score": f32(score[0]), "raw": f32(raw[0])})
    return records, {}


def sparse_records(name, model, tok, texts, se):
    cap = Capture(model)
    cases = texts.corpus(N_TEXTS) + texts.adversarial(N_ADVERSARIAL)
    records, nnz = [], []
    for a in cases:
        text = TEXTS[a]
        emb = se.encode(text, show_progress_bar=False)
        call = cap.one()
        dense = se.encode(text, convert_to_sparse_tensor=False, show_progress_bar=False)
        cap.one()
        check_ids(name, call, texts.backend.encode(text))
        emb = emb.coalesce()
        indices = emb.indices()[0].tolist()
        values = emb.values().tolist()
        want = torch.nonzero(dense).flatten().tolist()
        if indices != want or indices != sorted(indices) or any(v == 0 for v in values) or \
                values != dense[want].tolist():
            raise SystemExit(f"{name}: the sparse output is not the non-zeros of the dense one")
        # by hand: max over positions of log1p(relu(logits))
        hand = torch.log1p(torch.relu(call["logits"])).max(dim=0).values
        if not torch.allclose(hand, dense, atol=1e-6, rtol=0):
            raise SystemExit(f"{name}: SPLADE by hand differs by {float((hand - dense).abs().max())}")
        nnz.append(len(indices))
        records.append({"text": text, "ids": call["ids"], "indices": indices, "values": [f32(v) for v in values]})
    return records, {"nnz_min": min(nnz), "nnz_max": max(nnz)}


# ---------------------------------------------------------------------------------------------
# sentence-transformers
# ---------------------------------------------------------------------------------------------

ST_KEEP = ("modules.json", "config_sentence_transformers.json", "sentence_bert_config.json")


def write_st(name, spec, full_dir, folder, work):
    """sentence-transformers 6.0.1's save() of a CrossEncoder / SparseEncoder on the saved head model; keep its
    files but the weights, the tokenizer.json and the README (tokenizer_config.json where it differs)."""
    if spec["task"] == "rerank":
        st_model = CrossEncoder(str(full_dir), device="cpu", model_kwargs=dict(MODEL_KWARGS))
    else:
        kind = MLMTransformer if spec["st"] == "MLMTransformer" else Transformer
        kwargs = {} if kind is MLMTransformer else {"transformer_task": "fill-mask"}
        module = kind(str(full_dir), model_kwargs=dict(MODEL_KWARGS), **kwargs)
        st_model = SparseEncoder(modules=[module, SpladePooling(pooling_strategy="max", activation_function="relu")],
                                 device="cpu")
    saved = work / "st-saved"
    st_model.save(str(saved), create_model_card=False)
    files = sorted(p.relative_to(saved).as_posix() for p in saved.rglob("*") if p.is_file())
    keep = [f for f in files if f in ST_KEEP or re.fullmatch(r"\d+_[A-Za-z]+/config\.json", f)]
    base = base_dir(spec["family"])
    if (saved / "tokenizer_config.json").read_bytes() != (base / "tokenizer_config.json").read_bytes():
        keep.append("tokenizer_config.json")
    # (its tokenizer.json is transformers' re-serialisation, e.g. DistilBERT's BertProcessing as a
    # TemplateProcessing; the directory gets the base's, as the other heads)
    if (saved / "config.json").read_bytes() != (folder / "config.json").read_bytes():
        raise SystemExit(f"{name}: sentence-transformers wrote another config.json")
    unknown = set(files) - set(keep) - {"config.json", "model.safetensors", "tokenizer.json",
                                        "tokenizer_config.json", "README.md"}
    if unknown:
        raise SystemExit(f"{name}: save() wrote files this script does not know: {sorted(unknown)}")
    for rel in keep:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(saved / rel, folder / rel)
    return st_model


def load_st(name, spec, directory, model):
    """The sentence-transformers model from the assembled directory; its transformers model must be the built
    one, weight for weight, and its module list the one saved."""
    if spec["task"] == "rerank":
        st_model = CrossEncoder(str(directory), device="cpu", model_kwargs=dict(MODEL_KWARGS))
        inner = st_model.model
        if type(st_model.activation_fn) is not nn.Sigmoid:
            raise SystemExit(f"{name}: activation {st_model.activation_fn}")
    else:
        st_model = SparseEncoder(str(directory), device="cpu", model_kwargs=dict(MODEL_KWARGS))
        kinds = [type(m).__name__ for m in st_model]
        if kinds != [spec["st"], "SpladePooling"]:
            raise SystemExit(f"{name}: loaded modules {kinds}")
        pooling = st_model[1]
        if pooling.pooling_strategy != "max" or pooling.activation_function != "relu":
            raise SystemExit(f"{name}: pooling {pooling.pooling_strategy} {pooling.activation_function}")
        inner = st_model[0].auto_model
    if type(inner) is not type(model) or inner.dtype != torch.float32 or \
            inner.config._attn_implementation != "eager":
        raise SystemExit(f"{name}: inner model {type(inner).__name__} {inner.dtype}")
    mine, theirs = model.state_dict(), inner.state_dict()
    if mine.keys() != theirs.keys() or any(not torch.equal(mine[k], theirs[k]) for k in mine):
        raise SystemExit(f"{name}: the assembled directory's weights differ from the built model's")
    if inner.training:
        raise SystemExit(f"{name}: not in eval mode")
    return st_model, inner


# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------


def build(name, spec):
    folder = OUT_ROOT / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    base = base_dir(spec["family"])
    model, prefix, base_sd, missing, unexpected = build_model(name, spec)
    with tempfile.TemporaryDirectory(prefix="gale-heads-") as tmp:
        work = Path(tmp)
        full = work / "full"
        model.save_pretrained(str(full), safe_serialization=True)
        for f in TOKENIZER_FILES:
            shutil.copyfile(base / f, full / f)
        head, tied = split_weights(name, model, prefix, base_sd, full)
        shutil.copyfile(full / "config.json", folder / "config.json")
        (folder / "base-from.txt").write_text(f"tokenizers/{spec['family']}", encoding="utf-8")
        (folder / "task.txt").write_text(spec["task"], encoding="utf-8")
        save_file(dict(sorted(head.items())), str(folder / "head.safetensors"), metadata={"format": "pt"})
        if tied:
            (folder / "tied.json").write_text(json.dumps(tied, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        if spec["task"] in ("rerank", "sparse"):
            write_st(name, spec, full, folder, work)
        check_no_paths(name, folder)
        directory = assemble(spec, folder, work / "assembled")
        if spec.get("tokenizer") == "tokenizer.json":
            tok = PreTrainedTokenizerFast.from_pretrained(str(directory))
        else:
            tok = AutoTokenizer.from_pretrained(str(directory))
        texts = Texts(tok, Tokenizer.from_file(str(directory / "tokenizer.json")))
        with torch.no_grad():
            if spec["task"] == "rerank":
                ce, inner = load_st(name, spec, directory, model)
                records, notes = rerank_records(name, inner, tok, texts, ce)
            elif spec["task"] == "sparse":
                se, inner = load_st(name, spec, directory, model)
                records, notes = sparse_records(name, inner, tok, texts, se)
            else:
                loaded = load_assembled(name, spec, directory, model)
                make = {"text-classification": seqcls_records, "token-classification": tokcls_records,
                        "fill-mask": mlm_records}[spec["task"]]
                records, notes = make(name, loaded, tok, texts)
    size = refcommon.write_jsonl_gz(folder / EXPECTED, records)
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    total = sum((folder / f).stat().st_size for f in files)
    shapes = " ".join(f"{k}{list(v.shape)}" for k, v in sorted(head.items()))
    print(f"{name:26s} {type(model).__name__} task={spec['task']} records={len(records)} "
          f"left_out_texts={len(texts.left_out)} near_ties_passed_over={texts.unclear} "
          f"missing_from_base={missing} base_unused={unexpected} "
          f"tied={tied} notes={notes} expected={size} B folder={total} B | head: {shapes}", flush=True)
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="heads to build (default: all)")
    args = ap.parse_args()
    unknown = [n for n in args.names if n not in HEADS]
    if unknown:
        raise SystemExit(f"unknown head(s) {unknown}; known: {list(HEADS)}")
    if set(SEEDS) != set(HEADS):
        raise SystemExit(f"refcommon.SEEDS and the heads differ: {sorted(set(SEEDS) ^ set(HEADS))}")
    if sentence_transformers.__version__ != "6.0.1" or transformers.__version__ != "5.18.0":
        raise SystemExit(f"sentence-transformers {sentence_transformers.__version__}, transformers "
                         f"{transformers.__version__}; want 6.0.1, 5.18.0")
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    if not args.names and OUT_ROOT.is_dir():
        shutil.rmtree(OUT_ROOT)
    total = sum(build(name, HEADS[name]) for name in (args.names or HEADS))
    print(f"heads: {len(args.names or HEADS)} heads, {total} bytes", flush=True)


if __name__ == "__main__":
    main()
