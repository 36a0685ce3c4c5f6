#!/usr/bin/env python3
"""Held-out task-head checkpoints for ExternalHeadsTest: new random-weight models (other sizes, labels, problem
types and head options than heads_fixtures.py's, and the gte / nomic_bert families), each a whole Hugging Face
directory as save_pretrained (or sentence-transformers' save) writes it, with what the real pipelines output for
held-out texts, in heads_fixtures.py's record format.

  crosscheck_heads.py --out DIR [--texts FILE] [--seed N] [--only NAME ...]

Per checkpoint, DIR/<name>/ holds:
  config.json, model.safetensors   save_pretrained(safe_serialization=True), float32, prefixed names
                                   (bert.encoder..., roberta., distilbert., model. for ModernBERT, deberta.,
                                   electra., mpnet., gte., nomic_bert.); tied decoders left out as it leaves them
  tokenizer.json, tokenizer_config.json
                                   the family fixture's (encoder/src/test/resources/reference/tokenizers/<family>/);
                                   model_max_length set to the model's max length where the checkpoint takes
                                   long texts (truncated); for CrossEncoder / SparseEncoder directories what their
                                   save() writes (transformers' re-serialisation, README.md included)
  modules.json, ...                CrossEncoder(...).save / SparseEncoder(...).save files, for rerank / sparse
  task.txt                         text-classification / token-classification / fill-mask / rerank / sparse
  expected.jsonl.gz                heads_fixtures.py's records (reference/README.md, "Task heads")
  spec.json                        this script's spec for the checkpoint (for the report; Gale ignores it)
DIR/texts.jsonl: the held-out texts used (give it back with --texts to rerun on the same ones elsewhere).

Texts (default): lines taken deterministically from /usr/share/common-licenses/* and /usr/share/doc/*/copyright
(sorted paths; 15 to 400 characters; not in the corpus; a seeded sample with non-ASCII and digit lines in it),
paragraphs of /usr/share/common-licenses (joined lines; too long for every model, so they are the truncated
inputs), and sentences written here with names of people and places. --texts FILE: JSON lines with a "text"
field, or plain text one per line (the hand-written sentences are added). Inputs that do not fit a model are
used only by the checkpoints that truncate (seq classification with a long text), else skipped.

Then: GALE_REFERENCE_HEADS=DIR ./build -q -pl encoder test -Dtest=ExternalHeadsTest
-Dsurefire.failIfNoSpecifiedTests=false
"""

import os
import sys

_ENV = {"PYTHONHASHSEED": "0", "RAYON_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false",
        "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
if any(os.environ.get(k) != v for k, v in _ENV.items()):  # the same run gives the same bytes
    os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, **_ENV))

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import refcommon  # noqa: E402
import heads_fixtures as hf  # noqa: E402  (helpers only: f32, jsonable, Capture, top_gap, top_logits, ...)

import torch  # noqa: E402
from torch import nn  # noqa: E402
from safetensors import safe_open  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402
from transformers import (  # noqa: E402
    AutoConfig,
    AutoModelForMaskedLM,
    AutoModelForSequenceClassification,
    AutoModelForTokenClassification,
    AutoTokenizer,
    BertConfig,
    CamembertConfig,
    DebertaV2Config,
    DistilBertConfig,
    ElectraConfig,
    GteConfig,
    ModernBertConfig,
    MPNetConfig,
    NomicBertConfig,
    PreTrainedTokenizerFast,
    RobertaConfig,
    XLMRobertaConfig,
    pipeline,
)
from transformers.utils import logging as hf_logging  # noqa: E402
from sentence_transformers import CrossEncoder, SparseEncoder  # noqa: E402
from sentence_transformers.base.modules import Transformer  # noqa: E402
from sentence_transformers.sparse_encoder.modules import MLMTransformer, SpladePooling  # noqa: E402

hf_logging.disable_progress_bar()
MODEL_KWARGS = {"dtype": torch.float32, "attn_implementation": "eager"}
TOKENIZERS = refcommon.FIXTURES_DIR / "tokenizers"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")
AUTO = {"text-classification": AutoModelForSequenceClassification,
        "token-classification": AutoModelForTokenClassification,
        "fill-mask": AutoModelForMaskedLM, "rerank": AutoModelForSequenceClassification,
        "sparse": AutoModelForMaskedLM}
TOP_K = hf.TOP_K
MIN_GAP = hf.MIN_GAP
O_BIAS = hf.O_BIAS

# ---------------------------------------------------------------------------------------------
# Checkpoints
# ---------------------------------------------------------------------------------------------

# base shapes none of the fixtures has (they: hidden 24 / 4 heads / 2 layers / 64; 20 / 5 / 3 / 36; 12 / 3 / 2 / 20)
S1 = dict(hidden=40, heads=5, layers=3, intermediate=56)
S2 = dict(hidden=32, heads=8, layers=2, intermediate=48)
S3 = dict(hidden=36, heads=3, layers=1, intermediate=72)
POSITIONS = 96  # tokens (roberta-style families get 2 more position rows); every untruncated input fits
LONG_POSITIONS = 64  # the checkpoints that take long texts: model_max_length = max length = 64

NER_PLAIN = ["O", "PER", "LOC"]
NER_PLAIN5 = ["O", "PER", "ORG", "LOC", "MISC"]
NER_BIO9 = ["O", "B-MISC", "I-MISC", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]  # dslim/bert-base-NER
EMOTIONS5 = ["anger", "joy", "fear", "surprise", "sadness"]
TOPICS5 = ["law", "software", "people", "dates", "other"]
TOPICS4 = ["toxic", "obscene", "threat", "insult"]
SENT2 = ["negative", "positive"]
SENT3 = ["LABEL_NEG", "LABEL_NEU", "LABEL_POS"]
SINGLE, MULTI, REGRESSION = "single_label_classification", "multi_label_classification", "regression"


def specs():
    s = [
        # name, family, task, shape, options
        ("bert-cased-seqcls5-long", "bert-cased", "text-classification", S1,
         dict(labels=EMOTIONS5, problem_type=SINGLE, long=True)),
        ("bert-uncased-tokcls-plain3", "bert-uncased", "token-classification", S2, dict(labels=NER_PLAIN)),
        ("bert-cased-tokcls-bio9", "bert-cased", "token-classification", S1, dict(labels=NER_BIO9)),
        ("bert-cased-mlm-untied", "bert-cased", "fill-mask", S3, dict(config={"tie_word_embeddings": False})),
        ("bert-uncased-regression", "bert-uncased", "text-classification", S3,
         dict(num_labels=1, problem_type=REGRESSION)),
        ("bert-uncased-splade-sum", "bert-uncased", "sparse", S2,
         dict(st=("MLMTransformer", "sum", "relu"), splade_nnz=60)),
        ("roberta-multilabel5-long", "roberta", "text-classification", S1,
         dict(labels=TOPICS5, problem_type=MULTI, long=True)),
        ("roberta-tokcls-bio9", "roberta", "token-classification", S2, dict(labels=NER_BIO9)),
        ("roberta-splade-max", "roberta", "sparse", S1,
         dict(st=("Transformer", "max", "relu"), splade_nnz=60)),
        ("roberta-rerank", "roberta", "rerank", S2, dict(num_labels=1)),
        ("xlm-roberta-seqcls2", "xlm-roberta", "text-classification", S2, dict(labels=SENT2, problem_type=SINGLE)),
        ("xlm-roberta-mlm", "xlm-roberta", "fill-mask", S1, {}),
        ("xlm-roberta-tokcls-plain5", "xlm-roberta", "token-classification", S3,
         dict(labels=NER_PLAIN5, tokenizer="tokenizer.json")),
        ("camembert-seqcls3", "xlm-roberta", "text-classification", S3,
         dict(labels=SENT3, problem_type=SINGLE, model_type="camembert")),
        ("distilbert-tokcls-plain5", "distilbert", "token-classification", S1, dict(labels=NER_PLAIN5)),
        ("distilbert-regression", "distilbert", "text-classification", S2,
         dict(num_labels=1, problem_type=REGRESSION)),
        ("distilbert-mlm-sinusoidal", "distilbert", "fill-mask", S1, dict(config={"sinusoidal_pos_embds": True})),
        ("deberta-v2-mlm-legacy", "deberta-v2", "fill-mask", S1, dict(config={"legacy": True})),
        ("deberta-v2-mlm", "deberta-v2", "fill-mask", S2,
         dict(config={"legacy": False, "share_att_key": False, "pos_att_type": ["c2p"], "position_buckets": 32})),
        ("deberta-v2-multilabel4", "deberta-v2", "text-classification", S1,
         dict(labels=TOPICS4, problem_type=MULTI, config={"pooler_hidden_act": "tanh"})),
        ("deberta-v2-tokcls-bio9", "deberta-v2", "token-classification", S3, dict(labels=NER_BIO9)),
        ("deberta-v2-rerank", "deberta-v2", "rerank", S1, dict(num_labels=1)),
        ("modernbert-seqcls5-cls", "modernbert", "text-classification", S1,
         dict(labels=EMOTIONS5, problem_type=SINGLE, config={"classifier_pooling": "cls"})),
        ("modernbert-seqcls2-mean", "modernbert", "text-classification", S2,
         dict(labels=SENT2, problem_type=SINGLE,
              config={"classifier_pooling": "mean", "num_hidden_layers": 4, "global_attn_every_n_layers": 2,
                      "local_attention": 8})),
        ("modernbert-tokcls-plain3", "modernbert", "token-classification", S1, dict(labels=NER_PLAIN)),
        ("modernbert-mlm", "modernbert", "fill-mask", S2, {}),
        ("modernbert-splade-sum", "modernbert", "sparse", S1,
         dict(st=("Transformer", "sum", "relu"), splade_nnz=60)),
        ("electra-seqcls3-emb24", "electra", "text-classification", S1,
         dict(labels=SENT3, problem_type=SINGLE, config={"embedding_size": 24})),
        ("electra-tokcls-bio9-emb48", "electra", "token-classification", S1,
         dict(labels=NER_BIO9, config={"embedding_size": 48})),
        ("electra-mlm-emb24", "electra", "fill-mask", S1, dict(config={"embedding_size": 24})),
        ("mpnet-seqcls2", "mpnet", "text-classification", S1, dict(labels=SENT2, problem_type=SINGLE)),
        ("mpnet-tokcls-bio9", "mpnet", "token-classification", S2, dict(labels=NER_BIO9)),
        ("mpnet-mlm", "mpnet", "fill-mask", S3, {}),
        ("gte-seqcls3", "gte", "text-classification", S1, dict(labels=SENT3, problem_type=SINGLE)),
        ("gte-tokcls-plain3", "gte", "token-classification", S2, dict(labels=NER_PLAIN)),
        ("gte-mlm", "gte", "fill-mask", S1, {}),
        ("gte-rerank", "gte", "rerank", S2, dict(num_labels=1)),
        ("gte-splade-max-log1p", "gte", "sparse", S1,
         dict(st=("Transformer", "max", "log1p_relu"), splade_nnz=60)),
        ("nomic-bert-multilabel5", "nomic-bert", "text-classification", S1,
         dict(labels=TOPICS5, problem_type=MULTI)),
        ("nomic-bert-tokcls-bio9", "nomic-bert", "token-classification", S2, dict(labels=NER_BIO9)),
        ("nomic-bert-mlm", "nomic-bert", "fill-mask", S1, {}),
        # (new checkpoints go last: the seed is the position in this list)
        ("roberta-mlm-untied", "roberta", "fill-mask", S3, dict(config={"tie_word_embeddings": False})),
        ("modernbert-rerank-identity", "modernbert", "rerank", S1, dict(num_labels=1, activation="Identity")),
        ("mpnet-mlm-untied", "mpnet", "fill-mask", S2, dict(config={"tie_word_embeddings": False})),
        ("nomic-bert-mlm-untied", "nomic-bert", "fill-mask", S3, dict(config={"tie_word_embeddings": False})),
        ("deberta-v2-mlm-legacy-untied", "deberta-v2", "fill-mask", S3,
         dict(config={"legacy": True, "tie_word_embeddings": False})),
    ]
    return {name: dict(family=family, task=task, shape=shape, **opts) for name, family, task, shape, opts in s}


SPECS = specs()

# The bias of the layer whose output is the logits (centred below), per head class
OUT_BIAS = {
    "ForSequenceClassification": "classifier.bias",
    "ForTokenClassification": "classifier.bias",
    "RobertaForSequenceClassification": "classifier.out_proj.bias",
    "XLMRobertaForSequenceClassification": "classifier.out_proj.bias",
    "CamembertForSequenceClassification": "classifier.out_proj.bias",
    "ElectraForSequenceClassification": "classifier.out_proj.bias",
    "MPNetForSequenceClassification": "classifier.out_proj.bias",
    "BertForMaskedLM": "cls.predictions.bias",
    "RobertaForMaskedLM": "lm_head.bias",
    "XLMRobertaForMaskedLM": "lm_head.bias",
    "MPNetForMaskedLM": "lm_head.bias",
    "DistilBertForMaskedLM": "vocab_projector.bias",
    "ModernBertForMaskedLM": "decoder.bias",
    "ElectraForMaskedLM": "generator_lm_head.bias",
    "GteForMaskedLM": "lm_head.decoder.bias",
    "NomicBertForMaskedLM": "cls.predictions.bias",
}


def out_bias_name(model):
    cls = type(model).__name__
    if not getattr(model.config, "tie_word_embeddings", True):
        # untied (transformers 5): the decoder Linear's own bias gives the logits, the head's "bias" is not used
        for prefix in ("cls.predictions", "lm_head"):
            if f"{prefix}.decoder.bias" in dict(model.named_parameters(remove_duplicate=False)):
                return f"{prefix}.decoder.bias"
    if cls == "DebertaV2ForMaskedLM":
        return "cls.predictions.bias" if model.config.legacy else "lm_predictions.lm_head.bias"
    if cls in OUT_BIAS:
        return OUT_BIAS[cls]
    for suffix in ("ForSequenceClassification", "ForTokenClassification"):
        if cls.endswith(suffix):
            return OUT_BIAS[suffix]
    raise SystemExit(f"{cls}: which bias gives the logits?")


def full_vocab_size(tok):
    backend = tok.backend_tokenizer
    return max(backend.get_vocab_size(with_added_tokens=True), max(tok.get_vocab().values()) + 1)


def make_config(spec, tok):
    family, shape = spec["family"], spec["shape"]
    vocab = full_vocab_size(tok)
    positions = LONG_POSITIONS if spec.get("long") else POSITIONS
    h, layers, heads, inter = shape["hidden"], shape["layers"], shape["heads"], shape["intermediate"]
    common = dict(vocab_size=vocab, hidden_size=h, num_hidden_layers=layers, num_attention_heads=heads,
                  intermediate_size=inter, initializer_range=0.2, max_position_embeddings=positions,
                  pad_token_id=tok.pad_token_id)
    extra = spec.get("config", {})
    if family in ("bert-uncased", "bert-cased", "electra", "gte", "nomic-bert"):
        cls = {"electra": ElectraConfig, "gte": GteConfig, "nomic-bert": NomicBertConfig}.get(family, BertConfig)
        kwargs = dict(common, type_vocab_size=2)
    elif family == "distilbert":
        cls = DistilBertConfig
        kwargs = dict(vocab_size=vocab, dim=h, n_layers=layers, n_heads=heads, hidden_dim=inter,
                      max_position_embeddings=positions, initializer_range=0.2, pad_token_id=tok.pad_token_id)
    elif family in ("roberta", "xlm-roberta", "mpnet"):
        cls = {"roberta": RobertaConfig, "xlm-roberta": XLMRobertaConfig, "mpnet": MPNetConfig}[family]
        if spec.get("model_type") == "camembert":
            cls = CamembertConfig
        kwargs = dict(common, max_position_embeddings=positions + 2, bos_token_id=tok.bos_token_id,
                      eos_token_id=tok.eos_token_id)
        if family != "mpnet":  # MPNet has no token type embeddings
            kwargs["type_vocab_size"] = 1
    elif family == "deberta-v2":
        cls = DebertaV2Config
        kwargs = dict(common, type_vocab_size=0, relative_attention=True, position_buckets=16,
                      max_relative_positions=-1, share_att_key=True, pos_att_type=["p2c", "c2p"],
                      position_biased_input=False, norm_rel_ebd="layer_norm", pooler_hidden_size=h,
                      bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)
    elif family == "modernbert":
        cls = ModernBertConfig
        kwargs = dict(common, global_attn_every_n_layers=2, local_attention=16, bos_token_id=tok.cls_token_id,
                      eos_token_id=tok.sep_token_id, cls_token_id=tok.cls_token_id, sep_token_id=tok.sep_token_id)
    else:
        raise SystemExit(f"unknown family {family}")
    c = cls(**dict(kwargs, **extra))
    for k, v in extra.items():
        if getattr(c, k) != v:
            raise SystemExit(f"{spec['family']}: config {k} is {getattr(c, k)!r}, not {v!r}")
    if spec.get("labels") is not None:
        c.id2label = dict(enumerate(spec["labels"]))
        c.label2id = {label: i for i, label in enumerate(spec["labels"])}
    elif spec.get("num_labels") is not None:
        c.num_labels = spec["num_labels"]
    if spec.get("problem_type"):
        c.problem_type = spec["problem_type"]
    c._attn_implementation = "eager"
    return c


def randomise(name, model, seed):
    """After the model's own init (initializer_range 0.2): from a generator seeded seed + 1, in named_parameters
    order (tied parameters once), every norm weight ~ N(1, 0.2) and bias ~ N(0, 0.2); base Linear biases
    ~ N(0, 0.1); head Linear weights ~ N(0, 0.4) and biases ~ N(0, 0.2), as models_fixtures.py /
    heads_fixtures.py draw them (the SPLADE heads' sparsity comes from centre_output_bias)."""
    g = torch.Generator().manual_seed(seed + 1)
    prefix = model.base_model_prefix
    base_ptrs = {p.data_ptr() for p in getattr(model, prefix).parameters()}
    seen = set()
    with torch.no_grad():
        for pname, p in model.named_parameters():
            if p.data_ptr() in seen:
                continue
            seen.add(p.data_ptr())
            in_base = p.data_ptr() in base_ptrs
            owner = model.get_submodule(pname.rsplit(".", 1)[0]) if "." in pname else model
            leaf = pname.rsplit(".", 1)[-1]
            is_norm = isinstance(owner, nn.LayerNorm) or "norm" in type(owner).__name__.lower()
            if is_norm:
                if not isinstance(owner, nn.LayerNorm) and leaf not in ("weight", "bias"):
                    raise SystemExit(f"{name}: norm parameter {pname} of {type(owner).__name__}")
                p.copy_((1.0 if leaf == "weight" else 0.0) + 0.2 * torch.randn(p.shape, generator=g))
            elif in_base:
                if leaf == "bias" and isinstance(owner, nn.Linear):
                    p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif leaf == "bias" or (leaf != "weight" and p.dim() == 1):
                p.copy_(0.2 * torch.randn(p.shape, generator=g))
            elif leaf == "weight" and isinstance(owner, nn.Linear):
                p.copy_(0.4 * torch.randn(p.shape, generator=g))
            else:
                raise SystemExit(f"{name}: head parameter {pname} ({type(owner).__name__}) not randomised")


def logits_of(model, tok, text, pair=None, max_length=None):
    enc = tok(text, pair, return_tensors="pt", truncation=max_length is not None, max_length=max_length)
    with torch.no_grad():
        return model(**enc).logits[0]


def centre_output_bias(name, spec, model, tok, texts, max_length):
    """The tiny random encoders give nearly the same hidden state direction to every input; the logits are
    W x + b, so b -= mean(logits) - b (mean over the calibration texts, per input for sequence classification,
    per token otherwise) centres them (heads_fixtures.py's centring); the O label gets O_BIAS more."""
    bias = model.get_parameter(out_bias_name(model))
    rows = []
    for text in texts:
        logits = logits_of(model, tok, text, max_length=max_length).double()
        rows.append(logits.reshape(-1, logits.shape[-1]) if logits.dim() == 2 else logits[None])
    mean = torch.cat(rows).mean(dim=0)
    if mean.shape != bias.shape:
        raise SystemExit(f"{name}: logits {tuple(mean.shape)} but bias {tuple(bias.shape)}")
    shift = -(mean - bias.double())
    if spec["task"] == "token-classification":
        shift[model.config.label2id["O"]] += O_BIAS
    if spec["task"] == "sparse":
        # then all lowered by the c that leaves about splade_nnz positive (max-pooled) entries per text, on average
        centred = [r.double() - mean for r in rows]
        lo, hi = 0.0, 50.0
        for _ in range(50):
            c = (lo + hi) / 2
            nnz = sum(int((r.max(dim=0).values > c).sum()) for r in centred) / len(centred)
            lo, hi = (c, hi) if nnz > spec["splade_nnz"] else (lo, c)
        shift -= (lo + hi) / 2
    with torch.no_grad():
        bias.add_(shift.to(torch.float32))
        # that bias is the logits' one: one more on its first entry moves the first logit by one
        before = logits_of(model, tok, texts[0], max_length=max_length)
        bias[0] += 1.0
        after = logits_of(model, tok, texts[0], max_length=max_length)
        bias[0] -= 1.0
        moved = (after - before).reshape(-1, after.shape[-1])
        if not torch.allclose(moved[:, 0], torch.ones_like(moved[:, 0]), atol=1e-4) or (
                moved.shape[1] > 1 and moved[:, 1:].abs().max() > 1e-4):
            raise SystemExit(f"{name}: {out_bias_name(model)} is not the bias of the logits")


# ---------------------------------------------------------------------------------------------
# Texts
# ---------------------------------------------------------------------------------------------

NER_TEXTS = [
    "Angela Merkel met Emmanuel Macron in Paris on Tuesday.",
    "Søren Kierkegaard was born in Copenhagen in 1813.",
    "José García moved from Málaga to São Paulo with his sister Inés.",
    "Dr. Wang Lei of Tsinghua University flew to Zürich and then to Oslo.",
    "Marie Curie and Pierre Curie worked in Warsaw and Paris.",
    "Olusegun Obasanjo visited Nairobi, Kampala and Addis Ababa last week.",
    "The trains from Kraków to Gdańsk were delayed, said Małgorzata Nowak.",
    "Kofi Annan, born in Kumasi, Ghana, led the United Nations in New York.",
    "Yesterday Priya Raghunathan and Tomás O'Brien opened a café on the Rue de Rivoli.",
    "Ngozi Okonjo-Iweala spoke in Geneva; Mount Kilimanjaro overlooks Moshi.",
    "In 2019 Jürgen Müller-Lüdenscheidt sold his bakery in Düsseldorf to Anna-Lena Schmidt.",
    "Haruki Murakami lives near Tokyo, not far from Yokohama.",
]
QUERIES = [
    "Who may distribute copies of the software?",
    "What warranty does the license give?",
    "Which year did the copyright start?",
    "Can I change the code and sell it?",
]


def prose(t):
    """A line of words (not a file list, a rule or an e-mail header): 3 words or more (2 with non-ASCII letters),
    none a path, mostly letters."""
    words = t.split()
    letters = sum(c.isalpha() for c in t)
    if any("/" in w and not w.startswith("http") for w in words) or t.startswith(("Files:", "License:", "Upstream")):
        return False
    return len(words) >= (2 if any(ord(c) > 127 for c in t) else 3) and letters >= 0.6 * len(t.replace(" ", ""))


def default_texts(seed):
    """(lines, paragraphs) from the system's license and copyright files, deterministically."""
    files = sorted(Path("/usr/share/common-licenses").glob("*")) + sorted(Path("/usr/share/doc").glob("*/copyright"))
    corpus = set(hf.CORPUS) | set(hf.ADVERSARIAL_TEXTS)
    lines, seen = [], set()
    for f in files:
        if not f.is_file():
            continue
        try:
            raw = f.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for line in raw.splitlines():
            t = " ".join(line.split())
            if 15 <= len(t) <= 400 and t not in seen and t not in corpus and prose(t):
                seen.add(t)
                lines.append(t)
    rng = random.Random(seed)
    non_ascii = [t for t in lines if any(ord(c) > 127 for c in t)]
    digits = [t for t in lines if re.search(r"\d", t) and t not in non_ascii]
    plain = [t for t in lines if t not in non_ascii and t not in digits]
    picked = rng.sample(non_ascii, min(10, len(non_ascii))) + rng.sample(digits, min(8, len(digits)))
    # the rest spread over the lengths: as many from each quarter of the length order
    plain.sort(key=lambda t: (len(t), t))
    quarters = [plain[q * len(plain) // 4:(q + 1) * len(plain) // 4] for q in range(4)]
    need = 40 - len(picked)
    for q, part in enumerate(quarters):
        picked += rng.sample(part, need // 4 + (1 if q < need % 4 else 0))
    # and longer ones: whole sentences of the license texts (their lines joined), 120 to 350 characters
    sentences = []
    for p in sorted(Path("/usr/share/common-licenses").glob("*")):
        if p.is_file() and not p.is_symlink():
            for block in p.read_text(encoding="utf-8", errors="replace").split("\n\n"):
                for sent in re.split(r"(?<=[.;:])\s+", " ".join(block.split())):
                    if 120 <= len(sent) <= 350 and sent not in corpus and prose(sent):
                        sentences.append(sent)
    sentences = sorted(set(sentences))
    picked += rng.sample(sentences, min(8, len(sentences)))
    rng.shuffle(picked)
    paragraphs = []
    for name in ("GPL-3", "Apache-2.0", "MPL-2.0"):
        p = Path("/usr/share/common-licenses") / name
        if p.is_file():
            blocks = [" ".join(b.split()) for b in p.read_text(encoding="utf-8").split("\n\n")]
            blocks = [b for b in blocks if 500 <= len(b) <= 2500]
            if blocks:
                paragraphs.append(blocks[rng.randrange(len(blocks))])
    return picked, paragraphs


def read_texts(path):
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            v = json.loads(line)
            out.append(v["text"] if isinstance(v, dict) else str(v))
        except (json.JSONDecodeError, KeyError, TypeError):
            out.append(line)
    return out


class Texts:
    """Which texts fit the model (untruncated) and tokenize the same with AutoTokenizer as with tokenizer.json;
    long texts (over the max length) only truncated, for the checkpoints that take them."""

    def __init__(self, tok, backend, max_length):
        self.tok, self.backend, self.max_length = tok, backend, max_length
        backend.no_padding()
        backend.no_truncation()
        self.left_out, self.unclear = [], 0

    def encode(self, text, pair=None, offsets=False, truncate=False):
        if truncate:
            self.backend.enable_truncation(self.max_length, stride=0, strategy="longest_first", direction="right")
        try:
            ref = self.backend.encode(text, pair=pair)
        finally:
            self.backend.no_truncation()
        if len(ref.ids) > self.max_length:
            return None
        enc = self.tok(text, pair, return_token_type_ids=True, return_offsets_mapping=True, truncation=truncate,
                       max_length=self.max_length if truncate else None)
        if enc["input_ids"] != ref.ids or enc["token_type_ids"] != ref.type_ids or (
                offsets and [tuple(o) for o in enc["offset_mapping"]] != list(ref.offsets)):
            self.left_out.append(text if pair is None else [text, pair])
            return None
        return ref

    def long(self, text):
        """Whether the text (untruncated) is over the max length."""
        return len(self.backend.encode(text).ids) > self.max_length


# ---------------------------------------------------------------------------------------------
# Records (heads_fixtures.py's format)
# ---------------------------------------------------------------------------------------------


def check_ids(name, call, ref):
    hf.check_ids(name, call, ref)


def seqcls_records(name, spec, model, tok, texts, singles, long_texts):
    clf = pipeline("text-classification", model=model, tokenizer=tok)
    cap = hf.Capture(model)
    cases = [(t, None, False) for t in singles if texts.encode(t) is not None]
    cases += [(q, p, False) for q, p in zip(QUERIES + NER_TEXTS[:2], singles[1::5]) if texts.encode(q, p) is not None]
    if spec.get("long"):
        longs = [t for t in long_texts if texts.long(t) and texts.encode(t, truncate=True) is not None]
        if len(longs) < 2:
            raise SystemExit(f"{name}: only {len(longs)} long texts")
        cases += [(t, None, True) for t in longs]
        pair = (singles[0], longs[0])
        if texts.encode(*pair, truncate=True) is None:
            raise SystemExit(f"{name}: the long pair does not tokenize alike")
        cases.append(pair + (True,))
    records = []
    for text, pair, truncated in cases:
        arg = text if pair is None else {"text": text, "text_pair": pair}
        labels = clf(arg, top_k=None, truncation=True)
        call = cap.one()
        check_ids(name, call, texts.encode(text, pair, truncate=truncated))
        if truncated and len(call["ids"]) != texts.max_length:
            raise SystemExit(f"{name}: a long text gave {len(call['ids'])} ids")
        logits = call["logits"]
        if clf.postprocess({"logits": logits[None]}, top_k=None, _legacy=False) != labels:
            raise SystemExit(f"{name}: the pipeline's scores are not those of the captured logits")
        records.append({"text": text, "text_pair": pair, "ids": call["ids"], "type_ids": call["type_ids"],
                        "logits": [hf.f32(v) for v in logits.tolist()], "labels": hf.jsonable(labels)})
    best = {r["labels"][0]["label"] for r in records}
    if spec.get("problem_type") != REGRESSION and len(best) < 2:
        raise SystemExit(f"{name}: every record has the label {best}")
    return records, {"best_labels": sorted(best), "long": sum(1 for c in cases if c[2])}


def tokcls_records(name, spec, model, tok, texts, singles):
    def clear(text):
        return all(hf.top_gap(row, 2) >= MIN_GAP for row in logits_of(model, tok, text))

    cases = []
    for t in NER_TEXTS + singles:
        if texts.encode(t, offsets=True) is None:
            continue
        if not clear(t):
            texts.unclear += 1
            continue
        cases.append(t)
    quirks = sum(1 for t in cases if hf.subword_quirk(tok, t))
    ner = pipeline("token-classification", model=model, tokenizer=tok)
    cap = hf.Capture(model)
    records, differ, labelled = [], 0, 0
    for text in cases:
        entities, logits, ids = {}, None, None
        for strategy in ("none", "simple", "first", "average", "max"):
            entities[strategy] = hf.jsonable(ner(text, aggregation_strategy=strategy))
            call = cap.one()
            if logits is None:
                logits, ids = call["logits"], call["ids"]
            elif not torch.equal(logits, call["logits"]) or ids != call["ids"]:
                raise SystemExit(f"{name}: other logits for the same input")
        ref = texts.backend.encode(text)
        check_ids(name, call, ref)
        differ += any(entities[s] != entities["simple"] for s in ("first", "average", "max"))
        labelled += bool(entities["none"])
        records.append({"text": text, "ids": ids, "offsets": [list(o) for o in ref.offsets],
                        "logits": [[hf.f32(v) for v in row] for row in logits.tolist()], "entities": entities})
    if labelled < len(records) // 2:
        raise SystemExit(f"{name}: only {labelled} of {len(records)} records have entities")
    return records, {"aggregation_differs": differ, "subword_quirk_texts": quirks}


def masked(texts, text, masks):
    words = hf.mask_words(text)
    if len(words) < max(masks, 3 if masks == 1 else 6):
        return None
    picks = [words[len(words) // 2]] if masks == 1 else [words[len(words) // 3], words[(2 * len(words)) // 3]]
    if len(set(picks)) != masks:
        return None
    out = hf.with_masks(text, picks, texts.tok.mask_token)
    enc = texts.encode(out)
    if enc is None or enc.ids.count(texts.tok.mask_token_id) != masks:
        return None
    return out


def mlm_records(name, spec, model, tok, texts, singles):
    cases = []
    for masks, pool, want in ((1, NER_TEXTS + singles, 26), (2, singles[::-1], 6)):
        n = 0
        for t in pool:
            if n == want:
                break
            m = masked(texts, t, masks)
            if m is None:
                continue
            logits = logits_of(model, tok, m)
            ids = tok(m)["input_ids"]
            rows = [logits[p] for p, i in enumerate(ids) if i == tok.mask_token_id]
            if not all(hf.top_gap(row, TOP_K + 1) >= MIN_GAP for row in rows):
                texts.unclear += 1
                continue
            cases.append((m, masks))
            n += 1
    fill = pipeline("fill-mask", model=model, tokenizer=tok)
    cap = hf.Capture(model)
    records, tops = [], set()
    for text, masks in cases:
        predictions = hf.jsonable(fill(text, top_k=TOP_K))
        call = cap.one()
        check_ids(name, call, texts.backend.encode(text))
        positions = [p for p, t in enumerate(call["ids"]) if t == tok.mask_token_id]
        top = [hf.top_logits(call["logits"][p]) for p in positions]
        rec = {"text": text, "ids": call["ids"], "mask_positions": positions,
               "mask_logits_top": top[0] if masks == 1 else top, "predictions": predictions}
        if masks == 2:
            rec["masks"] = 2
            tops.update(p[0]["token"] for p in predictions)
        else:
            tops.add(predictions[0]["token"])
        records.append(rec)
    if len(tops) < 3:
        raise SystemExit(f"{name}: only {len(tops)} distinct top tokens")
    return records, {"two_masks": sum(1 for _, m in cases if m == 2), "distinct_top_tokens": len(tops)}


def rerank_records(name, spec, model, tok, texts, ce, singles):
    cap = hf.Capture(model)
    passages = [t for t in singles if (e := texts.encode(t)) is not None and 12 <= len(e.ids) <= 70][:6]
    records = []
    for query in QUERIES:
        for passage in passages:
            ref = texts.encode(query, passage)
            if ref is None:
                continue
            score = ce.predict([(query, passage)], convert_to_numpy=True, show_progress_bar=False)
            call = cap.one()
            raw = ce.predict([(query, passage)], activation_fn=nn.Identity(), convert_to_numpy=True,
                             show_progress_bar=False)
            cap.one()
            check_ids(name, call, ref)
            logit = call["logits"]
            want = logit if spec.get("activation") == "Identity" else torch.sigmoid(logit)
            if logit.shape != (1,) or hf.f32(raw[0]) != hf.f32(logit[0]) or hf.f32(score[0]) != hf.f32(want[0]):
                raise SystemExit(f"{name}: scores {score} {raw} are not of the logit {logit}")
            records.append({"query": query, "passage": passage, "ids": call["ids"], "type_ids": call["type_ids"],
                            "logit": hf.f32(logit[0]), "score": hf.f32(score[0]), "raw": hf.f32(raw[0])})
    return records, {}


def sparse_records(name, spec, model, tok, texts, se, singles):
    strategy, activation = spec["st"][1], spec["st"][2]
    cap = hf.Capture(model)
    cases = [t for t in NER_TEXTS[:4] + singles if texts.encode(t) is not None][:30]
    records, nnz = [], []
    for text in cases:
        emb = se.encode(text, show_progress_bar=False)
        call = cap.one()
        dense = se.encode(text, convert_to_sparse_tensor=False, show_progress_bar=False)
        cap.one()
        check_ids(name, call, texts.backend.encode(text))
        emb = emb.coalesce()
        indices, values = emb.indices()[0].tolist(), emb.values().tolist()
        if indices != torch.nonzero(dense).flatten().tolist() or values != dense[indices].tolist():
            raise SystemExit(f"{name}: the sparse output is not the non-zeros of the dense one")
        act = torch.log1p(torch.relu(call["logits"]))
        if activation == "log1p_relu":
            act = torch.log1p(act)
        hand = act.max(dim=0).values if strategy == "max" else act.sum(dim=0)
        if not torch.allclose(hand, dense, atol=1e-5, rtol=1e-6):
            raise SystemExit(f"{name}: SPLADE by hand differs by {float((hand - dense).abs().max())}")
        if not indices:
            continue
        nnz.append(len(indices))
        records.append({"text": text, "ids": call["ids"], "indices": indices, "values": [hf.f32(v) for v in values]})
    return records, {"nnz_min": min(nnz), "nnz_max": max(nnz)}


# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------


def max_length_of(config):
    n = config.max_position_embeddings
    if config.model_type in ("roberta", "xlm-roberta", "camembert", "mpnet"):
        n -= config.pad_token_id + 1
    return n


def check_saved(name, directory, model):
    """model.safetensors holds every state_dict tensor under the model's own (prefixed) names, tied ones left out."""
    files = sorted(p.name for p in directory.glob("*.safetensors"))
    if files != ["model.safetensors"]:
        raise SystemExit(f"{name}: weights {files}")
    with safe_open(str(directory / "model.safetensors"), "pt") as f:
        keys = set(f.keys())
    prefix = model.base_model_prefix + "."
    state = model.state_dict()
    left_out = set(state) - keys
    tied = model.all_tied_weights_keys
    if keys - set(state):
        # transformers 5.18 writes GTE and NomicBERT in the Hub layouts of their remote code (gte.encoder.layer.N.
        # attention.qkv_proj, mlp.up_gate_proj; nomic_bert.encoder.layers.N.attn.Wqkv, mlp.fc11, emb_ln, ...): the
        # reload (same_weights) checks those
        if model.config.model_type not in ("gte", "nomic_bert"):
            raise SystemExit(f"{name}: saved names not in the state dict: {sorted(keys - set(state))}")
        left_out = {k for k in left_out if k in tied}
    elif any(k not in tied for k in left_out):
        raise SystemExit(f"{name}: left out {sorted(left_out)}")
    if not any(k.startswith(prefix) for k in keys):
        raise SystemExit(f"{name}: no tensor named {prefix}...")
    return sorted(left_out), sorted(k for k in keys if not k.startswith(prefix))


def load_head_model(name, spec, folder, cls):
    """from_pretrained of the directory; transformers 5.18 cannot load a DebertaV2ForMaskedLM with legacy false
    (its tied key lm_predictions.lm_head.weight is no parameter: AttributeError in
    mark_tied_weights_as_initialized), so that one is built from its config.json and model.safetensors."""
    try:
        return AUTO[spec["task"]].from_pretrained(str(folder), **MODEL_KWARGS)
    except AttributeError as e:
        if cls.__name__ != "DebertaV2ForMaskedLM" or "has no attribute `weight`" not in str(e):
            raise
    config = AutoConfig.from_pretrained(str(folder))
    config._attn_implementation = "eager"
    model = cls(config).to(torch.float32)
    missing, unexpected = model.load_state_dict(load_file(str(folder / "model.safetensors")), strict=False)
    model.tie_weights()
    if set(missing) - set(model.all_tied_weights_keys) or unexpected:
        raise SystemExit(f"{name}: loading by hand left {missing} missing, {unexpected} unexpected")
    return model


def same_weights(name, a, b):
    sa, sb = a.state_dict(), b.state_dict()
    if sa.keys() != sb.keys() or any(not torch.equal(sa[k], sb[k]) for k in sa):
        raise SystemExit(f"{name}: the saved directory's weights differ from the built model's")


def build(name, spec, seed, out, singles, long_texts):
    family = spec["family"]
    src = TOKENIZERS / family
    folder = out / name
    if folder.exists():
        shutil.rmtree(folder)
    base_tok = AutoTokenizer.from_pretrained(str(src))
    config = make_config(spec, base_tok)
    cls = AUTO[spec["task"]]._model_mapping[type(config)]
    torch.manual_seed(seed)
    model = cls(config)
    randomise(name, model, seed)
    model = model.to(torch.float32).eval()
    max_length = max_length_of(config)
    calib = [t for t in singles + NER_TEXTS if len(base_tok(t)["input_ids"]) <= max_length]
    centre_output_bias(name, spec, model, base_tok, calib, max_length)
    with tempfile.TemporaryDirectory(prefix="gale-heads-xc-") as tmp:
        full = Path(tmp) / "full"
        model.save_pretrained(str(full), safe_serialization=True)
        for f in TOKENIZER_FILES:
            shutil.copyfile(src / f, full / f)
        if spec.get("long"):  # the pipeline and Gale both truncate at model_max_length
            tc = json.loads((full / "tokenizer_config.json").read_text(encoding="utf-8"))
            tc["model_max_length"] = max_length
            (full / "tokenizer_config.json").write_text(json.dumps(tc, indent=2, ensure_ascii=False) + "\n",
                                                        encoding="utf-8")
        left_out, head_names = check_saved(name, full, model)
        if spec["task"] == "rerank":
            act = {"activation_fn": nn.Identity()} if spec.get("activation") == "Identity" else {}
            CrossEncoder(str(full), device="cpu", model_kwargs=dict(MODEL_KWARGS), **act).save(str(folder))
        elif spec["task"] == "sparse":
            kind, strategy, activation = spec["st"]
            module = MLMTransformer(str(full), model_kwargs=dict(MODEL_KWARGS)) if kind == "MLMTransformer" else \
                Transformer(str(full), model_kwargs=dict(MODEL_KWARGS), transformer_task="fill-mask")
            SparseEncoder(modules=[module, SpladePooling(pooling_strategy=strategy, activation_function=activation)],
                          device="cpu").save(str(folder))
        else:
            shutil.copytree(full, folder)
    (folder / "task.txt").write_text(spec["task"], encoding="utf-8")
    # the references: what loads from the directory as it is
    if spec.get("tokenizer") == "tokenizer.json":
        tok = PreTrainedTokenizerFast.from_pretrained(str(folder))
    else:
        tok = AutoTokenizer.from_pretrained(str(folder))
    texts = Texts(tok, Tokenizer.from_file(str(folder / "tokenizer.json")), max_length)
    with torch.no_grad():
        if spec["task"] == "rerank":
            ce = CrossEncoder(str(folder), device="cpu", model_kwargs=dict(MODEL_KWARGS))
            if type(ce.activation_fn) is not {"Identity": nn.Identity}.get(spec.get("activation"), nn.Sigmoid):
                raise SystemExit(f"{name}: activation {ce.activation_fn}")
            same_weights(name, model, ce.model)
            records, notes = rerank_records(name, spec, ce.model.eval(), tok, texts, ce, singles)
        elif spec["task"] == "sparse":
            se = SparseEncoder(str(folder), device="cpu", model_kwargs=dict(MODEL_KWARGS))
            pooling = se[1]
            if [type(m).__name__ for m in se] != [spec["st"][0], "SpladePooling"] or \
                    (pooling.pooling_strategy, pooling.activation_function) != spec["st"][1:]:
                raise SystemExit(f"{name}: loaded {[type(m).__name__ for m in se]} {pooling.pooling_strategy}")
            inner = se[0].auto_model.eval()
            same_weights(name, model, inner)
            records, notes = sparse_records(name, spec, inner, tok, texts, se, singles)
        else:
            loaded = load_head_model(name, spec, folder, type(model)).eval()
            if type(loaded) is not type(model):
                raise SystemExit(f"{name}: loaded as {type(loaded).__name__}")
            same_weights(name, model, loaded)
            make = {"text-classification": seqcls_records, "token-classification": tokcls_records,
                    "fill-mask": mlm_records}[spec["task"]]
            args = (long_texts,) if spec["task"] == "text-classification" else ()
            records, notes = make(name, spec, loaded, tok, texts, singles, *args)
    if len(records) < 10:
        raise SystemExit(f"{name}: only {len(records)} records")
    refcommon.write_jsonl_gz(folder / "expected.jsonl.gz", records)
    shape = spec["shape"]
    summary = dict(spec, architecture=type(model).__name__, seed=seed, max_length=max_length,
                   records=len(records), left_out_texts=len(texts.left_out), near_ties_passed_over=texts.unclear,
                   tied_left_out=left_out, head_tensors=head_names, notes=notes,
                   shape=f"{shape['hidden']}/{shape['heads']}/{config.num_hidden_layers}/{shape['intermediate']}")
    (folder / "spec.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{name:28s} {type(model).__name__:38s} records={len(records):3d} max_length={max_length} "
          f"left_out={len(texts.left_out)} ties={texts.unclear} tied_left_out={left_out} notes={notes}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--texts", help="held-out texts (JSON lines with \"text\", or plain lines)")
    ap.add_argument("--seed", type=int, default=9100, help="first torch seed (checkpoint k gets seed + 10 k)")
    ap.add_argument("--only", nargs="*", help="checkpoint names (default: all)")
    args = ap.parse_args()
    used = {v for group in refcommon.SEEDS.values() if isinstance(group, dict) for v in group.values()}
    seeds = {name: args.seed + 10 * k for k, name in enumerate(SPECS)}
    clash = {n: s for n, s in seeds.items() if s in used or s + 1 in used}
    if clash:
        raise SystemExit(f"seeds {clash} are refcommon.SEEDS ones; pick another --seed")
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.texts:
        given = read_texts(args.texts)
        singles, long_texts = given, given  # the ones over a model's max length are its long texts
    else:
        singles, long_texts = default_texts(args.seed)
    with open(out / "texts.jsonl", "w", encoding="utf-8") as f:
        for t in dict.fromkeys(singles + long_texts):
            f.write(json.dumps({"text": t}, ensure_ascii=False) + "\n")
    names = args.only or list(SPECS)
    unknown = [n for n in names if n not in SPECS]
    if unknown:
        raise SystemExit(f"unknown {unknown}; known: {list(SPECS)}")
    for name in names:
        build(name, SPECS[name], seeds[name], out, singles, long_texts)
    print(f"crosscheck_heads: {len(names)} checkpoints in {out}", flush=True)


if __name__ == "__main__":
    main()
