"""schema.json, generated from the export document's types (model.py).

    python -m prachakhom.report.schema           # writes report/schema.json
    python -m prachakhom.report.schema --check   # exits 1 if the file is not up to date

A test checks that the shipped file is what the types generate, so the two cannot drift.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import msgspec

from prachakhom.core import resulttypes
from prachakhom.report import model

ENVELOPE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:prachakhom:export:v1",
    "title": f"Prachakhom export document ({model.SCHEMA})",
}


def generate() -> dict[str, Any]:
    """The document's JSON Schema: the top type inline, every other type in `$defs`
    with its `json_schema_rules` merged in."""
    (top,), defs = msgspec.json.schema_components(
        [model.ExportDocument], ref_template="#/$defs/{name}"
    )
    assert top == {"$ref": "#/$defs/ExportDocument"}
    document = defs.pop("ExportDocument")
    document.pop("title")
    declared = {**vars(resulttypes), **vars(model)}
    for name, definition in defs.items():
        definition.update(getattr(declared.get(name), "json_schema_rules", {}))
    return ENVELOPE | document | {"$defs": dict(sorted(defs.items()))}


def text() -> str:
    return json.dumps(generate(), indent=2, ensure_ascii=False) + "\n"


def shipped() -> str:
    return resources.files("prachakhom.report").joinpath("schema.json").read_text("utf-8")


def main(argv: list[str]) -> int:
    wanted = text()
    if "--check" in argv:
        if shipped() != wanted:
            print("schema.json is not what report/model.py generates: run make schema")
            return 1
        return 0
    path = Path(__file__).with_name("schema.json")
    path.write_text(wanted, encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
