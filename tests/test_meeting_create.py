"""POST /api/meetings: the body in either shape (the meeting with its `questions`, or the
scenario file's `{meeting, questions}`), decoded once (core/meetings.decode_new); every
refusal with the status, code and words the route has always answered (recorded from the
route as it was, reading the body twice)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from .conftest import SMALL_MEETING, Api

Q1 = {"id": "q1", "kind": "single", "prompt": "P", "options": [{"id": "a", "label": "A"}]}
Q2 = {"id": "q2", "kind": "scale", "prompt": "P", "min": 1, "max": 5}
FLAT = {"title": "T", "tables": {"count": 2, "seats": 3}}

TITLE = "the title must be a text, or a map like {'th': ..., 'en': ...}"
KINDS = "budget, demographic, multiple, points, ranked, scale, single"
NOT_JSON = (400, "bad_message", "the request body is not valid JSON")
NOT_OBJECT = (400, "bad_message", "the meeting must be a JSON object")
NO_TABLES = (400, "bad_message", "tables must be an object {count, seats}")
NOT_LIST = (400, "bad_message", "questions must be a list")
TWICE = (422, "invalid_question", "two questions have the same id")
SITES = [{"id": "n", "name": "N", "tables": [1]}, {"id": "s", "name": "S", "tables": [1]}]

# (body, (status, code, message)): what the route answered before it decoded once
REFUSALS: list[tuple[Any, tuple[int, str, str]]] = [
    (b"not json", NOT_JSON),
    (b'{"title": ', NOT_JSON),
    (b"[1, 2", NOT_JSON),
    ([], NOT_OBJECT),
    ("meeting", NOT_OBJECT),
    (None, NOT_OBJECT),
    ({}, (400, "bad_message", TITLE)),
    ({"title": "T"}, NO_TABLES),
    ({"title": "   ", "tables": {"count": 2, "seats": 3}}, (400, "bad_message", TITLE)),
    ({"title": 5, "tables": {"count": 2, "seats": 3}}, (400, "bad_message", TITLE)),
    (FLAT | {"language": "fr"}, (400, "bad_message", "language must be 'th' or 'en'")),
    ({"title": "T", "tables": [2, 3]}, NO_TABLES),
    (
        {"title": "T", "tables": {"count": 0, "seats": 3}},
        (400, "bad_message", "tables.count must be a whole number from 1 to 2000"),
    ),
    (
        {"title": "T", "tables": {"count": 2, "seats": 99}},
        (400, "bad_message", "tables.seats must be a whole number from 1 to 50"),
    ),
    (FLAT | {"seat_codes": "yes"}, (400, "bad_message", "seat_codes must be true or false")),
    (
        FLAT | {"date": "21/11/2026"},
        (400, "bad_message", "date must be a day as YYYY-MM-DD (Common Era), e.g. 2026-11-21"),
    ),
    (
        FLAT | {"retain_until": "2026-02-30"},
        (
            400,
            "bad_message",
            "retain_until must be a day as YYYY-MM-DD (Common Era), e.g. 2027-02-19",
        ),
    ),
    (FLAT | {"sites": "north"}, (400, "bad_message", "sites must be a list of {id, name, tables}")),
    (
        FLAT | {"sites": [{"id": "n", "name": "N", "tables": 5}]},
        (400, "bad_message", "site n's tables must be a count or a list of table numbers"),
    ),
    (
        FLAT | {"sites": SITES},
        (400, "bad_message", "site s's tables overlap another site or do not exist"),
    ),
    (FLAT | {"questions": "q1"}, NOT_LIST),
    (FLAT | {"questions": [5]}, (422, "invalid_question", "a question must be a JSON object")),
    (
        FLAT | {"questions": [Q1 | {"kind": "nope"}]},
        (422, "invalid_question", f"unknown question kind 'nope'; known kinds: {KINDS}"),
    ),
    (FLAT | {"questions": [Q1, Q1]}, TWICE),
    (
        FLAT | {"questions": [Q1 | {"prompt": " "}]},
        (
            422,
            "invalid_question",
            "the prompt must be a text, or a map like {'th': ..., 'en': ...}",
        ),
    ),
    (
        FLAT | {"questions": [Q2 | {"id": "q3", "pair_of": "q2"}, Q2]},
        (
            422,
            "invalid_question",
            "pair_of 'q2': the pre-poll must be an earlier question of the meeting",
        ),
    ),
    (  # the questions are checked before the meeting
        {"title": 5, "questions": [Q1 | {"kind": "nope"}]},
        (422, "invalid_question", f"unknown question kind 'nope'; known kinds: {KINDS}"),
    ),
    ({"title": " ", "questions": [Q1, Q1]}, TWICE),
    ({"questions": [Q1]}, (400, "bad_message", TITLE)),
    ({"meeting": {"title": "T"}, "questions": []}, NO_TABLES),
    ({"meeting": FLAT, "questions": "q1"}, NOT_LIST),
    ({"meeting": FLAT, "questions": [Q1, Q1]}, TWICE),
    (
        {"meeting": FLAT | {"tables": {"count": 2}}, "questions": [Q1]},
        (400, "bad_message", "tables.seats must be a whole number from 1 to 50"),
    ),
    # newly refused: questions that are not a list, though empty (`or []` took them)
    (FLAT | {"questions": ""}, NOT_LIST),
    (FLAT | {"questions": False}, NOT_LIST),
]


async def post(api: Api, body: Any) -> tuple[int, Any]:
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    answer = await api.http.post(
        "/api/meetings", content=raw, headers={"content-type": "application/json"}
    )
    return answer.status_code, answer.json()


async def test_refusals_keep_their_status_and_words(admin: Api) -> None:
    for body, (status, code, message) in REFUSALS:
        got = await post(admin, body)
        assert got == (status, {"error": {"code": code, "message": message}}), body


@pytest.mark.parametrize(
    "body",
    [
        FLAT | {"questions": [Q1, Q2]},
        {"meeting": FLAT, "questions": [Q1, Q2]},
        {"meeting": FLAT | {"questions": [Q1, Q1]}, "questions": [Q1, Q2]},  # its own: skipped
        FLAT | {"questions": None, "meeting": None},  # null: the meeting's own fields
    ],
)
async def test_either_shape_makes_the_meeting(admin: Api, body: dict[str, Any]) -> None:
    status, created = await post(admin, body)
    assert status == 201
    assert created["meeting"]["title"] == "T" and created["meeting"]["tables"] == FLAT["tables"]
    assert created["meeting"]["date"]  # today, when no day is given
    asked = body.get("questions") or []
    assert [q["id"] for q in created["questions"]] == [q["id"] for q in asked]
    assert all(q["state"] == "draft" for q in created["questions"])


async def test_a_day_given_is_kept_and_null_means_none(admin: Api) -> None:
    _, created = await post(admin, {"meeting": FLAT | {"date": "2026-11-21"}})
    assert created["meeting"]["date"] == "2026-11-21"
    _, created = await post(admin, FLAT | {"date": None})
    assert "date" not in created["meeting"]  # null: no day, as before


async def test_the_small_meeting_and_the_demo_scenario(admin: Api) -> None:
    status, created = await post(admin, SMALL_MEETING)
    assert status == 201 and created["meeting"]["sites"][0]["tables"] == [1, 2]
