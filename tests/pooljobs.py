"""Jobs for the worker pool's tests: top-level functions, so a spawned worker imports them
by name (this module imports nothing of the tests' fixtures)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def hold(started: str, gate: str, timeout: float = 60) -> int:
    """Say it started (a file), then hold its process until `gate` exists: its pid."""
    Path(started).touch()
    deadline = time.monotonic() + timeout
    while not Path(gate).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"nobody opened {gate}")
        time.sleep(0.01)
    return os.getpid()


def pid() -> int:
    return os.getpid()
