"""The export document: everything a report shows, read at one moment of the store.

`build` reads: the questions' tallies, their voters' records and the ledger's end in one
transaction (`Store.snapshot`), then the ledger up to that end, so a document made while
the hall votes adds up (its recount equals its tallies, and `verify` passes). The rest is
pure (`from_snapshot`, `compose`). At 5,000 voters it is seconds of CPU, which on the
event loop would hold every ballot's ack: the server calls `build` in a worker process
(`jobs.export`), the CLI and tests may call it directly. The document is plain JSON data
whose types are declared in model.py (`ExportDocument`; schema.json is generated from
them), and every other format is rendered from it alone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import partial
from typing import Any

import orjson

from prachakhom import __version__
from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.iap2 import involvement
from prachakhom.core.ledger import RawEntry, publish, recount
from prachakhom.core.meetings import BANGKOK, Meeting
from prachakhom.core.methods import kind_named
from prachakhom.core.questions import Question
from prachakhom.core.recount import compare_with_live
from prachakhom.core.results import (
    from_records,
    group_results,
    methods_of,
    results_of,
    shown_method,
)
from prachakhom.store.store import Snapshot, Store

SCHEMA = "prachakhom.export.v1"
SAMPLE_IDEAS = 5

Records = dict[str, dict[str, Any]]


async def build(
    store: Store,
    meeting_id: str,
    *,
    min_group: int,
    thai_digits: bool = False,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
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


def with_report(doc: dict[str, Any], *, thai_digits: bool) -> dict[str, Any]:
    """The document with how its reports should look (not part of the record)."""
    return doc | {"report": {"thai_digits": thai_digits}}


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
) -> dict[str, Any]:
    """The document from one moment's reads: results by every method, the published
    ledger and its recount beside the tallies."""
    records = {
        q: {voter: orjson.loads(record) for voter, record in stored.items()}
        for q, stored in snapshot.records.items()
    }
    by_id = {q.id: q for q, _ in questions}
    results: list[dict[str, Any]] = []
    methods: dict[str, dict[str, Any]] = {}
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
        results.append(shown(shown_method(question, None)))
        for method in methods_of(question)[1:]:
            methods.setdefault(question.id, {})[method] = shown(method)
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
    results: list[dict[str, Any]],
    methods: dict[str, dict[str, Any]],
    records: dict[str, Records],
    *,
    ideas: list[dict[str, Any]],
    themes: list[dict[str, Any]],
    entries: list[dict[str, Any]],
    audit: list[dict[str, Any]],
    min_group: int,
    now: dt.datetime,
) -> dict[str, Any]:
    demographics = [q for q, _ in questions if q.kind == "demographic"]
    attributes = {d.id: {v: r["a"] for v, r in records[d.id].items()} for d in demographics}
    out_questions = []
    for (question, state), result in zip(questions, results, strict=True):
        mine = records[question.id]
        item: dict[str, Any] = {
            "id": question.id,
            "kind": question.kind,
            "state": state,
            "definition": question.to_dict(),
            "method": result["method"],
            "results": result,
            "other_methods": methods.get(question.id, {}),
            "tally": _tally(mine),
        }
        if question.kind != "demographic":
            item["breakdowns"] = [
                group_results(
                    meeting, question, state, mine, d, attributes[d.id], result["method"], min_group
                )
                for d in demographics
            ]
            item["sites"] = [_site(meeting, question, state, mine, s.id) for s in meeting.sites]
        out_questions.append(item)
    digest = entries[-1]["hash"] if entries else recount([]).digest
    return {
        "schema": SCHEMA,
        "generator": f"prachakhom {__version__}",
        "generated_at": now.isoformat(timespec="seconds"),
        "meeting": meeting.to_dict() | {"date": meeting.date or now.date().isoformat()},
        "min_group": min_group,
        "attendance": _attendance(meeting, records),
        "questions": out_questions,
        "involvement": involvement((q.id, q.iap2_level) for q, _ in questions),
        "ideas": ideas,
        "themes": _themes(themes, ideas),
        "ledger": {"entries": entries, "count": len(entries), "digest": digest},
        "audit": {"ok": all(r["match"] for r in audit), "questions": audit},
    }


def involvement_of(doc: dict[str, Any]) -> dict[str, Any]:
    """The document's questions by IAP2 level, from their definitions: the same for a
    file saved before the document had its `involvement` part."""
    return involvement((q["id"], q["definition"].get("iap2_level")) for q in doc["questions"])


def _tally(records: Records) -> dict[str, Any]:
    """The live-equivalent tally and voters, for `verify` to compare with its recount."""
    tally: dict[str, int] = defaultdict(int)
    for record in records.values():
        for key, delta in record["c"].items():
            tally[key] += delta
    return {
        "counts": {k: v for k, v in sorted(tally.items()) if v},
        "voters": sum(r["w"] for r in records.values()),
    }


def _site(
    meeting: Meeting, question: Question, state: str, records: Records, site_id: str
) -> dict[str, Any]:
    site = next(s for s in meeting.sites if s.id == site_id)
    mine = {v: r for v, r in records.items() if r["t"] in site.tables}
    method = kind_named(question.kind).live_method
    return {
        "site": site.id,
        "name": site.name,
        "eligible": len(site.tables) * meeting.seats,
        "results": from_records(meeting, question, state, mine, method),
    }


def _attendance(meeting: Meeting, records: dict[str, Records]) -> dict[str, Any]:
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
    sites = []
    for site in meeting.sites:
        sites.append(
            {
                "site": site.id,
                "name": site.name,
                "tables": len(site.tables),
                "tables_reporting": len(tables & set(site.tables)),
                "seats_voting": sum(1 for v in seats if int(v.split(":")[0]) in site.tables),
            }
        )
    return {
        "eligible": meeting.eligible,
        "tables": meeting.table_count,
        "tables_reporting": len(tables),
        "seats_voting": len(seats),
        "most_hands": hands,
        "sites": sites,
    }


def _themes(themes: list[dict[str, Any]], ideas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {i["id"]: i for i in ideas}
    out = []
    for theme in themes:
        filed = [by_id[i] for i in theme.get("ideas", []) if i in by_id]
        out.append(
            theme
            | {
                "tables": len({i["table"] for i in filed}),
                "idea_count": len(filed),
                "sample": [i["text"] for i in filed[:SAMPLE_IDEAS]],
            }
        )
    return out
