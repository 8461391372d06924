"""The CSV export: a ZIP of CSV files, one per table of `tables`, results in long format.

Each file is UTF-8 with a byte-order mark, which is how Excel knows to show Thai text as
Thai. A text cell that Excel would take for a formula (it starts with =, +, -, @ or a
tab and is not a plain number) gets a leading apostrophe, the usual defence against CSV
injection: ideas are typed by participants.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable

from prachakhom.report import meeting_sheets, result_sheets
from prachakhom.report.formats import Progress
from prachakhom.report.model import ExportDocument
from prachakhom.report.tables import Cell, Table

FILES: tuple[Callable[[ExportDocument, str], Table], ...] = (
    meeting_sheets.summary,
    meeting_sheets.involvement,
    result_sheets.results,
    result_sheets.breakdowns,
    result_sheets.sites,
    meeting_sheets.ideas,
    meeting_sheets.themes,
    meeting_sheets.ledger,
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")
ZIP_EPOCH = dt.datetime(1980, 1, 1)  # the earliest time a ZIP entry can carry


def render(doc: ExportDocument, language: str, progress: Progress) -> bytes:
    made = _zip_time(doc.generated_at)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, build in enumerate(FILES, start=1):
            table = build(doc, language)
            entry = zipfile.ZipInfo(f"{table.file}.csv", date_time=made)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, encode(table))
            progress(n, len(FILES), table.file)
    return out.getvalue()


def encode(table: Table) -> bytes:
    """The table as CSV: a header row, then the rows; UTF-8 with a byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in table.columns])
    writer.writerows([defused(v) for v in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def defused(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _zip_time(generated_at: str) -> tuple[int, int, int, int, int, int]:
    """The document's local time, so the same document always gives the same bytes."""
    at = max(dt.datetime.fromisoformat(generated_at).replace(tzinfo=None), ZIP_EPOCH)
    return (at.year, at.month, at.day, at.hour, at.minute, at.second)
