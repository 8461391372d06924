"""The export document: everything a report shows, read at one moment of the store.

`build` reads: the questions' tallies, their voters' records and the ledger's end in one
transaction (`Store.snapshot`), then the ledger up to that end, so a document made while
the hall votes adds up (its recount equals its tallies, and `verify` passes). The rest is
pure (`from_snapshot`, `compose`). At 5,000 voters it is seconds of CPU, which on the
event loop would hold every ballot's ack: the server calls `build` in a worker process
(`jobs.export`), the CLI and tests may call it directly. The document is an
`ExportDocument` (model.py: its types, from which schema.json is generated), and every
other format is rendered from it alone. What core hands over as plain data (results,
breakdowns, the published ledger, the store's ideas and themes) is converted into its
Struct here, checked as it goes; a value that already is one passes through.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import partial
from typing import Any

import msgspec
import orjson

from prachakhom import __version__
from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.iap2 import involvement
from prachakhom.core.ledger import RawEntry, publish, recount
from prachakhom.core.meetings import BANGKOK, Meeting
from prachakhom.core.methods import DEFINITION, kind_named
from prachakhom.core.questions import Question
from prachakhom.core.recount import compare_with_live
from prachakhom.core.results import (
    from_records,
    group_results,
    methods_of,
    results_of,
    shown_method,
)
from prachakhom.core.resulttypes import Breakdown, Results
from prachakhom.report.model import (
    SCHEMA,
    Attendance,
    AttendanceSite,
    Audit,
    AuditRow,
    ExportDocument,
    Idea,
    Involvement,
    Ledger,
    LedgerEntry,
    MeetingRecord,
    QuestionRecord,
    Report,
    SiteResults,
    Tally,
    Theme,
)
from prachakhom.store.store import Snapshot, Store

__all__ = ["BANGKOK", "SCHEMA", "build", "compose", "from_snapshot", "involvement_of"]

SAMPLE_IDEAS = 5

Records = dict[str, dict[str, Any]]


async def build(
    store: Store,
    meeting_id: str,
    *,
    min_group: int,
    thai_digits: bool = False,
    now: dt.datetime | None = None,
) -> ExportDocument:
    """The document of the meeting now. Seconds of CPU on a full hall: the server runs it
    in a worker process (`jobs.export`)."""
    meeting = await store.meeting(meeting_id)
    if meeting is None:
        raise PrachakhomError(Code.NOT_FOUND, f"there is no meeting {meeting_id!r:.40}")
    questions = await store.questions(meeting_id)
    snapshot = await store.snapshot(meeting_id, [q.id for q, _ in questions], records=True)
    raw = await store.ledger(meeting_id, until=snapshot.ledger_end)
    doc = from_snapshot(
        meeting,
        questions,
        snapshot,
        raw,
        ideas=await store.ideas(meeting_id),
        themes=await store.themes(meeting_id),
        min_group=min_group,
        now=now or dt.datetime.now(BANGKOK),
    )
    return with_report(doc, thai_digits=thai_digits)


def with_report(doc: ExportDocument, *, thai_digits: bool) -> ExportDocument:
    """The document with how its reports should look (not part of the record)."""
    return msgspec.structs.replace(doc, report=Report(thai_digits=thai_digits))


def from_snapshot(
    meeting: Meeting,
    questions: list[tuple[Question, str]],
    snapshot: Snapshot,
    raw: list[RawEntry],
    *,
    ideas: list[dict[str, Any]],
    themes: list[dict[str, Any]],
    min_group: int,
    now: dt.datetime,
) -> ExportDocument:
    """The document from one moment's reads: results by every method, the published
    ledger and its recount beside the tallies."""
    records = {
        q: {voter: orjson.loads(record) for voter, record in stored.items()}
        for q, stored in snapshot.records.items()
    }
    by_id = {q.id: q for q, _ in questions}
    results: list[Results] = []
    methods: dict[str, dict[str, Results]] = {}
    for (question, state), read in zip(questions, snapshot.tallies, strict=True):
        pre = by_id.get(question.pair_of) if question.pair_of else None
        shown = partial(
            results_of,
            meeting,
            question,
            state,
            read,
            records[question.id],
            pre=(pre, records[pre.id]) if pre is not None else None,
        )
        results.append(_results(shown(shown_method(question, None))))
        for method in methods_of(question)[1:]:
            methods.setdefault(question.id, {})[method] = _results(shown(method))
    entries = list(publish(meeting.id, raw))
    counted = recount(entries, check_chain=False)
    return compose(
        meeting,
        questions,
        results,
        methods,
        records,
        ideas=ideas,
        themes=themes,
        entries=entries,
        audit=compare_with_live(counted, list(by_id), snapshot.tallies),
        min_group=min_group,
        now=now,
    )


def compose(
    meeting: Meeting,
    questions: list[tuple[Question, str]],
    results: list[Results],
    methods: dict[str, dict[str, Results]],
    records: dict[str, Records],
    *,
    ideas: list[dict[str, Any]],
    themes: list[dict[str, Any]],
    entries: list[dict[str, Any]],
    audit: list[dict[str, Any]],
    min_group: int,
    now: dt.datetime,
) -> ExportDocument:
    demographics = [q for q, _ in questions if q.kind == "demographic"]
    attributes = {d.id: {v: r["a"] for v, r in records[d.id].items()} for d in demographics}
    out_questions = []
    for (question, state), result in zip(questions, results, strict=True):
        mine = records[question.id]
        item = QuestionRecord(
            id=question.id,
            kind=question.kind,  # type: ignore[arg-type]  # a kind's name, from its Struct
            state=state,  # type: ignore[arg-type]  # as the store keeps it
            definition=msgspec.convert(question.to_dict(), DEFINITION),
            method=result.method,
            results=result,
            other_methods=methods.get(question.id, {}),  # type: ignore[arg-type]
            tally=_tally(mine),
        )
        if question.kind != "demographic":
            item.breakdowns = [
                msgspec.convert(
                    group_results(
                        meeting, question, state, mine, d, attributes[d.id], result.method,
                        min_group,
                    ),
                    Breakdown,
                )
                for d in demographics
            ]  # fmt: skip
            item.sites = [_site(meeting, question, state, mine, s.id) for s in meeting.sites]
        out_questions.append(item)
    published = msgspec.convert(entries, list[LedgerEntry])
    digest = entries[-1]["hash"] if entries else recount([]).digest
    rows = msgspec.convert(audit, list[AuditRow])
    filed = msgspec.convert(ideas, list[Idea])
    return ExportDocument(
        schema=SCHEMA,
        generator=f"prachakhom {__version__}",
        generated_at=now.isoformat(timespec="seconds"),
        meeting=_meeting(meeting, now),
        min_group=min_group,
        attendance=_attendance(meeting, records),
        questions=out_questions,
        involvement=msgspec.convert(
            involvement((q.id, q.iap2_level) for q, _ in questions), Involvement
        ),
        ideas=filed,
        themes=_themes(themes, filed),
        ledger=Ledger(entries=published, count=len(published), digest=digest),
        audit=Audit(ok=all(r.match for r in rows), questions=rows),
    )


def involvement_of(doc: ExportDocument) -> Involvement:
    """The document's questions by IAP2 level, from their definitions: the same for a
    file saved before the document had its `involvement` part."""
    found = involvement((q.id, q.definition.iap2_level) for q in doc.questions)
    return msgspec.convert(found, Involvement)


def _results(value: Any) -> Results:
    """Core's results as the Struct (core/results.py may hand over a dict or the Struct)."""
    return msgspec.convert(value, Results)


def _meeting(meeting: Meeting, now: dt.datetime) -> MeetingRecord:
    """The meeting as stored, dated (the export's day when it has none)."""
    stored = meeting.to_dict() | {"date": meeting.date or now.date().isoformat()}
    return msgspec.convert(stored, MeetingRecord)


def _tally(records: Records) -> Tally:
    """The live-equivalent tally and voters, for `verify` to compare with its recount."""
    tally: dict[str, int] = defaultdict(int)
    for record in records.values():
        for key, delta in record["c"].items():
            tally[key] += delta
    return Tally(
        counts={k: v for k, v in sorted(tally.items()) if v},
        voters=sum(r["w"] for r in records.values()),
    )


def _site(
    meeting: Meeting, question: Question, state: str, records: Records, site_id: str
) -> SiteResults:
    site = next(s for s in meeting.sites if s.id == site_id)
    mine = {v: r for v, r in records.items() if r["t"] in site.tables}
    method = kind_named(question.kind).live_method
    return SiteResults(
        site=site.id,
        name=site.name,
        eligible=len(site.tables) * meeting.seats,
        results=_results(from_records(meeting, question, state, mine, method)),
    )


def _attendance(meeting: Meeting, records: dict[str, Records]) -> Attendance:
    """Who took part: seats that voted at least once, tables that reported, per site."""
    seats: set[str] = set()
    tables: set[int] = set()
    hands = 0
    for by_voter in records.values():
        question_hands = 0
        for voter, record in by_voter.items():
            tables.add(record["t"])
            if voter.startswith("table:"):
                question_hands += record["w"]
            else:
                seats.add(voter)
        hands = max(hands, question_hands)
    sites = [
        AttendanceSite(
            site=site.id,
            name=site.name,
            tables=len(site.tables),
            tables_reporting=len(tables & set(site.tables)),
            seats_voting=sum(1 for v in seats if int(v.split(":")[0]) in site.tables),
        )
        for site in meeting.sites
    ]
    return Attendance(
        eligible=meeting.eligible,
        tables=meeting.table_count,
        tables_reporting=len(tables),
        seats_voting=len(seats),
        most_hands=hands,
        sites=sites,
    )


def _themes(themes: list[dict[str, Any]], ideas: list[Idea]) -> list[Theme]:
    """The store's themes, each with how many ideas and tables it holds and a sample."""
    by_id = {i.id: i for i in ideas}
    out = []
    for theme in themes:
        filed = [by_id[i] for i in theme.get("ideas", []) if i in by_id]
        counted = {
            "tables": len({i.table for i in filed}),
            "idea_count": len(filed),
            "sample": [i.text for i in filed[:SAMPLE_IDEAS]],
        }
        out.append(msgspec.convert(theme | counted, Theme))
    return out
