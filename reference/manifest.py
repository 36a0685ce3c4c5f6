#!/usr/bin/env python3
"""Writes encoder/src/test/resources/reference/manifest.json: the library versions and seeds the
fixtures were made with, the training-text rule, the corpus hashes, a summary of every tokenizer
pipeline (its component types and added-token flags), the source (jar, entry, sha256) of every real
tokenizer, the options of every model variant, sentence-transformers directory and task head, the counts
of the unicode fixtures, and the sha256 + size of every fixture file.

The manifest holds no timestamp or path of this machine, so it is byte-identical on every
regeneration that produced identical fixtures.
"""

import gzip
import hashlib
import json
import platform
import sys
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import refcommon  # noqa: E402

MANIFEST = refcommon.FIXTURES_DIR / "manifest.json"
LIBRARIES = [
    "tokenizers",
    "transformers",
    "sentencepiece",
    "protobuf",
    "torch",
    "sentence-transformers",
    "onnx",
    "onnxruntime",
    "onnxscript",
    "onnx_ir",
    "numpy",
    "huggingface_hub",
    "safetensors",
]


def version(dist):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def component(node):
    """The `type` of a tokenizer.json component; a Sequence lists its members."""
    if node is None:
        return None
    kind = node.get("type")
    for key in ("normalizers", "pretokenizers", "processors", "decoders"):
        if key in node:
            return {"type": kind, key: [component(n) for n in node[key]]}
    return kind


def pipeline_summary(folder):
    tj = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    model = tj["model"]
    model_flags = {
        k: model[k]
        for k in ("unk_token", "unk_id", "continuing_subword_prefix", "end_of_word_suffix", "fuse_unk",
                  "byte_fallback", "ignore_merges")
        if k in model and model[k] not in (None, False, "")
    }
    vocab = model.get("vocab")
    summary = {
        "normalizer": component(tj["normalizer"]),
        "pre_tokenizer": component(tj["pre_tokenizer"]),
        "model": model.get("type"),
        "model_options": model_flags,
        "vocab_size": len(vocab) if vocab is not None else None,
        "post_processor": component(tj["post_processor"]),
        "decoder": component(tj["decoder"]),
        "added_tokens": [
            {"id": t["id"], "content": t["content"],
             "flags": [f for f in ("special", "normalized", "single_word", "lstrip", "rstrip") if t[f]]}
            for t in tj["added_tokens"]
        ],
    }
    cfg = folder / "tokenizer_config.json"
    if cfg.exists():
        c = json.loads(cfg.read_text(encoding="utf-8"))
        summary["tokenizer_class"] = c.get("tokenizer_class")
        summary["model_max_length"] = c.get("model_max_length")
    summary.update(record_counts(folder / "expected.jsonl.gz"))
    return summary


def record_counts(expected):
    """records / error_records / decode_records of an expected.jsonl.gz (empty if there is none)."""
    if not expected.exists():
        return {}
    records = errors = decodes = 0
    with gzip.open(expected, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            records += 1
            errors += 1 if r.get("error") else 0
            decodes += 1 if "decoded" in r else 0
    return {"records": records, "error_records": errors, "decode_records": decodes}


def real_tokenizer_summary(folder):
    """A real-tokenizers folder: where its tokenizer.json comes from (jar, entry, sha256) and the counts."""
    summary = json.loads((folder / "source.json").read_text(encoding="utf-8"))
    summary.update(record_counts(folder / "expected.jsonl.gz"))
    return summary


def gz_records(path):
    if not path.exists():
        return []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def model_variant_summary(folder, files):
    """A models/<variant> folder: the config options that tell the variants apart, where its tokenizer files
    come from (tokenizer-from.txt), the max length and the record count."""
    c = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    keys = ("model_type", "dtype", "vocab_size", "hidden_size", "dim", "embedding_size", "num_attention_heads",
            "n_heads", "num_hidden_layers", "n_layers", "intermediate_size", "hidden_dim", "hidden_act",
            "hidden_activation", "activation", "max_position_embeddings", "type_vocab_size", "layer_norm_eps",
            "sinusoidal_pos_embds", "rope_parameters", "layer_types", "local_attention", "norm_bias", "mlp_bias",
            "attention_bias", "relative_attention", "position_buckets", "max_relative_positions", "share_att_key",
            "pos_att_type", "position_biased_input", "norm_rel_ebd")
    summary = {k: c[k] for k in keys if k in c}
    summary["tokenizer_from"] = (folder / "tokenizer-from.txt").read_text(encoding="utf-8").strip()
    records = gz_records(folder / "hidden_states.jsonl.gz")
    summary["max_length"] = sorted({r["max_length"] for r in records})
    summary["records"] = len(records)
    return summary


def st_summary(folder):
    """A sentence-transformers/<name> folder: base, module types, pooling, prompts, the record count."""
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    st_config = json.loads((folder / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    bert_config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
    summary = {
        "base": (folder / "base.txt").read_text(encoding="utf-8"),
        "modules": [{"path": m["path"], "type": m["type"]} for m in modules],
        "pooling": pooling.get("pooling_mode") or [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v],
        "prompts": st_config.get("prompts"),
        "default_prompt_name": st_config.get("default_prompt_name"),
        "sentence_bert_config_max_seq_length": bert_config.get("max_seq_length"),
    }
    if (folder / "tokenizer_config.json").exists():
        tc = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
        summary["tokenizer_config_model_max_length"] = tc.get("model_max_length")
    summary["records"] = len(gz_records(folder / "expected.jsonl.gz"))
    return summary


def safetensors_shapes(path):
    """{name: shape} from a safetensors header (8-byte little-endian length, then JSON)."""
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
    return {k: v["shape"] for k, v in sorted(header.items()) if k != "__metadata__"}


def head_summary(folder):
    """A heads/<name> folder: task, base, architecture, labels, the head tensors, the ties, the record count."""
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    summary = {
        "task": (folder / "task.txt").read_text(encoding="utf-8"),
        "base": (folder / "base-from.txt").read_text(encoding="utf-8"),
        "architecture": config["architectures"],
        "labels": [config["id2label"][str(i)] for i in range(len(config["id2label"]))] if "id2label" in config else None,
        "problem_type": config.get("problem_type"),
        "head_tensors": safetensors_shapes(folder / "head.safetensors"),
    }
    if config.get("model_type") == "modernbert":
        summary["classifier_pooling"] = config.get("classifier_pooling")
    if (folder / "tied.json").exists():
        summary["tied"] = json.loads((folder / "tied.json").read_text(encoding="utf-8"))
    if (folder / "modules.json").exists():
        summary["modules"] = [m["type"] for m in json.loads((folder / "modules.json").read_text(encoding="utf-8"))]
    summary["records"] = len(gz_records(folder / "expected.jsonl.gz"))
    return summary


def unicode_summary(folder):
    """The unicode folder: the counts and settings in the header (first line) of each of its files."""
    summary = {}
    for name in ("normalizers", "graphemes"):
        path = folder / f"{name}.jsonl.gz"
        if not path.exists():
            continue
        with gzip.open(path, "rt", encoding="utf-8") as f:
            h = json.loads(f.readline())
        if name == "normalizers":
            summary[name] = {"tokenizers": h["tokenizers"], "code_points": h["code_points"], "records": h["records"],
                             "changed": h["changed"], "probe_classes": len(h["probe_classes"]),
                             "precompiled": h["normalizers"]["Precompiled"]}
        else:
            summary[name] = {"tokenizers": h["tokenizers"], "seed": h["seed"], "records": h["records"],
                             "revealing": h["revealing"], "revealing_by_normalizer": h["revealing_by_normalizer"],
                             "after_a_joined_code_points": h["after_a"]["joined_code_points"],
                             "probe_rules": len(h["normalizers"]["probe"]["rules"])}
        summary[name]["size"] = path.stat().st_size
    return summary


def dumps(obj, indent=0):
    """JSON with one line per entry, except that small objects / lists stay on one line."""
    flat = json.dumps(obj, ensure_ascii=False)
    if len(flat) + indent <= 110 or not isinstance(obj, (dict, list)) or not obj:
        return flat
    pad = " " * (indent + 1)
    if isinstance(obj, dict):
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {dumps(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{pad}{dumps(v, indent + 1)}" for v in obj]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def corpus_entry(path):
    with open(path, "rb") as f:
        lines = sum(1 for _ in f)
    return {"path": str(path.relative_to(refcommon.REPO)), "sha256": refcommon.sha256_file(path), "lines": lines}


def main():
    corpus, adversarial = refcommon.load_corpus()
    train = refcommon.training_texts()
    h = hashlib.sha256()
    for t in train:
        h.update(refcommon.json_line({"text": t}).encode("utf-8"))

    files = {}
    for p in sorted(refcommon.FIXTURES_DIR.rglob("*")):
        if p.is_file() and p != MANIFEST:
            rel = p.relative_to(refcommon.FIXTURES_DIR).as_posix()
            files[rel] = {"sha256": refcommon.sha256_file(p), "size": p.stat().st_size}

    tok_root = refcommon.FIXTURES_DIR / "tokenizers"
    pipelines = {}
    if tok_root.is_dir():
        for d in sorted(tok_root.iterdir()):
            if (d / "tokenizer.json").is_file():
                summary = pipeline_summary(d)
                summary["size"] = sum(v["size"] for k, v in files.items() if k.startswith(f"tokenizers/{d.name}/"))
                pipelines[d.name] = summary

    real_root = refcommon.FIXTURES_DIR / "real-tokenizers"
    real = {}
    if real_root.is_dir():
        for d in sorted(real_root.iterdir()):
            if (d / "source.json").is_file():
                summary = real_tokenizer_summary(d)
                summary["size"] = sum(
                    v["size"] for k, v in files.items() if k.startswith(f"real-tokenizers/{d.name}/")
                )
                real[d.name] = summary

    models_root = refcommon.FIXTURES_DIR / "models"
    models = {}
    if models_root.is_dir():
        for d in sorted(models_root.iterdir()):
            if (d / "config.json").is_file():
                summary = model_variant_summary(d, files)
                summary["size"] = sum(v["size"] for k, v in files.items() if k.startswith(f"models/{d.name}/"))
                models[d.name] = summary

    st_root = refcommon.FIXTURES_DIR / "sentence-transformers"
    st = {}
    if st_root.is_dir():
        for d in sorted(st_root.iterdir()):
            if (d / "modules.json").is_file():
                summary = st_summary(d)
                summary["size"] = sum(
                    v["size"] for k, v in files.items() if k.startswith(f"sentence-transformers/{d.name}/")
                )
                st[d.name] = summary

    heads_root = refcommon.FIXTURES_DIR / "heads"
    heads = {}
    if heads_root.is_dir():
        for d in sorted(heads_root.iterdir()):
            if (d / "task.txt").is_file():
                summary = head_summary(d)
                summary["size"] = sum(v["size"] for k, v in files.items() if k.startswith(f"heads/{d.name}/"))
                heads[d.name] = summary

    manifest = {
        "generator": "reference/regenerate",
        "python": platform.python_version(),
        "libraries": {name: version(name) for name in LIBRARIES},
        "environment": refcommon.DETERMINISTIC_ENV,
        "seeds": refcommon.SEEDS,
        "corpus": {
            "texts": corpus_entry(refcommon.TEXTS_FILE),
            "adversarial": corpus_entry(refcommon.ADVERSARIAL_FILE),
            "text_index": (
                f"a fixture text index i (0..{len(corpus) + len(adversarial) - 1}) refers to the concatenation "
                f"texts.jsonl ({len(corpus)} texts) + adversarial.jsonl ({len(adversarial)} texts), in file order"
            ),
        },
        "training_text": {
            "rule": refcommon.TRAINING_TEXT_RULE,
            "texts": len(train),
            "sha256_of_jsonl": h.hexdigest(),
        },
        "tokenizers": pipelines,
        "real_tokenizers": real,
        "models": models,
        "sentence_transformers": st,
        "heads": heads,
        "unicode": unicode_summary(refcommon.FIXTURES_DIR / "unicode"),
        "total_size": sum(v["size"] for v in files.values()),
        "files": files,
    }
    MANIFEST.write_text(dumps(manifest) + "\n", encoding="utf-8")
    print(f"manifest: {len(files)} files, {manifest['total_size']} bytes -> {MANIFEST.relative_to(refcommon.REPO)}")


if __name__ == "__main__":
    main()
