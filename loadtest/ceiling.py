"""The ceiling, measured in the same run with the same client machinery.

    echo   a tiny Starlette app with one echo WebSocket route, served by uvicorn with
           websockets-sansio (as `prachakhom serve` is), in a subprocess; the same number
           of sockets and the same frames as the ballots: everyone at once, then a burst
           timed as a question's votes are (scenario.vote_delay), then a closed loop
    redis  EVALSHA of a trivial script against the same Valkey, one awaited call at a time
           and pipelined 100 at a time, with Redis's own time per call (commandstats)

Run the echo server alone: python -m loadtest.ceiling --port 8011
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from . import scenario
from .clients import JSON, MSGPACK, Agent, Pool
from .metrics import (
    ProcessSampler,
    children_of,
    commandstats,
    stats_delta,
    summary_ms,
    this_process,
    usec_per,
)

now = time.perf_counter


async def echo(websocket: WebSocket) -> None:
    offered = list(websocket.scope.get("subprotocols", []))
    await websocket.accept(subprotocol=offered[0] if offered else None)
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("text") is not None:
                await websocket.send_text(message["text"])
            else:
                await websocket.send_bytes(message.get("bytes") or b"")


app = Starlette(routes=[WebSocketRoute("/echo", echo)])


def serve(port: int) -> None:
    import uvicorn

    uvicorn.run(
        app, host="127.0.0.1", port=port, ws="websockets-sansio", ws_per_message_deflate=False,
        ws_max_size=4096, log_level="warning", lifespan="off", access_log=False,
    )  # fmt: skip


# --- echo ----------------------------------------------------------------------------------


def spawn_echo(port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "loadtest.ceiling", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parent.parent,
    )


def ballot_like(i: int, n: int) -> dict[str, Any]:
    return {"type": "ballot", "id": f"echo-{i}-{n}", "question": "iap2", "answer": "involve"}


async def _wait_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the echo server exited")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            await writer.wait_closed()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError("the echo server did not start")


async def measure_echo(
    connections: int,
    msgpack_share: float,
    seconds: float,
    progress: Callable[[str, int, int], None] | None = None,
    pids: list[int] | None = None,
    burst_seconds: float = 2.0,
    seed: int = 1,
) -> dict[str, Any]:
    """Echo rates with `connections` sockets: one message each at once; one each at the
    times a question's votes come (the floor under a ballot burst's ack latency: the
    same arrivals with nothing to do); then a closed loop.

    `pids` gets the echo server's pid while it runs (for the run's own process sampler).
    """
    from prachakhom.store.embedded import free_port

    port = free_port()
    process = spawn_echo(port)
    if pids is not None:
        pids.append(process.pid)
    pool = Pool(url=f"ws://127.0.0.1:{port}/echo", echo=True)
    sampler = ProcessSampler({"echo_server": children_of(process.pid), "loadgen": this_process})
    try:
        await _wait_port(port, process)
        sampler.start()
        pool.start()  # times out what never comes back
        cut = round(connections * msgpack_share)
        agents = [Agent(pool, "echo", i, MSGPACK if i < cut else JSON) for i in range(connections)]
        rss_before = sampler.rss("echo_server")
        started = now()
        failed = await pool.connect_all(agents)
        connect_s = now() - started
        await asyncio.sleep(min(2.0, 0.3 + connections / 2500))  # idle: the sockets' cost
        gone = {id(a) for a in failed}
        live = [a for a in agents if id(a) not in gone]
        idle_kib = (sampler.rss("echo_server") - rss_before) / 1024 / max(1, len(live))

        if progress:
            progress("echo burst", 0, len(live))
        burst = await echo_burst(live, [0.0] * len(live), pool, 0)

        if progress:
            progress("echo burst, vote timing", 0, len(live))
        rng = random.Random(seed)
        delays = [scenario.vote_delay(rng, burst_seconds) for _ in live]
        shaped = await echo_burst(live, delays, pool, -1) | {"burst_seconds": burst_seconds}

        latencies: list[float] = []
        cpu0 = sampler.cpu_snapshot()
        t_start = now()
        end = t_start + seconds

        async def loop(agent: Agent) -> None:
            n = 1
            while now() < end:
                try:
                    _, latency = await agent.request(ballot_like(agent.index, n))
                except TimeoutError:
                    pool.error("echo_timeout")
                    return
                latencies.append(latency)
                n += 1

        if progress:
            progress("echo closed loop", 0, len(live))
        await asyncio.gather(*(loop(a) for a in live))
        took = now() - t_start
        cpu = usec_per(cpu0, sampler.cpu_snapshot(), len(latencies))
        return {
            "connections": len(live),
            "connect_seconds": round(connect_s, 2),
            "idle_kib_per_connection": round(idle_kib, 1),
            "burst": burst,
            "timed_burst": shaped,
            "sustained": {
                "seconds": round(took, 2),
                "messages": len(latencies),
                "per_s": round(len(latencies) / took, 1),
                "rtt_ms": summary_ms(latencies),
                "cpu_usec_per_message": cpu,
            },
            "resources": sampler.between(t_start, now()),
            "errors": pool.errors,
        }
    finally:
        await sampler.stop()
        await pool.close()
        if pids is not None:
            pids.clear()
        process.terminate()
        try:
            await asyncio.to_thread(process.wait, 10)
        except subprocess.TimeoutExpired:
            process.kill()


async def echo_burst(
    agents: list[Agent], delays: list[float], pool: Pool, n: int
) -> dict[str, Any]:
    """Message `n` from each socket, each after its delay (all zero: everyone at once)."""

    async def send(agent: Agent, delay: float) -> float:
        if delay:
            await asyncio.sleep(delay)
        _, latency = await agent.request(ballot_like(agent.index, n))
        return float(latency)

    started = now()
    answers = await asyncio.gather(
        *(send(a, d) for a, d in zip(agents, delays, strict=True)), return_exceptions=True
    )
    took = now() - started
    replies = [r for r in answers if not isinstance(r, BaseException)]
    for _ in range(len(answers) - len(replies)):
        pool.error("echo_timeout")
    return {
        "messages": len(replies),
        "seconds": round(took, 3),
        "per_s": round(len(replies) / took, 1),
        "rtt_ms": summary_ms(replies),
    }


# --- redis ---------------------------------------------------------------------------------


async def measure_redis(redis_url: str, seconds: float = 1.0, batch: int = 100) -> dict[str, Any]:
    """EVALSHA of `return 1`: awaited one by one, then pipelined `batch` at a time."""
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    try:
        sha = await client.script_load("return 1")
        out: dict[str, Any] = {}
        for name in ("unpipelined", f"pipelined_{batch}"):
            before = await commandstats(redis_url)
            calls, started = 0, now()
            while now() - started < seconds:
                if name == "unpipelined":
                    await client.evalsha(sha, 0)
                    calls += 1
                else:
                    pipe = client.pipeline(transaction=False)
                    for _ in range(batch):
                        pipe.evalsha(sha, 0)
                    await pipe.execute()
                    calls += batch
            took = now() - started
            spent = stats_delta(before, await commandstats(redis_url)).get("evalsha", {})
            out[name] = {
                "calls": calls,
                "per_s": round(calls / took, 1),
                "server_usec_per_call": round(spent["usec"] / spent["calls"], 2)
                if spent.get("calls")
                else None,
            }
        return out
    finally:
        await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description="The bare echo server of the ceiling.")
    parser.add_argument("--port", type=int, required=True)
    serve(parser.parse_args().port)


if __name__ == "__main__":
    main()
