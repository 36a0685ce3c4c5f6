#!/usr/bin/env python3
"""Builds sentence-transformers directories on top of the tiny models and records what
SentenceTransformer.encode gives for them.

Output, per directory: encoder/src/test/resources/reference/sentence-transformers/<name>/
  base.txt                 the base model folder, relative to encoder/src/test/resources/reference/ (no
                           newline), whose config.json, model.safetensors, tokenizer.json and
                           tokenizer_config.json complete the directory
  modules.json, config_sentence_transformers.json, sentence_bert_config.json, 1_Pooling/config.json,
  [2_Dense/config.json, 2_Dense/model.safetensors], [<i>_Normalize/config.json]
                           the sentence-transformers files, in the current format (written by
                           sentence-transformers 6.0.1's own save(); README.md dropped) or in the older
                           format (sentence_transformers.models.*, written here by hand)
  tokenizer_config.json    only in the current-format directories with a max_seq_length: 6.0.1 saves
                           max_seq_length as the tokenizer's model_max_length; this file replaces the base's
  expected.jsonl.gz        {"text", "prompt_name", "prompt", "ids", "ids_match_tokenizer_json", "embedding"}
                           per (text, prompt) case (see reference/README.md, "sentence-transformers")

The reference is made the way the Java test will use the files: a temporary directory gets the base
folder's four files, then this folder's files (minus base.txt and expected.jsonl.gz) over them, and
SentenceTransformer(tmpdir, device="cpu", model_kwargs={"dtype": torch.float32,
"attn_implementation": "eager"}) encodes one text at a time (batch_size=1). Run it through
`reference/regenerate` (after `models` and `model-variants`, whose folders are the bases).
"""

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import refcommon  # noqa: E402
import models_fixtures as mf  # noqa: E402  (checks the deterministic environment on import)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from safetensors.torch import save_file  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

import sentence_transformers  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402
from sentence_transformers.base.modules import Dense, Normalize, Transformer  # noqa: E402
from sentence_transformers.sentence_transformer.modules import Pooling  # noqa: E402

OUT_ROOT = refcommon.FIXTURES_DIR / "sentence-transformers"
SEEDS = refcommon.SEEDS["torch.manual_seed (st_fixtures.py, Dense weights per directory)"]
BASE_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")
LOCAL_FILES = ("base.txt", "expected.jsonl.gz")  # in the fixture folder, not part of the model directory
EXPECTED = "expected.jsonl.gz"
# float32 whatever the base's storage dtype (transformers 5 would otherwise compute a float16 / bfloat16
# checkpoint in that dtype), and the plain attention formulation
MODEL_KWARGS = {"dtype": torch.float32, "attn_implementation": "eager"}
BATCH_TOLERANCE = 1e-6  # batch_size=len(texts) (padded) against batch_size=1, relative to max(1, max |value|)

PROMPTS = {"query": "query: ", "passage": "passage: "}
CUSTOM_PROMPT = "custom: "

TEXTS = mf.TEXTS
N_CORPUS = mf.N_CORPUS
LITERALS = ["", "Hi!", "Query: what is the capital of France?"]
ADVERSARIAL_PICK = [N_CORPUS + j for j in (0, 25, 50, 75)]
N_CORPUS_TEXTS = 5  # spread over the length order, the longest last (beyond every max_seq_length here)

# Module type strings and config layouts of the older format (sentence-transformers 2.x - 5.x on the Hub)
OLD_TYPES = {
    "Transformer": "sentence_transformers.models.Transformer",
    "Pooling": "sentence_transformers.models.Pooling",
    "Dense": "sentence_transformers.models.Dense",
    "Normalize": "sentence_transformers.models.Normalize",
}
OLD_POOLING_KEYS = {  # in the order those versions wrote them
    "cls": "pooling_mode_cls_token",
    "mean": "pooling_mode_mean_tokens",
    "max": "pooling_mode_max_tokens",
    "mean_sqrt_len_tokens": "pooling_mode_mean_sqrt_len_tokens",
    "weightedmean": "pooling_mode_weightedmean_tokens",
    "lasttoken": "pooling_mode_lasttoken",
}
ACTIVATIONS = {
    "tanh": (torch.nn.Tanh, "torch.nn.modules.activation.Tanh"),
    "identity": (torch.nn.Identity, "torch.nn.modules.linear.Identity"),
}
# config_sentence_transformers.json of the older format: as sentence-transformers 2.2 (versions only) and
# 3.x (with prompts) wrote it
OLD_VERSIONS_2 = {"sentence_transformers": "2.2.2", "transformers": "4.30.2", "pytorch": "2.0.1"}
OLD_VERSIONS_3 = {"sentence_transformers": "3.4.1", "transformers": "4.48.3", "pytorch": "2.5.1+cu124"}

# name -> spec. format "new": sentence-transformers 6.0.1 save(); "old": sentence_transformers.models.*.
# max_seq_length None: not set, so sentence-transformers uses min(tokenizer_config model_max_length,
# config max_position_embeddings).
DIRS = {
    "bert-uncased-cls-dense-normalize": dict(
        base="tokenizers/bert-uncased", format="new", pooling="cls",
        dense=dict(out=8, bias=True, activation="tanh"), normalize=True,
        prompts=PROMPTS, default_prompt_name="query", max_seq_length=16),
    "modernbert-mean": dict(
        base="tokenizers/modernbert", format="new", pooling="mean", max_seq_length=None),
    "gte-lasttoken-normalize": dict(
        base="tokenizers/gte", format="new", pooling="lasttoken", normalize=True,
        prompts=PROMPTS, default_prompt_name=None, max_seq_length=16),
    "deberta-v2-b-max-dense": dict(
        base="models/deberta-v2-b", format="new", pooling="max",
        dense=dict(out=8, bias=False, activation="identity"), max_seq_length=None),
    "roberta-mean-normalize": dict(
        base="tokenizers/roberta", format="old", pooling="mean", normalize=True, max_seq_length=16,
        versions=OLD_VERSIONS_2),
    "xlm-roberta-weightedmean-dense": dict(
        base="tokenizers/xlm-roberta", format="old", pooling="weightedmean",
        dense=dict(out=8, bias=True, activation="identity"),
        prompts=PROMPTS, default_prompt_name="query", max_seq_length=16, versions=OLD_VERSIONS_3),
    "mpnet-mean-sqrt-len": dict(
        base="tokenizers/mpnet", format="old", pooling="mean_sqrt_len_tokens",
        prompts=PROMPTS, default_prompt_name=None, max_seq_length=16, versions=OLD_VERSIONS_3),
    "nomic-bert-a-cls-dense-normalize": dict(
        base="models/nomic-bert-a", format="old", pooling="cls",
        dense=dict(out=8, bias=True, activation="tanh"), normalize=True, max_seq_length=16,
        versions=OLD_VERSIONS_3),
}


def json_text(obj):
    """As sentence-transformers <= 5 wrote its JSON files: json.dump(obj, f, indent=2), no final newline."""
    return json.dumps(obj, indent=2, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# Directories
# ---------------------------------------------------------------------------------------------


def base_dir(spec):
    d = refcommon.FIXTURES_DIR / spec["base"]
    for name in BASE_FILES:
        if not (d / name).is_file():
            raise SystemExit(f"{d / name}: missing (run the models / model-variants steps first)")
    return d


def assemble(spec, folder, into):
    """What the Java test does: the base's four files, then the fixture folder's files over them."""
    into.mkdir(parents=True, exist_ok=True)
    for name in BASE_FILES:
        shutil.copyfile(base_dir(spec) / name, into / name)
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.is_file() and rel.as_posix() not in LOCAL_FILES:
            (into / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, into / rel)
    return into


def embedding_dim(spec):
    return json.loads((base_dir(spec) / "config.json").read_text(encoding="utf-8"))["hidden_size"]


def make_dense(name, spec):
    d = spec["dense"]
    torch.manual_seed(SEEDS[name])
    dense = Dense(embedding_dim(spec), d["out"], bias=d["bias"], activation_function=ACTIVATIONS[d["activation"]][0]())
    return dense.to(torch.float32)


def write_new(name, spec, folder, work):
    """sentence-transformers 6.0.1's save() of the modules built on the base; keep the ST files only."""
    base_copy = work / "base"
    base_copy.mkdir()
    for f in BASE_FILES:
        shutil.copyfile(base_dir(spec) / f, base_copy / f)
    kwargs = {} if spec["max_seq_length"] is None else {"max_seq_length": spec["max_seq_length"]}
    transformer = Transformer(str(base_copy), model_kwargs=dict(MODEL_KWARGS), **kwargs)
    modules = [transformer, Pooling(transformer.get_embedding_dimension(), pooling_mode=spec["pooling"])]
    if "dense" in spec:
        modules.append(make_dense(name, spec))
    if spec.get("normalize"):
        modules.append(Normalize())
    model = SentenceTransformer(modules=modules, device="cpu", prompts=spec.get("prompts"),
                                default_prompt_name=spec.get("default_prompt_name"))
    saved = work / "saved"
    model.save(str(saved), create_model_card=False)
    keep = ["modules.json", "config_sentence_transformers.json", "sentence_bert_config.json"]
    keep += [p.relative_to(saved).as_posix() for p in sorted(saved.glob("*_*/*")) if p.is_file()]
    if spec["max_seq_length"] is not None:
        keep.append("tokenizer_config.json")  # where 6.0.1 keeps max_seq_length (model_max_length)
    for rel in keep:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(saved / rel, folder / rel)
    dropped = sorted(p.relative_to(saved).as_posix() for p in saved.rglob("*") if p.is_file()
                     and p.relative_to(saved).as_posix() not in keep)
    if set(dropped) - set(BASE_FILES) - {"README.md"}:
        raise SystemExit(f"{name}: 6.0.1 save wrote files this script does not know: {dropped}")
    for rel in keep:
        text = (folder / rel).read_bytes()
        if str(work).encode() in text or str(refcommon.REPO).encode() in text:
            raise SystemExit(f"{name}: {rel} records a local path")
    return model


def write_old(name, spec, folder):
    """The older format, by hand: sentence_transformers.models.* types, boolean pooling modes,
    max_seq_length in sentence_bert_config.json, Normalize as a modules.json entry with no folder."""
    dim = embedding_dim(spec)
    modules = [{"idx": 0, "name": "0", "path": "", "type": OLD_TYPES["Transformer"]},
               {"idx": 1, "name": "1", "path": "1_Pooling", "type": OLD_TYPES["Pooling"]}]
    pooling = {"word_embedding_dimension": dim}
    pooling.update({key: mode == spec["pooling"] for mode, key in OLD_POOLING_KEYS.items()})
    pooling["include_prompt"] = True
    (folder / "1_Pooling").mkdir()
    (folder / "1_Pooling" / "config.json").write_text(json_text(pooling), encoding="utf-8")
    if "dense" in spec:
        d = spec["dense"]
        idx = len(modules)
        path = f"{idx}_Dense"
        modules.append({"idx": idx, "name": str(idx), "path": path, "type": OLD_TYPES["Dense"]})
        (folder / path).mkdir()
        config = {"in_features": dim, "out_features": d["out"], "bias": d["bias"],
                  "activation_function": ACTIVATIONS[d["activation"]][1]}
        (folder / path / "config.json").write_text(json_text(config), encoding="utf-8")
        weights = {k: v.detach().clone().contiguous() for k, v in make_dense(name, spec).state_dict().items()}
        if sorted(weights) != (["linear.bias", "linear.weight"] if d["bias"] else ["linear.weight"]):
            raise SystemExit(f"{name}: Dense state dict {sorted(weights)}")
        save_file(weights, str(folder / path / "model.safetensors"), metadata={"format": "pt"})
    if spec.get("normalize"):
        idx = len(modules)
        # sentence-transformers <= 5 saved Normalize as an empty folder, which git (and the Hub) drop
        modules.append({"idx": idx, "name": str(idx), "path": f"{idx}_Normalize", "type": OLD_TYPES["Normalize"]})
    (folder / "modules.json").write_text(json_text(modules), encoding="utf-8")
    bert_config = {"max_seq_length": spec["max_seq_length"], "do_lower_case": False}
    (folder / "sentence_bert_config.json").write_text(json_text(bert_config), encoding="utf-8")
    st_config = {"__version__": spec["versions"]}
    if spec["versions"] is not OLD_VERSIONS_2:
        st_config.update(prompts=spec.get("prompts") or {}, default_prompt_name=spec.get("default_prompt_name"),
                         similarity_fn_name="cosine")
    (folder / "config_sentence_transformers.json").write_text(json_text(st_config), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Checks and records
# ---------------------------------------------------------------------------------------------


def load(directory):
    return SentenceTransformer(str(directory), device="cpu", model_kwargs=dict(MODEL_KWARGS))


def check_loaded(name, spec, model, folder):
    """The loaded pipeline is the one the files describe."""
    kinds = [type(m).__name__ for m in model]
    want = ["Transformer", "Pooling"] + (["Dense"] if "dense" in spec else []) + (
        ["Normalize"] if spec.get("normalize") else [])
    if kinds != want:
        raise SystemExit(f"{name}: loaded modules {kinds}, want {want}")
    t, p = model[0], model[1]
    if t.auto_model.dtype != torch.float32 or t.auto_model.config._attn_implementation != "eager":
        raise SystemExit(f"{name}: model {t.auto_model.dtype} {t.auto_model.config._attn_implementation}")
    if p.pooling_mode != spec["pooling"] or p.include_prompt is not True:
        raise SystemExit(f"{name}: pooling {p.pooling_mode} include_prompt={p.include_prompt}")
    config = json.loads((base_dir(spec) / "config.json").read_text(encoding="utf-8"))
    tok_max = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))["model_max_length"] \
        if (folder / "tokenizer_config.json").is_file() else \
        json.loads((base_dir(spec) / "tokenizer_config.json").read_text(encoding="utf-8"))["model_max_length"]
    if spec["max_seq_length"] is not None:
        want_max = spec["max_seq_length"]
    else:
        want_max = min(tok_max, config["max_position_embeddings"])
    if t.max_seq_length != want_max:
        raise SystemExit(f"{name}: max_seq_length {t.max_seq_length}, want {want_max}")
    if "dense" in spec:
        d = model[2]
        act = ACTIVATIONS[spec["dense"]["activation"]][0]
        if type(d.activation_function) is not act or (d.linear.bias is not None) != spec["dense"]["bias"]:
            raise SystemExit(f"{name}: Dense {d.activation_function} bias={d.linear.bias is not None}")
        ref = make_dense(name, spec).state_dict()
        got = d.state_dict()
        if ref.keys() != got.keys() or any(not torch.equal(ref[k], got[k]) for k in ref):
            raise SystemExit(f"{name}: the loaded Dense weights differ")
    if model.prompts.get("query") != (spec.get("prompts") or {}).get("query", model.prompts.get("query")):
        raise SystemExit(f"{name}: prompts {model.prompts}")
    if model.default_prompt_name != spec.get("default_prompt_name"):
        raise SystemExit(f"{name}: default_prompt_name {model.default_prompt_name}")
    return want_max


def corpus_choice():
    by_length = sorted(range(N_CORPUS), key=lambda i: (len(mf.CORPUS[i]), i))
    return [by_length[(k * (N_CORPUS - 1)) // (N_CORPUS_TEXTS - 1)] for k in range(N_CORPUS_TEXTS)]


def text_cases():
    return LITERALS + ADVERSARIAL_PICK + corpus_choice()


def prompt_cases(spec):
    """(prompt_name, prompt) pairs: encode() with neither (the default prompt applies if there is one), and
    for the directories with prompts every prompt name and an explicit prompt."""
    cases = [(None, None)]
    if spec.get("prompts"):
        cases += [(n, None) for n in spec["prompts"]] + [(None, CUSTOM_PROMPT)]
    return cases


def resolved_prompt(model, prompt_name, prompt):
    """The prompt encode() applies, by the rules of SentenceTransformer._resolve_prompt."""
    if prompt is not None:
        return prompt
    if prompt_name is not None:
        return model.prompts[prompt_name]
    if model.default_prompt_name is not None:
        return model.prompts.get(model.default_prompt_name)
    return None


def encode(model, texts, prompt_name, prompt, batch_size):
    return model.encode(texts, prompt_name=prompt_name, prompt=prompt, batch_size=batch_size,
                        convert_to_numpy=True, show_progress_bar=False)


def round7(xs):
    return [mf.round7(float(v)) for v in xs]


def by_hand(spec, model, text, prompt):
    """The embedding recomputed from the transformer's last hidden state (float64), by the rules the README
    states: every position counts (special and prompt tokens included), cls = position 0, lasttoken = the last
    position, weightedmean weights 1..n, mean_sqrt_len_tokens = sum / sqrt(n); Dense = act(W x + b);
    Normalize = x / |x|."""
    features = model.preprocess([text], prompt=prompt)
    kwargs = {k: features[k] for k in ("input_ids", "attention_mask", "token_type_ids") if k in features}
    with torch.no_grad():
        h = model[0].auto_model(**kwargs).last_hidden_state[0].double()
        n = h.shape[0]
        mode = spec["pooling"]
        if mode == "cls":
            v = h[0]
        elif mode == "lasttoken":
            v = h[-1]
        elif mode == "mean":
            v = h.sum(0) / n
        elif mode == "max":
            v = h.max(0).values
        elif mode == "mean_sqrt_len_tokens":
            v = h.sum(0) / n ** 0.5
        else:  # weightedmean
            w = torch.arange(1, n + 1, dtype=torch.float64)
            v = (h * w[:, None]).sum(0) / w.sum()
        if "dense" in spec:
            linear = model[2].linear
            v = linear.weight.double() @ v + (0 if linear.bias is None else linear.bias.double())
            v = torch.tanh(v) if spec["dense"]["activation"] == "tanh" else v
        if spec.get("normalize"):
            v = v / v.norm()
    return v.numpy()


def records_for(name, spec, model, max_len, directory, reference=None):
    backend = Tokenizer.from_file(str(directory / "tokenizer.json"))
    backend.no_padding()
    backend.enable_truncation(max_len, stride=0, strategy="longest_first", direction="right")
    keys = text_cases()
    texts = [k if isinstance(k, str) else TEXTS[k] for k in keys]
    records, worst_batch, mismatches, truncated = [], 0.0, 0, 0
    for prompt_name, prompt in prompt_cases(spec):
        emb = encode(model, texts, prompt_name, prompt, 1)
        batched = encode(model, texts, prompt_name, prompt, len(texts))
        worst_batch = max(worst_batch, float(np.abs(emb - batched).max() / max(1.0, float(np.abs(emb).max()))))
        applied = resolved_prompt(model, prompt_name, prompt)
        explicit = encode(model, texts, None, applied if applied is not None else "", 1)
        if not np.array_equal(emb, explicit):
            raise SystemExit(f"{name}: prompt_name={prompt_name} prompt={prompt} is not the prompt {applied!r}")
        if reference is not None:  # the model that save() wrote must give the same embeddings
            ref = encode(reference, texts, prompt_name, prompt, 1)
            if not np.array_equal(emb, ref):
                raise SystemExit(f"{name}: the assembled directory differs from the saved model "
                                 f"by {float(np.abs(emb - ref).max())}")
        for key, text, vec in zip(keys, texts, emb):
            full = (applied or "") + text
            ids = model.preprocess([text], prompt=applied)["input_ids"][0].tolist()
            agrees = backend.encode(full).ids == ids
            mismatches += 0 if agrees else 1
            backend.no_truncation()
            truncated += 1 if len(backend.encode(full).ids) > max_len else 0
            backend.enable_truncation(max_len, stride=0, strategy="longest_first", direction="right")
            if not np.isfinite(vec).all():
                raise SystemExit(f"{name}: non-finite embedding")
            hand = by_hand(spec, model, text, applied)
            if np.abs(vec - hand).max() > BATCH_TOLERANCE * max(1.0, float(np.abs(hand).max())):
                raise SystemExit(f"{name}: {key!r} differs from the pooling by hand by {np.abs(vec - hand).max()}")
            records.append({"text": key, "prompt_name": prompt_name, "prompt": prompt, "ids": ids,
                            "ids_match_tokenizer_json": agrees, "embedding": round7(vec)})
    if worst_batch > BATCH_TOLERANCE:
        raise SystemExit(f"{name}: batching changes the embeddings by {worst_batch} (relative)")
    if truncated == 0:
        raise SystemExit(f"{name}: no text is longer than max_seq_length {max_len}")
    return records, worst_batch, mismatches, truncated


def build(name, spec):
    folder = OUT_ROOT / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "base.txt").write_text(spec["base"], encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="gale-st-") as tmp:
        work = Path(tmp)
        saved_model = None
        if spec["format"] == "new":
            saved_model = write_new(name, spec, folder, work)
        else:
            write_old(name, spec, folder)
        directory = assemble(spec, folder, work / "assembled")
        model = load(directory)
        max_len = check_loaded(name, spec, model, folder)
        records, worst_batch, mismatches, truncated = records_for(name, spec, model, max_len, directory,
                                                                  reference=saved_model)
    size = refcommon.write_jsonl_gz(folder / EXPECTED, records)
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    total = sum((folder / f).stat().st_size for f in files)
    print(f"{name:34s} base={spec['base']} format={spec['format']} modules={[type(m).__name__ for m in model]} "
          f"pooling={spec['pooling']} max_seq_length={max_len} prompts={sorted(model.prompts)} "
          f"default={model.default_prompt_name} | records={len(records)} truncated={truncated} "
          f"ids_differ_from_tokenizer_json={mismatches} batch_vs_single={worst_batch:.2e} "
          f"expected={size} B folder={total} B files={files}", flush=True)
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="directories to build (default: all)")
    args = ap.parse_args()
    unknown = [n for n in args.names if n not in DIRS]
    if unknown:
        raise SystemExit(f"unknown director(ies) {unknown}; known: {list(DIRS)}")
    if sentence_transformers.__version__ != "6.0.1":
        raise SystemExit(f"sentence-transformers {sentence_transformers.__version__}, want 6.0.1")
    if set(SEEDS) != {n for n, s in DIRS.items() if "dense" in s}:
        raise SystemExit("refcommon.SEEDS and the directories with a Dense module differ")
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    if not args.names and OUT_ROOT.is_dir():
        shutil.rmtree(OUT_ROOT)
    total = sum(build(name, DIRS[name]) for name in (args.names or DIRS))
    print(f"sentence-transformers: {len(args.names or DIRS)} directories, {total} bytes", flush=True)


if __name__ == "__main__":
    main()
