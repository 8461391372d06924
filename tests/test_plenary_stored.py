"""The plenary view as the store keeps it: the PlenaryView set is read back the same, a
meeting without one shows the default, and a view this server cannot read (a newer
server's) reads as the default, as an unknown event goes nowhere."""

from __future__ import annotations

import orjson

from prachakhom.core import plenary
from prachakhom.core.plenary import PlenaryView
from prachakhom.store import embedded, keys
from prachakhom.store.store import Store
from prachakhom.web.app import connect_redis

M = "mplenaryst"


async def test_the_stored_view_reads_back_typed(valkey: embedded.Embedded) -> None:
    redis = connect_redis(valkey.url)
    store = Store(redis, durability="os")
    try:
        assert await store.plenary(M) == plenary.DEFAULT
        view = PlenaryView("text", text={"th": "พัก", "en": "Break"})
        assert await store.set_plenary(M, view) == 1
        assert await store.plenary(M) == view
        stored = await store.of(M).hget(keys.meta(M), "plenary")
        assert orjson.loads(stored) == {"view": "text", "text": {"th": "พัก", "en": "Break"}}
        later = orjson.dumps({"view": "poll_wall", "question": "q1"})
        await store.of(M).hset(keys.meta(M), "plenary", later)
        assert await store.plenary(M) == plenary.DEFAULT
    finally:
        await redis.aclose()
