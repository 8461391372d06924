"""The XLSX export: a Summary sheet, how far people were involved (IAP2), a sheet per
question, then Breakdowns, Sites, Ideas, Themes and the Ledger, laid out from `tables`.

Written in xlsxwriter's constant-memory mode, row by row, so a ledger of tens of
thousands of entries stays fast and small in memory. Text is always written as text
(never a formula or a link, whatever a participant typed), numbers as numbers, shares
with a percent format.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from prachakhom.core.questions import text_in
from prachakhom.report import meeting_sheets, result_sheets
from prachakhom.report.formats import Progress
from prachakhom.report.model import ExportDocument
from prachakhom.report.tables import Cell, Table

SHEET_NAME_MOST = 31  # Excel's limit, in UTF-16 units
NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
RESERVED_SHEET_NAMES = frozenset({"history"})  # Excel keeps it for itself
PROGRESS_EVERY = 5000  # rows between progress calls
WIDTH_SAMPLE = 200  # rows looked at to size a column
WIDTHS = {  # style: (narrowest, widest) column, in characters
    "text": (6, 40),
    "wrap": (12, 60),
    "json": (12, 40),
    "code": (12, 20),
    "share": (8, 14),
    "money": (10, 16),
}
BOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}

Formats = dict[str, Format]
Write = Callable[[int, int, Any], object]


def render(doc: ExportDocument, language: str, progress: Progress) -> bytes:
    sheets = [
        meeting_sheets.summary(doc, language),
        meeting_sheets.involvement(doc, language),
        *(result_sheets.question(item, language) for item in doc.questions),
        result_sheets.breakdowns(doc, language),
        result_sheets.sites(doc, language),
        meeting_sheets.ideas(doc, language),
        meeting_sheets.themes(doc, language),
        meeting_sheets.ledger(doc, language),
    ]
    numbered = [f"{i}. {s.name}" if s.file == "question" else s.name for i, s in _numbered(sheets)]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, BOOK_OPTIONS)
    book.set_properties(_properties(doc, language))
    formats = _formats(book)
    total = sum(len(s.rows) + 1 for s in sheets)
    done = 0
    for table, name in zip(sheets, sheet_names(numbered), strict=True):
        done = write_sheet(book.add_worksheet(name), table, formats, progress, done, total)
    book.close()
    return out.getvalue()


def _numbered(sheets: list[Table]) -> list[tuple[int, Table]]:
    """Question sheets numbered in agenda order (1, 2, ...); others keep their name."""
    out, n = [], 0
    for sheet in sheets:
        n += sheet.file == "question"
        out.append((n, sheet))
    return out


def sheet_names(wanted: Sequence[str]) -> list[str]:
    """Legal, unique (ignoring case) sheet names, each as close to the wanted one as can be."""
    taken = set(RESERVED_SHEET_NAMES)
    out = []
    for name in wanted:
        base = NOT_IN_SHEET_NAMES.sub("_", name).strip().strip("'") or "Sheet"
        candidate, n = _clip(base, SHEET_NAME_MOST), 1
        while candidate.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            candidate = _clip(base, SHEET_NAME_MOST - len(suffix)).rstrip("'") + suffix
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def _clip(text: str, most: int) -> str:
    """The longest start of `text` that fits in `most` UTF-16 units."""
    while len(text.encode("utf-16-le")) // 2 > most:
        text = text[:-1]
    return text.rstrip("'") or "Sheet"


def _properties(doc: ExportDocument, language: str) -> dict[str, Any]:
    made = dt.datetime.fromisoformat(doc.generated_at).astimezone(dt.UTC)
    return {
        "title": text_in(doc.meeting.title, language),
        "comments": f"{doc.schema}; ledger digest {doc.ledger.digest}",
        "created": made.replace(tzinfo=None),  # the document's time, so a re-render is the same
    }


def _formats(book: xlsxwriter.Workbook) -> Formats:
    return {
        "header": book.add_format({"bold": True, "bottom": 1, "text_wrap": True}),
        "title": book.add_format({"bold": True, "font_size": 13}),
        "share": book.add_format({"num_format": "0.0%"}),
        "money": book.add_format({"num_format": "#,##0"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }


def write_sheet(
    sheet: Worksheet, table: Table, formats: Formats, progress: Progress, done: int, total: int
) -> int:
    """The title lines, a bold frozen header with a filter, then the rows, in row order
    (constant-memory mode cannot go back). Returns the rows done so far."""
    for row, line in enumerate(table.title):
        sheet.write_string(row, 0, line, formats["title"] if row == 0 else None)
    top = len(table.title) + 1 if table.title else 0
    for col in range(len(table.columns)):
        sheet.set_column(col, col, column_width(table, col))
    sheet.write_row(top, 0, [c.header for c in table.columns], formats["header"])
    sheet.freeze_panes(top + 1, 0)
    if table.columns:
        sheet.autofilter(top, 0, top + len(table.rows), len(table.columns) - 1)
    writers = [_writer(sheet, c.style, formats) for c in table.columns]
    for n, values in enumerate(table.rows, start=1):
        for col, value in enumerate(values):
            if value is not None:
                writers[col](top + n, col, value)
        if n % PROGRESS_EVERY == 0:
            progress(done + n, total, table.name)
    done += len(table.rows) + 1
    progress(done, total, table.name)
    return done


def _writer(sheet: Worksheet, style: str, formats: Formats) -> Write:
    number_format = formats.get(style) if style in ("share", "money") else None
    text_format = formats["wrap"] if style == "wrap" else None

    def write(row: int, col: int, value: Cell) -> object:
        if isinstance(value, str):
            return sheet.write_string(row, col, value, text_format)
        return sheet.write_number(row, col, value, number_format)

    return write


def column_width(table: Table, col: int) -> float:
    column = table.columns[col]
    narrowest, widest = WIDTHS.get(column.style, WIDTHS["text"])
    if column.style == "share":
        return narrowest
    sample = (row[col] for row in table.rows[:WIDTH_SAMPLE])
    longest = max((_shown_length(v) for v in sample if v is not None), default=0)
    if column.style == "money":
        longest += longest // 3  # thousands separators
    header = max(_shown_length(w) for w in column.header.split())
    return float(min(widest, max(narrowest, longest + 2, header + 2)))


def _shown_length(value: Cell) -> int:
    """Characters that take room: Thai vowel and tone marks above or below do not."""
    text = value if isinstance(value, str) else str(value)
    if text.isascii():
        return len(max(text.split("\n"), key=len))
    return max(
        sum(1 for ch in line if unicodedata.category(ch) != "Mn") for line in text.split("\n")
    )
