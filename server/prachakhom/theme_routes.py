"""The theme team's HTTP API: ideas, themes, filing, and the engine's suggestions.

Filing rules are pure (`themes.filing`), applied by the store in one optimistic
transaction. Everything the engine computes runs in the worker pool (`themes.jobs`);
these handlers only check who asks and pass ids.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import auth
from .auth import Role
from .errors import Code, PrachakhomError
from .questions import parse_question
from .routes import Json, api, body_of, require_role, services_of
from .services import Services
from .store.store import ThemeChange
from .themes import filing, jobs

TEAM = (Role.ORGANISER, Role.THEME)
GROUPS_MOST_IDEAS = 5000


async def _team(request: Request, *roles: Role) -> tuple[Services, str]:
    m = request.path_params["meeting"]
    await require_role(request, m, *(roles or TEAM))
    services = services_of(request)
    await services.meeting(m)
    return services, m


async def _object(request: Request, what: str) -> dict[str, Any]:
    body = await body_of(request) if await request.body() else {}
    if not isinstance(body, dict):
        raise PrachakhomError(Code.BAD_MESSAGE, f"{what} must be a JSON object")
    return body


async def _known_ideas(services: Services, m: str, value: Any, what: str = "ideas") -> list[str]:
    """The ids asked for, checked to exist (read by id: a hall has thousands of ideas)."""
    wanted = filing.idea_ids(value, None, what)
    found = await services.store.ideas_named(m, wanted)
    return filing.idea_ids(wanted, {i for i, f in zip(wanted, found, strict=True) if f}, what)


@api
async def ideas(request: Request) -> Response:
    services, m = await _team(request)
    return Json({"ideas": await services.store.ideas(m)})


@api
async def list_themes(request: Request) -> Response:
    """The themes; with ?quotes=N (1..5) each with its tables, sites and N quotes."""
    services, m = await _team(request, *TEAM, Role.DISPLAY)
    quotes = request.query_params.get("quotes")
    if quotes is None:
        return Json({"themes": await services.store.themes(m)})
    if not quotes.isdigit() or not 1 <= int(quotes) <= 5:
        raise PrachakhomError(Code.BAD_MESSAGE, "quotes must be a number from 1 to 5")
    wall = await services.shared_jobs.run(("wall", m, int(quotes)), jobs.theme_wall, m, int(quotes))
    return Json({"themes": wall})


@api
async def save_theme(request: Request) -> Response:
    """Create `{label, ideas?}` or update `{id, label?, ideas?}` a theme; `move: true`
    takes ideas from the theme that holds them."""
    services, m = await _team(request)
    body = await _object(request, "a theme")
    theme_id = body.get("id")
    if theme_id is not None and not isinstance(theme_id, str):
        raise PrachakhomError(Code.BAD_MESSAGE, "a theme's id is a text")
    label = filing.check_label(body.get("label")) if "label" in body or not theme_id else None
    chosen = await _known_ideas(services, m, body["ideas"]) if "ideas" in body else None
    move = body.get("move") is True
    new = {"id": "t" + auth.new_code().lower(), "at": int(time.time() * 1000), "ideas": []}

    def change(themes: filing.Themes) -> ThemeChange:
        if theme_id is not None and theme_id not in themes:
            raise PrachakhomError(Code.NOT_FOUND, f"no such theme: {theme_id!r:.40}")
        theme = dict(themes[theme_id] if theme_id else new)
        if label is not None:
            theme["label"] = label
        if chosen is not None:
            theme["ideas"] = chosen
        return filing.replace_theme(themes, theme, move=move)

    theme = await services.store.update_themes(m, change)
    return Json(theme, status_code=200 if theme_id else 201)


@api
async def file_ideas(request: Request) -> Response:
    """Add and remove ideas of one theme in one atomic step: `{add?, remove?, move?, label?}`."""
    services, m = await _team(request)
    theme_id = request.path_params["theme"]
    body = await _object(request, "the filing")
    add = await _known_ideas(services, m, body.get("add", []), "add")
    remove = await _known_ideas(services, m, body.get("remove", []), "remove")
    label = filing.check_label(body["label"]) if "label" in body else None
    move = body.get("move") is True
    theme = await services.store.update_themes(
        m,
        lambda themes: filing.file_ideas(
            themes, theme_id, add=add, remove=remove, move=move, label=label
        ),
    )
    return Json(theme)


@api
async def delete_theme(request: Request) -> Response:
    services, m = await _team(request)
    t = request.path_params["theme"]
    return Json(await services.store.update_themes(m, lambda ts: filing.delete_theme(ts, t)))


@api
async def idea_suggestions(request: Request) -> Response:
    services, m = await _team(request)
    idea_id = request.path_params["idea"]
    found = await services.pool.run(jobs.idea_suggestions, m, idea_id, request=request)
    if found is None:
        raise PrachakhomError(Code.NOT_FOUND, f"no such idea: {idea_id!r:.60}")
    return Json(found)


@api
async def board_suggestions(request: Request) -> Response:
    services, m = await _team(request)
    return Json(await services.shared_jobs.run(("board", m), jobs.board_suggestions, m))


@api
async def suggest_groups(request: Request) -> Response:
    """Proposed groups of the given ideas (default: every idea in no theme)."""
    services, m = await _team(request)
    body = await _object(request, "the request")
    chosen = None
    if "ideas" in body:
        if isinstance(body["ideas"], list) and len(body["ideas"]) > GROUPS_MOST_IDEAS:
            raise PrachakhomError(
                Code.BAD_MESSAGE, f"at most {GROUPS_MOST_IDEAS} ideas can be grouped at once"
            )
        chosen = await _known_ideas(services, m, body["ideas"])
        if len(chosen) > GROUPS_MOST_IDEAS:
            raise PrachakhomError(
                Code.BAD_MESSAGE, f"at most {GROUPS_MOST_IDEAS} ideas can be grouped at once"
            )
    count = body.get("count")
    if count is not None and (
        not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 100
    ):
        raise PrachakhomError(Code.BAD_MESSAGE, "count must be a whole number from 1 to 100")
    groups = await services.pool.run(jobs.suggest_groups, m, chosen, count, request=request)
    return Json({"groups": groups})


@api
async def question_from_themes(request: Request) -> Response:
    """A new (draft) question whose options are the current themes, in their order.

    Body (all optional): id, kind (default ranked, else single/multiple/points),
    prompt, and the kind's settings (max_rank, max_choices, points)."""
    services, m = await _team(request)
    body = await _object(request, "the body")
    themes = await services.store.themes(m)
    if len(themes) < 2:
        raise PrachakhomError(Code.CONFLICT, "make at least two themes first")
    kind = body.get("kind", "ranked")
    data = {
        "id": body.get("id") or "themes-" + auth.new_code().lower(),
        "kind": kind,
        "prompt": body.get("prompt")
        or {"th": "จัดลำดับความสำคัญของประเด็น", "en": "Rank the themes by priority"},
        "options": [{"id": t["id"], "label": t["label"]} for t in themes],
    } | {k: v for k, v in body.items() if k not in ("id", "kind", "prompt", "options")}
    if kind == "ranked":
        data.setdefault("max_rank", min(3, len(themes)))
    question = parse_question(data)
    if not await services.store.add_question(m, question):
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
