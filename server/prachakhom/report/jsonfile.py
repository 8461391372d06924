"""The JSON export: the document itself (schema: schema.json).

`msgspec.json.encode` of the `ExportDocument`, indented two spaces: the bytes the export
has always had (tests/test_export_bytes.py holds them), each object's fields in its
Struct's order with the unset ones left out. One thing is written as stored rather than
as its Struct: a question's definition. Its kind's Struct would write its tag first and
pair_of and iap2_level as null; the export writes it as the server stores it
(`Question.to_dict`: id, kind, prompt, options, the kind's settings, then pair_of and
iap2_level only when set), so each definition goes in as that JSON, verbatim.

The only bytes that could differ from the orjson-written files of before: a float of
1e16 or more is written `1e16` where orjson wrote `1e+16` (the same number). The server
writes none: shares, means, p-values and statistics are far smaller.
"""

from __future__ import annotations

from typing import Any

import msgspec
import orjson

from prachakhom.core.questions import parse_question
from prachakhom.report.formats import Progress
from prachakhom.report.model import ExportDocument


def render(doc: ExportDocument, language: str, progress: Progress) -> bytes:
    progress(1, 1, "JSON")
    return dumps(doc)


def dumps(doc: ExportDocument) -> bytes:
    questions = [
        msgspec.structs.replace(q, definition=msgspec.Raw(orjson.dumps(stored(q.definition))))
        for q in doc.questions
    ]
    compact = msgspec.json.encode(msgspec.structs.replace(doc, questions=questions))
    return msgspec.json.format(compact, indent=2)


def stored(definition: Any) -> dict[str, Any]:
    """A definition Struct in the form the store keeps and the export writes."""
    return parse_question(msgspec.to_builtins(definition)).to_dict()
