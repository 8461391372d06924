"""The garbage collector tuned for a process holding thousands of sockets (the server) or
millions of measurements (the load generator).

CPython's default thresholds are (700, 10, 10). With thousands of sockets the default's
collections took a quarter or more of the server's CPU per ballot and its full
collections paused the loop for up to ~0.4 s; in the load generator they took a third of
its CPU per ballot (loadtest/README.md). Reference counting frees almost everything here;
the collector is only for cycles, which young collections every 50,000 net allocations
still find.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

GC_THRESHOLDS = (50_000, 20, 100)
_depth = 0  # tuned_gc blocks open in this process: only the outermost undoes it


@contextlib.contextmanager
def tuned_gc() -> Iterator[None]:
    """Freeze what exists now (modules, settings, the app: never garbage, never scanned
    again) and collect less often; put both back on the way out. Nested (a load test
    around a server in the same process), only the outermost block freezes and undoes."""
    global _depth
    _depth += 1
    if _depth > 1:
        try:
            yield
        finally:
            _depth -= 1
        return
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        _depth -= 1
        gc.set_threshold(*before)
        gc.unfreeze()
