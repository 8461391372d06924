"""A small async client of the Prachakhom protocol: HTTP calls and a resilient socket.

    api = Api("http://127.0.0.1:8000", admin_token)
    created = await api.create_meeting({...})
    joined = await Api(base).join(code)
    async with Client(ws_url(base), joined["token"]) as client:
        ack = await client.cast("q1", "a", seat=3)

The client keeps an **outbox**: every ballot, tally and idea stays in it until its ack
arrives, and is sent again after a reconnect, or after a pause when the server answered
`unavailable` or `rate_limited` (ids make resends safe: a resend is answered
`duplicate`, never counted twice). Given more `urls`, a client whose server is gone
reconnects to the next one. It is what the tablet app does in the browser, and what the
tests and the load generator use.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
import websockets
from websockets.asyncio.client import ClientConnection

from prachakhom.core import protocol


class ClientError(Exception):
    """The server refused something: `code` is the protocol's error code."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.details = details or {}  # the whole error object (a conflict's `filed`, …)


RETRY_LATER = ("unavailable", "rate_limited")  # error codes that mean: send it again later
RETRY_AFTER = 0.5  # seconds


def ws_url(base_url: str) -> str:
    return base_url.replace("http://", "ws://").replace("https://", "wss://").rstrip("/") + "/ws"


class Api:
    """The HTTP API, with a bearer token (admin or meeting token) when given."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 30) -> None:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout)

    async def __aenter__(self) -> Api:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    async def call(
        self, verb: str, path: str, body: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        response = await self.http.request(verb, path, json=body, params=params or None)
        data = response.json() if response.content else None
        if response.status_code >= 400:
            error = (data or {}).get("error", {})
            raise ClientError(
                error.get("code", "http_error"),
                error.get("message", ""),
                response.status_code,
                error,
            )
        return data

    async def create_meeting(self, body: dict[str, Any]) -> Any:
        return await self.call("POST", "/api/meetings", body)

    async def meeting(self, m: str) -> Any:
        return await self.call("GET", f"/api/meetings/{m}")

    async def join(self, code: str) -> Any:
        return await self.call("POST", "/api/join", {"code": code})

    async def add_question(self, m: str, question: dict[str, Any]) -> Any:
        return await self.call("POST", f"/api/meetings/{m}/questions", question)

    async def open(self, m: str, q: str) -> Any:
        return await self.call("POST", f"/api/meetings/{m}/questions/{q}/open")

    async def close(self, m: str, q: str) -> Any:
        return await self.call("POST", f"/api/meetings/{m}/questions/{q}/close")

    async def set_iap2_level(self, m: str, q: str, level: str | None) -> Any:
        """Mark a question's level on the IAP2 spectrum (None: not set)."""
        return await self.call("PUT", f"/api/meetings/{m}/questions/{q}/iap2", {"level": level})

    async def results(self, m: str, q: str, **params: Any) -> Any:
        return await self.call("GET", f"/api/meetings/{m}/questions/{q}/results", params=params)

    async def plenary(self, m: str, view: dict[str, Any]) -> Any:
        return await self.call("PUT", f"/api/meetings/{m}/plenary", view)

    async def ideas(self, m: str) -> Any:
        return await self.call("GET", f"/api/meetings/{m}/ideas")

    async def audit(self, m: str) -> Any:
        return await self.call("GET", f"/api/meetings/{m}/audit")

    async def export(self, m: str, fmt: str = "json", lang: str | None = None) -> bytes:
        """An export file's bytes (see docs/exports.md)."""
        params = {"format": fmt} | ({"lang": lang} if lang else {})
        response = await self.http.get(f"/api/meetings/{m}/export", params=params, timeout=300)
        if response.status_code >= 400:
            error = response.json().get("error", {})
            raise ClientError(
                error.get("code", "http_error"),
                error.get("message", ""),
                response.status_code,
                error,
            )
        return response.content

    async def receipt(self, m: str, code: str) -> Any:
        return await self.call("GET", f"/api/meetings/{m}/receipts/{code}")


class Client:
    """One participant, tablet or screen on the socket, with an outbox and reconnects."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        codec: protocol.Codec = protocol.JSON,
        reconnect: bool = True,
        origin: str | None = None,
        urls: Sequence[str] = (),
    ) -> None:
        self.url = url
        # failover: when a (re)connect to the current URL fails, the next one is tried
        self.urls = [url, *(u for u in urls if u != url)]
        self.token = token
        self.codec = codec
        self.reconnect = reconnect
        self.origin = origin
        self.welcome: dict[str, Any] = {}
        self.last_seq: int | None = None
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: dict[str, dict[str, Any]] = {}  # id -> message, until acked
        self.connects = 0
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._closing = False
        self._connected = asyncio.Event()
        self._retries: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> Client:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- connection --------------------------------------------------------------------

    async def connect(self) -> dict[str, Any]:
        for left in range(len(self.urls) - 1, -1, -1):
            try:
                await self._open()
                break
            except (OSError, websockets.InvalidHandshake, TimeoutError):
                if not left:
                    raise
                self._fail_over()
        self._reader = asyncio.create_task(self._read_forever())
        return self.welcome

    async def _open(self) -> None:
        self._ws = await websockets.connect(
            self.url,
            subprotocols=[self.codec],  # type: ignore[list-item]
            origin=self.origin,  # type: ignore[arg-type]
            compression=None,
            max_size=2**22,
            open_timeout=10,  # type: ignore[arg-type]
        )
        hello: dict[str, Any] = {"type": "hello", "token": self.token}
        if self.last_seq is not None:
            hello["resume_from"] = self.last_seq
        await self._send(hello)
        welcome = self._decode(await asyncio.wait_for(self._ws.recv(), 10))
        if welcome.get("type") != "welcome":
            await self._ws.close()
            raise ClientError(welcome.get("code", "unauthorized"), welcome.get("message", ""))
        self.welcome = welcome
        self.last_seq = max(self.last_seq or 0, welcome["seq"])
        self.connects += 1
        # Connected first, then the outbox: a message submitted while the outbox is being
        # resent goes straight out itself (it is not in this snapshot of the outbox).
        self._connected.set()
        try:
            for message in list(self.outbox.values()):  # whatever was not acked, again
                await self._send(message)
        except BaseException:
            self._connected.clear()
            raise

    async def close(self) -> None:
        self._closing = True
        for task in list(self._retries):
            task.cancel()
        if self._reader:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        if self._ws:
            await self._ws.close()
        for future in self._waiting.values():
            if not future.done():
                future.cancel()

    async def drop(self) -> None:
        """Cut the connection as a network fault would (the outbox stays)."""
        if self._ws is not None:
            self._ws.transport.abort()

    async def _read_forever(self) -> None:
        delay = 0.05
        while not self._closing:
            try:
                assert self._ws is not None
                async for frame in self._ws:
                    self._dispatch(self._decode(frame))
                    delay = 0.05
            except (websockets.ConnectionClosed, OSError):
                pass
            self._connected.clear()
            if self._closing or not self.reconnect:
                return
            while not self._closing:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
                try:
                    await self._open()
                    break
                except (
                    OSError,
                    websockets.InvalidHandshake,
                    websockets.ConnectionClosed,
                    TimeoutError,
                    ClientError,
                ):
                    self._fail_over()
                    continue

    def _retry(self, message_id: str) -> None:
        message = self.outbox.get(message_id)
        if message is None or self._closing:
            return
        task = asyncio.create_task(self._send_safely(message))
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)

    def _fail_over(self) -> None:
        """The next URL, in turn (the same one when there is only one)."""
        self.url = self.urls[(self.urls.index(self.url) + 1) % len(self.urls)]

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "event":
            self.last_seq = max(self.last_seq or 0, message.get("seq", 0))
            self.events.put_nowait(message)
            return
        message_id = message.get("id")
        if kind == "error" and message.get("code") in RETRY_LATER:
            # stays in the outbox; sent again after a pause (or a reconnect, if sooner)
            if message_id in self.outbox and not self._closing:
                loop = asyncio.get_running_loop()
                loop.call_later(RETRY_AFTER, self._retry, message_id)
            return
        if message_id in self._waiting:
            self.outbox.pop(message_id, None)
            future = self._waiting.pop(message_id)
            if not future.done():
                future.set_result(message)
        elif kind in ("pong", "error"):
            self.events.put_nowait(message)

    # --- sending -----------------------------------------------------------------------

    def _decode(self, frame: str | bytes) -> dict[str, Any]:
        return protocol.decode_map(frame, self.codec)

    async def _send(self, message: dict[str, Any]) -> None:
        assert self._ws is not None
        await self._ws.send(protocol.encode(message, self.codec))

    async def request(self, message: dict[str, Any], timeout: float = 30) -> dict[str, Any]:
        """Send through the outbox and wait for the answer (ack, or error)."""
        message.setdefault("id", str(uuid.uuid4()))
        future = self.submit(message)
        await self._send_safely(message)
        answer = await asyncio.wait_for(future, timeout)
        if answer.get("type") == "error":
            raise ClientError(answer["code"], answer.get("message", ""))
        return answer

    def submit(self, message: dict[str, Any]) -> asyncio.Future[dict[str, Any]]:
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.outbox[message["id"]] = message
        self._waiting[message["id"]] = future
        return future

    async def _send_safely(self, message: dict[str, Any]) -> None:
        """Sent now if connected; else the reconnect sends it from the outbox."""
        with contextlib.suppress(websockets.ConnectionClosed, OSError):
            if self._connected.is_set():
                await self._send(message)

    async def resend_outbox(self) -> None:
        for message in list(self.outbox.values()):
            await self._send_safely(message)

    async def cast(
        self,
        question: str,
        answer: Any,
        *,
        seat: int | None = None,
        id: str | None = None,
        timeout: float = 30,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {"type": "ballot", "question": question, "answer": answer}
        if seat is not None:
            message["seat"] = seat
        if id is not None:
            message["id"] = id
        return await self.request(message, timeout)

    async def table_tally(self, question: str, counts: dict[str, int]) -> dict[str, Any]:
        return await self.request({"type": "table_tally", "question": question, "counts": counts})

    async def idea(self, text: str, round: str | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {"type": "idea", "text": text}
        if round is not None:
            message["round"] = round
        return await self.request(message)

    async def ping(self) -> None:
        await self._send({"type": "ping"})

    async def next_event(self, timeout: float = 10) -> dict[str, Any]:
        return await asyncio.wait_for(self.events.get(), timeout)

    async def wait_for(self, predicate: Any, timeout: float = 10) -> dict[str, Any]:
        """The next event (or pong/error) for which predicate(message) is true."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            message = await self.next_event(max(0.0, deadline - loop.time()))
            if predicate(message):
                return message

    async def stream(self) -> AsyncIterator[dict[str, Any]]:
        while True:
            yield await self.events.get()
