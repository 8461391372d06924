# Size: one row per endpoint (the role table); every component is generated from the
# msgspec Struct that declares it (DECLARED).
"""The HTTP API described for machines: an OpenAPI 3.1 document built from one row per
endpoint, served at `GET /api/openapi.json`.

    ENDPOINTS (one Endpoint per method and path) --document()--> OpenAPI 3.1 dict
    DECLARED (the Structs of bodies and answers) --msgspec--> components/schemas

Every component is generated from the msgspec Struct that the code decodes a body into,
or that declares an answer's shape, next to the code that owns it (a question's kinds in
methods/, the meeting's in core/meetings.py, the Results in core/resulttypes.py...).
Each row says who may call it (`roles`, published as the `x-roles` extension), its
parameters, body, success answer and every error status it can answer. Every error body
is `{"error": {"code", "message"}}` (`errors.Error`). docs/protocol.md is the prose; the
tests check these rows against the routes the app really serves, and live answers
against the components.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from prachakhom import __version__
from prachakhom.core.auth import JoinAsk, Joined
from prachakhom.core.errors import Error
from prachakhom.core.iap2 import LevelAsk
from prachakhom.core.ideas import Idea, Theme
from prachakhom.core.ledger import Receipt
from prachakhom.core.meetings import Created, MeetingDetail, MeetingInput, MeetingView, Scenario
from prachakhom.core.methods import DEFINITION
from prachakhom.core.plenary import PlenarySet, PlenaryView
from prachakhom.core.recount import Audit
from prachakhom.core.resulttypes import Breakdown, Results
from prachakhom.core.tablestatus import Tables
from prachakhom.themes.asks import FilingAsk, FromThemesAsk, GroupsAsk, ThemeAsk
from prachakhom.themes.jobs import Board, Groups, Suggestions
from prachakhom.web.health import Health

Schema = dict[str, Any]
ANYONE = "anyone"
MEETING_ROLES = ("organiser", "facilitator", "participant", "display", "theme")

REF = "#/components/schemas/{name}"
QUESTION = "Question"  # the union of the kinds' Structs, tagged by `kind`
DECLARED: tuple[Any, ...] = (
    Error, MeetingView, MeetingInput, Scenario, MeetingDetail, Created, Joined, DEFINITION,
    Results, Breakdown, PlenaryView, PlenarySet, Tables, Idea, Theme, ThemeAsk, FilingAsk,
    GroupsAsk, FromThemesAsk, Suggestions, Board, Groups, Audit, Receipt, Health, LevelAsk,
    JoinAsk,
)  # fmt: skip


def ref(name: str) -> Schema:
    return {"$ref": REF.format(name=name)}


def obj(required: tuple[str, ...] = (), **properties: Schema) -> Schema:
    """An object with these properties; more may come (clients must ignore them)."""
    out: Schema = {"type": "object", "properties": properties}
    if required:
        out["required"] = list(required)
    return out


def arr(items: Schema) -> Schema:
    return {"type": "array", "items": items}


STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
ANY_OBJECT: Schema = {"type": "object"}


def declared_schemas() -> dict[str, Schema]:
    """The components of the declared types (and the types they hold), from msgspec; the
    kinds' union is named `Question`, and a state change is a question of its kind with
    its new state and the event's seq (null when nothing changed: opening an open
    question, closing a closed one)."""
    found, components = msgspec.json.schema_components(DECLARED, ref_template=REF)
    components[QUESTION] = found[DECLARED.index(DEFINITION)]
    changes = []
    for kind in components[QUESTION]["anyOf"]:
        change = copy.deepcopy(components[kind["$ref"].rsplit("/", 1)[1]])
        change["properties"]["seq"] = {"type": ["integer", "null"]}
        change["required"] += ["state", "seq"]
        changes.append(change)
    components["StateChange"] = {"anyOf": changes}
    return components


SCHEMAS = declared_schemas()


@dataclass(frozen=True)
class Param:
    name: str
    schema: Schema
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    roles: tuple[str, ...]
    ok: int = 200
    answer: Schema | None = None  # JSON answer; None with `media` for other content
    media: tuple[str, ...] = ("application/json",)
    body: Schema | None = None
    body_required: bool = True
    query: tuple[Param, ...] = ()
    errors: tuple[int, ...] = ()
    also: tuple[int, ...] = ()  # other success statuses
    note: str = ""


AUTH = (401, 403)  # every call that needs a token: none or unknown, or not allowed
MEETING = (*AUTH, 404)  # ... and the meeting (question, theme, ...) may not exist
ORGANISER = ("admin", "organiser")
EXPORT_MEDIA = (
    "application/json",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/zip",
)
M = "/api/meetings/{meeting}"

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "POST", "/api/meetings", "Create a meeting", ("admin",), 201, ref("Created"),
        body={"anyOf": [ref("MeetingInput"), ref("Scenario")]}, errors=(400, *AUTH, 422),
    ),
    Endpoint(
        "GET", "/api/meetings", "List meetings", ("admin",),
        answer=obj(("meetings",), meetings=arr(ref("MeetingView"))), errors=AUTH,
    ),
    Endpoint(
        "GET", M, "The meeting, its agenda and plenary view", ("admin", *MEETING_ROLES),
        answer=ref("MeetingDetail"), errors=MEETING,
        note="codes only for the admin and the organiser; drafts only for them too",
    ),
    Endpoint(
        "DELETE", M, "Delete a meeting and all its personal data", ("admin",),
        answer=obj(("purged", "keys"), purged=STR, keys=INT),
        query=(Param("force", {"type": "string", "enum": ["true", "false"]},
                     "true: before the retention date (after exporting)"),),
        errors=(*MEETING, 409),
        note="refused (409) while a question is open, or before the retention date "
        "without force=true",
    ),
    Endpoint(
        "POST", "/api/join", "A join code for a new token", (ANYONE,), answer=ref("Joined"),
        body=ref("JoinAsk"), errors=(400, 404, 429),
    ),
    Endpoint(
        "POST", f"{M}/questions", "Add a draft question", ORGANISER, 201,
        answer=ref("Question"), body=ref("Question"), errors=(400, *MEETING, 409, 422),
    ),
    Endpoint(
        "POST", f"{M}/questions/{{question}}/open", "Open (or re-open) a question", ORGANISER,
        answer=ref("StateChange"), errors=(*MEETING, 409),
    ),
    Endpoint(
        "POST", f"{M}/questions/{{question}}/close", "Close an open question", ORGANISER,
        answer=ref("StateChange"), errors=(*MEETING, 409),
        note="closing a closed question answers 200 with seq null; closing a draft is 409",
    ),
    Endpoint(
        "PUT", f"{M}/questions/{{question}}/iap2", "Mark a question's IAP2 level", ORGANISER,
        answer=ref("StateChange"),
        body=ref("LevelAsk"),
        errors=(400, *MEETING),
        note="null clears the level; seq is null when the level was already that",
    ),
    Endpoint(
        "GET", f"{M}/questions/{{question}}/results", "A question's results",
        (*ORGANISER, "display"),
        answer={"anyOf": [ref("Results"), ref("Breakdown")]},
        query=(
            Param("method", {"type": "string", "enum": ["borda", "irv", "schulze"]},
                  "another tally method (ranked questions)"),
            Param("by", STR, "a demographic question's id: one Results per group"),
            Param("site", STR, "one site's tables only"),
        ),
        errors=(400, *MEETING),
        note="a display may ask only site= of a revealed question on show (question or "
        "compare view), or by= of the breakdown on show",
    ),
    Endpoint(
        "PUT", f"{M}/plenary", "What the plenary screens show", ORGANISER,
        answer=ref("PlenarySet"), body=ref("PlenaryView"), errors=(400, *MEETING),
    ),
    Endpoint(
        "GET", f"{M}/tables", "Live table status", ORGANISER, answer=ref("Tables"),
        errors=MEETING,
    ),
    Endpoint(
        "GET", f"{M}/ideas", "The ideas, oldest first", (*ORGANISER, "theme"),
        answer=obj(("ideas",), ideas=arr(ref("Idea"))), errors=MEETING,
    ),
    Endpoint(
        "GET", f"{M}/ideas/{{idea}}/suggestions", "Where an idea belongs, and its near-duplicates",
        (*ORGANISER, "theme"), answer=ref("Suggestions"), errors=(*MEETING, 503),
    ),
    Endpoint(
        "GET", f"{M}/themes", "The themes, oldest first", (*ORGANISER, "theme", "display"),
        answer=obj(("themes",), themes=arr(ref("Theme"))), errors=(400, *MEETING, 503),
        query=(Param("quotes", INT, "1..5: each theme with its tables, sites and quotes"),),
    ),
    Endpoint(
        "POST", f"{M}/themes", "Create or update a theme", (*ORGANISER, "theme"), 201,
        answer=ref("Theme"), body=ref("ThemeAsk"), errors=(400, *MEETING, 409), also=(200,),
        note="201 when created, 200 when updated",
    ),
    Endpoint(
        "GET", f"{M}/themes/suggestions", "Suggestions and near-duplicates for every idea",
        (*ORGANISER, "theme"), answer=ref("Board"), errors=(*MEETING, 503),
    ),
    Endpoint(
        "POST", f"{M}/themes/suggest", "Proposed groups of ideas with proposed names",
        (*ORGANISER, "theme"), answer=ref("Groups"), body=ref("GroupsAsk"),
        body_required=False, errors=(400, *MEETING, 503),
    ),
    Endpoint(
        "POST", f"{M}/themes/{{theme}}/ideas", "File ideas into a theme, or take them out",
        (*ORGANISER, "theme"), answer=ref("Theme"), body=ref("FilingAsk"),
        errors=(400, *MEETING, 409),
    ),
    Endpoint(
        "DELETE", f"{M}/themes/{{theme}}", "Delete a theme", (*ORGANISER, "theme"),
        answer=obj(("deleted",), deleted=STR), errors=MEETING,
    ),
    Endpoint(
        "POST", f"{M}/questions/from-themes", "A draft question of the themes",
        (*ORGANISER, "theme"), 201, answer=ref("Question"), body=ref("FromThemesAsk"),
        body_required=False, errors=(400, *MEETING, 409, 422),
    ),
    Endpoint(
        "GET", f"{M}/audit", "Recount from the ledger beside the live tallies", ORGANISER,
        answer=ref("Audit"), errors=(*MEETING, 503),
    ),
    Endpoint(
        "GET", f"{M}/export", "The meeting's report in one format", ORGANISER,
        media=EXPORT_MEDIA,
        query=(
            Param("format", {"type": "string", "enum": ["json", "pdf", "xlsx", "csv", "png",
                                                       "svg"], "default": "json"}),
            Param("lang", {"type": "string", "enum": ["th", "en"]}),
        ),
        errors=(400, *MEETING, 503),
    ),
    Endpoint(
        "GET", f"{M}/receipts/{{receipt}}", "Is the ballot with this receipt in the ledger?",
        ("admin", *MEETING_ROLES), answer=ref("Receipt"), errors=MEETING,
    ),
    Endpoint("GET", "/healthz", "Redis answers", (ANYONE,), answer=ref("Health"),
             errors=(503,)),
    Endpoint("GET", "/metrics", "Prometheus metrics of this process", (ANYONE,),
             media=("text/plain",), errors=(401, 403),
             note="limited by the settings metrics_allow_from (403) and metrics_token "
             "(401: send it as a bearer token)"),
    Endpoint("GET", "/api/openapi.json", "This document", (ANYONE,), answer=ANY_OBJECT),
    Endpoint(
        "GET", "/api/qr.svg", "A QR code of a URL of this server or one short word", (ANYONE,),
        media=("image/svg+xml",), query=(Param("data", STR, required=True),), errors=(400,),
    ),
    Endpoint(
        "POST", "/api/qr.svg", "The same, the data in the body (kept out of access logs)",
        (ANYONE,), media=("image/svg+xml",), body=obj(("data",), data=STR), errors=(400,),
    ),
    Endpoint(
        "GET", "/assets/fonts/{file}", "A Sarabun font file", (ANYONE,), media=("font/ttf",),
        errors=(404,),
    ),
)  # fmt: skip

STATUS_TEXT = {
    200: "OK",
    201: "Created",
    400: "bad_message (or unknown_type): the body or a parameter is not right",
    401: "unauthorized: no token, or one the server does not know",
    403: "forbidden: this role may not do this, or the token is for another meeting",
    404: "not_found: no such meeting, question, site, idea, theme, receipt or code",
    409: "conflict or question_not_open",
    422: "invalid_question or invalid_answer",
    429: "rate_limited",
    503: "unavailable: Redis does not answer, or the worker pool is full or lost a process",
}


def _path_params(path: str) -> list[Schema]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    return [{"name": n, "in": "path", "required": True, "schema": STR} for n in names]


def _content(endpoint: Endpoint) -> Schema:
    if endpoint.answer is not None:
        return {"application/json": {"schema": endpoint.answer}}
    return {
        m: {"schema": ANY_OBJECT if m == "application/json" else {"contentMediaType": m}}
        for m in endpoint.media
    }


def operation(endpoint: Endpoint) -> Schema:
    op: Schema = {
        "operationId": (endpoint.method.lower() + endpoint.path)
        .replace("/", "_")
        .replace("{", "")
        .replace("}", "")
        .replace(".", "_")
        .replace("-", "_"),
        "summary": endpoint.summary,
        "x-roles": list(endpoint.roles),
        "description": f"Who may call: {', '.join(endpoint.roles)}."
        + (f" Note: {endpoint.note}." if endpoint.note else ""),
        "parameters": _path_params(endpoint.path)
        + [
            {"name": p.name, "in": "query", "required": p.required, "schema": p.schema}
            | ({"description": p.description} if p.description else {})
            for p in endpoint.query
        ],
        "responses": {
            str(s): {"description": STATUS_TEXT[s], "content": _content(endpoint)}
            for s in (endpoint.ok, *endpoint.also)
        },
    }
    for status in endpoint.errors:
        schema = ref("Health") if endpoint.path == "/healthz" else ref("Error")
        op["responses"][str(status)] = {
            "description": STATUS_TEXT[status],
            "content": {"application/json": {"schema": schema}},
        }
    if endpoint.roles != (ANYONE,):
        op["security"] = [{"bearer": []}]
    if endpoint.body is not None:
        op["requestBody"] = {
            "required": endpoint.body_required,
            "content": {"application/json": {"schema": endpoint.body}},
        }
    return op


def document() -> Schema:
    paths: dict[str, Schema] = {}
    for endpoint in ENDPOINTS:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation(endpoint)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Prachakhom",
            "version": __version__,
            "description": "Real-time voting for town meetings: the HTTP API. The socket "
            "protocol (/ws) and the prose are in docs/protocol.md.",
        },
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The admin token, or a meeting token from POST /api/join "
                    "(the organiser's comes with POST /api/meetings).",
                }
            },
        },
    }


async def serve(request: Request) -> Response:
    return JSONResponse(document())


openapi_routes = [Route("/api/openapi.json", serve, methods=["GET"])]
