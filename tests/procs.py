"""`prachakhom serve` as a real subprocess: start it, wait for /healthz, stop or kill it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from prachakhom.cli.client import ws_url
from prachakhom.store.embedded import free_port


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return ws_url(self.base)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    async def healthy(self, timeout: float = 30) -> None:
        """Wait until /healthz answers 200; fail with the log if the process ends first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with httpx.AsyncClient(base_url=self.base, timeout=2) as http:
            while True:
                if self.process.poll() is not None:
                    raise AssertionError(
                        f"serve exited {self.process.returncode}:\n" + self.output()
                    )
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if loop.time() > deadline:
                    raise AssertionError("serve did not become healthy:\n" + self.output())
                await asyncio.sleep(0.05)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        """Signal the process (SIGTERM, SIGINT) and wait for it to end: its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"serve did not stop on {sig}:\n" + self.output()) from None
        return self.process.returncode

    def kill(self) -> None:
        """kill -9: no shutdown of any kind."""
        self.process.kill()
        self.process.wait()


def serve(data_dir: Path, *args: str, port: int | None = None) -> Served:
    """Start `python -m prachakhom.cli.main serve` with its own port and data dir."""
    port = port or free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir.parent / f"{data_dir.name}-serve-{port}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRACHAKHOM_")}
    env |= {"PYTHONUNBUFFERED": "1", "PRACHAKHOM_LOG_LEVEL": "warning", "COLUMNS": "400"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "prachakhom.cli.main",
                "serve",
                "--port",
                str(port),
                "--data-dir",
                str(data_dir),
                *args,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    return Served(process, port, log)
