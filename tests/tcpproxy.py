"""A small asyncio TCP proxy that injects network faults, driven by the test.

    proxy = FaultProxy("127.0.0.1", server_port)
    async with proxy.running():
        client -> 127.0.0.1:proxy.port -> proxy -> server
        proxy.reset_all()      # every connection cut with a TCP RST, both sides
        proxy.stall()          # bytes stop flowing (held, not lost) ...
        proxy.flow()           # ... until flowing again
        proxy.slow(0.2, 2.0)   # every chunk delayed by a random 0.2..2 s, in order
        proxy.refuse()         # new connections are reset at once (an outage)
        proxy.heal()           # pass-through again

Bytes are never reordered or dropped on a live connection (TCP does not do that); a
reset loses whatever was still held in the proxy, as a real network cut would.
`faults` counts what was injected, for the test to print.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

CHUNK = 65536


@dataclass(eq=False)
class _Pipe:
    """One client connection and its upstream connection."""

    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def abort(self) -> None:
        for writer in (self.client, self.upstream):
            _reset(writer)
        for task in self.tasks:
            task.cancel()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0), not a polite FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    def __init__(self, host: str, port: int, *, seed: int = 6) -> None:
        self.target = (host, port)
        self.port = 0
        self.latency: tuple[float, float] | None = None
        self.faults: Counter[str] = Counter()
        self.connections = 0
        self._pipes: set[_Pipe] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._refusing = False
        self._random = random.Random(seed)
        self._server: asyncio.Server | None = None

    # --- control, from the test ----------------------------------------------------------

    def reset_all(self) -> int:
        """Cut every open connection now (RST to both ends); how many were cut."""
        pipes = list(self._pipes)
        for pipe in pipes:
            pipe.abort()
        self._pipes.clear()
        self.faults["connections reset"] += len(pipes)
        self.faults["resets"] += 1
        return len(pipes)

    def stall(self) -> None:
        """Hold every byte in both directions until flow(); connections stay open."""
        if self._flowing.is_set():
            self.faults["stalls"] += 1
        self._flowing.clear()

    def flow(self) -> None:
        self._flowing.set()

    def slow(self, low: float = 0.2, high: float = 2.0) -> None:
        """Delay every chunk by a random low..high seconds (order kept)."""
        self.faults["latency windows"] += 1
        self.latency = (low, high)

    def refuse(self, on: bool = True) -> None:
        """New connections are reset at once (the server looks unreachable)."""
        self._refusing = on

    def heal(self) -> None:
        """Pass-through again: no stall, no latency, connections accepted."""
        self.latency = None
        self._refusing = False
        self.flow()

    @property
    def open_connections(self) -> int:
        return len(self._pipes)

    # --- plumbing ------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[FaultProxy]:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        try:
            yield self
        finally:
            self._server.close()
            self.heal()
            for pipe in list(self._pipes):
                pipe.abort()
            self._pipes.clear()
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        if self._refusing:
            self.faults["connections refused"] += 1
            _reset(writer)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            _reset(writer)
            return
        if self._refusing:  # an outage began while this one was being connected
            self.faults["connections refused"] += 1
            _reset(writer)
            _reset(up_writer)
            return
        pipe = _Pipe(writer, up_writer)
        self._pipes.add(pipe)
        pipe.tasks = [
            asyncio.create_task(self._pump(reader, up_writer, pipe)),
            asyncio.create_task(self._pump(up_reader, writer, pipe)),
        ]
        await asyncio.gather(*pipe.tasks, return_exceptions=True)
        self._pipes.discard(pipe)
        for w in (writer, up_writer):
            w.transport.abort()

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, pipe: _Pipe
    ) -> None:
        """Read chunks, and deliver each when due (latency) and when flowing (stall)."""
        held: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        async def deliver() -> None:
            while True:
                due, chunk = await held.get()
                if not chunk:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                await asyncio.sleep(max(0.0, due - loop.time()))
                await self._flowing.wait()
                writer.write(chunk)
                await writer.drain()

        delivering = asyncio.create_task(deliver())
        # a write that fails (the far end is gone) cuts the whole pipe
        delivering.add_done_callback(
            lambda task: task.cancelled() or task.exception() is None or pipe.abort()
        )
        last_due = 0.0
        try:
            while True:
                chunk = await reader.read(CHUNK)
                due = loop.time()
                if self.latency is not None:
                    due += self._random.uniform(*self.latency)
                last_due = max(last_due, due)  # never overtake an earlier chunk
                held.put_nowait((last_due, chunk))
                if not chunk:
                    break
            await delivering
        except (OSError, asyncio.IncompleteReadError):
            pipe.abort()
        finally:
            delivering.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await delivering
