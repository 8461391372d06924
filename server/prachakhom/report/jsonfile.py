"""The JSON export: the document itself (schema: schema.json)."""

from __future__ import annotations

from typing import Any

from prachakhom.report.formats import Progress, dumps


def render(doc: dict[str, Any], language: str, progress: Progress) -> bytes:
    progress(1, 1, "JSON")
    return dumps(doc)
