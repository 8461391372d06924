"""Every export format against a fixture recorded from the code before the document was
typed (tests/fixtures/export_bytes/): the demo forum's reads (meeting, agenda, tallies,
records, ledger, ideas, themes) are replayed into `document.from_snapshot` at a fixed
moment, and the JSON export's bytes, the CSV zip's bytes, the XLSX cells, the SVG
charts and the PDF's text must come out as they did then.

Re-record only on purpose: PRACHAKHOM_RECORD_EXPORT=1 pytest tests/test_export_bytes.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import matplotlib
import openpyxl
import orjson

from prachakhom.core.meetings import BANGKOK, Meeting
from prachakhom.core.questions import parse_question
from prachakhom.core.records import Snapshot, TallyRead
from prachakhom.report import document, formats

from .conftest import Running

FIXTURE = Path(__file__).parent / "fixtures" / "export_bytes"
RECORD = os.environ.get("PRACHAKHOM_RECORD_EXPORT") == "1"
NOW = dt.datetime(2026, 11, 21, 17, 45, 30, tzinfo=BANGKOK)
MIN_GROUP = 5


def replayed(reads: dict[str, Any], thai_digits: bool) -> Any:
    """The document from the recorded reads, as `document.build` makes it."""
    snapshot = Snapshot(
        tallies=[TallyRead(**t) for t in reads["snapshot"]["tallies"]],
        records=reads["snapshot"]["records"],
        ledger_end=reads["snapshot"]["ledger_end"],
    )
    doc = document.from_snapshot(
        Meeting.from_dict(reads["meeting"]),
        [(parse_question(q), state) for q, state in reads["questions"]],
        snapshot,
        [(i, f) for i, f in reads["raw"]],
        ideas=reads["ideas"],
        themes=reads["themes"],
        min_group=MIN_GROUP,
        now=NOW,
    )
    return document.with_report(doc, thai_digits=thai_digits)


def cells(data: bytes) -> dict[str, list[list[Any]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {
        sheet.title: [
            [v.isoformat() if isinstance(v, dt.datetime) else v for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        for sheet in book.worksheets
    }


def members(data: bytes) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {n: hashlib.sha256(archive.read(n)).hexdigest() for n in archive.namelist()}


def pdf_text(data: bytes, folder: Path) -> str:
    path = folder / "report.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def outputs(reads: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Every format's output, as the fixture keeps it."""
    doc = replayed(reads, thai_digits=False)
    digits = replayed(reads, thai_digits=True)
    out: dict[str, Any] = {"document.json": formats.render(doc, "json")}
    for lang in ("th", "en"):
        csv = formats.render(doc, "csv", lang)
        out[f"csv-{lang}.zip"] = csv
        out[f"xlsx-{lang}.json"] = orjson.dumps(
            cells(formats.render(doc, "xlsx", lang)), option=orjson.OPT_INDENT_2
        )
        with matplotlib.rc_context({"svg.hashsalt": "prachakhom"}):  # the same ids each time
            svg = formats.render(doc, "svg", lang)
        out[f"svg-{lang}.json"] = orjson.dumps(members(svg), option=orjson.OPT_INDENT_2)
        out[f"pdf-{lang}.txt"] = pdf_text(formats.render(doc, "pdf", lang), folder).encode()
    out["pdf-th-digits.txt"] = pdf_text(formats.render(digits, "pdf", "th"), folder).encode()
    out["filename.txt"] = formats.filename(doc, "csv").encode()
    return out


def test_every_format_renders_as_recorded(tmp_path: Path) -> None:
    reads = orjson.loads((FIXTURE / "reads.json").read_bytes())
    for name, data in outputs(reads, tmp_path).items():
        assert data == (FIXTURE / name).read_bytes(), name


async def _record(forum: Any, server: Running, tmp_path: Path) -> None:
    store = server.services.store
    meeting = await store.meeting(forum.id)
    questions = await store.questions(forum.id)
    snapshot = await store.snapshot(forum.id, [q.id for q, _ in questions], records=True)
    reads = {
        "meeting": meeting.to_dict(),
        "questions": [(q.to_dict(), state) for q, state in questions],
        "snapshot": {
            "tallies": [
                {
                    "tally": t.tally,
                    "voters": t.voters,
                    "tables_reporting": t.tables_reporting,
                    "version": t.version,
                }
                for t in snapshot.tallies
            ],
            "records": snapshot.records,
            "ledger_end": snapshot.ledger_end,
        },
        "raw": await store.ledger(forum.id, until=snapshot.ledger_end),
        "ideas": await store.ideas(forum.id),
        "themes": await store.themes(forum.id),
    }
    FIXTURE.mkdir(exist_ok=True)
    (FIXTURE / "reads.json").write_bytes(orjson.dumps(reads, option=orjson.OPT_INDENT_2))
    for name, data in outputs(reads, tmp_path).items():
        (FIXTURE / name).write_bytes(data)


if RECORD:  # collected only when re-recording: the demo forum voted on a real server
    test_record = _record
