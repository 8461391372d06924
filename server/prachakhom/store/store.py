"""The only code that talks to Redis, as one object: `Store`.

Each aggregate has its module, and `Store` is all of them on one connection:

    connection.py  shards, durability waits, retry across a failover (rerouted)
    wire.py        the group commit's hand-packed commands, down kept connections
    meetings.py    meetings, join codes, tokens, tables seen
    events.py      questions, control events, the plenary view
    ideas.py       ideas, themes, idea vectors
    ballots.py     the ballots' group commit and the voters' records
    tallies.py     versions, tallies, snapshots, the ledger
    channels.py    the events' pub/sub (Store.channels)

Key schema: keys.py; scripts: scripts.py. The values read and written are core types
(records.py), re-exported here for the callers that name them from the store.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from prachakhom.core.records import (
    BallotsRead,
    BallotsTail,
    Cast,
    Event,
    Snapshot,
    TallyRead,
    ThemeChange,
    record,
)
from prachakhom.store.ballots import BallotStore, seat_ballot, show_of_hands
from prachakhom.store.channels import Channels
from prachakhom.store.connection import (
    MOVING,
    PATIENT,
    REPLICA_WAIT_MS,
    UNAVAILABLE,
    impatient,
    rerouted,
)
from prachakhom.store.ideas import IdeaStore
from prachakhom.store.meetings import MeetingStore
from prachakhom.store.tallies import TallyStore
from prachakhom.store.wire import pack_commands

__all__ = [
    "MOVING",
    "PATIENT",
    "REPLICA_WAIT_MS",
    "UNAVAILABLE",
    "BallotsRead",
    "BallotsTail",
    "Cast",
    "Event",
    "Snapshot",
    "Store",
    "TallyRead",
    "ThemeChange",
    "impatient",
    "pack_commands",
    "record",
    "rerouted",
    "seat_ballot",
    "show_of_hands",
]


class Store(BallotStore, TallyStore, IdeaStore, MeetingStore):
    """Every aggregate's reads and writes, on one set of shards and kept connections."""

    def channels(
        self,
        on_event: Callable[[str, str], None],
        on_resubscribed: Callable[[list[str]], Coroutine[Any, Any, None]],
    ) -> Channels:
        """The meetings' event channels, heard on these shards (channels.py)."""
        return Channels(self.shards, on_event, on_resubscribed)
