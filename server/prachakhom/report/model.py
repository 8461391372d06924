"""The export document (`prachakhom.export.v1`) as types: declared once, here.

These Structs are the document: `document.py` builds an `ExportDocument`, every format
is rendered from one (attributes read, typed), and a document that comes from outside
(a saved JSON export given to the CLI, a test's file) is decoded straight into one by
`decode`, the one parser. `schema.py` generates `schema.json` from them. The Results
inside are core's (`core/resulttypes.py`), the same the results API and the screens are
sent; a question's definition is its kind's Struct (`core.methods.DEFINITION`). A
Struct's `json_schema_rules` are what JSON Schema can say and a Struct cannot (a field
required by another's value); `schema.py` merges them into the type's definition.

Fields are declared in the order the JSON export has always written them (jsonfile.py
writes the same bytes as the dict-built document did: tests/test_export_bytes.py).
Envelope, questions, ledger and audit forbid unknown fields (the ledger is the record);
the meeting, a definition, an idea and a theme stay open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeAlias

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from prachakhom.core import question
from prachakhom.core.methods import DEFINITION
from prachakhom.core.methods.budget import BudgetQuestion
from prachakhom.core.methods.demographic import DemographicQuestion
from prachakhom.core.methods.scale import ScaleQuestion
from prachakhom.core.question import Definition, Option
from prachakhom.core.resulttypes import (
    Breakdown,
    Count,
    Counts,
    Id,
    KindName,
    MethodName,
    Results,
    State,
    Text,
)

SCHEMA: Literal["prachakhom.export.v1"] = "prachakhom.export.v1"

if TYPE_CHECKING:  # a definition: its kind's Struct (the union), their base to mypy
    AnyDefinition: TypeAlias = Definition
else:
    AnyDefinition = DEFINITION

Ms = Annotated[int, Meta(ge=0, description="Milliseconds since 1970-01-01 UTC.")]
Hash = Annotated[
    str, Meta(pattern="^[0-9a-f]{64}$", description="A SHA-256 digest, 64 lowercase hex digits.")
]
Receipt = Annotated[
    str,
    Meta(
        pattern="^[A-Z2-7]{5}-[A-Z2-7]{5}$",
        description="10 base32 characters of SHA-256, as ABCDE-FGHIJ.",
    ),
]
DateTime = Annotated[
    str,
    Meta(
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
        r"([+-][0-9]{2}:[0-9]{2}|Z)$",
        description="ISO 8601 with its offset.",
    ),
]
Day = Annotated[str, Meta(pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
Level = Annotated[
    question.Level,
    Meta(description="A level of the IAP2 spectrum of public participation, least to most."),
]
Table = Annotated[int, Meta(ge=1)]
NonEmpty = Annotated[str, Meta(min_length=1)]


class Tables(Struct):
    count: Table
    seats: Annotated[int, Meta(ge=1, description="Seats per table.")]


class Site(Struct):
    id: NonEmpty
    name: Text
    tables: list[Table]


class MeetingRecord(Struct):
    """The meeting."""

    id: NonEmpty
    title: Text
    language: Annotated[Literal["th", "en"], Meta(description="The default export language.")]
    tables: Tables
    sites: list[Site]
    seat_codes: Annotated[bool, Meta(description="Whether each seat had its own join code.")]
    date: Annotated[
        Day, Meta(description="The meeting's date, or the export's date when it has none.")
    ]
    retain_until: Annotated[
        Day | UnsetType, Meta(description="The day after which its personal data may go.")
    ] = UNSET


class AttendanceSite(Struct):
    site: str
    name: Text
    tables: Count
    tables_reporting: Count
    seats_voting: Count


class Attendance(Struct):
    """Who took part."""

    eligible: Annotated[int, Meta(ge=0, description="Seats in the room: tables x seats.")]
    tables: Count
    tables_reporting: Annotated[
        int, Meta(ge=0, description="Tables from which at least one ballot came.")
    ]
    seats_voting: Annotated[
        int, Meta(ge=0, description="Seats that voted at least once on any question.")
    ]
    most_hands: Annotated[
        int, Meta(ge=0, description="The most people counted by show of hands on a question.")
    ]
    sites: list[AttendanceSite]


class Tally(Struct, forbid_unknown_fields=True):
    """The live tally (sums of the voters' current contributions), for verify."""

    counts: Counts
    voters: Count


class SiteResults(Struct):
    site: str
    name: Text
    eligible: Count
    results: Results


class QuestionRecord(Struct, forbid_unknown_fields=True):
    """A question, its results by every method, per group and per site."""

    json_schema_rules: ClassVar[dict[str, Any]] = {
        "if": {"properties": {"kind": {"not": {"const": "demographic"}}}},
        "then": {"required": ["breakdowns", "sites"]},
    }

    id: Id
    kind: KindName
    state: State
    definition: Annotated[
        AnyDefinition, Meta(description="The question as created (kind settings: docs/methods.md).")
    ]
    method: Annotated[MethodName, Meta(description="The counting method shown by default.")]
    results: Results
    other_methods: Annotated[
        dict[MethodName, Results],
        Meta(description="Results by every other method the kind can count by."),
    ]
    tally: Tally
    breakdowns: Annotated[
        list[Breakdown] | UnsetType,
        Meta(description="Not for demographic questions: results per group of each."),
    ] = UNSET
    sites: Annotated[
        list[SiteResults] | UnsetType, Meta(description="Not for demographic questions.")
    ] = UNSET


class LevelQuestions(Struct, forbid_unknown_fields=True):
    level: Level
    step: Annotated[int, Meta(ge=1, le=5)]
    questions: list[Id]


class Involvement(Struct, forbid_unknown_fields=True):
    """The questions by IAP2 level. Absent in files made before it existed: readers then
    group the questions by their definitions' iap2_level."""

    levels: Annotated[
        list[LevelQuestions],
        Meta(
            min_length=5,
            max_length=5,
            description="Every level, in the spectrum's order, each with the ids of its "
            "questions in agenda order.",
        ),
    ]
    not_set: Annotated[list[Id], Meta(description="Ids of the questions with no level marked.")]


class Idea(Struct, kw_only=True):
    """An idea sent from a table."""

    id: Annotated[str, Meta(min_length=1, description="<table>-<uuid>")]
    text: Annotated[str, Meta(description="As typed at the table.")]
    round: str | UnsetType | None = UNSET
    table: Table
    site: str | UnsetType | None = UNSET
    at: Ms


class Theme(Struct, kw_only=True):
    """A theme the theme team filed ideas under (its fields in the order stored)."""

    id: NonEmpty
    at: Ms | UnsetType = UNSET
    ideas: Annotated[list[str], Meta(description="Idea ids, in the order filed.")]
    label: Text
    tables: Annotated[int, Meta(ge=0, description="Tables its ideas came from.")]
    idea_count: Count
    sample: Annotated[list[str], Meta(description="The texts of its first five ideas.")]


BALLOT_ONLY = (
    *("question", "voter", "hands", "table", "status", "answer"),
    *("contribution", "weight", "receipt"),
)


class LedgerEntry(Struct, forbid_unknown_fields=True, kw_only=True):
    """A ledger entry: an accepted ballot (voter is a pseudonym new for every question;
    the seat is never published) or a control event (question_added, question_opened,
    question_closed, idea, themes, ...)."""

    json_schema_rules: ClassVar[dict[str, Any]] = {
        "if": {"properties": {"type": {"const": "ballot"}}},
        "then": {
            "required": list(BALLOT_ONLY),
            "not": {"anyOf": [{"required": ["seq"]}, {"required": ["event"]}]},
        },
        "else": {
            "required": ["seq", "event"],
            "not": {"anyOf": [{"required": [f]} for f in BALLOT_ONLY]},
        },
    }

    n: Annotated[int, Meta(ge=1, description="Position in the ledger, from 1.")]
    type: Annotated[str, Meta(pattern="^[a-z_]+$", description='"ballot", or the event.')]
    at: Ms
    question: Id | UnsetType = UNSET
    voter: Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.+\-]{1,40}#[1-9][0-9]*$")] | UnsetType = UNSET
    hands: Annotated[bool | UnsetType, Meta(description="A show of hands counted at a table.")] = (
        UNSET
    )
    table: Table | UnsetType = UNSET
    status: Literal["counted", "replaced"] | UnsetType = UNSET
    answer: Annotated[Any, Meta(description="The answer as cast.")] = UNSET
    contribution: Counts | UnsetType = UNSET
    weight: Count | UnsetType = UNSET
    receipt: Receipt | UnsetType = UNSET
    seq: Annotated[Count | UnsetType, Meta(description="The meeting's event counter.")] = UNSET
    event: Annotated[
        dict[str, Any] | UnsetType, Meta(description="The event as sent to screens.")
    ] = UNSET
    prev: Hash
    hash: Hash


class Ledger(Struct, forbid_unknown_fields=True):
    """The published, hash-chained ledger: everything the store accepted, in order."""

    entries: list[LedgerEntry]
    count: Count
    digest: Annotated[Hash, Meta(description="The last entry's hash (genesis when empty).")]


class AuditRow(Struct):
    question: Id
    live: Counts
    recount: Counts
    live_voters: Count
    recount_voters: Count
    match: bool


class Audit(Struct, forbid_unknown_fields=True):
    """Live tallies compared with a recount of the ledger."""

    ok: bool
    questions: list[AuditRow]


class Report(Struct):
    """How reports should look; not part of the record."""

    thai_digits: bool | UnsetType = UNSET


class ExportDocument(Struct, forbid_unknown_fields=True, kw_only=True):
    """Everything a report shows about one meeting, read once from the store. Every
    other export format is rendered from this document alone. Field by field:
    docs/export-schema.md."""

    schema: Literal["prachakhom.export.v1"]
    generator: Annotated[str, Meta(pattern="^prachakhom ")]
    generated_at: DateTime
    meeting: MeetingRecord
    min_group: Annotated[
        int, Meta(ge=0, description="The smallest group a breakdown shows; smaller: suppressed.")
    ]
    attendance: Attendance
    questions: Annotated[list[QuestionRecord], Meta(description="In agenda order.")]
    involvement: Involvement | UnsetType = UNSET
    ideas: Annotated[list[Idea], Meta(description="Oldest first.")]
    themes: list[Theme]
    ledger: Ledger
    audit: Audit
    report: Report | UnsetType = UNSET


# a definition's settings that some kinds have, read the same way for any kind


def options_of(definition: Definition) -> list[Option]:
    return definition.options or []


def scale_labels(definition: Definition) -> dict[str, question.Text]:
    """A scale's labels by value (as text); none for other kinds."""
    return (definition.labels or {}) if isinstance(definition, ScaleQuestion) else {}


def costs_of(definition: Definition) -> dict[str, int]:
    return definition.costs if isinstance(definition, BudgetQuestion) else {}


def targets_of(definition: Definition) -> dict[str, float]:
    """A demographic question's target share per group; none for other kinds."""
    return (definition.targets or {}) if isinstance(definition, DemographicQuestion) else {}


_decoder = msgspec.json.Decoder(ExportDocument)


def decode(data: bytes) -> ExportDocument:
    """A JSON export read back: the one parser. Raises msgspec.DecodeError (not JSON) or
    msgspec.ValidationError (not this document; its message names the path)."""
    return _decoder.decode(data)
