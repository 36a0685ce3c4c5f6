#!/usr/bin/env python3
"""Dumps transformers' relative-position bucket functions for relative positions -300..300, for the Java
building-block tests: MPNet's relative_position_bucket (32 buckets, max distance 128) and DeBERTa-v2's
make_log_bucket_position at (bucket size, max position) = (16, 128) and (256, 512).

Output: encoder/src/test/resources/reference/position-buckets.json
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import refcommon  # noqa: E402

import torch  # noqa: E402
from transformers.models.deberta_v2.modeling_deberta_v2 import make_log_bucket_position  # noqa: E402
from transformers.models.mpnet.modeling_mpnet import MPNetEncoder  # noqa: E402


def main():
    rel = torch.arange(-300, 301)
    out = {
        "relative": [-300, 300],
        "mpnet_32_128": MPNetEncoder.relative_position_bucket(rel, num_buckets=32, max_distance=128).tolist(),
        "deberta_16_128": make_log_bucket_position(rel, 16, 128).long().tolist(),
        "deberta_256_512": make_log_bucket_position(rel, 256, 512).long().tolist(),
    }
    path = refcommon.FIXTURES_DIR / "position-buckets.json"
    path.write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"position buckets: {path.stat().st_size} bytes", flush=True)


if __name__ == "__main__":
    main()
