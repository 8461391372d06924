"""PDPA: retention, purge (nothing of the meeting left in Redis or its AOF), and the
AOF rewrite after a question closes."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from typing import Any

import pytest
import redis as sync_redis

from prachakhom.cli.client import Api, Client, ClientError
from prachakhom.core.errors import PrachakhomError
from prachakhom.core.meetings import parse_meeting
from prachakhom.core.privacy import check_may_purge, retention_ends
from prachakhom.store import embedded, keys

from .conftest import ADMIN, SMALL_MEETING, Running
from .test_cli_exports import prachakhom


def info(valkey: embedded.Embedded) -> dict[str, Any]:
    with sync_redis.Redis(port=valkey.port) as r:
        return r.info("persistence")  # type: ignore[no-any-return]


async def rewrites_done(valkey: embedded.Embedded, after: int) -> None:
    for _ in range(200):
        now = info(valkey)
        idle = not now["aof_rewrite_in_progress"] and not now["aof_rewrite_scheduled"]
        if now["aof_rewrites"] > after and idle:  # after=-1: just wait until none runs
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no AOF rewrite finished: {now}")


def aof_bytes(valkey: embedded.Embedded) -> bytes:
    folder = valkey.data_dir / "appendonlydir"
    return b"".join((folder / name).read_bytes() for name in sorted(os.listdir(folder)))


def test_retention_rules() -> None:
    base = {"title": "t", "tables": {"count": 1, "seats": 1}}
    dated = parse_meeting(base | {"date": "2026-11-21"}, "m1")
    assert retention_ends(dated, 90) == dt.date(2027, 2, 19)
    own = parse_meeting(base | {"date": "2026-11-21", "retain_until": "2026-12-01"}, "m2")
    assert retention_ends(own, 90) == dt.date(2026, 12, 1)
    assert retention_ends(parse_meeting(base, "m3"), 90) is None
    closed = {"q": "closed"}
    check_may_purge(own, 90, dt.date(2026, 12, 2), closed, force=False)
    with pytest.raises(PrachakhomError, match="kept until 2026-12-01"):
        check_may_purge(own, 90, dt.date(2026, 12, 1), closed, force=False)
    check_may_purge(own, 90, dt.date(2026, 12, 1), closed, force=True)
    with pytest.raises(PrachakhomError, match="close every open question"):
        check_may_purge(own, 90, dt.date(2030, 1, 1), {"q": "open"}, force=True)
    with pytest.raises(PrachakhomError, match="no date"):
        check_may_purge(parse_meeting(base, "m3"), 90, dt.date(2030, 1, 1), {}, force=False)
    with pytest.raises(PrachakhomError, match="retain_until"):
        parse_meeting(base | {"retain_until": "soon"}, "m4")


async def test_a_new_meeting_is_dated_today_in_bangkok(admin: Api) -> None:
    created = await admin.create_meeting(SMALL_MEETING)
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date().isoformat()
    assert created["meeting"]["date"] == today


async def test_purge_leaves_nothing_of_the_meeting(
    server: Running, admin: Api, valkey: embedded.Embedded
) -> None:
    created = await admin.create_meeting(SMALL_MEETING | {"retain_until": "2099-01-01"})
    m = created["id"]
    async with Api(server.base, created["organiser"]) as organiser:
        question = {
            "id": "pq",
            "kind": "single",
            "prompt": "ลองโหวต",
            "options": [{"id": "a", "label": "ก"}, {"id": "b", "label": "ข"}],
        }
        await organiser.add_question(m, question)
        await organiser.open(m, "pq")
        table_code = created["codes"]["tables"]["1"]
        async with Api(server.base) as anyone:
            joined = await anyone.join(table_code)
        async with Client(server.ws, joined["token"]) as tablet:
            assert (await tablet.cast("pq", "a", seat=1))["status"] == "counted"
        with pytest.raises(ClientError) as still_open:
            await admin.call("DELETE", f"/api/meetings/{m}", params={"force": "true"})
        assert still_open.value.status == 409
        await organiser.close(m, "pq")
        with pytest.raises(ClientError) as kept:
            await admin.call("DELETE", f"/api/meetings/{m}")
        assert kept.value.status == 409 and "2099-01-01" in kept.value.message
        with pytest.raises(ClientError) as not_admin:
            await organiser.call("DELETE", f"/api/meetings/{m}", params={"force": "true"})
        assert not_admin.value.status == 403

        before = info(valkey)["aof_rewrites"]
        answer = await admin.call("DELETE", f"/api/meetings/{m}", params={"force": "true"})
        assert answer["purged"] == m and answer["keys"] > 5
        with pytest.raises(ClientError) as gone:
            await admin.meeting(m)
        assert gone.value.status == 404
        with pytest.raises(ClientError) as dead_token:
            await organiser.audit(m)
        assert dead_token.value.status in (401, 404)
    async with Api(server.base) as anyone:
        with pytest.raises(ClientError) as dead_code:
            await anyone.join(table_code)
        assert dead_code.value.status in (401, 404)
    with sync_redis.Redis(port=valkey.port) as r:
        assert list(r.scan_iter(match=keys.prefix(m) + "*")) == []
        assert not r.sismember(keys.MEETINGS, m)
        assert not r.hexists(keys.CODES, table_code)
    await rewrites_done(valkey, before)
    assert m.encode() not in aof_bytes(valkey)


async def test_closing_a_question_rewrites_the_aof(
    server: Running, admin: Api, valkey: embedded.Embedded
) -> None:
    created = await admin.create_meeting(SMALL_MEETING)
    m = created["id"]
    async with Api(server.base, created["organiser"]) as organiser:
        await organiser.add_question(
            m,
            {
                "id": "pq",
                "kind": "single",
                "prompt": "p",
                "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
            },
        )
        await organiser.open(m, "pq")
        await rewrites_done(valkey, -1)  # none running now
        before = info(valkey)["aof_rewrites"]
        await organiser.close(m, "pq")
        await rewrites_done(valkey, before)
        await organiser.close(m, "pq")  # closing again changes nothing, rewrites nothing


async def test_purge_from_the_cli(server: Running, admin: Api) -> None:
    created = await admin.create_meeting(SMALL_MEETING | {"date": "2020-01-01"})
    code, out = await prachakhom(
        "purge", created["id"], "--yes", "--server", server.base, token=ADMIN
    )
    assert code == 0 and f"Deleted meeting {created['id']}" in out, out
    with pytest.raises(ClientError):
        await admin.meeting(created["id"])
