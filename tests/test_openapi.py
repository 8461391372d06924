"""The OpenAPI document: valid OpenAPI 3.1, served at /api/openapi.json, one operation for
every route the app serves and no other; then schemathesis against the live server (an
organiser's token, a small number of examples per operation): no 5xx, and every answer
has a documented status, content type and body shape."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import httpx
from starlette.routing import Route

from prachakhom.core.errors import Code
from prachakhom.web import api_routes, openapi
from prachakhom.web.agenda import agenda_routes
from prachakhom.web.assets import asset_routes

from .conftest import Meeting

ROLES = {"anyone", "admin", "organiser", "facilitator", "participant", "display", "theme"}


def served_operations() -> set[tuple[str, str]]:
    """(METHOD, path) of every HTTP route of the API and its assets (HEAD is implied)."""
    found = set()
    for route in [*api_routes, *agenda_routes, *asset_routes]:
        assert isinstance(route, Route), route
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method, route.path))
    return found


def documented_operations(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(m.upper(), path) for path, ops in doc["paths"].items() for m in ops}


def test_the_document_is_valid_openapi_3_1() -> None:
    doc = openapi.document()
    assert doc["openapi"].startswith("3.1")
    import openapi_spec_validator as validator

    validator.validate(doc)  # raises on any violation of the OpenAPI 3.1 schema


def test_every_route_is_documented_and_nothing_else() -> None:
    doc = openapi.document()
    served, documented = served_operations(), documented_operations(doc)
    assert served - documented == set(), "routes missing from the OpenAPI document"
    assert documented - served == set(), "documented operations the app does not serve"
    assert len(openapi.ENDPOINTS) == len(documented)  # no row twice


def test_every_operation_says_who_may_call_and_how_it_fails() -> None:
    doc = openapi.document()
    error = doc["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["properties"]["code"]["enum"] == [c.value for c in Code]
    ids = Counter()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            ids[op["operationId"]] += 1
            assert set(op["x-roles"]) <= ROLES and op["x-roles"], (method, path)
            public = op["x-roles"] == ["anyone"]
            assert ("security" not in op) == public, (method, path)
            statuses = {int(s) for s in op["responses"]}
            assert any(200 <= s < 300 for s in statuses), (method, path)
            if not public:
                assert {401, 403} <= statuses, (method, path)
            for status, response in op["responses"].items():
                if int(status) >= 400 and path != "/healthz":
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (method, path)
            names = [p["name"] for p in op["parameters"] if p["in"] == "path"]
            assert names == [part[1:-1] for part in path.split("/") if part.startswith("{")]
    assert max(ids.values()) == 1


async def test_it_is_served_without_a_token(meeting: Meeting) -> None:
    async with httpx.AsyncClient(base_url=meeting.server.base) as http:
        response = await http.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == openapi.document()


# --- schemathesis against the live server -------------------------------------------------

EXAMPLES = 6  # per operation and mode: the whole run stays well under a minute
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)


def explore(
    strategy: Any, examples: int, checks: list, base: str, auth: dict, ran: Counter[str]
) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        response = case.call(base_url=base, headers=auth, timeout=60)
        ran[f"{response.status_code // 100}xx"] += 1
        case.validate_response(response, checks=checks, headers=auth)

    try:
        check()
    except Unsatisfiable:
        if checks[1:]:  # positive cases can always be made; negative ones need a parameter
            raise
        ran["operations with nothing to break"] += 1


def run_schemathesis(base: str, token: str, meeting_id: str) -> Counter[str]:
    """Every operation, positive and negative cases; raises on the first failed check.
    Runs in a worker thread: the server answers from the test's event loop meanwhile."""
    import schemathesis
    from schemathesis import GenerationMode
    from schemathesis import checks as st_checks

    schema = schemathesis.openapi.from_dict(openapi.document())
    positive = [getattr(st_checks, name) for name in CHECKS]
    negative = [st_checks.not_a_server_error]  # a bad request may get any 4xx, never a 5xx
    ran: Counter[str] = Counter()
    auth = {"authorization": f"Bearer {token}"}
    for result in schema.get_all_operations():
        operation = result.ok()
        fixed = {"meeting": meeting_id} if "{meeting}" in operation.path else {}
        if "{question}" in operation.path:
            fixed["question"] = "q1"
        variants = [(GenerationMode.POSITIVE, fixed, positive)]
        variants.append((GenerationMode.NEGATIVE, {}, negative))
        if "{question}" in operation.path:  # and questions that do not exist
            variants.append((GenerationMode.POSITIVE, {"meeting": meeting_id}, positive))
        for mode, path_parameters, checks in variants:
            strategy = operation.as_strategy(
                generation_mode=mode, path_parameters=path_parameters or None
            )
            examples = 2 if operation.path.endswith("/export") else EXAMPLES
            explore(strategy, examples, checks, base, auth, ran)
            ran["operations"] += 1
    return ran


async def test_schemathesis_finds_no_5xx_and_no_undocumented_answer(meeting: Meeting) -> None:
    m = meeting.id
    await meeting.organiser.open(m, "q1")
    tablet = await meeting.table(1)
    await tablet.cast("q1", "a", seat=1)
    await tablet.idea("น้ำท่วมถนน")
    await tablet.close()
    token = meeting.organiser.http.headers["authorization"].removeprefix("Bearer ")
    started = time.monotonic()
    ran = await asyncio.to_thread(run_schemathesis, meeting.server.base, token, m)
    print(f"\nschemathesis: {dict(ran)} in {time.monotonic() - started:.1f} s")
    assert ran["operations"] >= len(openapi.ENDPOINTS)
    assert ran["5xx"] == 0
    audit = await meeting.organiser.audit(m)
    assert audit["ok"], audit  # whatever it did, the books still balance
