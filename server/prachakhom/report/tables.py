"""The vocabulary of every XLSX sheet and CSV file: tables, columns, their names.

Pure: `meeting_sheets` and `result_sheets` turn the export document into `Table`s, and
`xlsx` and `csvzip` only lay them out. The names of sheets, columns and fixed values
come from the shared catalogue (`sheet.*` in clients/i18n, else the PDF's `report.*`),
so the two formats cannot drift apart. Numbers stay numbers, shares stay fractions
(0 to 1), and `None` is an empty cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from prachakhom.report.document import BANGKOK
from prachakhom.report.labels import catalogue, lookup
from prachakhom.report.model import ExportDocument

Cell = str | int | float | None
Row = dict[str, Cell]
Doc = ExportDocument
SHEET_SECTIONS = ("sheet", "report")

# How the XLSX shows a column; "text" when not listed. Numbers are numbers regardless.
STYLES: dict[str, str] = {
    "share": "share",
    "target": "share",
    "gap": "share",
    "pre_share": "share",
    "shift": "share",
    "cost": "money",
    "text": "wrap",
    "idea_texts": "wrap",
    "question_titles": "wrap",
    "answer": "json",
    "contribution": "json",
    "event": "json",
    "prev": "code",
    "hash": "code",
}

# Column orders; a table shows the ones its rows have.
RESULT_KEYS = (
    "question",
    "kind",
    "method",
    "rank",
    "option",
    "label",
    "score",
    "share",
    "rank_*",  # one column per other counting method, beside the shown one
    "mean",
    "median",
    "cost",
    "funded",
    "target",
    "gap",
    "pre_score",
    "pre_share",
    "shift",
)
SCORED_KEYS = ("rank", "option", "label", "score", "share", "mean", "median")
BREAKDOWN_KEYS = ("question", "attribute", "group", "group_label", "shown", "voters", *SCORED_KEYS)
SITE_KEYS = ("question", "site", "site_name", "eligible", "voters", "tables_reporting")
IDEA_KEYS = ("id", "round", "table", "site_name", "at", "text", "theme")
INVOLVEMENT_KEYS = (
    "step", "iap2_level", "level_name", "question_count", "question_ids", "question_titles",
)  # fmt: skip
THEME_KEYS = ("id", "theme", "idea_count", "table_count", "at", "idea_texts")
LEDGER_KEYS = (
    "n",
    "type",
    "at",
    "question",
    "voter",
    "hands",
    "table",
    "ballot_status",
    "answer",
    "contribution",
    "weight",
    "receipt",
    "seq",
    "event",
    "prev",
    "hash",
)


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    style: str  # text | share | money | wrap | json | code


@dataclass(frozen=True)
class Table:
    file: str  # the CSV file's name without .csv
    name: str  # the sheet's name, in the export's language
    columns: tuple[Column, ...]
    rows: list[list[Cell]]
    title: tuple[str, ...] = ()  # lines above the header, in the XLSX only


def label(key: str, language: str) -> str:
    """A sheet's, column's or fixed value's name: `sheet.<key>`, else the PDF's word."""
    return lookup(language, key, SHEET_SECTIONS)


def method_name(method: str, language: str) -> str:
    """A counting method's name: the sheets' short one (count, IRV), else the apps'."""
    strings = catalogue(language)
    for key in (f"sheet.method.{method}", f"results.method_name_{method}"):
        if key in strings:
            return strings[key]
    return method


def header(key: str, language: str) -> str:
    if key.startswith("rank_") and key != "rank_by":
        name = method_name(key.removeprefix("rank_"), language)
        return label("rank_by", language).format(method=name)
    return label(key, language)


def make_table(
    file: str,
    name: str,
    keys: Iterable[str],
    rows: list[Row],
    language: str,
    title: tuple[str, ...] = (),
) -> Table:
    keys = tuple(keys)
    columns = tuple(Column(k, header(k, language), STYLES.get(k, "text")) for k in keys)
    return Table(file, name, columns, [[row.get(k) for k in keys] for row in rows], title)


def present(order: Iterable[str], rows: list[Row]) -> list[str]:
    """The keys of `order` that some row has; `rank_*` stands for every `rank_<method>`."""
    seen = {k for row in rows for k in row}
    out: list[str] = []
    for key in order:
        if key == "rank_*":
            out += sorted(k for k in seen if k.startswith("rank_"))
        elif key in seen:
            out.append(key)
    return out


# --- cells ----------------------------------------------------------------------------


def iso_time(ms: int) -> str:
    """Milliseconds since the epoch as ISO 8601 in Thai time, to the millisecond."""
    seconds, millis = divmod(ms, 1000)
    at = dt.datetime.fromtimestamp(seconds, BANGKOK).replace(microsecond=millis * 1000)
    return at.isoformat(timespec="milliseconds")


def to_json(value: Any) -> str:
    return orjson.dumps(value).decode()
