"""Live table status, as the organiser's console shows it: which tables are connected,
when each was last heard from, and how many of its seats voted on each open question.

    the store's `seen` marks and votes per table --status()--> Tables

Pure: the caller reads the marks and the votes, and the clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from prachakhom.core.meetings import Meeting

CONNECTED_WITHIN_MS = 60_000  # a table not heard from for longer shows as not connected

Mark = Mapping[str, Any]  # {at: ms, connected: bool}, as presence writes it
Marks = tuple[Mark | None, Mark | None]  # the table's tablet, and its phones


class TableRow(msgspec.Struct):
    table: int
    site: str | None
    connected: bool
    phones: bool
    last_seen: int | None
    voted: dict[str, int]


class Tables(msgspec.Struct):
    meeting: str
    seats: int
    questions: list[str]
    now: int
    tables: list[TableRow]


def live(mark: Mark | None, now: int) -> bool:
    """Connected, and heard from within the last minute."""
    return bool(mark and mark["connected"] and now - mark["at"] <= CONNECTED_WITHIN_MS)


def row(
    meeting: Meeting,
    table: int,
    marks: Marks,
    voted: Mapping[str, Mapping[int, int]],
    now: int,
) -> TableRow:
    tablet, phones = marks
    seen = [mark["at"] for mark in marks if mark]
    return TableRow(
        table=table,
        site=meeting.site_of(table),
        connected=live(tablet, now),
        phones=live(phones, now),
        last_seen=max(seen) if seen else None,
        voted={q: counts.get(table, 0) for q, counts in voted.items()},
    )


def status(
    meeting: Meeting,
    open_questions: Sequence[str],
    marks: Mapping[int, Marks],
    voted: Mapping[str, Mapping[int, int]],
    now: int,
) -> Tables:
    """Every table of the meeting, in order; `voted` holds the open questions only."""
    asked = {q: voted[q] for q in open_questions}
    return Tables(
        meeting=meeting.id,
        seats=meeting.seats,
        questions=list(open_questions),
        now=now,
        tables=[
            row(meeting, t, marks.get(t, (None, None)), asked, now) for t in meeting.table_numbers
        ],
    )
