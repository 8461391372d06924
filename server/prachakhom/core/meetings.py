"""A meeting as plain data: title, tables and seats, sites. Parsed from the API's JSON."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeGuard

from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.question import Text, check_id, check_text

TIME_ZONE = "Asia/Bangkok"  # every meeting's clock: screens, receipts and exports alike
BANGKOK = dt.timezone(dt.timedelta(hours=7), TIME_ZONE)  # meetings' days (no DST)
MAX_TABLES = 2000
MAX_SEATS = 50
LANGUAGES = ("th", "en")


def _bad(message: str) -> PrachakhomError:
    return PrachakhomError(Code.BAD_MESSAGE, message)


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    name: Text
    tables: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Meeting:
    id: str
    title: Text
    language: str
    table_count: int
    seats: int
    sites: tuple[Site, ...] = ()
    seat_codes: bool = False
    date: str | None = None  # ISO day of the meeting (set at creation when not given)
    retain_until: str | None = None  # ISO day after which `purge` may delete it (PDPA)

    @property
    def eligible(self) -> int:
        return self.table_count * self.seats

    @property
    def table_numbers(self) -> range:
        return range(1, self.table_count + 1)

    def has_seat(self, table: int, seat: int) -> bool:
        return 1 <= table <= self.table_count and 1 <= seat <= self.seats

    def site_of(self, table: int) -> str | None:
        for site in self.sites:
            if table in site.tables:
                return site.id
        return None

    def public(self) -> dict[str, Any]:
        """What clients read: the stored form plus the meeting's time zone (an IANA
        name), so that every screen shows times as the exports do."""
        return self.to_dict() | {"time_zone": TIME_ZONE}

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "language": self.language,
            "tables": {"count": self.table_count, "seats": self.seats},
            "sites": [{"id": s.id, "name": s.name, "tables": list(s.tables)} for s in self.sites],
            "seat_codes": self.seat_codes,
        } | {k: v for k, v in (("date", self.date), ("retain_until", self.retain_until)) if v}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Meeting:
        return parse_meeting(data, data["id"])


def parse_meeting(data: Any, meeting_id: str) -> Meeting:
    """A meeting from the body of POST /api/meetings (or its stored form)."""
    if not isinstance(data, dict):
        raise _bad("the meeting must be a JSON object")
    try:
        title = check_text(data.get("title"), "the title")
    except PrachakhomError as exc:
        raise _bad(exc.message) from None
    language = data.get("language", "th")
    if language not in LANGUAGES:
        raise _bad("language must be 'th' or 'en'")
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise _bad("tables must be an object {count, seats}")
    count, seats = tables.get("count"), tables.get("seats")
    if not _int_in(count, 1, MAX_TABLES):
        raise _bad(f"tables.count must be a whole number from 1 to {MAX_TABLES}")
    if not _int_in(seats, 1, MAX_SEATS):
        raise _bad(f"tables.seats must be a whole number from 1 to {MAX_SEATS}")
    seat_codes = data.get("seat_codes", False)
    if not isinstance(seat_codes, bool):
        raise _bad("seat_codes must be true or false")
    date, retain_until = data.get("date"), data.get("retain_until")
    if date is not None and not _iso_day(date):
        raise _bad("date must be a day as YYYY-MM-DD (Common Era), e.g. 2026-11-21")
    if retain_until is not None and not _iso_day(retain_until):
        raise _bad("retain_until must be a day as YYYY-MM-DD (Common Era), e.g. 2027-02-19")
    return Meeting(
        id=meeting_id,
        title=title,
        language=language,
        table_count=count,
        seats=seats,
        sites=_parse_sites(data.get("sites") or [], count),
        seat_codes=seat_codes,
        date=date,
        retain_until=retain_until,
    )


def _iso_day(value: Any) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str) and len(value) == 10


def _int_in(value: Any, low: int, high: int) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _parse_sites(data: Any, table_count: int) -> tuple[Site, ...]:
    """Sites take tables by number (a list) or by count (the next n tables in order)."""
    if not isinstance(data, list):
        raise _bad("sites must be a list of {id, name, tables}")
    sites, taken, next_table = [], set[int](), 1
    for item in data:
        if not isinstance(item, dict):
            raise _bad("each site must be an object {id, name, tables}")
        try:
            site_id = check_id(item.get("id"), "a site id")
            name = check_text(item.get("name"), "a site's name")
        except PrachakhomError as exc:
            raise _bad(exc.message) from None
        tables = item.get("tables")
        if _int_in(tables, 0, table_count):
            numbers = list(range(next_table, next_table + tables))
        elif isinstance(tables, list) and all(_int_in(t, 1, table_count) for t in tables):
            numbers = list(tables)
        else:
            raise _bad(f"site {site_id}'s tables must be a count or a list of table numbers")
        if any(t > table_count for t in numbers) or taken & set(numbers):
            raise _bad(f"site {site_id}'s tables overlap another site or do not exist")
        taken |= set(numbers)
        next_table = max(numbers, default=next_table - 1) + 1
        sites.append(Site(id=site_id, name=name, tables=tuple(numbers)))
    return tuple(sites)
