# Size: one row per endpoint (the role table) and the answers' schemas not yet declared as
# Structs; the declared ones (DECLARED) are generated.
"""The HTTP API described for machines: an OpenAPI 3.1 document built from one row per
endpoint, served at `GET /api/openapi.json`.

    ENDPOINTS (one Endpoint per method and path) --document()--> OpenAPI 3.1 dict

Components of the types declared as msgspec Structs (DECLARED) are generated from them;
the question kinds come from the methods registry. Each row says who may call it
(`roles`, published as the `x-roles` extension), its parameters, body, success answer
and every error status it can answer. Every error body
is `{"error": {"code", "message"}}` (`errors.py`). docs/protocol.md is the prose; the
tests check these rows against the routes the app really serves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from prachakhom import __version__
from prachakhom.core import methods
from prachakhom.core.errors import Code
from prachakhom.core.iap2 import LEVELS
from prachakhom.core.plenary import PlenarySet, PlenaryView
from prachakhom.core.tablestatus import Tables

Schema = dict[str, Any]
ANYONE = "anyone"
MEETING_ROLES = ("organiser", "facilitator", "participant", "display", "theme")


REF = "#/components/schemas/{name}"
DECLARED = (PlenaryView, PlenarySet, Tables)  # components generated from their Structs


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
BOOL: Schema = {"type": "boolean"}
NUM: Schema = {"type": "number"}
ANY_OBJECT: Schema = {"type": "object"}
NULLABLE_INT: Schema = {"type": ["integer", "null"]}
QUESTION_STATE: Schema = {"type": "string", "enum": ["draft", "open", "closed"]}
KINDS = list(methods.KINDS)  # the registry is the one list of question kinds
IAP2_LEVEL: Schema = {
    "type": "string",
    "enum": list(LEVELS),
    "description": "the question's level on the IAP2 spectrum of public participation",
}

SCHEMAS: dict[str, Schema] = {
    "Error": obj(
        ("error",),
        error=obj(
            ("code", "message"),
            code={"type": "string", "enum": [c.value for c in Code]},
            message=STR,
        ),
    ),
    "Text": {
        "description": "1..1000 characters, or a map of language (th, en) to such text",
        "oneOf": [
            {"type": "string", "minLength": 1, "maxLength": 1000},
            {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 1000},
            },
        ],
    },
    "Site": obj(
        ("id", "name", "tables"),
        id=STR,
        name=ref("Text"),
        tables={"oneOf": [{"type": "integer", "minimum": 1}, arr({"type": "integer"})]},
    ),
    "Meeting": obj(
        ("id", "title", "language", "tables", "sites", "seat_codes"),
        id={"type": "string", "pattern": "^m[a-z2-9]{9}$"},
        title=ref("Text"),
        language={"type": "string", "enum": ["th", "en"]},
        tables=obj(("count", "seats"), count=INT, seats=INT),
        sites=arr(ref("Site")),
        seat_codes=BOOL,
        date={"type": "string", "format": "date"},
        retain_until={"type": "string", "format": "date"},
        time_zone={"type": "string", "description": "IANA name, e.g. Asia/Bangkok"},
    ),
    "MeetingInput": {
        "description": "A meeting and optionally its agenda; the scenario file's shape "
        "{meeting, questions} is accepted too.",
        "type": "object",
        "properties": {
            "title": ref("Text"),
            "language": {"type": "string", "enum": ["th", "en"]},
            "tables": obj(
                ("count", "seats"),
                count={"type": "integer", "minimum": 1, "maximum": 2000},
                seats={"type": "integer", "minimum": 1, "maximum": 50},
            ),
            "sites": arr(ref("Site")),
            "seat_codes": BOOL,
            "date": {"type": "string", "format": "date"},
            "retain_until": {"type": "string", "format": "date"},
            "questions": arr(ref("QuestionInput")),
            "meeting": ANY_OBJECT,
        },
    },
    "Option": obj(("id", "label"), id=STR, label=ref("Text")),
    "QuestionInput": {
        "description": "A question; its kind's settings (max_choices, max_rank, method, "
        "points, min, max, labels, budget, costs, attribute, targets) sit beside the common "
        "fields. See docs/methods.md.",
        "type": "object",
        "required": ["id", "kind", "prompt"],
        "properties": {
            "id": {"type": "string", "pattern": "^[A-Za-z0-9_.+-]{1,40}$"},
            "kind": {"type": "string", "enum": KINDS},
            "prompt": ref("Text"),
            "options": {**arr(ref("Option")), "minItems": 1, "maxItems": 64},
            "pair_of": STR,
            "iap2_level": IAP2_LEVEL,
        },
    },
    "Question": obj(
        ("id", "kind", "prompt"),
        id=STR,
        kind={"type": "string", "enum": KINDS},
        prompt=ref("Text"),
        options=arr(ref("Option")),
        pair_of=STR,
        iap2_level=IAP2_LEVEL,
        state=QUESTION_STATE,
    ),
    "StateChange": {
        "allOf": [
            ref("Question"),
            obj(("state", "seq"), state=QUESTION_STATE, seq=NULLABLE_INT),
        ],
        "description": "seq is null when nothing changed (opening an open question, "
        "closing a closed one).",
    },
    "MeetingDetail": {
        "allOf": [
            ref("Meeting"),
            obj(
                ("questions", "plenary", "kinds"),
                questions=arr(ref("Question")),
                plenary=ref("PlenaryView"),
                kinds=arr(STR),
                codes=ref("Codes"),
            ),
        ],
    },
    "Codes": obj(
        ("tables", "display", "theme"),
        tables={"type": "object", "additionalProperties": STR},
        seats={
            "type": "object",
            "additionalProperties": {"type": "object", "additionalProperties": STR},
        },
        display=STR,
        theme=STR,
    ),
    "Created": obj(
        ("id", "meeting", "codes", "organiser", "questions"),
        id=STR,
        meeting=ref("Meeting"),
        codes=ref("Codes"),
        organiser=STR,
        questions=arr(ref("Question")),
    ),
    "Joined": obj(
        ("token", "role", "meeting"),
        token=STR,
        role={"type": "string", "enum": list(MEETING_ROLES)},
        meeting=STR,
        table=INT,
        seat=INT,
        site=STR,
        title=ref("Text"),
        language=STR,
    ),
    "Results": obj(
        ("question", "kind", "status"),
        question=STR,
        kind={"type": "string", "enum": KINDS},
        method=STR,
        status=QUESTION_STATE,
        voters=INT,
        eligible=INT,
        tables_reporting=INT,
        tables_total=INT,
        seq=INT,
        ranking=arr(ANY_OBJECT),
        hidden=BOOL,
        site=STR,
        site_name=ref("Text"),
        all=ANY_OBJECT,
    ),
    "Breakdown": obj(
        ("question", "by", "groups", "all"),
        question=STR,
        by=STR,
        attribute=STR,
        min_group=INT,
        groups=arr(ANY_OBJECT),
        not_grouped=INT,
        all=ref("Results"),
    ),
    "Idea": obj(
        ("id", "text", "table", "at"),
        id=STR,
        text=STR,
        round={"type": ["string", "null"]},
        table=INT,
        site={"type": ["string", "null"]},
        at=INT,
    ),
    "Theme": obj(("id", "label", "ideas", "at"), id=STR, label=ref("Text"), ideas=arr(STR), at=INT),
    "ThemeInput": {
        "description": "Create {label, ideas?}; update {id, label?, ideas?}. move: take ideas "
        "that another theme holds (else 409 conflict with `filed`).",
        "type": "object",
        "properties": {"id": STR, "label": ref("Text"), "ideas": arr(STR), "move": BOOL},
    },
    "Filing": {
        "description": "Add and remove ideas of one theme in one atomic step.",
        "type": "object",
        "properties": {"add": arr(STR), "remove": arr(STR), "move": BOOL, "label": ref("Text")},
    },
    "ThemeScore": obj(("theme", "score"), theme=STR, label=ref("Text"), score=NUM),
    "IdeaScore": obj(("idea", "score"), idea=STR, score=NUM),
    "Suggestions": obj(
        ("idea", "themes", "similar"),
        idea=STR,
        themes=arr(ref("ThemeScore")),
        similar=arr(ref("IdeaScore")),
    ),
    "Board": obj(
        ("ideas", "duplicates", "encoded", "ideas_total"),
        ideas={
            "type": "object",
            "additionalProperties": obj(("themes",), themes=arr(ref("ThemeScore")), dup=INT),
        },
        duplicates=arr(
            obj(
                ("id", "ideas", "tables", "sites"),
                id=INT,
                ideas=arr(STR),
                tables=INT,
                sites=arr(STR),
            )
        ),
        encoded=INT,
        ideas_total=INT,
    ),
    "GroupsAsked": {
        "description": "All optional: ideas (default: every idea in no theme), count (1..100).",
        "type": "object",
        "properties": {"ideas": arr(STR), "count": INT},
    },
    "Groups": obj(
        ("groups",),
        groups=arr(
            obj(("label", "keywords", "ideas"), label=STR, keywords=arr(STR), ideas=arr(STR))
        ),
    ),
    "FromThemes": {
        "description": "All optional: id, kind (default ranked), prompt, the kind's settings.",
        "type": "object",
        "properties": {"id": STR, "kind": STR, "prompt": ref("Text")},
    },
    "Audit": obj(
        ("meeting", "ok", "questions", "ledger_entries", "ballots_in_ledger", "digest"),
        meeting=STR,
        ok=BOOL,
        questions=arr(
            obj(
                ("question", "live", "recount", "live_voters", "recount_voters", "match"),
                question=STR,
                live={"type": "object", "additionalProperties": INT},
                recount={"type": "object", "additionalProperties": INT},
                live_voters=INT,
                recount_voters=INT,
                match=BOOL,
            )
        ),
        ledger_entries=INT,
        ballots_in_ledger=INT,
        digest=STR,
    ),
    "Receipt": obj(
        ("receipt", "question", "status", "n", "final"),
        receipt=STR,
        question=STR,
        status=STR,
        n=INT,
        final=BOOL,
    ),
    "Health": obj(
        ("ok", "redis", "time"),
        ok=BOOL,
        redis={"enum": ["ok", "degraded", "down"]},
        store=obj(
            ("state", "mode", "durability"),
            state={"enum": ["ok", "degraded", "down"]},
            mode={"enum": ["single", "cluster"]},
            durability={"enum": ["auto", "replica", "fsync", "os"]},
            replica_waits_short=INT,
            shards={"type": "array", "items": {"type": "object"}},
            slots_served=INT,
            map_reads=INT,
            moves=INT,
        ),
        time=NUM,
        workers=obj(
            ("processes", "alive", "busy", "queued", "capacity", "restarts", "last_crash"),
            processes=INT,
            alive=INT,
            busy=INT,
            queued=INT,
            capacity=INT,
            restarts=INT,
            last_crash={"type": ["number", "null"]},
        ),
    ),
}


def declared_schemas() -> dict[str, Schema]:
    """The components of the declared types (and the types they hold), from msgspec."""
    _, components = msgspec.json.schema_components(DECLARED, ref_template=REF)
    return components


SCHEMAS |= declared_schemas()


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
        body=ref("MeetingInput"), errors=(400, *AUTH, 422),
    ),
    Endpoint(
        "GET", "/api/meetings", "List meetings", ("admin",),
        answer=obj(("meetings",), meetings=arr(ref("Meeting"))), errors=AUTH,
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
        body=obj(("code",), code=STR), errors=(400, 404, 429),
    ),
    Endpoint(
        "POST", f"{M}/questions", "Add a draft question", ORGANISER, 201,
        answer=ref("Question"), body=ref("QuestionInput"), errors=(400, *MEETING, 409, 422),
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
        body=obj(("level",), level={"anyOf": [IAP2_LEVEL, {"type": "null"}]}),
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
        answer=ref("Theme"), body=ref("ThemeInput"), errors=(400, *MEETING, 409), also=(200,),
        note="201 when created, 200 when updated",
    ),
    Endpoint(
        "GET", f"{M}/themes/suggestions", "Suggestions and near-duplicates for every idea",
        (*ORGANISER, "theme"), answer=ref("Board"), errors=(*MEETING, 503),
    ),
    Endpoint(
        "POST", f"{M}/themes/suggest", "Proposed groups of ideas with proposed names",
        (*ORGANISER, "theme"), answer=ref("Groups"), body=ref("GroupsAsked"),
        body_required=False, errors=(400, *MEETING, 503),
    ),
    Endpoint(
        "POST", f"{M}/themes/{{theme}}/ideas", "File ideas into a theme, or take them out",
        (*ORGANISER, "theme"), answer=ref("Theme"), body=ref("Filing"),
        errors=(400, *MEETING, 409),
    ),
    Endpoint(
        "DELETE", f"{M}/themes/{{theme}}", "Delete a theme", (*ORGANISER, "theme"),
        answer=obj(("deleted",), deleted=STR), errors=MEETING,
    ),
    Endpoint(
        "POST", f"{M}/questions/from-themes", "A draft question of the themes",
        (*ORGANISER, "theme"), 201, answer=ref("Question"), body=ref("FromThemes"),
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
