"""The audit: recount every question from the published ledger and compare with the
live tallies (see `ledger` for the chain and the pseudonyms)."""

from __future__ import annotations

from typing import Any

from .ledger import Recount, publish, recount
from .store.store import Store


async def published_ledger(store: Store, meeting_id: str) -> list[dict[str, Any]]:
    return list(publish(meeting_id, await store.ledger(meeting_id)))


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


async def audit(store: Store, meeting_id: str) -> dict[str, Any]:
    """The recount from the ledger beside the live tallies, question by question."""
    counted = recount(await published_ledger(store, meeting_id))
    questions = [q.id for q, _ in await store.questions(meeting_id)]
    live = await store.read_tallies(meeting_id, questions)
    report = compare_with_live(counted, questions, live)
    return {
        "meeting": meeting_id,
        "ok": all(r["match"] for r in report) and not counted.broken,
        "questions": report,
        "ledger_entries": counted.entries,
        "ballots_in_ledger": counted.ballots,
        "digest": counted.digest,
    }
