"""The plenary's breakdown view (`{"view": "breakdown", "question", "by"}`) and what a
display may read for it and for the before/after view of one hall: only what the hall
is shown, only once revealed."""

from __future__ import annotations

from typing import Any

import pytest

from prachakhom.cli.client import Api, ClientError

from .conftest import Meeting

SECTOR = {
    "id": "sector",
    "kind": "demographic",
    "attribute": "sector",
    "prompt": "sector",
    "options": [{"id": "p", "label": "P"}, {"id": "c", "label": "C"}],
}
AGE = {
    "id": "age",
    "kind": "demographic",
    "attribute": "age",
    "prompt": "age",
    "options": [{"id": "young", "label": "Young"}, {"id": "old", "label": "Old"}],
}


async def seed(meeting: Meeting) -> None:
    """Table 1 (north): five of sector p; table 3 (south): two of sector c; table 4
    (south): three who vote without saying their sector. Everyone minus group p is then
    five people, so p may be shown beside the suppressed c."""
    m, organiser = meeting.id, meeting.organiser
    for question in (SECTOR, AGE):
        await organiser.add_question(m, question)
    for q in ("q1", "q2", "sector", "age"):
        await organiser.open(m, q)
    north, south = await meeting.table(1), await meeting.table(3)
    for seat in range(1, 6):
        await north.cast("sector", "p", seat=seat)
        await north.cast("q1", "a" if seat <= 3 else "b", seat=seat)
    for seat in (1, 2):
        await south.cast("sector", "c", seat=seat)
        await south.cast("q1", "c", seat=seat)
    quiet = await meeting.table(4)
    for seat in (1, 2, 3):
        await quiet.cast("q1", "c", seat=seat)
    for client in (north, south, quiet):
        await client.close()


async def refused(screen: Api, m: str, q: str, **params: Any) -> tuple[int | None, str]:
    with pytest.raises(ClientError) as caught:
        await screen.results(m, q, **params)
    return caught.value.status, caught.value.code


async def test_a_display_reads_groups_only_of_the_revealed_breakdown_on_show(
    meeting: Meeting,
) -> None:
    await seed(meeting)
    m, organiser = meeting.id, meeting.organiser
    display = await meeting.join(meeting.codes["display"])
    async with Api(meeting.server.base, display["token"]) as screen:
        forbidden = (403, "forbidden")
        # not on show: nothing, whatever the view
        assert await refused(screen, m, "q1", by="sector") == forbidden
        await organiser.plenary(m, {"view": "question", "question": "q1"})
        assert await refused(screen, m, "q1", by="sector") == forbidden

        # on show but hidden
        view = {"view": "breakdown", "question": "q1", "by": "sector", "reveal": False}
        stored = await organiser.plenary(m, view)
        assert stored["view"] == "breakdown" and stored["reveal"] is False
        assert await refused(screen, m, "q1", by="sector") == forbidden

        # revealed: the groups, small ones suppressed as for the organiser
        stored = await organiser.plenary(m, view | {"reveal": True})
        assert (stored["question"], stored["by"], stored["reveal"]) == ("q1", "sector", True)
        found = await screen.results(m, "q1", by="sector")
        groups = {g["group"]: g for g in found["groups"]}
        assert groups["p"]["voters"] == 5
        assert {r["option"]: r["score"] for r in groups["p"]["results"]["ranking"]} == {
            "a": 3,
            "b": 2,
            "c": 0,
        }
        assert groups["c"] == {"group": "c", "label": "C", "voters": None, "suppressed": True}
        assert "results" not in groups["c"]
        assert found["all"]["voters"] == 10 and found["not_grouped"] == 3

        # only that question, grouped by that question, and nothing beside it
        assert await refused(screen, m, "q2", by="sector") == forbidden
        assert await refused(screen, m, "q1", by="age") == forbidden
        assert await refused(screen, m, "q1") == forbidden
        assert await refused(screen, m, "q1", site="south") == forbidden
        assert await refused(screen, m, "q1", by="sector", site="south") == forbidden
        assert await refused(screen, m, "q1", by="sector", method="count") == forbidden
        assert await refused(screen, m, "sector", by="sector") == forbidden
        doubled = await screen.http.get(
            f"/api/meetings/{m}/questions/q1/results", params=[("by", "sector"), ("by", "age")]
        )
        assert doubled.status_code == 403

        # once the screen moves on, the groups are closed to it again
        await organiser.plenary(m, {"view": "participation"})
        assert await refused(screen, m, "q1", by="sector") == forbidden


async def test_a_breakdown_view_names_an_existing_other_demographic_question(
    meeting: Meeting,
) -> None:
    m, organiser = meeting.id, meeting.organiser
    await organiser.add_question(m, SECTOR)

    async def put(view: dict[str, Any]) -> tuple[int | None, str]:
        with pytest.raises(ClientError) as caught:
            await organiser.plenary(m, view)
        return caught.value.status, caught.value.code

    assert await put({"view": "breakdown", "question": "q1", "by": "q2"}) == (400, "bad_message")
    assert await put({"view": "breakdown", "question": "sector", "by": "sector"}) == (
        400,
        "bad_message",
    )
    assert await put({"view": "breakdown", "question": "q1"}) == (404, "not_found")
    assert await put({"view": "breakdown", "question": "nope", "by": "sector"}) == (
        404,
        "not_found",
    )
    stored = await organiser.plenary(m, {"view": "breakdown", "question": "q1", "by": "sector"})
    assert stored["reveal"] is True  # like a question view, shown unless told otherwise
    assert (await organiser.meeting(m))["plenary"] == {
        "view": "breakdown",
        "question": "q1",
        "by": "sector",
        "reveal": True,
    }


async def test_a_display_reads_its_hall_of_both_sides_of_the_comparison_on_show(
    meeting: Meeting,
) -> None:
    await seed(meeting)
    m, organiser = meeting.id, meeting.organiser
    display = await meeting.join(meeting.codes["display"])
    async with Api(meeting.server.base, display["token"]) as screen:
        await organiser.plenary(m, {"view": "compare", "pre": "q1", "post": "sector"})
        south = await screen.results(m, "q1", site="south")
        assert (south["site"], south["voters"], south["all"]["voters"]) == ("south", 5, 10)
        north = await screen.results(m, "sector", site="north")
        assert north["voters"] == 5
        forbidden = (403, "forbidden")
        assert await refused(screen, m, "q2", site="south") == forbidden
        assert await refused(screen, m, "q1") == forbidden
        assert await refused(screen, m, "q1", by="sector") == forbidden
