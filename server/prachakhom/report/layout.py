"""The pieces the PDF's templates lay out: plain texts in paragraphs, tables and blocks.

`sections` and `comparisons` build them from the export document (pure, no HTML); the
templates (templates/*.html, macros.html) turn them into HTML with every text escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from prachakhom.report.model import ExportDocument, QuestionRecord

Question = QuestionRecord
Doc = ExportDocument


@dataclass(frozen=True)
class Para:
    """A paragraph of plain text; `cls` its classes (report.css)."""

    text: str
    cls: str = ""
    macro: str = "para"


@dataclass(frozen=True)
class Grid:
    """A table of plain texts, its columns `widths` per cent of the page (a fixed layout
    is several times faster to lay out than an automatic one); columns in `numeric` are
    right-aligned; the first cell of each row heads it."""

    head: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float]
    numeric: frozenset[int] = frozenset()
    foot: Sequence[str] | None = None
    row_classes: Sequence[str] = ()  # one per row, when rows differ
    macro: str = "grid"

    def row_class(self, index: int) -> str:
        return self.row_classes[index] if self.row_classes else ""


def grid(
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    numeric: Iterable[int] = (),
    foot: Sequence[str] | None = None,
    row_classes: Sequence[str] = (),
) -> Grid:
    return Grid(head, rows, widths, frozenset(numeric), foot, row_classes)


Item = Para | Grid


@dataclass(frozen=True)
class Block:
    """A heading and what follows it, kept on one page when they fit: a heading never
    ends a page alone."""

    heading: str
    items: list[Item] = field(default_factory=list)
