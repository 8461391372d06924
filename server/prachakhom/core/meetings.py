"""A meeting as plain data: title, tables and seats, sites. Parsed from the API's JSON.

    JSON --parse_meeting()--> MeetingDef (msgspec) --sites resolved, days checked--> Meeting
         └ or refused: read again loosely, rule by rule, only to word it (explain)
    POST /api/meetings' bytes --decode_new()--> NewMeeting (either shape, one pass)
         --.agenda(), .meeting_def(today)--> the definitions, a MeetingDef (meeting_of)
    Meeting --view()--> MeetingView: the meeting as stored and as the API answers it

The JSON forms are declared once as Structs (MeetingDef, MeetingView and the answers
that carry a meeting); the OpenAPI document is generated from them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeGuard

import msgspec
from msgspec import UNSET, Meta, UnsetType

from prachakhom.core.auth import Codes
from prachakhom.core.errors import Code, PrachakhomError, decode_body
from prachakhom.core.methods import DEFINITION, Definition
from prachakhom.core.plenary import PlenaryView
from prachakhom.core.question import Id, Text, check_id, check_text
from prachakhom.core.questions import parse_question

TIME_ZONE = "Asia/Bangkok"  # every meeting's clock: screens, receipts and exports alike
BANGKOK = dt.timezone(dt.timedelta(hours=7), TIME_ZONE)  # meetings' days (no DST)
MAX_TABLES = 2000
MAX_SEATS = 50
LANGUAGES = ("th", "en")


def _bad(message: str) -> PrachakhomError:
    return PrachakhomError(Code.BAD_MESSAGE, message)


Day = Annotated[
    str, Meta(min_length=10, max_length=10, extra_json_schema={"format": "date"})
]  # YYYY-MM-DD, checked by the calendar after decoding


class TableCount(msgspec.Struct, frozen=True):
    count: Annotated[int, Meta(ge=1, le=MAX_TABLES)]
    seats: Annotated[int, Meta(ge=1, le=MAX_SEATS, description="per table")]


class SiteDef(msgspec.Struct, frozen=True):
    """A site takes tables by number (a list) or by count (the next n tables in order);
    as stored and answered, always the list."""

    id: Id
    name: Text
    tables: Annotated[int, Meta(ge=0)] | list[Annotated[int, Meta(ge=1)]]


class MeetingDef(msgspec.Struct, kw_only=True):
    """The body of POST /api/meetings (other fields are read elsewhere or skipped)."""

    title: Text
    language: Literal["th", "en"] = "th"
    tables: TableCount
    sites: list[SiteDef] | None = None
    seat_codes: bool = False
    date: Day | UnsetType | None = UNSET  # the meeting's day; today when left out (not null)
    retain_until: Day | None = None  # after which `purge` may delete it (PDPA)


class MeetingView(msgspec.Struct, kw_only=True):
    """A meeting as stored, and as the API answers it (with its time zone)."""

    id: Annotated[str, Meta(pattern="^m[a-z2-9]{9}$")]
    title: Text
    language: Literal["th", "en"]
    tables: TableCount
    sites: list[SiteDef]
    seat_codes: bool
    date: Day | UnsetType = UNSET
    retain_until: Day | UnsetType = UNSET
    time_zone: Annotated[str, Meta(description="IANA name, e.g. Asia/Bangkok")] | UnsetType = UNSET


class MeetingInput(MeetingDef, kw_only=True):
    """POST /api/meetings: the meeting and, optionally, its agenda (draft questions)."""

    questions: list[DEFINITION] = []


class Scenario(msgspec.Struct):
    """POST /api/meetings in the scenario file's shape: the same, the meeting apart."""

    meeting: MeetingDef
    questions: list[DEFINITION] = []


class NewMeeting(msgspec.Struct, kw_only=True):
    """The body of POST /api/meetings as decoded, in one pass, in either shape: the
    meeting's own fields (MeetingInput) or a `meeting` object beside the `questions`
    (Scenario, told apart by `meeting` being an object, as always). Left out here:
    UNSET, so that a missing title or tables is refused in its turn."""

    title: Text | UnsetType = UNSET
    language: Literal["th", "en"] = "th"
    tables: TableCount | UnsetType = UNSET
    sites: list[SiteDef] | None = None
    seat_codes: bool = False
    date: Day | UnsetType | None = UNSET
    retain_until: Day | None = None
    questions: list[DEFINITION] | None = None
    meeting: MeetingDef | None = None

    def agenda(self) -> list[Definition]:
        """The questions' definitions, in their order (their kinds' rules not yet checked)."""
        return self.questions or []

    def meeting_def(self, today: str) -> MeetingDef:
        """The meeting asked for, its day today when left out. Raises bad_message for a
        title or tables left out of the meeting's own fields."""
        given = self.meeting
        if given is None:
            if isinstance(self.title, UnsetType):
                _not_blank("", "the title")  # refused in the words of a blank title
                raise AssertionError  # not reached
            if isinstance(self.tables, UnsetType):
                raise _bad("tables must be an object {count, seats}")
            given = MeetingDef(
                title=self.title,
                language=self.language,
                tables=self.tables,
                sites=self.sites,
                seat_codes=self.seat_codes,
                date=self.date,
                retain_until=self.retain_until,
            )
        if isinstance(given.date, UnsetType):
            return msgspec.structs.replace(given, date=today)
        return given


_decode_new = msgspec.json.Decoder(NewMeeting).decode


def decode_new(raw: bytes) -> NewMeeting:
    """POST /api/meetings' body, read once. A refusal is worded as the route always did:
    the body read loosely, the questions first, then the meeting (explain_new)."""
    return decode_body(_decode_new, raw, explain_new)


class Created(msgspec.Struct):
    """POST /api/meetings' answer: the meeting, its codes, the organiser's token and the
    questions stored as drafts."""

    id: str
    meeting: MeetingView
    codes: Codes
    organiser: str  # a token for the meeting's organiser
    questions: list[DEFINITION]


class MeetingDetail(MeetingView, kw_only=True):
    """GET /api/meetings/{m}: the meeting, its agenda with the questions' states (drafts
    only for the admin and organisers), the plenary view, the question kinds and each
    kind's counting methods; the codes only for the admin and organisers."""

    questions: list[DEFINITION]
    plenary: PlenaryView
    kinds: list[str]
    methods: dict[str, list[str]]  # each kind's counting methods, the live tally's first
    codes: Codes | UnsetType = UNSET


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

    def view(self, time_zone: str | UnsetType = UNSET) -> MeetingView:
        return MeetingView(
            id=self.id,
            title=self.title,
            language=self.language,  # type: ignore[arg-type]  # checked by parse_meeting
            tables=TableCount(self.table_count, self.seats),
            sites=[SiteDef(s.id, s.name, list(s.tables)) for s in self.sites],
            seat_codes=self.seat_codes,
            date=self.date or UNSET,
            retain_until=self.retain_until or UNSET,
            time_zone=time_zone,
        )

    def public(self) -> dict[str, Any]:
        """What clients read: the stored form plus the meeting's time zone (an IANA
        name), so that every screen shows times as the exports do."""
        return msgspec.to_builtins(self.view(TIME_ZONE))  # type: ignore[no-any-return]

    def to_dict(self) -> dict[str, Any]:
        return msgspec.to_builtins(self.view())  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Meeting:
        return parse_meeting(data, data["id"])


def parse_meeting(data: Any, meeting_id: str) -> Meeting:
    """A meeting from its JSON form already read (stored, or a test's)."""
    try:
        given = msgspec.convert(data, MeetingDef)
    except msgspec.ValidationError as exc:
        raise explain(data, exc) from None
    return meeting_of(given, meeting_id)


def meeting_of(given: MeetingDef, meeting_id: str) -> Meeting:
    """The rules a type cannot say: the title not blank, real days, the sites' tables."""
    _not_blank(given.title, "the title")
    for day, what in ((given.date, "date"), (given.retain_until, "retain_until")):
        if isinstance(day, str) and not _iso_day(day):
            raise _bad(_DAY_RULE.format(what=what, example=_DAY_EXAMPLE[what]))
    count = given.tables.count
    return Meeting(
        id=meeting_id,
        title=given.title,
        language=given.language,
        table_count=count,
        seats=given.tables.seats,
        sites=_sites(given.sites or [], count),
        seat_codes=given.seat_codes,
        date=given.date or None,
        retain_until=given.retain_until,
    )


def _not_blank(text: Text, what: str) -> None:
    try:
        check_text(text, what)
    except PrachakhomError as exc:
        raise _bad(exc.message) from None


_DAY_RULE = "{what} must be a day as YYYY-MM-DD (Common Era), e.g. {example}"
_DAY_EXAMPLE = {"date": "2026-11-21", "retain_until": "2027-02-19"}


def _sites(given: list[SiteDef], table_count: int) -> tuple[Site, ...]:
    """Tables by count are the next n in order; no table in two sites, none past the last."""
    sites, taken, next_table = [], set[int](), 1
    for site in given:
        _not_blank(site.name, "a site's name")
        named = site.tables if isinstance(site.tables, list) else [site.tables]
        if max(named, default=0) > table_count:  # a count, or a number, past the last table
            raise _bad(f"site {site.id}'s tables must be a count or a list of table numbers")
        if isinstance(site.tables, int):
            numbers = list(range(next_table, next_table + site.tables))
        else:
            numbers = site.tables
        if any(t > table_count for t in numbers) or taken & set(numbers):
            raise _bad(f"site {site.id}'s tables overlap another site or do not exist")
        taken |= set(numbers)
        next_table = max(numbers, default=next_table - 1) + 1
        sites.append(Site(id=site.id, name=site.name, tables=tuple(numbers)))
    return tuple(sites)


# --- wording a refusal: the body read loosely, in the order the fields were always checked


def explain_new(data: Any, exc: Exception) -> PrachakhomError:
    """Why POST /api/meetings' body was refused: not an object, then `questions` not a
    list, then its first question refused (in that question's words), then the meeting."""
    if not isinstance(data, dict):
        return _bad("the meeting must be a JSON object")
    if isinstance(data.get("meeting"), dict):  # the scenario file's shape
        data = data["meeting"] | {"questions": data.get("questions")}
    questions = data.get("questions")
    if questions is not None and not isinstance(questions, list):
        return _bad("questions must be a list")
    try:
        for question in questions or []:
            parse_question(question)
    except PrachakhomError as refusal:
        return refusal
    return explain(data, exc)


def explain(data: Any, exc: Exception) -> PrachakhomError:
    """Why the decoder refused this meeting, in the words the API has always used."""
    try:
        _check_loosely(data)
    except PrachakhomError as refusal:
        return refusal
    return _bad(f"not a valid meeting: {str(exc)[:120]}")


def _check_loosely(data: Any) -> None:
    if not isinstance(data, dict):
        raise _bad("the meeting must be a JSON object")
    try:
        check_text(data.get("title"), "the title")
    except PrachakhomError as exc:
        raise _bad(exc.message) from None
    if data.get("language", "th") not in LANGUAGES:
        raise _bad("language must be 'th' or 'en'")
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise _bad("tables must be an object {count, seats}")
    count = tables.get("count")
    if not _int_in(count, 1, MAX_TABLES):
        raise _bad(f"tables.count must be a whole number from 1 to {MAX_TABLES}")
    if not _int_in(tables.get("seats"), 1, MAX_SEATS):
        raise _bad(f"tables.seats must be a whole number from 1 to {MAX_SEATS}")
    if not isinstance(data.get("seat_codes", False), bool):
        raise _bad("seat_codes must be true or false")
    for what in ("date", "retain_until"):
        if data.get(what) is not None and not _iso_day(data[what]):
            raise _bad(_DAY_RULE.format(what=what, example=_DAY_EXAMPLE[what]))
    _check_sites_loosely([] if data.get("sites") is None else data["sites"], count)


def _iso_day(value: Any) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str) and len(value) == 10


def _int_in(value: Any, low: int, high: int) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _check_sites_loosely(data: Any, table_count: int) -> None:
    if not isinstance(data, list):
        raise _bad("sites must be a list of {id, name, tables}")
    for item in data:
        if not isinstance(item, dict):
            raise _bad("each site must be an object {id, name, tables}")
        try:
            site_id = check_id(item.get("id"), "a site id")
            check_text(item.get("name"), "a site's name")
        except PrachakhomError as exc:
            raise _bad(exc.message) from None
        tables = item.get("tables")
        if not _int_in(tables, 0, table_count) and not (
            isinstance(tables, list) and all(_int_in(t, 1, table_count) for t in tables)
        ):
            raise _bad(f"site {site_id}'s tables must be a count or a list of table numbers")
