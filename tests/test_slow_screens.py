"""500 plenary screens that never read, beside a few that do.

The slow ones are raw sockets that say hello and then stop reading (a tiny receive
buffer, so the kernel does not hide it for long). The server must drop each of them once
its send queue (`send_queue`) overflows, and not before, and then let go of the socket
and what it buffered for it; the screens that do read keep getting results with the
latency they had, and end with the final results. Every ballot cast meanwhile is counted
once and the audit agrees.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import os
import socket
import statistics
import struct
import time
from pathlib import Path

import orjson
import psutil

from prachakhom.cli.client import Api, Client
from prachakhom.core import protocol
from prachakhom.live.metrics import SLOW_CONSUMERS
from prachakhom.store.embedded import Embedded

from .conftest import ADMIN, SMALL_MEETING, make_settings, run_server
from .wire import until

SLOW, READING, SEND_QUEUE = 500, 3, 32
# The kernel buffers of a socket whose peer does not read grow to tcp_wmem's maximum
# (4 MiB here) before the app's send queue even starts to fill: 500 stuck screens pinned
# 1.5 GiB of kernel memory when this test ran on a default listener. A listener with a
# fixed SO_SNDBUF (inherited by every accepted socket, and no autotuning) bounds that; the
# test uses one, as a deployment with many screens should (`prachakhom serve` does not yet).
SNDBUF = 64 * 1024
LABEL = "ประชาคมหมู่บ้านเรื่องน้ำประปาและถนน " * 26  # ~940 Thai characters, ~2.8 KB


async def stuck_screen(port: int, token: str) -> socket.socket:
    """A WebSocket client by hand: handshake, hello, and then it never reads again."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: the window
    sock.setblocking(False)
    await loop.sock_connect(sock, ("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    await loop.sock_sendall(
        sock,
        (
            f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Protocol: {protocol.JSON}\r\n\r\n"
        ).encode(),
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += await loop.sock_recv(sock, 1)  # byte by byte: not one byte past the head
    assert head.startswith(b"HTTP/1.1 101"), head
    await loop.sock_sendall(sock, masked(orjson.dumps({"type": "hello", "token": token})))
    return sock


def masked(payload: bytes) -> bytes:
    """One client text frame (clients must mask)."""
    mask = os.urandom(4)
    n = len(payload)
    head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0xFE]) + struct.pack("!H", n))
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


async def drain(sock: socket.socket, timeout: float = 10) -> int | str | None:
    """Read everything the server left for a stuck screen: its close code, None if the
    stream ended without a close frame, "reset" if the server cut it."""
    loop = asyncio.get_running_loop()
    data = b""
    async with asyncio.timeout(timeout):
        try:
            while chunk := await loop.sock_recv(sock, 65536):
                data += chunk
        except ConnectionResetError:
            return "reset"
    at = 0
    while at + 2 <= len(data):
        opcode, n = data[at] & 0x0F, data[at + 1] & 0x7F
        at += 2
        if n == 126:
            n, at = struct.unpack("!H", data[at : at + 2])[0], at + 2
        elif n == 127:
            n, at = struct.unpack("!Q", data[at : at + 8])[0], at + 8
        if opcode == 0x8 and n >= 2:
            return int(struct.unpack("!H", data[at : at + 2])[0])
        at += n
    return None


class Watch:
    """A reading screen: the first time it saw each number of voters."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.seen: dict[int, float] = {}
        self.events = 0
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        async for message in self.client.stream():
            self.events += 1
            if message.get("event") == "results" and message["results"]["question"] == "q1":
                self.seen.setdefault(message["results"]["voters"], time.monotonic())

    def first_at_least(self, voters: int) -> float | None:
        times = [t for v, t in self.seen.items() if v >= voters]
        return min(times) if times else None


def listener_with_sndbuf(port: int, sndbuf: int) -> socket.socket:
    """A listening socket with a fixed SO_SNDBUF (accepted sockets inherit it)."""
    listener = socket.create_server(("127.0.0.1", port))
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
    return listener


def tcp_kernel_memory() -> int:
    """Bytes the kernel holds in TCP buffers, machine-wide (Linux), or 0 if unknown."""
    try:
        for line in Path("/proc/net/sockstat").read_text().splitlines():
            if line.startswith("TCP:"):
                fields = line.split()
                return int(fields[fields.index("mem") + 1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        pass
    return 0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


async def test_screens_that_never_read_are_dropped_and_the_others_keep_up(
    valkey: Embedded, tmp_path: Path
) -> None:
    settings = make_settings(valkey, tmp_path, send_queue=SEND_QUEUE, hello_timeout=10.0)
    body = copy.deepcopy(SMALL_MEETING) | {
        "tables": {"count": 4, "seats": 50},
        "sites": [],
        "seat_codes": False,
    }
    process = psutil.Process()
    async with (
        run_server(settings, listener_with_sndbuf(settings.port, SNDBUF)) as server,
        Api(server.base, ADMIN) as admin,
    ):
        created = await admin.create_meeting(body)
        m = created["id"]
        await admin.open(m, "q1")
        await admin.plenary(m, {"view": "question", "question": "q1", "reveal": True})
        display = (await admin.join(created["codes"]["display"]))["token"]
        tablet_tokens = [
            (await admin.join(created["codes"]["tables"][str(t)]))["token"] for t in range(1, 5)
        ]
        readers = [Client(server.ws, display) for _ in range(READING)]
        for reader in readers:
            await reader.connect()
        watches = [Watch(r) for r in readers]
        rss_before, kernel_before = process.memory_info().rss, tcp_kernel_memory()
        slow_before = SLOW_CONSUMERS._value.get()  # a process-wide counter
        started = time.monotonic()
        stuck: list[socket.socket] = []
        for at in range(0, SLOW, 50):
            stuck += await asyncio.gather(
                *(stuck_screen(settings.port, display) for _ in range(at, min(SLOW, at + 50)))
            )
        room = server.services.hub.rooms[m]
        await until(lambda: len(room.clients) == SLOW + READING, "every screen in the room")
        opened = time.monotonic() - started
        tablets = [Client(server.ws, token) for token in tablet_tokens]
        for tablet in tablets:
            await tablet.connect()
        try:
            # a few small events, far below the limit: nobody is dropped for those
            for _ in range(4):
                await admin.plenary(m, {"view": "question", "question": "q1", "reveal": True})
            await asyncio.sleep(0.5)
            assert len(room.clients) == SLOW + READING + len(tablets)
            assert SLOW_CONSUMERS._value.get() == slow_before

            # now a flood of big events (a theme with a ~2.8 KB name, to every screen),
            # and a ballot with each: the slow screens fall behind, the others must not
            themes = [
                (await admin.call("POST", f"/api/meetings/{m}/themes", {"label": f"{i} {LABEL}"}))[
                    "id"
                ]
                for i in range(8)
            ]
            acked: dict[int, float] = {}
            first_drop = 0
            rounds = 0
            seat = 0
            while rounds < 150 and (
                len(room.clients) > READING + len(tablets) or len(acked) < 20
            ):  # until every slow one is gone, and at least 20 ballots
                rounds += 1
                theme = themes[rounds % len(themes)]
                await admin.call(
                    "POST", f"/api/meetings/{m}/themes", {"id": theme, "label": f"{rounds} {LABEL}"}
                )
                seat += 1  # voter n: table (n - 1) // 50 + 1, seat (n - 1) % 50 + 1
                tablet = tablets[(seat - 1) // 50]
                ack = await tablet.cast("q1", "abc"[seat % 3], seat=(seat - 1) % 50 + 1)
                assert ack["status"] == "counted"
                acked[seat] = time.monotonic()
                if not first_drop and SLOW_CONSUMERS._value.get() > slow_before:
                    first_drop = rounds
                await asyncio.sleep(0.05)
            flood = time.monotonic() - started - opened
            await until(
                lambda: len(room.clients) == READING + len(tablets), "the slow screens to go", 20
            )
            dropped = SLOW_CONSUMERS._value.get() - slow_before
            # the reading screens end with the final results
            for watch in watches:
                await until(lambda w=watch: w.first_at_least(seat) is not None, "final results")
            latencies = [
                w.first_at_least(s) - t  # type: ignore[operator]
                for w in watches
                for s, t in acked.items()
            ]
            rss_peak, kernel_peak = process.memory_info().rss, tcp_kernel_memory()
            in_room = len(room.clients)
            connections = server.server.server_state.connections
            # the server lets go of the dropped sockets, and of what it buffered for them
            await until(lambda: len(connections) < 50, "uvicorn to let go of the stuck sockets")
            held = len(connections)
            rss_after, kernel_after = process.memory_info().rss, tcp_kernel_memory()
            sample = await asyncio.gather(*(drain(s) for s in stuck[:5]))
        finally:
            for tablet in tablets:
                await tablet.close()
            for reader in readers:
                await reader.close()
            for watch in watches:
                watch.task.cancel()
            for sock in stuck:
                sock.close()
        print(
            f"\nslow screens: {SLOW} opened in {opened:.1f} s; {rounds} rounds of ~24 KB theme "
            f"events + a ballot in {flood:.1f} s; first dropped at round {first_drop}, "
            f"dropped {dropped:.0f}, left in the room {in_room} (readers and tablets); "
            f"sockets uvicorn still held after the drops {held}; what a stuck screen finds once "
            f"it reads again: {sample}; vote-to-screen latency on the "
            f"{READING} reading screens: p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms; "
            f"RSS {rss_before / 2**20:.0f} -> {rss_peak / 2**20:.0f} -> "
            f"{rss_after / 2**20:.0f} MiB; kernel TCP buffers {kernel_before / 2**20:.0f} -> "
            f"{kernel_peak / 2**20:.0f} -> {kernel_after / 2**20:.0f} MiB"
        )
        assert dropped == SLOW  # every stuck screen was dropped ...
        assert first_drop >= SEND_QUEUE // 4  # ... past its limit (<= 3 events a round)
        assert all(r.connects == 1 for r in readers)  # ... and no reading one, ever
        assert all(w.events > rounds for w in watches)  # they read every theme event
        # 4408 cannot reach a screen that does not read: the server cuts the connection
        assert all(code in (4408, "reset", None) for code in sample), sample
        audit = await admin.audit(m)
        assert audit["ok"] and audit["ballots_in_ledger"] == len(acked)
        results = await admin.results(m, "q1")
        assert results["voters"] == len(acked)
