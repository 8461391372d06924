"""The IAP2 level of each agenda item: set at creation or marked later, refused when
unknown (changing nothing), told to the organisers, kept across processes, and reported
in the JSON, XLSX and PDF exports."""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

import openpyxl
import orjson
import pytest

from prachakhom.cli.client import Api, Client, ClientError
from prachakhom.core import iap2
from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.report import formats, tables
from prachakhom.store.embedded import Embedded

from .conftest import ADMIN, SMALL_MEETING, Meeting, Running, make_settings, run_server
from .exports import typed
from .test_export_pdf import pdf_text, plain

Doc = dict[str, Any]
LEVELS_IN_DEMO = {  # the demo forum's marks (server/prachakhom/data)
    "inform": [],
    "consult": ["pre", "iap2", "post", "worth"],
    "involve": ["dots"],
    "collaborate": ["priorities"],
    "empower": ["budget"],
}


def levels_of(meeting: Doc) -> dict[str, str | None]:
    return {q["id"]: q.get("iap2_level") for q in meeting["questions"]}


async def seq_now(running: Running, meeting_id: str) -> int:
    return await running.services.store.current_seq(meeting_id)  # type: ignore[no-any-return]


# --- the pure part ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        *((level, True) for level in iap2.LEVELS),
        (None, True),
        ("Consult", False),
        ("participate", False),
        ("", False),
        (3, False),
        (["inform"], False),
    ],
)
def test_only_the_five_levels_or_nothing_are_levels(value: Any, ok: bool) -> None:
    assert (iap2.problem(value) is None) is ok


def test_involvement_lists_every_level_in_order_and_what_is_not_set() -> None:
    found = iap2.involvement([("a", "empower"), ("b", None), ("c", "inform"), ("d", "empower")])
    assert [(lv["step"], lv["level"], lv["questions"]) for lv in found["levels"]] == [
        (1, "inform", ["c"]),
        (2, "consult", []),
        (3, "involve", []),
        (4, "collaborate", []),
        (5, "empower", ["a", "d"]),
    ]
    assert found["not_set"] == ["b"]
    assert iap2.name("involve", "th") == "การเข้ามามีบทบาท"
    assert iap2.name("involve", "en") == "Involve"


def test_the_apps_name_the_levels_as_the_reports_do() -> None:
    clients = Path(__file__).parent.parent / "clients" / "i18n"
    for language, column in (("th", 0), ("en", 1)):
        catalogue = orjson.loads((clients / f"{language}.json").read_bytes())
        for level, names in iap2.NAMES.items():
            assert catalogue[f"iap2.{level}"] == names[column], (language, level)
            assert catalogue[f"iap2.about_{level}"], (language, level)


# --- over HTTP --------------------------------------------------------------------------


async def test_a_level_given_at_creation_is_kept_and_absent_means_not_set(
    server: Running, admin: Api
) -> None:
    body = copy.deepcopy(SMALL_MEETING)
    body["questions"][0]["iap2_level"] = "consult"
    created = await admin.create_meeting(body)
    assert levels_of(created) == {"q1": "consult", "q2": None}
    assert "iap2_level" not in created["questions"][1]
    m = created["id"]
    added = await admin.add_question(
        m, {"id": "q3", "kind": "scale", "prompt": "How much?", "min": 1, "max": 5,
            "iap2_level": "empower"},
    )  # fmt: skip
    assert added["iap2_level"] == "empower"
    assert levels_of(await admin.meeting(m)) == {"q1": "consult", "q2": None, "q3": "empower"}


async def test_an_unknown_level_is_refused_plainly_and_changes_nothing(
    server: Running, meeting: Meeting
) -> None:
    m, org = meeting.id, meeting.organiser
    await org.set_iap2_level(m, "q1", "involve")
    before, seq = await org.meeting(m), await seq_now(server, m)

    with pytest.raises(ClientError) as refused:
        await org.add_question(
            m, {"id": "q9", "kind": "scale", "prompt": "?", "min": 1, "max": 3,
                "iap2_level": "participate"},
        )  # fmt: skip
    assert (refused.value.status, refused.value.code) == (422, "invalid_question")
    assert "inform, consult, involve, collaborate, empower" in refused.value.message

    for body in (
        {"level": "Involve"},
        {"level": "participate"},
        {"level": 2},
        {"level": ""},
        {"level": "consult", "also": 1},
        {"lvl": "consult"},
        ["consult"],
        "consult",
    ):
        with pytest.raises(ClientError) as refused:
            await org.call("PUT", f"/api/meetings/{m}/questions/q1/iap2", body)
        assert (refused.value.status, refused.value.code) == (400, "bad_message"), body
    assert refused.value.message == 'the body must be {"level": <level or null>}'
    with pytest.raises(ClientError) as refused:
        await org.set_iap2_level(m, "q1", "participate")
    assert "level must be one of inform, consult, involve" in refused.value.message

    with pytest.raises(ClientError) as refused:
        await org.set_iap2_level(m, "nope", "inform")
    assert refused.value.status == 404
    tablet = await meeting.join(meeting.codes["tables"]["1"])
    async with Api(server.base, tablet["token"]) as facilitator:
        with pytest.raises(ClientError) as refused:
            await facilitator.set_iap2_level(m, "q1", "empower")
    assert refused.value.status == 403

    assert await org.meeting(m) == before
    assert await seq_now(server, m) == seq, "a refused change made a control event"


async def test_marking_tells_the_organisers_keeps_the_state_and_reaches_the_export(
    server: Running, meeting: Meeting
) -> None:
    m, org = meeting.id, meeting.organiser
    token = str(org.http.headers["authorization"]).split()[1]
    await org.open(m, "q1")
    async with Client(server.ws, token) as console:
        marked = await org.set_iap2_level(m, "q1", "collaborate")
        assert (marked["iap2_level"], marked["state"]) == ("collaborate", "open")
        assert isinstance(marked["seq"], int)
        event = await console.wait_for(lambda e: e.get("event") == "question_updated")
        assert event["seq"] == marked["seq"]
        assert event["question"]["id"] == "q1"
        assert event["question"]["iap2_level"] == "collaborate"

        again = await org.set_iap2_level(m, "q1", "collaborate")
        assert again["seq"] is None, "the same level again is no change"

        closed = await org.close(m, "q1")  # the open/close answer and event carry it too
        assert (closed["iap2_level"], closed["state"]) == ("collaborate", "closed")
        event = await console.wait_for(lambda e: e.get("event") == "question_closed")
        assert event["question"]["iap2_level"] == "collaborate"

    async with Client(server.ws, token) as later:  # this process's room knows it
        shown = {q["id"]: q for q in later.welcome["state"]["questions"]}
        assert (shown["q1"]["iap2_level"], shown["q1"]["state"]) == ("collaborate", "closed")

    doc = orjson.loads(await org.export(m, "json"))
    assert doc["involvement"]["levels"][3] == {
        "level": "collaborate", "step": 4, "questions": ["q1"],
    }  # fmt: skip
    assert doc["involvement"]["not_set"] == ["q2"]

    cleared = await org.set_iap2_level(m, "q1", None)
    assert "iap2_level" not in cleared and isinstance(cleared["seq"], int)
    assert levels_of(await org.meeting(m)) == {"q1": None, "q2": None}


async def test_a_level_marked_through_one_process_is_what_another_sends(
    valkey: Embedded, tmp_path: Path
) -> None:
    """Each process caches questions; the level is the one field that changes, so what a
    process sends about a question (open/close answers and events) is read anew."""
    a_settings = make_settings(valkey, tmp_path / "a")
    b_settings = make_settings(valkey, tmp_path / "b")
    async with run_server(a_settings) as a, run_server(b_settings) as b:
        async with Api(a.base, ADMIN) as admin:
            created = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
        m, token = created["id"], created["organiser"]
        async with Api(a.base, token) as on_a, Api(b.base, token) as on_b:
            await on_a.results(m, "q1")  # A has q1 in its cache now
            async with Client(a.ws, token) as console_on_a:
                await on_b.set_iap2_level(m, "q1", "empower")
                told = await console_on_a.wait_for(
                    lambda e: e.get("event") == "question_updated", timeout=5
                )
                assert told["question"]["iap2_level"] == "empower"
                opened = await on_a.open(m, "q1")
                assert opened["iap2_level"] == "empower"
                event = await console_on_a.wait_for(
                    lambda e: e.get("event") == "question_opened", timeout=5
                )
                assert event["question"]["iap2_level"] == "empower"


# --- in the reports ---------------------------------------------------------------------


def test_the_json_export_summarises_the_demo_forums_levels(exported: Doc) -> None:
    found = exported["involvement"]
    assert {lv["level"]: lv["questions"] for lv in found["levels"]} == LEVELS_IN_DEMO
    assert found["not_set"] == ["sector", "age", "district"]
    by_id = {q["id"]: q for q in exported["questions"]}
    assert by_id["budget"]["definition"]["iap2_level"] == "empower"
    assert "iap2_level" not in by_id["sector"]["definition"]


def test_the_xlsx_has_a_sheet_of_how_far_people_were_involved(exported: Doc) -> None:
    for language in ("th", "en"):
        book = openpyxl.load_workbook(
            io.BytesIO(formats.render(typed(exported), "xlsx", language=language)),
            read_only=True,
        )
        name = tables.label("involvement", language)
        assert book.sheetnames[1] == name
        rows = list(book[name].iter_rows(values_only=True))
        assert rows[0][0] == tables.label("involvement_title", language)
        header = [tables.header(k, language) for k in tables.INVOLVEMENT_KEYS]
        assert list(rows[2]) == header
        body = [dict(zip(header, row, strict=True)) for row in rows[3:]]
        h = {k: tables.header(k, language) for k in tables.INVOLVEMENT_KEYS}
        assert [r[h["iap2_level"]] for r in body] == [*iap2.LEVELS, None]
        assert [r[h["step"]] for r in body] == [1, 2, 3, 4, 5, None]
        assert [r[h["level_name"]] for r in body] == [
            *(iap2.name(level, language) for level in iap2.LEVELS),
            tables.label("not_set", language),
        ]
        assert [r[h["question_count"]] for r in body] == [0, 4, 1, 1, 1, 3]
        assert body[1][h["question_ids"]] == "pre, iap2, post, worth"
        prompts = {q["id"]: q["definition"]["prompt"][language] for q in exported["questions"]}
        assert body[4][h["question_titles"]] == prompts["budget"]
        assert body[1][h["question_titles"]].split("\n") == [
            prompts[q] for q in LEVELS_IN_DEMO["consult"]
        ]
        budget_sheet = next(s for s in book.sheetnames if s.endswith(". budget"))
        facts = next(book[budget_sheet].iter_rows(min_row=2, max_row=2, values_only=True))[0]
        assert f"{tables.label('iap2_level', language)}: {iap2.name('empower', language)}" in facts


def test_the_pdf_says_how_far_people_were_involved(exported: Doc, tmp_path: Path) -> None:
    th = plain(pdf_text(formats.render(typed(exported), "pdf", language="th"), tmp_path))
    assert plain("ระดับการมีส่วนร่วมของประชาชน (IAP2)") in th
    for level in iap2.LEVELS:
        assert plain(iap2.name(level, "th")) in th, level
    assert plain("ไม่ได้กำหนดระดับ") in th
    assert plain("ระดับการมีส่วนร่วม: การเสริมอำนาจแก่ประชาชน") in th  # the budget's kicker

    en = pdf_text(formats.render(typed(exported), "pdf", language="en"), tmp_path)
    assert "How far people were involved (IAP2 spectrum)" in en
    contents, page = en.split("How far people were involved (IAP2 spectrum)")[1:3]
    assert "Contents" in en.split(contents)[0], "the page is in the contents"
    table = page.split("QUESTION 1 ·")[0]
    for step, level in enumerate(iap2.LEVELS, start=1):
        assert f"{step}. {iap2.name(level, 'en')}" in table
    assert "No level marked" in table
    assert "Choose projects within a 10 million baht budget" in table
    assert "PARTICIPATION: EMPOWER" in en  # the kicker is in capitals


def test_a_file_made_before_levels_existed_still_renders(exported: Doc, tmp_path: Path) -> None:
    old = copy.deepcopy(exported)
    del old["involvement"]
    for question in old["questions"]:
        question["definition"].pop("iap2_level", None)
    text = pdf_text(formats.render(typed(old), "pdf", language="en"), tmp_path)
    assert "The organiser marked no question with a level of participation." in text
    book = formats.render(typed(old), "xlsx", language="en")
    rows = list(openpyxl.load_workbook(io.BytesIO(book))["Involvement"].iter_rows(values_only=True))
    assert [r[3] for r in rows[3:]] == [0, 0, 0, 0, 0, 10]


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b'{"level": 2}', "level must be one of inform, consult, involve, collaborate, empower"),
        (b'{"level": "Involve"}', "level must be one of inform"),
        (b'{"level": "consult", "also": 1}', 'the body must be {"level": <level or null>}'),
        (b"{}", 'the body must be {"level": <level or null>}'),
        (b'["consult"]', 'the body must be {"level": <level or null>}'),
        (b"[1, 2", "the request body is not valid JSON"),
        (b"", "the request body is not valid JSON"),
    ],
)
def test_a_level_body_is_read_in_one_pass_and_refused_in_words(raw: bytes, words: str) -> None:
    with pytest.raises(PrachakhomError) as refused:
        iap2.decode_level(raw)
    assert refused.value.code == Code.BAD_MESSAGE
    assert refused.value.message.startswith(words)


@pytest.mark.parametrize("level", [None, *iap2.LEVELS])
def test_a_level_or_null_is_read(level: str | None) -> None:
    assert iap2.decode_level(orjson.dumps({"level": level})) == level
