"""py-spy on the server and on the load generator during the sustained phase (--py-spy):
where each side's CPU goes.

Writes the collapsed stacks (profile-sustain.txt and profile-loadgen-sustain.txt: open
them in speedscope, or turn them into SVGs with flamegraph.pl) and puts the top frames,
by own and by inclusive samples, in results.json. py-spy is optional
(`pip install py-spy`); without it the run goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


async def start(
    pid: int, seconds: float, out: Path, subprocesses: bool = True
) -> asyncio.subprocess.Process | None:
    tool = py_spy()
    if tool is None:
        return None
    return await asyncio.create_subprocess_exec(
        tool, "record", "--pid", str(pid), *(["--subprocesses"] if subprocesses else []),
        "--rate", "100",
        "--duration", str(math.ceil(seconds)), "--format", "raw", "--nonblocking",
        "-o", str(out),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


async def finish(process: asyncio.subprocess.Process, out: Path, top: int = 20) -> dict[str, Any]:
    try:
        await asyncio.wait_for(process.wait(), 30)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
    return read(out, process.returncode, top)


def read(out: Path, code: int | None, top: int) -> dict[str, Any]:
    if not out.exists():
        return {"error": f"py-spy wrote nothing (exit {code}; it needs ptrace)"}
    return {"file": out.name, **summarize(out.read_text(), top)}


LAYERS = (  # where a frame's file lives -> the layer it belongs to
    ("prachakhom/", "prachakhom"),
    ("uvicorn/", "uvicorn"),
    ("starlette/", "starlette"),
    ("websockets/", "websockets"),
    ("redis/", "redis-py"),
    ("asyncio/", "asyncio"),
    ("msgpack/", "msgpack"),
    ("loadtest/", "loadtest"),
    ("numpy/", "numpy"),
    ("prometheus_client/", "prometheus"),
)


def layer(frame: str) -> str:
    for marker, name in LAYERS:
        if marker in frame:
            return name
    return "other"


def summarize(collapsed: str, top: int = 20) -> dict[str, Any]:
    """Top frames of collapsed stacks ("f1;f2;f3 count" lines), as shares of all samples.

    own: where the samples were (C calls and syscalls count for the Python line calling
    them); inclusive: frames on the stack, without the ones under nearly every sample;
    layers: own samples by package.
    """
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    layers: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        own[frames[-1]] += n
        layers[layer(frames[-1])] += n
        for frame in set(frames):
            inclusive[frame] += n
    if not total:
        return {"samples": 0}

    def shares(counter: Counter[str], most: float = 101.0) -> list[tuple[str, float]]:
        rows = [(f, round(100 * n / total, 1)) for f, n in counter.most_common()]
        return [(f, s) for f, s in rows if s < most][:top]

    return {
        "samples": total,
        "own_percent": shares(own),
        "inclusive_percent": shares(inclusive, most=85.0),
        "layers_percent": shares(layers),
    }
