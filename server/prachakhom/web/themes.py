"""The theme team's HTTP API: ideas, themes, filing, and the engine's suggestions.

Filing rules are pure (`themes.filing`, `themes.asks`), applied by the store in one
optimistic transaction. Everything the engine computes runs in the worker pool
(`themes.jobs`); these handlers only check who asks and pass ids.
"""

from __future__ import annotations

import time
from typing import Any

from msgspec import UNSET
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from prachakhom.core import auth
from prachakhom.core.auth import Role
from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.questions import parse_question
from prachakhom.store.store import ThemeChange
from prachakhom.themes import asks, filing, jobs
from prachakhom.web.base import Call, Json, body_of, meeting_call, raw_body

TEAM = (Role.ORGANISER, Role.THEME)


async def _known_ideas(call: Call, value: Any, what: str = "ideas") -> list[str]:
    """The ids asked for, checked to exist (read by id: a hall has thousands of ideas)."""
    wanted = filing.idea_ids(value, None, what)
    found = await call.store.ideas_named(call.m, wanted)
    return filing.idea_ids(wanted, {i for i, f in zip(wanted, found, strict=True) if f}, what)


async def ideas(request: Request) -> Response:
    call = await meeting_call(request, *TEAM)
    return Json({"ideas": await call.store.ideas(call.m)})


async def list_themes(request: Request) -> Response:
    """The themes; with ?quotes=N (1..5) each with its tables, sites and N quotes."""
    call = await meeting_call(request, *TEAM, Role.DISPLAY)
    quotes = asks.check_quotes(request.query_params.get("quotes"))
    if quotes is None:
        return Json({"themes": await call.store.themes(call.m)})
    wall = await call.services.shared_jobs.run(
        ("wall", call.m, quotes), jobs.theme_wall, call.m, quotes
    )
    return Json({"themes": wall})


async def save_theme(request: Request) -> Response:
    """Create `{label, ideas?}` or update `{id, label?, ideas?}` a theme; `move: true`
    takes ideas from the theme that holds them."""
    call = await meeting_call(request, *TEAM)
    ask = asks.decode_ask(await raw_body(request), asks.ThemeAsk)
    theme_id = ask.id
    label = filing.check_label(None) if ask.label is UNSET and not theme_id else ask.label
    chosen = await _known_ideas(call, ask.ideas) if ask.ideas is not UNSET else None
    move = ask.move
    new = {"id": "t" + auth.new_code().lower(), "at": int(time.time() * 1000), "ideas": []}

    def change(themes: filing.Themes) -> ThemeChange:
        theme = asks.saved_theme(themes, theme_id, new, label, chosen)
        return filing.replace_theme(themes, theme, move=move)

    theme = await call.store.update_themes(call.m, change)
    return Json(theme, status_code=200 if theme_id else 201)


async def file_ideas(request: Request) -> Response:
    """Add and remove ideas of one theme in one atomic step: `{add?, remove?, move?, label?}`."""
    call = await meeting_call(request, *TEAM)
    theme_id = call.path("theme")
    ask = asks.decode_ask(await raw_body(request), asks.FilingAsk)
    add = await _known_ideas(call, ask.add, "add")
    remove = await _known_ideas(call, ask.remove, "remove")
    label = None if ask.label is UNSET else ask.label
    move = ask.move
    theme = await call.store.update_themes(
        call.m,
        lambda themes: filing.file_ideas(
            themes, theme_id, add=add, remove=remove, move=move, label=label
        ),
    )
    return Json(theme)


async def delete_theme(request: Request) -> Response:
    call = await meeting_call(request, *TEAM)
    t = call.path("theme")
    return Json(await call.store.update_themes(call.m, lambda ts: filing.delete_theme(ts, t)))


async def idea_suggestions(request: Request) -> Response:
    call = await meeting_call(request, *TEAM)
    idea_id = call.path("idea")
    found = await call.services.pool.run(jobs.idea_suggestions, call.m, idea_id, request=request)
    if found is None:
        raise PrachakhomError(Code.NOT_FOUND, f"no such idea: {idea_id!r:.60}")
    return Json(found)


async def board_suggestions(request: Request) -> Response:
    call = await meeting_call(request, *TEAM)
    board = await call.services.shared_jobs.run(("board", call.m), jobs.board_suggestions, call.m)
    return Json(board)


async def suggest_groups(request: Request) -> Response:
    """Proposed groups of the given ideas (default: every idea in no theme)."""
    call = await meeting_call(request, *TEAM)
    ask = asks.decode_ask(await raw_body(request), asks.GroupsAsk)
    chosen = None
    if ask.ideas is not UNSET:
        asks.check_group_size(ask.ideas)
        chosen = await _known_ideas(call, ask.ideas)
        asks.check_group_size(chosen)
    count = ask.count
    groups = await call.services.pool.run(
        jobs.suggest_groups, call.m, chosen, count, request=request
    )
    return Json({"groups": groups})


async def question_from_themes(request: Request) -> Response:
    """A new (draft) question whose options are the current themes, in their order.

    Body (all optional): id, kind (default ranked, else single/multiple/points),
    prompt, and the kind's settings (max_rank, max_choices, points)."""
    call = await meeting_call(request, *TEAM)
    body = await body_of(request) if await request.body() else {}
    if not isinstance(body, dict):
        raise PrachakhomError(Code.BAD_MESSAGE, "the body must be a JSON object")
    themes = await call.store.themes(call.m)
    new_id = "themes-" + auth.new_code().lower()
    question = parse_question(asks.question_of_themes(themes, body, new_id))
    if not await call.store.add_question(call.m, question):
        raise PrachakhomError(Code.CONFLICT, f"question {question.id!r} already exists")
    return Json(question.to_dict() | {"state": "draft"}, status_code=201)


M = "/api/meetings/{meeting}"
theme_routes = [
    Route(f"{M}/ideas", ideas, methods=["GET"]),
    Route(f"{M}/ideas/{{idea}}/suggestions", idea_suggestions, methods=["GET"]),
    Route(f"{M}/themes", list_themes, methods=["GET"]),
    Route(f"{M}/themes", save_theme, methods=["POST"]),
    Route(f"{M}/themes/suggestions", board_suggestions, methods=["GET"]),
    Route(f"{M}/themes/suggest", suggest_groups, methods=["POST"]),
    Route(f"{M}/themes/{{theme}}", delete_theme, methods=["DELETE"]),
    Route(f"{M}/themes/{{theme}}/ideas", file_ideas, methods=["POST"]),
    Route(f"{M}/questions/from-themes", question_from_themes, methods=["POST"]),
]
