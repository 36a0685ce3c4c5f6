#!/usr/bin/env python3
"""Exports a tiny model of every encoder family to ONNX with torch.onnx.export, both exporters, and checks each
export with ONNX Runtime against the torch model on the fixture's ids.

Output, per model variant V in VARIANTS (reference/models/V/, built by the `model-variants` step), in
encoder/src/test/resources/reference/onnx/V/:
  dynamo.onnx.gz   torch.onnx.export(dynamo=True), its default exporter (opset 18, optimize=True)
  legacy.onnx.gz   torch.onnx.export(dynamo=False), the TorchScript exporter optimum-style exports use (opset 17)
  source.txt       "models/V": the folder whose config.json and hidden_states.jsonl.gz go with the exports
Inputs input_ids, attention_mask (+ token_type_ids where the fixture's records carry type ids and the model has a
token type table: the exporters drop an unused input), batch and sequence axes dynamic, output last_hidden_state.
gzip (mtime 0): the weights are float16 / bfloat16 values stored as float32, whose low mantissa bits are zero, so
the files shrink by about half. Each export is a single file (no external data).

The variants and not the tokenizers/<family> models: 11 float32 models of 24 hidden come to over 4 MB as ONNX,
the variants' rounded weights to about 1.6 MB gzipped for both exporters. Per variant the `-b` one (bfloat16,
smallest), except ModernBERT (`-a`: no biases, as ModernBERT ships) and CamemBERT (only `-a`); DeBERTa-v2 both (`-a`
normalizes its relative embeddings and shares the position keys, which the exporters leave in the graph; `-b` does
neither, and the exporters fold its relative positions into constants).

Determinism: the dynamo exporter records each node's Python stack trace (file paths of this machine) in the
node's metadata_props; those entries are dropped. Every other metadata entry (name_scopes, fx_node, namespace,
class_hierarchy) stays, as users' exports carry it. Both exporters then give the same bytes on every run
(checked by exporting twice here). Run it through `reference/regenerate onnx`.
"""

import gzip
import io
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import refcommon  # noqa: E402

refcommon.check_deterministic_env()

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
import torch  # noqa: E402

import transformers  # noqa: E402
from transformers import AutoModel  # noqa: E402

transformers.logging.set_verbosity_error()

OUT_ROOT = refcommon.FIXTURES_DIR / "onnx"
MODELS = refcommon.FIXTURES_DIR / "models"
VARIANTS = ["bert-uncased-b", "camembert-a", "deberta-v2-a", "deberta-v2-b", "distilbert-b", "electra-b", "gte-b",
            "modernbert-a", "mpnet-b", "nomic-bert-b", "roberta-b", "xlm-roberta-b"]
EXPORTERS = {"dynamo": dict(dynamo=True, opset_version=18), "legacy": dict(dynamo=False, opset_version=17)}
DROPPED_METADATA = {"pkg.torch.onnx.stack_trace"}
MAX_DIFF = 1e-5  # ONNX Runtime vs torch, float32 both


def records(variant):
    with gzip.open(MODELS / variant / "hidden_states.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


class Exported(torch.nn.Module):
    """`model` taking `names` positionally and giving last_hidden_state. The model's own children are this module's,
    so parameter names and module scopes stay Hugging Face's (no wrapper prefix). Called positionally, transformers 5
    models fail to trace in the legacy exporter (it fills in every default argument, and the config-default
    decorator then passes use_cache twice); keyword arguments avoid that."""

    def __init__(self, model, names):
        super().__init__()
        self._modules.update(model._modules)
        object.__setattr__(self, "model", model)  # not registered: no "model." prefix
        self.names = names

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        inputs = dict(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        return self.model.forward(**{n: inputs[n] for n in self.names}).last_hidden_state


def export(model, names, exporter):
    """The ONNX ModelProto of `model` taking `names`, as bytes."""
    ids = torch.tensor([[2, 5, 7, 9, 3], [2, 6, 8, 10, 3]], dtype=torch.long)
    example = (ids, torch.ones_like(ids), torch.zeros_like(ids))[: len(names)]
    options = EXPORTERS[exporter]
    if options["dynamo"]:
        dim = torch.export.Dim.DYNAMIC
        program = torch.onnx.export(Exported(model, names).eval(), example, None, input_names=names, output_names=["last_hidden_state"],
                                    dynamic_shapes=tuple({0: dim, 1: dim} for _ in names), verbose=False, **options)
        proto = program.model_proto
    else:
        buffer = io.BytesIO()
        axes = {n: {0: "batch", 1: "sequence"} for n in names + ["last_hidden_state"]}
        torch.onnx.export(Exported(model, names).eval(), example, buffer, input_names=names, output_names=["last_hidden_state"],
                          dynamic_axes=axes, do_constant_folding=True, verbose=False, **options)
        proto = onnx.load_from_string(buffer.getvalue())
    for node in proto.graph.node:
        kept = [p for p in node.metadata_props if p.key not in DROPPED_METADATA]
        del node.metadata_props[:]
        node.metadata_props.extend(kept)
    if any(t.data_location == onnx.TensorProto.EXTERNAL for t in proto.graph.initializer):
        raise SystemExit("an initializer went to external data")
    onnx.checker.check_model(proto)
    return proto.SerializeToString()


def max_diff(model, data, names, recs):
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    worst = 0.0
    with torch.no_grad():
        for r in recs:
            ids = torch.tensor([r["ids"]], dtype=torch.long)
            feed = [ids, torch.ones_like(ids)]
            if "token_type_ids" in names:
                feed.append(torch.tensor([r["type_ids"]], dtype=torch.long))
            want = model(*feed).last_hidden_state.numpy()
            got = session.run(["last_hidden_state"], {n: t.numpy() for n, t in zip(names, feed)})[0]
            worst = max(worst, float(np.abs(want - got).max()))
    return worst


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    if OUT_ROOT.exists():
        for old in sorted(OUT_ROOT.rglob("*"), reverse=True):
            old.unlink() if old.is_file() else old.rmdir()
    total = 0
    for variant in VARIANTS:
        folder = MODELS / variant
        model = AutoModel.from_pretrained(str(folder), attn_implementation="eager", dtype=torch.float32).eval()
        recs = records(variant)
        types = recs[0]["type_ids"] is not None and getattr(model.config, "type_vocab_size", 1) > 0
        names = ["input_ids", "attention_mask"] + (["token_type_ids"] if types else [])
        out = OUT_ROOT / variant
        out.mkdir(parents=True)
        (out / "source.txt").write_text(f"models/{variant}\n", encoding="utf-8")
        line = [f"{variant:15s} inputs={','.join(names)}"]
        for exporter in EXPORTERS:
            data = export(model, names, exporter)
            if export(model, names, exporter) != data:
                raise SystemExit(f"{variant}: the {exporter} exporter gave different bytes on a second run")
            diff = max_diff(model, data, names, recs)
            if diff > MAX_DIFF:
                raise SystemExit(f"{variant}: {exporter} export differs from torch by {diff:.2e}")
            path = out / f"{exporter}.onnx.gz"
            with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
                gz.write(data)
            size = path.stat().st_size
            total += size
            line.append(f"{exporter}: {len(data)} B ({size} B gzipped) ort_max_diff={diff:.2e}")
        print(" | ".join(line), flush=True)
    print(f"onnx: {len(VARIANTS)} variants x {len(EXPORTERS)} exporters, {total} bytes", flush=True)


if __name__ == "__main__":
    main()
