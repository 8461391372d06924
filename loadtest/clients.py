# Size: the lean socket client and its phone, tablet and screen behaviours share one loop.
"""Thousands of lean socket clients: an asyncio Protocol over websockets' sans-I/O core.

    WsConn   one WebSocket: no task per socket, frames decoded in data_received, pings
             answered by the sans-I/O protocol, abort() cuts it as a network fault would
    Agent    a phone, tablet or screen: hello/welcome, an outbox of requests awaiting their
             answer by id (resent after a reconnect), results seen by screens
    Pool     the agents and the hooks the run listens on (replies, results, errors)

The same machinery drives the echo ceiling (`echo=True`: no hello; any reply with a
pending id answers it), so the two rates compare like with like.
`prachakhom.cli.client.Client` (a reader task per socket, websockets' asyncio connection) is
the friendlier client; this one is what holds 5,000 sockets in one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgpack
import orjson
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.uri import parse_uri

JSON = "prachakhom.v1.json"
MSGPACK = "prachakhom.v1.msgpack"
RETRY_CODES = ("unavailable", "rate_limited")  # the outbox sends these again, later

now = time.perf_counter


def encode(message: dict[str, Any], codec: str) -> bytes:
    return msgpack.packb(message) if codec == MSGPACK else orjson.dumps(message)


def decode(data: bytes, codec: str) -> Any:
    return msgpack.unpackb(data, raw=False) if codec == MSGPACK else orjson.loads(data)


class WsConn(asyncio.Protocol):
    """One client WebSocket. `on_frame(data)` per message; `on_lost(exc)` once at the end."""

    def __init__(
        self,
        url: str,
        codec: str,
        on_frame: Callable[[bytes], None],
        on_lost: Callable[[WsConn], None],
    ) -> None:
        self.uri = parse_uri(url)
        self.codec = codec
        self.binary = codec == MSGPACK
        self.ws = ClientProtocol(self.uri, subprotocols=[codec], max_size=2**22)  # type: ignore[list-item]
        self.on_frame = on_frame
        self.on_lost = on_lost
        self.transport: asyncio.Transport | None = None
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()
        self._parts: list[bytes] = []
        self.counted = False  # in Pool.held

    @classmethod
    async def open(
        cls,
        url: str,
        codec: str,
        on_frame: Callable[[bytes], None],
        on_lost: Callable[[WsConn], None],
        timeout: float = 15.0,
    ) -> WsConn:
        loop = asyncio.get_running_loop()
        uri = parse_uri(url)
        _, conn = await asyncio.wait_for(
            loop.create_connection(lambda: cls(url, codec, on_frame, on_lost), uri.host, uri.port),
            timeout,
        )
        try:
            await asyncio.wait_for(asyncio.shield(conn.opened), timeout)
        except BaseException:
            conn.abort()
            raise
        return conn

    # --- asyncio.Protocol ----------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.ws.send_request(self.ws.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        self.ws.receive_data(data)
        for event in self.ws.events_received():
            if isinstance(event, Frame):
                self._frame(event)
            elif isinstance(event, Response) and not self.opened.done():
                if self.ws.handshake_exc is not None:
                    self.opened.set_exception(self.ws.handshake_exc)
                else:
                    self.opened.set_result(None)
        self._flush()

    def _frame(self, frame: Frame) -> None:
        if frame.opcode in (Opcode.TEXT, Opcode.BINARY, Opcode.CONT):
            if frame.fin and not self._parts:
                self.on_frame(bytes(frame.data))
                return
            self._parts.append(bytes(frame.data))
            if frame.fin:
                data, self._parts = b"".join(self._parts), []
                self.on_frame(data)

    def eof_received(self) -> bool | None:
        self.ws.receive_eof()
        self._flush()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionError("closed during the handshake"))
        if not self.closed.done():
            self.closed.set_result(None)
        self.on_lost(self)

    def _flush(self) -> None:
        assert self.transport is not None
        for data in self.ws.data_to_send():
            if data:
                self.transport.write(data)
            elif self.transport.can_write_eof():
                self.transport.write_eof()
        if self.ws.close_expected() and self.ws.state is State.CLOSED:
            self.transport.close()

    # --- use -----------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return (
            self.ws.state is State.OPEN
            and self.transport is not None
            and not self.transport.is_closing()
        )

    @property
    def close_code(self) -> int | None:
        return self.ws.close_code

    def send(self, message: dict[str, Any]) -> bool:
        if not self.is_open:
            return False
        data = encode(message, self.codec)
        if self.binary:
            self.ws.send_binary(data)
        else:
            self.ws.send_text(data)
        self._flush()
        return True

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    async def close(self, timeout: float = 2.0) -> None:
        if self.is_open:
            self.ws.send_close(1000)
            self._flush()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self.closed), timeout)
        self.abort()


@dataclass(slots=True)
class Pending:
    message: dict[str, Any]
    future: asyncio.Future[tuple[dict[str, Any], float]]
    first_sent: float
    sent: float
    tries: int = 1


class Agent:
    """One simulated device. `kind`: phone, tablet, screen (or echo)."""

    def __init__(
        self,
        pool: Pool,
        kind: str,
        index: int,
        codec: str,
        token: str = "",
        table: int | None = None,
        seat: int | None = None,
    ) -> None:
        self.pool = pool
        self.kind = kind
        self.index = index
        self.codec = codec
        self.token = token
        self.table = table
        self.seat = seat
        self.conn: WsConn | None = None
        self.pending: dict[str, Pending] = {}
        self.last_seq: int | None = None
        self.connects = 0
        self.ready = False
        self._welcome: asyncio.Future[dict[str, Any]] | None = None
        self._reconnecting = False
        self._closing = False

    @property
    def name(self) -> str:
        return f"{self.kind}{self.index}"

    # --- connection ----------------------------------------------------------------------

    async def connect(self, resume: bool = False) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        conn = await WsConn.open(self.pool.url, self.codec, self._on_frame, self._on_lost)
        self.conn = conn
        if self.pool.echo:
            self._opened(conn)
            return {}
        self._welcome = loop.create_future()
        hello: dict[str, Any] = {"type": "hello", "token": self.token}
        if resume and self.last_seq is not None:
            hello["resume_from"] = self.last_seq
        conn.send(hello)
        try:
            welcome = await asyncio.wait_for(self._welcome, self.pool.timeout)
        except BaseException:
            conn.abort()
            raise
        if welcome.get("type") != "welcome":
            conn.abort()
            raise ConnectionError(f"no welcome: {welcome.get('code')} {welcome.get('message')}")
        self.last_seq = max(self.last_seq or 0, int(welcome.get("seq", 0)))
        self._opened(conn)
        if self.kind == "screen":
            for result in welcome.get("state", {}).get("results", []):
                self.pool.on_results(self, result, now())
        for pending in list(self.pending.values()):  # the outbox, again
            self._send(pending)
        return welcome

    def _opened(self, conn: WsConn) -> None:
        self.connects += 1
        self.ready = True
        conn.counted = True
        self.pool.held += 1

    async def bounce(self, pause: float = 0.0) -> None:
        """Drop the socket as a network fault would, then reconnect and resend the outbox."""
        if self.conn is not None:
            self._reconnecting = True
            self.ready = False
            self.conn.abort()
            await asyncio.sleep(0)
        await asyncio.sleep(pause)
        await self._reconnect()

    async def _reconnect(self) -> None:
        self._reconnecting = True
        delay = 0.05
        started = now()
        try:
            while not self._closing:
                try:
                    await self.connect(resume=True)
                    self.pool.reconnects.append(now() - started)
                    return
                except (OSError, ConnectionError, TimeoutError) as exc:
                    self.pool.error(f"reconnect_failed:{type(exc).__name__}")
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 2.0)
        finally:
            self._reconnecting = False

    async def close(self) -> None:
        self._closing = True
        if self.conn is not None:
            await self.conn.close()
        for pending in self.pending.values():
            if not pending.future.done():
                pending.future.cancel()

    def _on_lost(self, conn: WsConn) -> None:
        if conn.counted:
            conn.counted = False
            self.pool.held -= 1
        if conn is not self.conn:
            return
        self.ready = False
        if self._welcome is not None and not self._welcome.done():
            self._welcome.set_exception(ConnectionError(f"closed {conn.close_code}"))
        if self._closing or self._reconnecting:
            return
        self.pool.error(f"closed_by_server:{conn.close_code}")
        if self.pool.running:  # a real client comes back by itself
            task = asyncio.get_running_loop().create_task(self._reconnect())
            self.pool.tasks.add(task)
            task.add_done_callback(self.pool.tasks.discard)

    # --- messages ------------------------------------------------------------------------

    def request(self, message: dict[str, Any]) -> asyncio.Future[tuple[dict[str, Any], float]]:
        """Send through the outbox; the future gets (answer, seconds since the last send)."""
        future: asyncio.Future[tuple[dict[str, Any], float]] = (
            asyncio.get_running_loop().create_future()
        )
        t = now()
        pending = Pending(message, future, t, t)
        self.pending[message["id"]] = pending
        self._send(pending)
        return future

    def _send(self, pending: Pending) -> None:
        pending.sent = now()
        if self.ready and self.conn is not None:
            self.conn.send(pending.message)

    def resend_later(self, pending: Pending, delay: float) -> None:
        def again() -> None:
            if pending.message["id"] in self.pending:
                pending.tries += 1
                self._send(pending)

        asyncio.get_running_loop().call_later(delay, again)

    def _on_frame(self, data: bytes) -> None:
        try:
            message = decode(data, self.codec)
        except Exception:  # a frame we cannot read is a server bug worth counting
            self.pool.error("undecodable_frame")
            return
        t = now()
        if self._welcome is not None and not self._welcome.done():
            self._welcome.set_result(message)
            return
        kind = message.get("type")
        if kind == "event":
            seq = message.get("seq")
            if isinstance(seq, int):
                self.last_seq = max(self.last_seq or 0, seq)
            if message.get("event") == "results":
                self.pool.on_results(self, message["results"], t)
            return
        pending = self.pending.get(message.get("id"))  # type: ignore[arg-type]
        if pending is None:
            if kind == "error":
                self.pool.error(str(message.get("code")))
            return
        if kind == "error" and message.get("code") in RETRY_CODES:
            self.pool.error(str(message["code"]))
            self.resend_later(pending, 0.2 * pending.tries)
            return
        del self.pending[message["id"]]
        if not pending.future.done():
            pending.future.set_result((message, t - pending.sent))


@dataclass
class Pool:
    """All agents of a run, and the hooks the run measures through."""

    url: str
    echo: bool = False
    timeout: float = 15.0
    agents: list[Agent] = field(default_factory=list)
    held: int = 0
    running: bool = True
    errors: dict[str, int] = field(default_factory=dict)
    reconnects: list[float] = field(default_factory=list)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    results_hook: Callable[[Agent, dict[str, Any], float], None] | None = None
    answer_timeout: float = 30.0  # a request unanswered this long fails with TimeoutError

    def start(self) -> None:
        """The sweeper that times requests out (one task, not a timer per request)."""
        task = asyncio.get_running_loop().create_task(self._sweep())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(0.5)
            cutoff = now() - self.answer_timeout
            for agent in self.agents:
                for key, pending in list(agent.pending.items()):
                    if pending.first_sent < cutoff:
                        del agent.pending[key]
                        if not pending.future.done():
                            pending.future.set_exception(TimeoutError())

    def error(self, code: str) -> None:
        self.errors[code] = self.errors.get(code, 0) + 1

    def on_results(self, agent: Agent, results: dict[str, Any], t: float) -> None:
        if self.results_hook is not None:
            self.results_hook(agent, results, t)

    async def connect_all(self, agents: list[Agent], concurrency: int = 200) -> list[Agent]:
        """Connect with a bounded number of handshakes in flight; returns the failures."""
        gate = asyncio.Semaphore(concurrency)
        failed: list[Agent] = []

        async def one(agent: Agent) -> None:
            async with gate:
                for attempt in range(3):
                    try:
                        await agent.connect()
                        return
                    except (OSError, ConnectionError, TimeoutError) as exc:
                        self.error(f"connect_failed:{type(exc).__name__}")
                        await asyncio.sleep(0.2 * (attempt + 1))
                failed.append(agent)

        self.agents.extend(agents)
        await asyncio.gather(*(one(a) for a in agents))
        return failed

    async def close(self) -> None:
        self.running = False
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await asyncio.gather(*(a.close() for a in self.agents), return_exceptions=True)
