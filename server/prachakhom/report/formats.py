"""Every export format, rendered from the document (`model.ExportDocument`) alone.

A renderer takes (document, language, progress) and returns the file's bytes; progress
is called as progress(done, total, what) so the CLI can show a bar on long work.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.report.model import ExportDocument

Progress = Callable[[int, int, str], None]
Renderer = Callable[[ExportDocument, str, Progress], bytes]


def no_progress(done: int, total: int, what: str) -> None:
    """The default: nobody is watching."""


@dataclass(frozen=True)
class Format:
    name: str
    target: str  # "<module>:<function>" in prachakhom.report
    media_type: str
    suffix: str
    about: str

    @property
    def render(self) -> Renderer:
        # imported when first used: the PDF stack is heavy, and the server starts without it
        module, _, function = self.target.partition(":")
        found: Renderer = getattr(importlib.import_module(f"prachakhom.report.{module}"), function)
        return found


FORMATS = {
    f.name: f
    for f in (
        Format("json", "jsonfile:render", "application/json", "json", "everything"),
        Format("pdf", "pdf:render", "application/pdf", "pdf", "the end-of-day report"),
        Format(
            "xlsx",
            "xlsx:render",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            "a sheet per question, breakdowns, ideas, themes, the ledger",
        ),
        Format("csv", "csvzip:render", "application/zip", "csv.zip", "CSV, UTF-8 with BOM"),
        Format("png", "charts:render_png", "application/zip", "png.zip", "PNG charts"),
        Format("svg", "charts:render_svg", "application/zip", "svg.zip", "SVG charts"),
    )
}
LANGUAGES = ("th", "en")


def format_named(name: str) -> Format:
    if name not in FORMATS:
        raise PrachakhomError(
            Code.BAD_MESSAGE, f"format must be one of {', '.join(FORMATS)}, not {name!r:.20}"
        )
    return FORMATS[name]


def language_of(doc: ExportDocument, asked: str | None) -> str:
    language = asked or doc.meeting.language
    if language not in LANGUAGES:
        raise PrachakhomError(Code.BAD_MESSAGE, "lang must be 'th' or 'en'")
    return language


def render(
    doc: ExportDocument, name: str, language: str | None = None, progress: Progress = no_progress
) -> bytes:
    return format_named(name).render(doc, language_of(doc, language), progress)


def filename(doc: ExportDocument, name: str) -> str:
    return f"prachakhom-{doc.meeting.id}-{doc.meeting.date}.{FORMATS[name].suffix}"
