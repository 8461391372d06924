"""The audit: recount every question from the published ledger and compare with the
live tallies (see `ledger` for the chain and the pseudonyms).

The tallies and the ledger's end are read in one transaction (`Store.snapshot`), so an
audit taken while the hall votes compares one moment with itself; publishing and
recounting the ledger, pure CPU work (~20 µs an entry, mostly the chain's SHA-256 and the
receipts), run in a worker process (`report.jobs.audit`) so that ballots keep being acked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import msgspec

from prachakhom.core.ledger import RawEntry, Recount, publish, recount
from prachakhom.core.questions import Question
from prachakhom.core.records import Snapshot, TallyRead


class AuditedQuestion(msgspec.Struct):
    question: str
    live: dict[str, int]  # the live tally
    recount: dict[str, int]  # the same, recounted from the ledger
    live_voters: int
    recount_voters: int
    match: bool


class Audit(msgspec.Struct):
    """GET …/audit: the recount from the ledger beside the live tallies (audit_report)."""

    meeting: str
    ok: bool
    questions: list[AuditedQuestion]
    ledger_entries: int
    ballots_in_ledger: int
    digest: str  # the ledger's hash chain, at its end


class AuditSource(Protocol):
    """What the audit reads (the Store has it): the agenda, one snapshot, the ledger."""

    async def questions(self, meeting_id: str) -> list[tuple[Question, str]]: ...

    async def snapshot(
        self, meeting_id: str, question_ids: Sequence[str], *, records: bool = False
    ) -> Snapshot: ...

    async def ledger(self, meeting_id: str, until: str = "+") -> list[RawEntry]: ...


def compare_with_live(
    counted: Recount, questions: list[str], live: list[Any]
) -> list[dict[str, Any]]:
    report = []
    for q, read in zip(questions, live, strict=True):
        again = counted.tallies.get(q, {})
        voters = counted.voters.get(q, 0)
        report.append(
            {
                "question": q,
                "live": read.tally,
                "recount": again,
                "live_voters": read.voters,
                "recount_voters": voters,
                "match": again == read.tally and voters == read.voters,
            }
        )
    return report


async def audit(store: AuditSource, meeting_id: str) -> dict[str, Any]:
    """The recount from the ledger beside the live tallies, question by question.
    Seconds of CPU on a full hall: the server runs it in a worker process."""
    questions = [q.id for q, _ in await store.questions(meeting_id)]
    snapshot = await store.snapshot(meeting_id, questions)
    raw = await store.ledger(meeting_id, until=snapshot.ledger_end)
    return audit_report(meeting_id, questions, snapshot.tallies, raw)


def audit_report(
    meeting_id: str, questions: list[str], live: list[TallyRead], raw: list[RawEntry]
) -> dict[str, Any]:
    counted = recount(publish(meeting_id, raw), check_chain=False)
    report = compare_with_live(counted, questions, live)
    return {
        "meeting": meeting_id,
        "ok": all(r["match"] for r in report) and not counted.broken,
        "questions": report,
        "ledger_entries": counted.entries,
        "ballots_in_ledger": counted.ballots,
        "digest": counted.digest,
    }
