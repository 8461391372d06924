"""Trading thousands of join codes for tokens (POST /api/join) quickly.

A few keep-alive HTTP/1.1 connections, each sending one request after another: about
0.1 ms of client CPU per join, where httpx (prachakhom.cli.client.Api) took ~5 ms here, which
made the load generator, not the server, the limit of the join phase. https URLs go
through prachakhom.cli.client.Api.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import orjson

from prachakhom.cli.client import Api, ClientError


class JoinError(Exception):
    pass


async def _post(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, body: bytes
) -> tuple[int, bytes]:
    writer.write(
        b"POST /api/join HTTP/1.1\r\nhost: %s\r\ncontent-type: application/json\r\n"
        b"content-length: %d\r\n\r\n%s" % (host.encode(), len(body), body)
    )
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def join_all(
    base_url: str,
    codes: list[str],
    connections: int = 16,
    done: Callable[[], None] | None = None,
) -> list[dict[str, Any]]:
    """The answers to POST /api/join for every code, in order."""
    answers: list[dict[str, Any]] = [{} for _ in codes]
    url = urlsplit(base_url)
    if url.scheme != "http":
        async with Api(base_url) as api:
            gate = asyncio.Semaphore(connections)

            async def one(i: int) -> None:
                async with gate:
                    answers[i] = await api.join(codes[i])
                if done:
                    done()

            await asyncio.gather(*(one(i) for i in range(len(codes))))
        return answers

    host, port = url.hostname or "127.0.0.1", url.port or 80
    todo = iter(range(len(codes)))

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for i in todo:
                body = orjson.dumps({"code": codes[i]})
                for attempt in range(3):
                    try:
                        status, raw = await _post(reader, writer, url.netloc, body)
                        break
                    except (OSError, asyncio.IncompleteReadError):
                        if attempt == 2:
                            raise
                        writer.close()
                        reader, writer = await asyncio.open_connection(host, port)
                data = orjson.loads(raw) if raw else {}
                if status != 200:
                    error = data.get("error", {})
                    raise ClientError(
                        error.get("code", "http_error"), error.get("message", ""), status
                    )
                answers[i] = data
                if done:
                    done()
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    await asyncio.gather(*(worker() for _ in range(min(connections, len(codes)) or 1)))
    return answers
