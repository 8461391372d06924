"""Retention (PDPA): when a meeting's personal data may, and should, be deleted."""

from __future__ import annotations

import datetime as dt

from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.meetings import Meeting


def retention_ends(meeting: Meeting, retention_days: int) -> dt.date | None:
    """The meeting's own retain_until, else its date plus the retention period."""
    if meeting.retain_until:
        return dt.date.fromisoformat(meeting.retain_until)
    if meeting.date:
        return dt.date.fromisoformat(meeting.date) + dt.timedelta(days=retention_days)
    return None


def check_may_purge(
    meeting: Meeting, retention_days: int, today: dt.date, states: dict[str, str], force: bool
) -> None:
    """Refuse a purge while a question is open, and before the retention date unless
    forced (the organisers decide that the data is no longer needed)."""
    if any(state == "open" for state in states.values()):
        raise PrachakhomError(Code.CONFLICT, "close every open question before deleting")
    ends = retention_ends(meeting, retention_days)
    if force:
        return
    if ends is None:
        raise PrachakhomError(
            Code.CONFLICT, "this meeting has no date to count retention from; use force"
        )
    if today <= ends:
        raise PrachakhomError(
            Code.CONFLICT,
            f"the meeting is kept until {ends.isoformat()}; export it, then use force "
            "to delete it sooner",
        )
