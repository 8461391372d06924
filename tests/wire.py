"""Raw socket and audit helpers for the tests that speak the protocol by hand.

The Python client (prachakhom.cli.client) never sends a bad frame; these helpers send exactly
the bytes a test gives them over a real `websockets` connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

from prachakhom.cli.client import Api
from prachakhom.core import protocol


@asynccontextmanager
async def raw_socket(
    url: str, subprotocols: list[str] | None = None
) -> AsyncIterator[ClientConnection]:
    async with websockets.connect(
        url,
        subprotocols=subprotocols,  # type: ignore[arg-type]
        compression=None,
        max_size=2**22,
        open_timeout=10,
    ) as ws:
        yield ws


def codec_of(ws: ClientConnection) -> protocol.Codec:
    return protocol.MSGPACK if ws.subprotocol == protocol.MSGPACK else protocol.JSON


async def send(ws: ClientConnection, message: dict[str, Any]) -> None:
    await ws.send(protocol.encode(message, codec_of(ws)))


async def recv(ws: ClientConnection, timeout: float = 5) -> dict[str, Any]:
    frame = await asyncio.wait_for(ws.recv(), timeout)
    codec = codec_of(ws)
    # the server must answer in the codec it chose: binary frames for MessagePack
    assert isinstance(frame, bytes if codec == protocol.MSGPACK else str), frame
    return protocol.decode_map(frame, codec)


async def reply(ws: ClientConnection, timeout: float = 5) -> dict[str, Any]:
    """The next message that is not an event (an ack, error or pong)."""
    while True:
        message = await recv(ws, timeout)
        if message["type"] != "event":
            return message


async def hello(ws: ClientConnection, token: str, **extra: Any) -> dict[str, Any]:
    await send(ws, {"type": "hello", "token": token, **extra})
    welcome = await recv(ws)
    assert welcome["type"] == "welcome", welcome
    return welcome


async def close_code(ws: ClientConnection, timeout: float = 5) -> int | None:
    """Read until the server closes the socket; the close code it sent."""
    with_deadline = asyncio.timeout(timeout)
    async with with_deadline:
        try:
            while True:
                await ws.recv()
        except websockets.ConnectionClosed:
            pass
    return ws.close_code


async def snapshot(api: Api, meeting_id: str) -> dict[str, Any]:
    """Every live tally and voter count, and the ledger's length, from the audit.

    The audit also recounts the ledger: it must agree with the live tallies."""
    audit = await api.audit(meeting_id)
    assert audit["ok"], audit
    return {
        "ledger_entries": audit["ledger_entries"],
        "digest": audit["digest"],
        "questions": {r["question"]: (r["live"], r["live_voters"]) for r in audit["questions"]},
    }


def is_results(question: str, **expect: object) -> Callable[[dict[str, Any]], bool]:
    """A predicate for Client.wait_for: a results event of `question` with these fields."""

    def check(message: dict[str, Any]) -> bool:
        if message.get("event") != "results":
            return False
        results = message["results"]
        return results["question"] == question and all(
            results.get(k) == v for k, v in expect.items()
        )

    return check


async def until(predicate: Callable[[], bool], what: str, timeout: float = 10) -> None:
    """Poll a condition that has no event to await (state in another task or process)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if predicate():
            return
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.01)
