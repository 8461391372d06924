"""The JSON export, the hash-chained ledger, `verify` on tampered copies, the audit
finding a tally changed behind the server's back, and ballot receipts."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from prachakhom.cli.client import Api, ClientError
from prachakhom.report.verify import verify, verify_bytes
from prachakhom.store import embedded, keys

from .conftest import Running, sync_client
from .exports import typed
from .forum import Forum


async def test_json_export_holds_every_question_and_the_chained_ledger(
    forum: Forum, exported: dict[str, Any]
) -> None:
    doc = exported
    assert doc["schema"] == "prachakhom.export.v1"
    assert doc["meeting"]["date"] == "2026-11-21"
    ids = [q["id"] for q in forum.created["questions"]]
    assert [q["id"] for q in doc["questions"]] == ids
    by_id = {q["id"]: q for q in doc["questions"]}
    for q in ids:  # the export's results are the API's results
        live = await forum.organiser.results(forum.id, q)
        assert by_id[q]["results"]["voters"] == live["voters"]
        for field in ("ranking", "histogram", "mean", "funded"):
            assert by_id[q]["results"].get(field) == live.get(field), (q, field)
    assert set(by_id["priorities"]["other_methods"]) == {"irv", "schulze"}
    assert by_id["post"]["results"]["compare"]["pre_question"] == "pre"
    sectors = next(b for b in by_id["iap2"]["breakdowns"] if b["by"] == "sector")
    shown = {g["group"]: g for g in sectors["groups"]}
    assert shown["public"]["voters"] == 6 and shown["civil"]["voters"] == 6
    assert shown["business"]["suppressed"] is True  # nobody: below min_group
    assert [s["site"] for s in by_id["iap2"]["sites"]] == ["muang", "chiangkham"]
    assert doc["attendance"]["seats_voting"] == 12 and doc["attendance"]["tables_reporting"] == 2
    assert [t["idea_count"] for t in doc["themes"]] == [2, 1]
    assert doc["themes"][0]["tables"] == 2
    assert len(doc["ideas"]) == 4
    ballots = [e for e in doc["ledger"]["entries"] if e["type"] == "ballot"]
    assert len(ballots) == len(forum.acks)  # every ack, once
    assert doc["ledger"]["digest"] == doc["ledger"]["entries"][-1]["hash"]
    assert doc["audit"]["ok"] is True
    audit = await forum.organiser.audit(forum.id)
    assert audit["digest"] == doc["ledger"]["digest"]


async def test_ledger_names_no_seat_and_links_no_person_across_questions(
    exported: dict[str, Any],
) -> None:
    ballots = [e for e in exported["ledger"]["entries"] if e["type"] == "ballot"]
    for entry in ballots:
        assert entry["voter"].startswith(entry["question"] + "#")
    text = orjson.dumps(exported["ledger"]).decode()
    assert '"1:1"' not in text and "seat" not in text
    assert len({e["voter"] for e in ballots if e["question"] == "iap2"}) == 12


async def test_verify_passes_untouched_and_catches_each_tampering(
    exported: dict[str, Any],
) -> None:
    clean = verify(typed(exported))
    assert clean.ok, clean.problems
    assert clean.entries == exported["ledger"]["count"] and clean.digest

    def tampered(change: Any) -> list[str]:
        doc = copy.deepcopy(exported)
        change(doc)
        verdict = verify_bytes(orjson.dumps(doc))  # as `prachakhom verify` reads a file
        assert not verdict.ok
        return verdict.problems

    first_ballot = next(
        i for i, e in enumerate(exported["ledger"]["entries"]) if e["type"] == "ballot"
    )

    def set_entry(field: str, value: Any) -> Any:
        return lambda d: d["ledger"]["entries"][first_ballot].__setitem__(field, value)

    assert "hash does not match" in tampered(set_entry("answer", "haze"))[0]
    assert tampered(set_entry("weight", 2))
    assert tampered(lambda d: d["ledger"]["entries"].pop(first_ballot))
    assert tampered(lambda d: d["ledger"]["entries"].reverse())
    assert tampered(lambda d: d["ledger"].__setitem__("digest", "0" * 64))
    problems = tampered(
        lambda d: d["questions"][-1]["results"]["ranking"][0].__setitem__("score", 99)
    )
    assert any("differs from a recount" in p for p in problems)
    assert tampered(lambda d: d["questions"][0]["tally"]["counts"].__setitem__("x", 1))
    assert tampered(lambda d: d.__setitem__("schema", "other")) == [
        "not a Prachakhom export (schema prachakhom.export.v1 expected)"
    ]
    (missing,) = tampered(lambda d: d.__delitem__("ledger"))
    assert missing.startswith("the export is malformed") and "ledger" in missing


async def test_a_one_byte_change_anywhere_in_the_ledger_is_caught(
    exported: dict[str, Any],
) -> None:
    raw = bytearray(orjson.dumps(exported["ledger"]["entries"]))
    caught = 0
    positions = range(5, len(raw) - 5, max(1, len(raw) // 60))
    for at in positions:
        copy_ = bytearray(raw)
        original = copy_[at]
        copy_[at] = ord("7") if original != ord("7") else ord("8")
        try:
            entries = orjson.loads(bytes(copy_))
        except orjson.JSONDecodeError:
            caught += 1  # not even JSON any more
            continue
        doc = copy.deepcopy(exported) | {"ledger": exported["ledger"] | {"entries": entries}}
        caught += not verify_bytes(orjson.dumps(doc)).ok
    assert caught == len(positions)


async def test_audit_finds_a_tally_changed_behind_the_servers_back(
    forum: Forum, valkey: embedded.Embedded
) -> None:
    assert (await forum.organiser.audit(forum.id))["ok"] is True
    with sync_client(valkey) as redis:  # cluster-aware when the tests run on one
        redis.hincrby(keys.prefix(forum.id) + "q:iap2:tally", "empower", 3)
    audit = await forum.organiser.audit(forum.id)
    assert audit["ok"] is False
    wrong = [r["question"] for r in audit["questions"] if not r["match"]]
    assert wrong == ["iap2"]


async def test_receipts_are_in_the_ledger_and_can_be_looked_up(
    forum: Forum, exported: dict[str, Any], server: Running
) -> None:
    receipts = [a["receipt"] for a in forum.acks]
    assert all(len(r) == 11 and r[5] == "-" for r in receipts)
    assert len(set(receipts)) == len(receipts)
    published = {e["receipt"] for e in exported["ledger"]["entries"] if e["type"] == "ballot"}
    assert set(receipts) == published
    async with Api(server.base) as anyone:
        joined = await anyone.join(forum.created["codes"]["display"])
    async with Api(server.base, joined["token"]) as screen:
        changed = await screen.receipt(forum.id, receipts[-1])
        assert changed == {**changed, "question": "iap2", "status": "replaced", "final": True}
        first_iap2 = next(a["receipt"] for a in forum.acks if a.get("question") == "iap2")
        assert (await screen.receipt(forum.id, first_iap2.lower()))["final"] is False
        with pytest.raises(ClientError) as missing:
            await screen.receipt(forum.id, "AAAAA-AAAAA")
        assert missing.value.status == 404
        assert "choice" not in changed and "answer" not in changed


async def test_only_the_organiser_exports(forum: Forum, server: Running) -> None:
    async with Api(server.base) as anyone:
        joined = await anyone.join(forum.created["codes"]["display"])
    async with Api(server.base, joined["token"]) as screen:
        with pytest.raises(ClientError) as refused:
            await screen.export(forum.id, "json")
        assert refused.value.status == 403
    async with Api(server.base) as nobody:
        with pytest.raises(ClientError) as refused:
            await nobody.export(forum.id, "json")
        assert refused.value.status == 401
    with pytest.raises(ClientError) as bad:
        await forum.organiser.export(forum.id, "docx")
    assert bad.value.status == 400
