"""The audit and the exports as worker pool jobs (`workers.py`), never on the event loop.

A thread beside the loop is not enough: it shares the GIL, and a JSON export taken in one
during a burst raised the burst's ack p99 from 103–285 ms to 126–626 ms (loadtest/README,
sixth round); an XLSX export of a full hall is 24 s of CPU. So each job does the whole
thing in a worker process: it reads one moment of the store through the worker's own
Store (`Store.snapshot`, then the ledger up to it), recounts or builds and renders, and
hands back only something small: the audit's report, or the path of the file it wrote
in the pool's scratch folder (the route sends the file, then deletes it).
"""

from __future__ import annotations

import os
import tempfile
from typing import Any, NamedTuple

from prachakhom.core import recount
from prachakhom.report import document, formats
from prachakhom.workers import on_worker_loop, worker_store


class Written(NamedTuple):
    """An export rendered to a file: where it is, and the name the download gets."""

    path: str
    filename: str


def audit(meeting_id: str) -> dict[str, Any]:
    """The recount from the ledger beside the live tallies (`recount.audit`)."""
    return on_worker_loop(recount.audit(worker_store(), meeting_id))


def export(
    meeting_id: str,
    name: str,
    language: str | None,
    min_group: int,
    thai_digits: bool,
    folder: str,
) -> Written:
    """The document built and rendered as format `name`, written to a new file in `folder`."""
    doc = on_worker_loop(
        document.build(worker_store(), meeting_id, min_group=min_group, thai_digits=thai_digits)
    )
    body = formats.render(doc, name, language)
    suffix = "." + formats.FORMATS[name].suffix
    handle, path = tempfile.mkstemp(prefix="export-", suffix=suffix, dir=folder)
    with os.fdopen(handle, "wb") as out:
        out.write(body)
    return Written(path, formats.filename(doc, name))
