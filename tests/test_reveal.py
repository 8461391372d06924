"""Putting a question on the plenary never shows an open question's live standings by
accident: without `reveal`, an open question goes on screen hidden (participation only);
`"reveal": true` is the organiser's explicit word. A question not open shows as before."""

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


async def test_an_open_question_goes_on_screen_hidden_unless_revealed(meeting: Meeting) -> None:
    m, organiser = meeting.id, meeting.organiser
    await organiser.open(m, "q1")
    tablet = await meeting.table(1)
    await tablet.cast("q1", "a", seat=1)
    await tablet.close()
    display = await meeting.join(meeting.codes["display"])

    stored = await organiser.plenary(m, {"view": "question", "question": "q1"})
    assert stored["reveal"] is False
    assert (await organiser.meeting(m))["plenary"]["reveal"] is False
    async with Api(meeting.server.base, display["token"]) as screen:
        with pytest.raises(ClientError) as refused:
            await screen.results(m, "q1", site="north")
        assert refused.value.code == "forbidden"

        stored = await organiser.plenary(m, {"view": "question", "question": "q1", "reveal": True})
        assert stored["reveal"] is True
        found = await screen.results(m, "q1", site="north")
        assert found["voters"] == 1 and found["ranking"][0]["option"] == "a"

    # an explicit false stays false, whatever the state
    await organiser.close(m, "q1")
    hidden = {"view": "question", "question": "q1", "reveal": False}
    assert (await organiser.plenary(m, hidden))["reveal"] is False
    # a closed question (and a draft one) shows its results unless told otherwise
    assert (await organiser.plenary(m, {"view": "question", "question": "q1"}))["reveal"] is True
    assert (await organiser.plenary(m, {"view": "question", "question": "q2"}))["reveal"] is True


async def test_a_breakdown_of_an_open_question_goes_on_screen_hidden(meeting: Meeting) -> None:
    m, organiser = meeting.id, meeting.organiser
    await organiser.add_question(m, SECTOR)
    view: dict[str, Any] = {"view": "breakdown", "question": "q1", "by": "sector"}
    assert (await organiser.plenary(m, view))["reveal"] is True  # neither is open
    await organiser.open(m, "sector")  # the groups still move
    assert (await organiser.plenary(m, view))["reveal"] is False
    await organiser.close(m, "sector")
    await organiser.open(m, "q1")
    assert (await organiser.plenary(m, view))["reveal"] is False
    assert (await organiser.plenary(m, view | {"reveal": True}))["reveal"] is True
