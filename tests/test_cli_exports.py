"""`prachakhom export`, `verify` and `audit` as a person runs them: real processes
against a real server."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import orjson

from .conftest import Running
from .forum import Forum


async def prachakhom(*args: str, token: str | None = None) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRACHAKHOM_")}
    if token:
        env["PRACHAKHOM_TOKEN"] = token
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "prachakhom.cli.main",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, out.decode()


async def test_export_then_verify_then_tamper(
    forum: Forum, server: Running, tmp_path: Path
) -> None:
    token = forum.created["organiser"]
    code, out = await prachakhom(
        "export",
        forum.id,
        "-f",
        "json",
        "--out",
        str(tmp_path),
        "--server",
        server.base,
        token=token,
    )
    assert code == 0, out
    (path,) = [tmp_path / name for name in os.listdir(tmp_path)]
    assert path.name == f"prachakhom-{forum.id}-2026-11-21.json"
    code, out = await prachakhom("verify", str(path))
    assert code == 0 and "OK" in out, out

    doc = orjson.loads(path.read_bytes())
    entry = next(e for e in doc["ledger"]["entries"] if e["type"] == "ballot")
    entry["table"] += 1
    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(orjson.dumps(doc))
    code, out = await prachakhom("verify", str(tampered))
    assert code == 1 and f"ledger entry {entry['n']}" in out, out

    code, out = await prachakhom("verify", str(tmp_path / "missing.json"))
    assert code == 2  # click: the file does not exist


async def test_render_again_from_a_saved_export(
    forum: Forum, server: Running, tmp_path: Path
) -> None:
    saved = tmp_path / "saved.json"
    saved.write_bytes(await forum.organiser.export(forum.id, "json"))
    out_dir = tmp_path / "again"
    code, out = await prachakhom(
        "export", "--from", str(saved), "-f", "json", "--out", str(out_dir)
    )
    assert code == 0, out
    (again,) = [out_dir / name for name in os.listdir(out_dir)]
    assert orjson.loads(again.read_bytes()) == orjson.loads(saved.read_bytes())


async def test_audit_and_refusals(forum: Forum, server: Running) -> None:
    token = forum.created["organiser"]
    code, out = await prachakhom("audit", forum.id, "--server", server.base, token=token)
    assert code == 0 and "OK" in out and "iap2" in out, out
    code, out = await prachakhom("audit", forum.id, "--server", server.base, token="m.nope")
    assert code == 1 and "401" in out, out
    code, out = await prachakhom("export", "--server", server.base, token=token)
    assert code == 2 and "MEETING" in out, out
