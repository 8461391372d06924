"""The demo forum: the Phayao provincial health forum, loaded once into the store.

Its organiser token and codes are kept in <data_dir>/demo.json so that a restart
prints the same URLs.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from prachakhom.core.meetings import decode_new
from prachakhom.core.questions import text_in
from prachakhom.live.provisioning import create_meeting
from prachakhom.settings import Settings
from prachakhom.store.shards import connect
from prachakhom.store.store import Store

SCENARIO = "phayao-health-forum.json"


def scenario(name: str = SCENARIO) -> dict[str, Any]:
    data = resources.files("prachakhom").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(data)  # type: ignore[no-any-return]


def scenario_body(data: dict[str, Any]) -> dict[str, Any]:
    """A scenario file as the body of POST /api/meetings."""
    return data["meeting"] | {"questions": data["questions"]}


async def load_demo(settings: Settings) -> dict[str, Any]:
    saved = settings.data_dir / "demo.json"
    shards = await connect(settings.redis_url)
    try:
        store = Store(shards, durability=settings.durability)
        if saved.exists():
            loaded = orjson.loads(saved.read_bytes())
            if await store.meeting(loaded["id"]) is not None:
                return loaded  # type: ignore[no-any-return]
        created = await create_meeting(store, decode_new(orjson.dumps(scenario())))
    finally:
        await shards.aclose()
    saved.write_bytes(orjson.dumps(created, option=orjson.OPT_INDENT_2))
    saved.chmod(0o600)
    return created


def print_demo(console: Console, settings: Settings, loaded: dict[str, Any]) -> None:
    base = settings.base_url
    codes = loaded["codes"]
    title = text_in(loaded["meeting"]["title"], "th")
    console.print(f"\n[bold]Demo meeting[/bold] {loaded['id']}: {title}")
    console.print(f"  Organiser:  {base}/app/organiser.html#token={loaded['organiser']}")
    console.print(f"  Plenary:    {base}/app/plenary.html#code={codes['display']}")
    console.print(f"  Theme team: {base}/app/theme.html#code={codes['theme']}")
    table = Table(title="Table tablets (facilitators)", show_edge=False)
    for column in ("table", "code", "URL"):
        table.add_column(column)
    for number, code in list(codes["tables"].items())[:5]:
        table.add_row(number, code, f"{base}/app/tablet.html#code={code}")
    console.print(table)
    more = len(codes["tables"]) - 5
    seats = codes.get("seats", {})
    first_seat = seats.get("1", {}).get("1")
    if first_seat:
        console.print(
            f"  A participant's phone (table 1, seat 1): {base}/app/keypad.html#code={first_seat}"
        )
    console.print(
        f"  …and {more} more tables; every code (seats too) is in "
        f"{settings.data_dir / 'demo.json'} and on the organiser console.\n"
    )
