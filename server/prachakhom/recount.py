"""Recount every question from the ledger alone, and compare with the live tallies.

The ledger holds every accepted ballot with its contribution; a voter's later ballot
replaces the earlier one. Summing each voter's last contribution must give the live
tally exactly. The digest chains every entry with SHA-256, so any change is visible.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from .store.store import Store

LedgerEntry = tuple[str, dict[str, str]]


@dataclass
class Recount:
    tallies: dict[str, dict[str, int]] = field(default_factory=dict)
    voters: dict[str, int] = field(default_factory=dict)
    ballots: int = 0
    entries: int = 0
    digest: str = ""


def recount(entries: Iterable[LedgerEntry]) -> Recount:
    last: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    out = Recount()
    chain = hashlib.sha256(b"prachakhom-ledger-v1").hexdigest()
    for entry_id, entry in entries:
        out.entries += 1
        canonical = orjson.dumps({"id": entry_id, **entry}, option=orjson.OPT_SORT_KEYS)
        chain = hashlib.sha256(chain.encode() + canonical).hexdigest()
        if entry.get("type") == "ballot":
            out.ballots += 1
            last[entry["q"]][entry["voter"]] = orjson.loads(entry["rec"])
    out.digest = chain
    for question, records in last.items():
        tally: dict[str, int] = defaultdict(int)
        for rec in records.values():
            for key, delta in rec["c"].items():
                tally[key] += delta
        out.tallies[question] = {k: v for k, v in tally.items() if v}
        out.voters[question] = sum(rec["w"] for rec in records.values())
    return out


async def audit(store: Store, meeting_id: str) -> dict[str, Any]:
    """The recount from the ledger beside the live tallies, question by question."""
    counted = recount(await store.ledger(meeting_id))
    questions = [q.id for q, _ in await store.questions(meeting_id)]
    live = await store.read_tallies(meeting_id, questions)
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
    return {
        "meeting": meeting_id,
        "ok": all(r["match"] for r in report),
        "questions": report,
        "ledger_entries": counted.entries,
        "ballots_in_ledger": counted.ballots,
        "digest": counted.digest,
    }
