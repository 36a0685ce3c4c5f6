#!/usr/bin/env python3
"""Builds the random-weight, real-shape models of `bench/families`, once, outside the repository.

For each family named (all of them by default), ${GALE_BENCH_DIR:-/tmp/gale-families}/<family>/ gets:
  config.json, model.safetensors   the family's transformers config at its real size (below), float32,
                                   torch.manual_seed(SEED) then the model's own init
  tokenizer.json, tokenizer_config.json
                                   the family's fixture tokenizer (encoder/src/test/resources/reference/
                                   tokenizers/<fixture>/): a small vocabulary, so every id is far below the
                                   model's vocab_size; the speed does not depend on which rows are read
  modules.json, 1_Pooling/, sentence_bert_config.json
                                   a sentence-transformers directory: mean pooling, max_seq_length 512
  onnx/model.onnx                  torch.onnx.export (TorchScript exporter, opset 17) of the same model:
                                   inputs input_ids, attention_mask (+ token_type_ids for bert), output
                                   last_hidden_state; checked against torch with onnxruntime on a padded batch

A directory whose built.json matches this script's recipe is left alone. Never committed: these are
hundreds of MB each (xlm-roberta-base's embedding matrix alone is 768 MB).

  python reference/bench_models.py [--dir DIR] [family ...]
"""

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

import torch
import transformers
from transformers import (
    AutoModel,
    BertConfig,
    DebertaV2Config,
    DistilBertConfig,
    ModernBertConfig,
    MPNetConfig,
    XLMRobertaConfig,
)

transformers.logging.set_verbosity_error()

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "encoder" / "src" / "test" / "resources" / "reference" / "tokenizers"
SEED = 12
MAX_LENGTH = 512
OPSET = 17

# family -> (fixture tokenizer folder, config at the real model's size). Special-token ids come from the
# fixture's config.json, so that they name the fixture tokenizer's tokens.
FAMILIES = {
    "bert-base": ("bert-uncased", lambda: BertConfig()),
    "distilbert-base": ("distilbert", lambda: DistilBertConfig()),
    "xlm-roberta-base": ("xlm-roberta", lambda: XLMRobertaConfig(vocab_size=250002, max_position_embeddings=514, type_vocab_size=1)),
    # MPNetConfig defaults to 512 positions; mpnet-base has 514 (ids from padding_idx + 1, as RoBERTa)
    "mpnet-base": ("mpnet", lambda: MPNetConfig(max_position_embeddings=514)),
    "modernbert-base": ("modernbert", lambda: ModernBertConfig()),
    "deberta-v3-small": ("deberta-v2", lambda: DebertaV2Config(
        num_hidden_layers=6, hidden_size=768, num_attention_heads=12, intermediate_size=3072, relative_attention=True,
        position_buckets=256, norm_rel_ebd="layer_norm", share_att_key=True, pos_att_type=["p2c", "c2p"],
        position_biased_input=False, max_position_embeddings=512, type_vocab_size=0, vocab_size=128100,
        max_relative_positions=-1, layer_norm_eps=1e-7)),
}
SPECIAL_IDS = ("pad_token_id", "bos_token_id", "eos_token_id", "cls_token_id", "sep_token_id")


class LastHiddenState(torch.nn.Module):
    """The exported graph: the encoder's last hidden state, nothing else."""

    def __init__(self, model, type_ids):
        super().__init__()
        self.model = model
        self.type_ids = type_ids

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        if self.type_ids:
            return self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
        return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state


def recipe(family):
    fixture, make = FAMILIES[family]
    config = make()
    fixture_config = json.loads((FIXTURES / fixture / "config.json").read_text())
    for key in SPECIAL_IDS:
        if key in fixture_config and hasattr(config, key):
            setattr(config, key, fixture_config[key])
    return fixture, config


def build(family, out):
    fixture, config = recipe(family)
    stamp = {"script": "reference/bench_models.py", "seed": SEED, "opset": OPSET, "config": config.to_diff_dict(),
             "torch": torch.__version__, "transformers": transformers.__version__}
    built = out / "built.json"
    if built.is_file() and json.loads(built.read_text()) == json.loads(json.dumps(stamp)):
        print(f"{family}: up to date in {out}", file=sys.stderr)
        return
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    torch.manual_seed(SEED)
    model = AutoModel.from_config(config, attn_implementation="eager").eval()
    model.save_pretrained(out)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(FIXTURES / fixture / name, out / name)
    tokenizer_config = json.loads((out / "tokenizer_config.json").read_text())
    tokenizer_config["model_max_length"] = MAX_LENGTH
    (out / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2))
    (out / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}], indent=2))
    (out / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": MAX_LENGTH, "do_lower_case": False}))
    (out / "1_Pooling").mkdir()
    (out / "1_Pooling" / "config.json").write_text(json.dumps({"word_embedding_dimension": config.hidden_size,
                                                               "pooling_mode_mean_tokens": True}, indent=2))
    export(model, config, out / "onnx" / "model.onnx")
    built.write_text(json.dumps(stamp, indent=2))
    print(f"{family}: built in {out}", file=sys.stderr)


def export(model, config, onnx):
    import numpy as np
    import onnxruntime

    onnx.parent.mkdir()
    type_ids = config.model_type == "bert"
    graph = LastHiddenState(model, type_ids).eval()  # export restores the wrapper's mode on every submodule
    # Traced past ModernBERT's 128-token window, the second sequence padded, so that the mask stays an input
    ids, mask = batch(2, 160, [160, 100])
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if type_ids else [])
    args = (ids, mask) + ((torch.zeros_like(ids),) if type_ids else ())
    axes = {name: {0: "batch", 1: "sequence"} for name in names}
    axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
    with torch.no_grad():
        torch.onnx.export(graph, args, str(onnx), dynamo=False, input_names=names, output_names=["last_hidden_state"],
                          dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)
    # Checked at other shapes than the trace's, so that no length was baked in
    session = onnxruntime.InferenceSession(str(onnx), providers=["CPUExecutionProvider"])
    for b, s, lengths in ((3, 300, [300, 170, 9]), (2, 7, [7, 3])):
        ids, mask = batch(b, s, lengths)
        args = (ids, mask) + ((torch.zeros_like(ids),) if type_ids else ())
        with torch.no_grad():
            expected = graph(*args).numpy()
        got = session.run(None, {name: a.numpy() for name, a in zip(names, args)})[0]
        diff = float(np.abs(got - expected)[mask.numpy().astype(bool)].max())
        if diff > 1e-3:
            raise SystemExit(f"{onnx}: onnxruntime differs from torch by {diff} on the real tokens of a ({b}, {s}) batch")
        print(f"{onnx}: onnxruntime matches torch within {diff:.1e} on a ({b}, {s}) padded batch", file=sys.stderr)


def batch(sequences, width, lengths):
    """Random ids (sequences, width) and the attention mask of sequences of these lengths."""
    ids = torch.randint(5, 1000, (sequences, width))
    mask = (torch.arange(width)[None, :] < torch.tensor(lengths)[:, None]).long()
    return ids, mask


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path(os.environ.get("GALE_BENCH_DIR", "/tmp/gale-families")))
    parser.add_argument("families", nargs="*", default=list(FAMILIES))
    args = parser.parse_args()
    for family in args.families:
        if family not in FAMILIES:
            raise SystemExit(f"unknown family '{family}' (known: {', '.join(FAMILIES)})")
        build(family, args.dir / family)


if __name__ == "__main__":
    main()
