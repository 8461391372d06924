# Size: the table of every caller x every endpoint is the point of this file: one place.
"""Every caller x every HTTP endpoint, and every caller x every socket message type.

The expected outcomes come from the permission table of docs/protocol.md ("Who may call
what"; the socket message table): exactly the allowed calls succeed, every other one is
401 (no or unknown token) or 403 (a role not allowed, a token of another meeting), and
the refusals change nothing. Then what a display and a participant can read: never
another voter's ballot, seat, ballot id or receipt, never a token or a join code.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from prachakhom.cli.client import Api, Client, ws_url
from prachakhom.web import openapi

from .conftest import ADMIN, SMALL_MEETING, Running
from .test_openapi import served_operations
from .wire import close_code, hello, raw_socket, recv, reply, send, snapshot

MEETING_ROLES = ("organiser", "facilitator", "participant", "display", "theme")
CALLERS = ("admin", *MEETING_ROLES, "none", "other")  # other: a token of another meeting
ANYONE = frozenset(CALLERS)
ORG = frozenset({"admin", "organiser"})
M = "/api/meetings/{meeting}"

# docs/protocol.md, "Who may call what" (+ export, receipts, purge, openapi, assets)
ALLOWED: dict[tuple[str, str], frozenset[str]] = {
    ("POST", "/api/meetings"): frozenset({"admin"}),
    ("GET", "/api/meetings"): frozenset({"admin"}),
    ("GET", M): frozenset({"admin", *MEETING_ROLES}),
    ("DELETE", M): frozenset({"admin"}),
    ("POST", "/api/join"): ANYONE,
    ("POST", f"{M}/questions"): ORG,
    ("POST", f"{M}/questions/{{question}}/open"): ORG,
    ("POST", f"{M}/questions/{{question}}/close"): ORG,
    ("PUT", f"{M}/questions/{{question}}/iap2"): ORG,
    ("GET", f"{M}/questions/{{question}}/results"): ORG,  # a display: site= only, below
    ("PUT", f"{M}/plenary"): ORG,
    ("GET", f"{M}/tables"): ORG,
    ("GET", f"{M}/ideas"): ORG | {"theme"},
    ("GET", f"{M}/themes"): ORG | {"theme", "display"},
    ("POST", f"{M}/themes"): ORG | {"theme"},
    ("DELETE", f"{M}/themes/{{theme}}"): ORG | {"theme"},
    ("POST", f"{M}/questions/from-themes"): ORG | {"theme"},
    ("GET", f"{M}/ideas/{{idea}}/suggestions"): ORG | {"theme"},
    ("GET", f"{M}/themes/suggestions"): ORG | {"theme"},
    ("POST", f"{M}/themes/suggest"): ORG | {"theme"},
    ("POST", f"{M}/themes/{{theme}}/ideas"): ORG | {"theme"},
    ("GET", f"{M}/audit"): ORG,
    ("GET", f"{M}/export"): ORG,
    ("GET", f"{M}/receipts/{{receipt}}"): frozenset({"admin", *MEETING_ROLES}),
    ("GET", "/healthz"): ANYONE,
    ("GET", "/metrics"): ANYONE,
    ("GET", "/api/openapi.json"): ANYONE,
    ("GET", "/api/qr.svg"): ANYONE,
    ("POST", "/api/qr.svg"): ANYONE,
    ("GET", "/assets/fonts/{file}"): ANYONE,
}
RESULTS = ("GET", f"{M}/questions/{{question}}/results")
DISPLAY_SITE_RESULTS = ORG | {"display"}  # ?site= of the revealed question on show


def test_the_table_covers_every_route_and_agrees_with_the_openapi_roles() -> None:
    assert set(ALLOWED) == served_operations()
    for endpoint in openapi.ENDPOINTS:
        documented = set(endpoint.roles)
        expected = ALLOWED[(endpoint.method, endpoint.path)]
        if (endpoint.method, endpoint.path) == RESULTS:
            expected = DISPLAY_SITE_RESULTS
        if documented == {"anyone"}:
            assert expected == ANYONE, endpoint.path
        else:
            assert documented == set(expected), (endpoint.method, endpoint.path)


@dataclass
class World:
    """Meeting A (the one under test), meeting B (the other), and a token per caller."""

    server: Running
    a: str
    b: str
    created_a: dict[str, Any]
    tokens: dict[str, str | None]
    admin: Api
    receipt: str
    n: int = 0

    def fresh(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"


QUESTION = {
    "kind": "single",
    "prompt": "P",
    "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
}


async def make_world(server: Running, admin: Api) -> World:
    created_a = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
    created_b = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
    a, b = created_a["id"], created_b["id"]
    codes = created_a["codes"]
    tokens: dict[str, str | None] = {
        "admin": ADMIN,
        "organiser": created_a["organiser"],
        "facilitator": (await admin.join(codes["tables"]["1"]))["token"],
        "participant": (await admin.join(codes["seats"]["1"]["1"]))["token"],
        "display": (await admin.join(codes["display"]))["token"],
        "theme": (await admin.join(codes["theme"]))["token"],
        "none": None,
        "other": (await admin.join(created_b["codes"]["tables"]["1"]))["token"],
    }
    await admin.open(a, "q1")
    await admin.plenary(a, {"view": "question", "question": "q1", "reveal": True})
    async with raw_socket(server.ws) as ws:
        await hello(ws, tokens["facilitator"])  # type: ignore[arg-type]
        await send(
            ws, {"type": "ballot", "id": "seed-1", "question": "q1", "answer": "a", "seat": 2}
        )
        receipt = (await reply(ws))["receipt"]
        await send(ws, {"type": "idea", "id": "seed-idea", "text": "ไฟถนนดับ"})
        assert (await reply(ws))["type"] == "ack"
    for label in ("ถนน", "น้ำ"):
        await admin.call("POST", f"/api/meetings/{a}/themes", {"label": label})
    return World(server, a, b, created_a, tokens, admin, receipt)


Request = tuple[str, str, Any, dict[str, str] | None]  # method, path, json body, params
Builder = Callable[[World, str], Awaitable[Request]]


async def _new_question(w: World, state: str) -> str:
    q = w.fresh("q-")
    await w.admin.add_question(w.a, {"id": q, **QUESTION})
    if state != "draft":
        await w.admin.open(w.a, q)
    return q


async def _new_theme(w: World) -> str:
    theme = await w.admin.call("POST", f"/api/meetings/{w.a}/themes", {"label": w.fresh("t ")})
    return theme["id"]  # type: ignore[no-any-return]


async def _purge(w: World, caller: str) -> Request:
    target = w.a
    if caller == "admin":  # the admin may: give it a meeting of its own to delete
        target = (await w.admin.create_meeting(copy.deepcopy(SMALL_MEETING)))["id"]
    return "DELETE", f"/api/meetings/{target}", None, {"force": "true"}


def fixed(method: str, path: str, body: Any = None, params: dict | None = None) -> Builder:
    async def build(w: World, caller: str) -> Request:
        return method, path.format(m=w.a), body, params

    return build


def built(make: Callable[[World], Awaitable[Request]]) -> Builder:
    async def build(w: World, caller: str) -> Request:
        return await make(w)

    return build


async def _open(w: World) -> Request:
    return (
        "POST",
        f"/api/meetings/{w.a}/questions/{await _new_question(w, 'draft')}/open",
        None,
        None,
    )


async def _close(w: World) -> Request:
    return (
        "POST",
        f"/api/meetings/{w.a}/questions/{await _new_question(w, 'open')}/close",
        None,
        None,
    )


async def _add(w: World) -> Request:
    return "POST", f"/api/meetings/{w.a}/questions", {"id": w.fresh("n-"), **QUESTION}, None


async def _mark_level(w: World) -> Request:
    path = f"/api/meetings/{w.a}/questions/{await _new_question(w, 'draft')}/iap2"
    return "PUT", path, {"level": "involve"}, None


async def _delete_theme(w: World) -> Request:
    return "DELETE", f"/api/meetings/{w.a}/themes/{await _new_theme(w)}", None, None


async def _new_idea(w: World) -> str:
    async with Client(ws_url(w.server.base), w.tokens["facilitator"] or "") as tablet:
        ack = await tablet.idea(w.fresh("ความคิดที่ "))
    return str(ack["idea"])


async def _idea_suggestions(w: World) -> Request:
    return "GET", f"/api/meetings/{w.a}/ideas/{await _new_idea(w)}/suggestions", None, None


async def _file_ideas(w: World) -> Request:
    theme = await _new_theme(w)
    return "POST", f"/api/meetings/{w.a}/themes/{theme}/ideas", {"add": [await _new_idea(w)]}, None


async def _from_themes(w: World) -> Request:
    return "POST", f"/api/meetings/{w.a}/questions/from-themes", {"id": w.fresh("ft-")}, None


async def _join(w: World) -> Request:
    return "POST", "/api/join", {"code": w.created_a["codes"]["display"]}, None


async def _receipt(w: World) -> Request:
    return "GET", f"/api/meetings/{w.a}/receipts/{w.receipt}", None, None


CALLS: dict[tuple[str, str], tuple[Builder, int]] = {
    ("POST", "/api/meetings"): (fixed("POST", "/api/meetings", SMALL_MEETING), 201),
    ("GET", "/api/meetings"): (fixed("GET", "/api/meetings"), 200),
    ("GET", M): (fixed("GET", "/api/meetings/{m}"), 200),
    ("DELETE", M): (_purge, 200),
    ("POST", "/api/join"): (built(_join), 200),
    ("POST", f"{M}/questions"): (built(_add), 201),
    ("POST", f"{M}/questions/{{question}}/open"): (built(_open), 200),
    ("POST", f"{M}/questions/{{question}}/close"): (built(_close), 200),
    ("PUT", f"{M}/questions/{{question}}/iap2"): (built(_mark_level), 200),
    RESULTS: (fixed("GET", "/api/meetings/{m}/questions/q1/results"), 200),
    ("PUT", f"{M}/plenary"): (
        fixed(
            "PUT",
            "/api/meetings/{m}/plenary",
            {"view": "question", "question": "q1", "reveal": True},  # open: reveal is explicit
        ),
        200,
    ),
    ("GET", f"{M}/tables"): (fixed("GET", "/api/meetings/{m}/tables"), 200),
    ("GET", f"{M}/ideas"): (fixed("GET", "/api/meetings/{m}/ideas"), 200),
    ("GET", f"{M}/themes"): (fixed("GET", "/api/meetings/{m}/themes"), 200),
    ("POST", f"{M}/themes"): (fixed("POST", "/api/meetings/{m}/themes", {"label": "ใหม่"}), 201),
    ("DELETE", f"{M}/themes/{{theme}}"): (built(_delete_theme), 200),
    ("POST", f"{M}/questions/from-themes"): (built(_from_themes), 201),
    ("GET", f"{M}/ideas/{{idea}}/suggestions"): (built(_idea_suggestions), 200),
    ("GET", f"{M}/themes/suggestions"): (fixed("GET", "/api/meetings/{m}/themes/suggestions"), 200),
    ("POST", f"{M}/themes/suggest"): (fixed("POST", "/api/meetings/{m}/themes/suggest", {}), 200),
    ("POST", f"{M}/themes/{{theme}}/ideas"): (built(_file_ideas), 200),
    ("GET", f"{M}/audit"): (fixed("GET", "/api/meetings/{m}/audit"), 200),
    ("GET", f"{M}/export"): (
        fixed("GET", "/api/meetings/{m}/export", None, {"format": "json"}),
        200,
    ),
    ("GET", f"{M}/receipts/{{receipt}}"): (built(_receipt), 200),
    ("GET", "/healthz"): (fixed("GET", "/healthz"), 200),
    ("GET", "/metrics"): (fixed("GET", "/metrics"), 200),
    ("GET", "/api/openapi.json"): (fixed("GET", "/api/openapi.json"), 200),
    ("GET", "/api/qr.svg"): (fixed("GET", "/api/qr.svg", None, {"data": "ABC234"}), 200),
    ("POST", "/api/qr.svg"): (fixed("POST", "/api/qr.svg", {"data": "ABC234"}), 200),
    ("GET", "/assets/fonts/{file}"): (fixed("GET", "/assets/fonts/Sarabun-Regular.ttf"), 200),
}


def refusal(caller: str) -> tuple[int, str]:
    return (401, "unauthorized") if caller == "none" else (403, "forbidden")


async def call(w: World, http: httpx.AsyncClient, caller: str, request: Request) -> httpx.Response:
    method, path, body, params = request
    token = w.tokens[caller]
    headers = {"authorization": f"Bearer {token}"} if token else {}
    content = orjson.dumps(body) if body is not None else None
    return await http.request(method, path, content=content, params=params, headers=headers)


async def test_every_caller_on_every_endpoint(server: Running, admin: Api) -> None:
    w = await make_world(server, admin)
    assert set(CALLS) == set(ALLOWED)
    table: list[tuple[str, str, str, int]] = []
    async with httpx.AsyncClient(base_url=server.base, timeout=60) as http:
        for key, (build, ok) in CALLS.items():
            for caller in CALLERS:
                request = await build(w, caller)
                before = await snapshot(admin, w.a)
                response = await call(w, http, caller, request)
                where = (caller, *key)
                table.append((caller, key[0], key[1], response.status_code))
                if caller in ALLOWED[key]:
                    assert response.status_code == ok, (where, response.text[:300])
                    continue
                status, code = refusal(caller)
                assert response.status_code == status, (where, response.text[:300])
                body = response.json()  # the protocol's error body, and nothing else
                assert list(body) == ["error"] and set(body["error"]) == {"code", "message"}
                assert body["error"]["code"] == code and body["error"]["message"], where
                assert await snapshot(admin, w.a) == before, where  # a refusal writes nothing
        # the display's one way in: site= results of the revealed question on show
        for caller in CALLERS:
            request = ("GET", f"/api/meetings/{w.a}/questions/q1/results", None, {"site": "north"})
            response = await call(w, http, caller, request)
            if caller in DISPLAY_SITE_RESULTS:
                assert response.status_code == 200, (caller, response.text)
                assert response.json()["site"] == "north"
            else:
                assert response.status_code == refusal(caller)[0], (caller, response.text)
    # the meeting survived everything but the allowed calls
    assert (await admin.meeting(w.a))["id"] == w.a
    audit = await admin.audit(w.a)
    assert audit["ok"] and audit["ballots_in_ledger"] == 1, audit
    allowed = sum(1 for c, *_, s in table if 200 <= s < 300)
    print(
        f"\nrole matrix: {len(table)} HTTP calls, {allowed} allowed, {len(table) - allowed} refused"
    )


# --- the socket --------------------------------------------------------------------------

MESSAGES = {
    "hello": None,  # built from the caller's token
    "ballot": {"type": "ballot", "id": "x-ballot", "question": "q1", "answer": "b", "seat": 3},
    "table_tally": {"type": "table_tally", "id": "x-tally", "question": "q1", "counts": {"a": 2}},
    "idea": {"type": "idea", "id": "x-idea", "text": "ทางเท้าชำรุด"},
    "ping": {"type": "ping"},
}
# docs/protocol.md, "Client to server": who may send what (hello: every meeting token)
SOCKET: dict[str, dict[str, str]] = {
    "organiser": {"ballot": "forbidden", "table_tally": "forbidden", "idea": "forbidden"},
    "facilitator": {"ballot": "counted", "table_tally": "counted", "idea": "counted"},
    "participant": {"ballot": "counted", "table_tally": "forbidden", "idea": "forbidden"},
    "display": {"ballot": "forbidden", "table_tally": "forbidden", "idea": "forbidden"},
    "theme": {"ballot": "forbidden", "table_tally": "forbidden", "idea": "forbidden"},
    # a facilitator of meeting B: bound to B, where q1 is a draft; nothing reaches A
    "other": {"ballot": "question_not_open", "table_tally": "question_not_open", "idea": "counted"},
}


async def socket_outcome(w: World, caller: str, kind: str) -> tuple[str, int | None]:
    """What the server answers `kind` from `caller`; and the close code if it closed."""
    token = w.tokens[caller]
    first = {"type": "hello", **({"token": token} if token else {})}
    async with raw_socket(w.server.ws) as ws:
        if caller in ("admin", "none"):  # not a meeting token: no hello gets through
            await send(ws, first if kind == "hello" else MESSAGES[kind])
            answer = await recv(ws)
            assert answer["type"] == "error", answer
            return answer["code"], await close_code(ws)
        welcome = await hello(ws, token)  # type: ignore[arg-type]
        assert welcome["meeting"] == (w.b if caller == "other" else w.a)
        assert welcome["role"] == ("facilitator" if caller == "other" else caller)
        if kind == "hello":
            return "welcome", None
        message = dict(MESSAGES[kind])  # type: ignore[arg-type]
        if "id" in message:
            message["id"] += f"-{caller}"
        if kind == "ballot" and caller == "participant":
            del message["seat"]  # its own seat, from its token
        await send(ws, message)
        answer = await reply(ws)
        if answer["type"] == "ack":
            assert answer["id"] == message["id"], answer
            return answer["status"], None
        if answer["type"] == "pong":
            return "pong", None
        assert answer.get("id") == message.get("id"), answer
        return answer["code"], None


async def test_every_caller_with_every_socket_message(server: Running, admin: Api) -> None:
    w = await make_world(server, admin)
    start = await snapshot(admin, w.a)
    b_start = await snapshot(admin, w.b)
    counted = 0
    for caller in CALLERS:
        for kind in MESSAGES:
            got = await socket_outcome(w, caller, kind)
            if caller == "admin":
                want = ("unauthorized", 4401)
            elif caller == "none":
                want = ("bad_message" if kind == "hello" else "unauthorized", 4401)
            elif kind == "hello":
                want = ("welcome", None)
            elif kind == "ping":
                want = ("pong", None)
            else:
                want = (SOCKET[caller][kind], None)
            assert got == want, (caller, kind, got)
            counted += caller != "other" and got[0] == "counted" and kind != "idea"
    # A changed by exactly the allowed writes: facilitator ballot + tally, participant ballot
    after = await snapshot(admin, w.a)
    assert after["questions"]["q1"][1] == start["questions"]["q1"][1] + 2 + 2  # 2 seats, 2 hands
    assert counted == 3
    audit = await admin.audit(w.a)
    assert audit["ok"] and audit["ballots_in_ledger"] == 1 + 3, audit
    ideas = await admin.ideas(w.a)
    assert [i["id"] for i in ideas["ideas"]] == ["1-seed-idea", "1-x-idea-facilitator"]
    b_after = await snapshot(admin, w.b)
    assert b_after["questions"] == b_start["questions"]  # B's draft took nothing either


# --- what a screen and a phone can read ----------------------------------------------------

VOTER = re.compile(r"^(table:)?\d+:\d+$|^table:\d+$")


def strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *strings_in(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def keys_in(value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [(k, v) for k, v in value.items()] + [
            kv for v in value.values() for kv in keys_in(v)
        ]
    if isinstance(value, list):
        return [kv for v in value for kv in keys_in(v)]
    return []


async def read_all(ws: Any, quiet: float = 0.7) -> list[dict[str, Any]]:
    got = []
    while True:
        try:
            got.append(await recv(ws, timeout=quiet))
        except TimeoutError:
            return got


async def test_a_screen_and_a_phone_never_see_other_ballots_or_any_token(
    server: Running, admin: Api
) -> None:
    w = await make_world(server, admin)
    a, codes = w.a, w.created_a["codes"]
    secrets_ = {t for t in w.tokens.values() if t} | {
        t.partition(".")[2] for t in w.tokens.values() if t and "." in t
    }
    secrets_ |= {codes["display"], codes["theme"], *codes["tables"].values()}
    secrets_ |= {c for seats in codes["seats"].values() for c in seats.values()}
    others: set[str] = {w.receipt, "seed-1"}  # other voters' ballot ids and receipts
    async with raw_socket(server.ws) as screen, raw_socket(server.ws) as phone:
        screen_welcome = await hello(screen, w.tokens["display"])  # type: ignore[arg-type]
        phone_welcome = await hello(phone, w.tokens["participant"])  # type: ignore[arg-type]
        # the phone's own ballot (seat 1:1) ...
        await send(phone, {"type": "ballot", "id": "mine-1", "question": "q1", "answer": "c"})
        mine = await reply(phone)
        assert mine["status"] == "counted"
        # ... while every other seat of every table votes, hands are counted, ideas come in
        for table in range(1, 5):
            token = (await admin.join(codes["tables"][str(table)]))["token"]
            async with raw_socket(server.ws) as tablet:
                await hello(tablet, token)
                for seat in range(2 if table == 1 else 1, 6):
                    bid = f"secret-{table}-{seat}"
                    await send(
                        tablet,
                        {
                            "type": "ballot",
                            "id": bid,
                            "question": "q1",
                            "answer": "ab"[seat % 2],
                            "seat": seat,
                        },
                    )
                    ack = await reply(tablet)
                    others |= {bid, ack["receipt"]}
                await send(
                    tablet, {"type": "idea", "id": f"idea-{table}", "text": f"ข้อเสนอโต๊ะ {table}"}
                )
                await reply(tablet)
        await admin.open(a, "q2")
        await admin.plenary(a, {"view": "question", "question": "q1", "reveal": True})
        await admin.call("POST", f"/api/meetings/{a}/themes", {"label": "ขยะ"})
        screen_frames = [screen_welcome, *await read_all(screen)]
        phone_frames = [phone_welcome, *await read_all(phone)]
    async with httpx.AsyncClient(base_url=server.base) as http:

        def auth(who: str) -> dict[str, str]:
            return {"authorization": f"Bearer {w.tokens[who]}"}

        screen_http = [
            (await http.get(f"/api/meetings/{a}", headers=auth("display"))).json(),
            (await http.get(f"/api/meetings/{a}/themes", headers=auth("display"))).json(),
            (
                await http.get(
                    f"/api/meetings/{a}/questions/q1/results",
                    params={"site": "north"},
                    headers=auth("display"),
                )
            ).json(),
        ]
        phone_http = [
            (await http.get(f"/api/meetings/{a}", headers=auth("participant"))).json(),
            (
                await http.get(
                    f"/api/meetings/{a}/receipts/{mine['receipt']}", headers=auth("participant")
                )
            ).json(),
        ]
    assert any(f.get("event") == "results" for f in screen_frames)  # the screen did get results
    assert not any(
        f.get("event") in ("results", "idea", "themes_changed", "suggestions") for f in phone_frames
    )
    for who, readable in (
        ("display", screen_frames + screen_http),
        ("participant", phone_frames + phone_http),
    ):
        seen = strings_in(readable)
        assert not secrets_ & set(seen), (who, secrets_ & set(seen))
        assert not [s for s in seen if any(secret in s for secret in secrets_)], who
        assert not others & set(seen), (who, others & set(seen))
        assert not [s for s in seen if VOTER.match(s)], who
        for key, value in keys_in(readable):
            if who == "display":
                assert key not in ("seat", "voter", "voted", "my_ballots", "receipt"), (who, key)
            elif key == "seat":
                assert value == 1, (who, key, value)  # its own seat only
            elif key == "my_ballots":
                assert value == {} or set(value) <= {"q1", "q2"}, value
            else:
                assert key not in ("voter", "voted"), (who, key)
    total = (await snapshot(admin, a))["questions"]["q1"]
    assert total[1] == 1 + 4 + 5 * 3  # the phone, table 1's other seats (seed replaced), 2..4
