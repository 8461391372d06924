"""What the store reads and writes, as plain values: the core's view of stored data.

Pure (no Redis, no asyncio): the results assembly, the audit and the themes take these
from the store (store/) and never import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson

from prachakhom.core.events import ControlEvent

Records = dict[str, dict[str, Any]]  # voter -> stored record {a, c, w, t}


class Cast(NamedTuple):
    """One ballot or show of hands, checked and ready to write. (A named tuple: one is
    made per ballot, and a frozen dataclass costs three times as much to make.)"""

    meeting: str
    question: str
    ballot_id: str
    voter: str
    table: int
    weight: int
    record: bytes  # JSON {a, c, w, t}


def record(answer: Any, contribution: dict[str, int], weight: int, table: int) -> bytes:
    """A ballot as stored and in the ledger. c, w, t come first, in this order: the CAST
    script reads them with string patterns instead of decoding JSON (store/scripts.py)."""
    return orjson.dumps({"c": contribution, "w": weight, "t": table, "a": answer})


@dataclass(frozen=True, slots=True)
class BallotsRead:
    """Every voter's record of a question at a tally version, and the ledger id then."""

    version: int
    records: dict[str, Any]  # voter -> {a, c, w, t}
    cursor: str


@dataclass(frozen=True, slots=True)
class BallotsTail:
    """The records a question's ballots wrote after a ledger id, in ledger order."""

    version: int
    changes: list[tuple[str, Any]]  # (voter, record); a voter's later ballot after the earlier
    cursor: str
    complete: bool  # False: the ledger held more than was read


@dataclass(frozen=True, slots=True)
class TallyRead:
    tally: dict[str, int]
    voters: int
    tables_reporting: int
    version: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Questions' live tallies (and, when asked for, their voters' records, as stored)
    with the id of the ledger's last entry, all read in one transaction. Each ballot
    script writes its ledger entry and its tallies at once, so the ledger up to
    `ledger_end` is exactly what these tallies and records add up to."""

    tallies: list[TallyRead]
    records: dict[str, dict[str, str]]  # question -> voter -> record JSON; {} unless asked
    ledger_end: str  # "0-0" while the ledger is empty


@dataclass(frozen=True, slots=True)
class Event:
    """A kept control event: its seq, its body (None: one this server does not know) and
    the body's JSON as kept (a socket's frame is spliced from it)."""

    seq: int
    body: ControlEvent | None
    raw: str


@dataclass(frozen=True)
class ThemeChange:
    """What one change of the themes writes and deletes, and the caller's answer."""

    write: list[dict[str, Any]]
    answer: Any
    delete: tuple[str, ...] = ()
