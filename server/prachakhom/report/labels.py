"""The words of every report, read from the browser apps' catalogues (clients/i18n).

One catalogue per language serves the apps and the reports, so a facilitator reads the
same words on the tablet and in the report. The reports' own entries are under
`report.` (the PDF and the charts) and `sheet.` (XLSX and CSV); a key is looked up in
its sections first and then as the apps' own key (`iap2.consult`, `results.n_voters`),
so a phrase the apps already say is written once. `Words` binds a language and the
digit style; numbers passed to it are written as the report writes numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson
from msgspec import UNSET

from prachakhom.core.questions import Text, text_in
from prachakhom.paths import i18n_dir
from prachakhom.report import thaidate
from prachakhom.report.model import ExportDocument

LANGUAGES = ("th", "en")
OWN_SECTIONS = ("report", "sheet")  # the reports' entries in the shared catalogue


@cache
def catalogue(language: str) -> Mapping[str, str]:
    """Every string of one language, apps' and reports' alike, by key."""
    found: dict[str, str] = orjson.loads((i18n_dir() / f"{language}.json").read_bytes())
    return found


def lookup(language: str, key: str, sections: tuple[str, ...]) -> str:
    """`<section>.<key>` for the first section that has it, else the apps' `key`."""
    strings = catalogue(language)
    for section in sections:
        found = strings.get(f"{section}.{key}")
        if found is not None:
            return found
    if key not in strings:
        raise KeyError(f"no {key!r} under {', '.join(sections)} or the apps' keys")
    return strings[key]


def own_entries() -> dict[str, tuple[str, str]]:
    """The reports' entries (report.*, sheet.*) as (Thai, English), for checks."""
    thai, english = catalogue("th"), catalogue("en")
    prefixes = tuple(f"{section}." for section in OWN_SECTIONS)
    return {key: (text, english[key]) for key, text in thai.items() if key.startswith(prefixes)}


@dataclass(frozen=True)
class Words:
    """The catalogue in one language, numbers written in the report's digits."""

    language: str = "th"
    thai_digits: bool = False

    def __call__(self, key: str, **values: Any) -> str:
        template = lookup(self.language, key, ("report",))
        return template.format(**{k: self.value(v) for k, v in values.items()})

    def value(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        return self.number(value)

    def number(self, value: float, places: int = 2) -> str:
        return thaidate.number(value, self.language, self.thai_digits, places)

    def percent(self, share: float) -> str:
        return thaidate.percent(share, self.language, self.thai_digits)

    def points(self, delta: float) -> str:
        return thaidate.points(delta, self.language, self.thai_digits)

    def digits(self, text: str) -> str:
        return thaidate.digits(text, self.language, self.thai_digits)

    def text(self, value: Text) -> str:
        return text_in(value, self.language)

    def date(self, day: str) -> str:
        return thaidate.long_date(day, self.language, self.thai_digits)

    def moment(self, when: str) -> str:
        return thaidate.date_time(when, self.language, self.thai_digits)


def words_for(doc: ExportDocument, language: str) -> Words:
    return Words(language, doc.report is not UNSET and doc.report.thai_digits is True)
