"""The export document as the renderers take it: a JSON export (as the API sends it,
read into plain data so that a test can change it) decoded into `ExportDocument`, the
way the CLI reads a saved file."""

from __future__ import annotations

from typing import Any

import orjson

from prachakhom.report import model


def typed(doc: dict[str, Any]) -> model.ExportDocument:
    return model.decode(orjson.dumps(doc))
