"""Receipt lookups for participants, from an index each process keeps up to date by
reading only the ledger entries it has not seen yet."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from prachakhom.core.ledger import ReceiptIndex, receipt
from prachakhom.store.store import Store


@dataclass
class _Followed:
    index: ReceiptIndex = field(default_factory=ReceiptIndex)
    after: str = "-"
    seen: int = 0


@dataclass
class Receipts:
    store: Store
    _meetings: dict[str, _Followed] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def index(self, meeting_id: str) -> dict[str, dict[str, Any]]:
        async with self._lock:
            followed = self._meetings.setdefault(meeting_id, _Followed())
            async for stream_id, fields in self.store.ledger_after(meeting_id, followed.after):
                followed.seen += 1
                followed.after = "(" + stream_id
                if fields.get("type") == "ballot":
                    q, voter = fields["q"], fields["voter"]
                    code = receipt(meeting_id, q, voter, fields["id"])
                    followed.index.add(q, voter, code, fields["status"], followed.seen)
            return followed.index.found
