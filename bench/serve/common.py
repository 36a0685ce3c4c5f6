"""What the bench/serve scripts share: the texts they send, and TEI's OpenAPI schemas as JSON Schema validators."""

import copy
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "encoder", "src", "test", "resources", "corpus", "texts.jsonl")
# TEI's docs/openapi.json (v1.9.3): kept next to the checkout, not in it
DEFAULT_SPEC = os.environ.get("GALE_TEI_SPEC", os.path.join(os.path.dirname(ROOT), "shared", "specs", "tei-openapi.json"))


def read_texts(path):
    """The texts of a file: the "text" field of each JSONL line (.jsonl), else each non-empty line."""
    texts = []
    with open(path, encoding="utf-8") as f:
        if path.endswith(".jsonl"):
            for line in f:
                if line.strip():
                    t = json.loads(line).get("text")
                    if isinstance(t, str):
                        texts.append(t)
        else:
            texts = [line.rstrip("\n") for line in f if line.strip()]
    if not texts:
        sys.exit(f"{path}: no texts")
    return texts


def _openapi_to_jsonschema(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema's null type; everything else as it is."""
    if isinstance(node, list):
        return [_openapi_to_jsonschema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _openapi_to_jsonschema(v) for k, v in node.items() if k not in ("nullable", "example", "default")}
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


class Schemas:
    """TEI's component schemas by name: `check(name, value)` gives the problems (empty when it conforms)."""

    def __init__(self, spec_path):
        import jsonschema
        with open(spec_path, encoding="utf-8") as f:
            spec = json.load(f)
        self._components = {"schemas": _openapi_to_jsonschema(copy.deepcopy(spec["components"]["schemas"]))}
        self._validator = jsonschema.Draft7Validator
        self._cache = {}

    def check(self, name, value):
        v = self._cache.get(name)
        if v is None:
            v = self._validator({"$ref": f"#/components/schemas/{name}", "components": self._components})
            self._cache[name] = v
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}" for e in v.iter_errors(value)]


def load_schemas(path):
    """The spec's validators, or None (with a line saying so) when the spec is not there."""
    if path in (None, "", "none"):
        print("schema checks: skipped (--spec none)")
        return None
    if not os.path.exists(path):
        print(f"schema checks: SKIPPED, no TEI OpenAPI spec at {path} (pass --spec FILE or set GALE_TEI_SPEC)")
        return None
    return Schemas(path)


def rss_kib(pid):
    """VmRSS of a process, KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")
