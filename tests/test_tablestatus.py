"""Live table status (tablestatus.py), table-driven: no server, no store."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from prachakhom.core import tablestatus
from prachakhom.core.meetings import parse_meeting

NOW = 1_000_000
MEETING = parse_meeting(
    {
        "title": "t",
        "tables": {"count": 3, "seats": 4},
        "sites": [{"id": "n", "name": "N", "tables": 2}],
    },
    "m",
)


@pytest.mark.parametrize(
    ("mark", "live"),
    [
        (None, False),
        ({"at": NOW, "connected": True}, True),
        ({"at": NOW - 60_000, "connected": True}, True),
        ({"at": NOW - 60_001, "connected": True}, False),
        ({"at": NOW, "connected": False}, False),
    ],
)
def test_live(mark: dict[str, Any] | None, live: bool) -> None:
    assert tablestatus.live(mark, NOW) is live


def test_status_has_every_table_in_order() -> None:
    marks = {
        1: ({"at": NOW - 5, "connected": True}, {"at": NOW - 2, "connected": False}),
        3: (None, {"at": NOW - 70_000, "connected": True}),
    }
    voted = {"q1": {1: 3, 3: 1}, "q2": {}, "closed": {1: 4}}
    found = msgspec.to_builtins(tablestatus.status(MEETING, ["q1", "q2"], marks, voted, NOW))
    assert found == {
        "meeting": "m",
        "seats": 4,
        "questions": ["q1", "q2"],
        "now": NOW,
        "tables": [
            {"table": 1, "site": "n", "connected": True, "phones": False,
             "last_seen": NOW - 2, "voted": {"q1": 3, "q2": 0}},
            {"table": 2, "site": "n", "connected": False, "phones": False,
             "last_seen": None, "voted": {"q1": 0, "q2": 0}},
            {"table": 3, "site": None, "connected": False, "phones": False,
             "last_seen": NOW - 70_000, "voted": {"q1": 1, "q2": 0}},
        ],
    }  # fmt: skip
