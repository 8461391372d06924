# Size: every export format read back against the one JSON document; one fixture meeting.
"""The XLSX and CSV exports, read back with openpyxl and csv and held against the JSON
document; the JSON export checked against schema.json; a 60,000-entry ledger rendered
both ways."""

from __future__ import annotations

import copy
import csv
import io
import json
import time
import zipfile
from importlib import resources
from typing import Any

import msgspec
import openpyxl
import orjson
import pytest
from jsonschema import Draft202012Validator
from openpyxl.worksheet.worksheet import Worksheet

from prachakhom.core.questions import text_in
from prachakhom.report import csvzip, formats, jsonfile, model, schema, tables, xlsx

from .exports import typed
from .forum import IDEAS, Forum

BOM = b"\xef\xbb\xbf"
CSV_FILES = [
    "summary.csv",
    "involvement.csv",
    "results.csv",
    "breakdowns.csv",
    "sites.csv",
    "ideas.csv",
    "themes.csv",
    "ledger.csv",
]
BIG_LEDGER = 60_000
Doc = dict[str, Any]


def h(key: str, language: str = "th") -> str:
    return tables.header(key, language)


def records(sheet: Worksheet, top: int = 1) -> list[dict[str, Any]]:
    """The rows under the header row `top` (1-based), keyed by header."""
    rows = list(sheet.iter_rows(min_row=top, values_only=True))
    names = rows[0]
    return [dict(zip(names, row, strict=True)) for row in rows[1:]]


def csv_records(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    raw = archive.read(name)
    assert raw.startswith(BOM), name
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def number(text: str) -> float | None:
    return float(text) if text else None


def by_question(doc: Doc) -> dict[str, Doc]:
    return {q["id"]: q for q in doc["questions"]}


def expected_scores(item: Doc) -> dict[Any, int]:
    """Option (or scale value) -> score, as the document has them."""
    results = item["results"]
    if "histogram" in results:
        return {int(v): n for v, n in results["histogram"].items()}
    return {r["option"]: r["score"] for r in results["ranking"]}


async def load_xlsx(forum: Forum, lang: str | None = None) -> openpyxl.Workbook:
    data = await forum.organiser.export(forum.id, "xlsx", lang)
    assert data[:2] == b"PK"
    return openpyxl.load_workbook(io.BytesIO(data))


# --- XLSX -----------------------------------------------------------------------------


async def test_xlsx_has_a_sheet_per_question_holding_the_documents_results(
    forum: Forum, exported: Doc
) -> None:
    book = await load_xlsx(forum)
    ids = [q["id"] for q in exported["questions"]]
    fixed = ["breakdowns", "sites", "ideas", "themes", "ledger"]
    assert book.sheetnames == [
        tables.label("summary", "th"),
        tables.label("involvement", "th"),
        *(f"{i}. {q}" for i, q in enumerate(ids, start=1)),
        *(tables.label(name, "th") for name in fixed),
    ]
    for sheet in book.worksheets:
        top = 4 if sheet.title[0].isdigit() else 1  # a question's prompt and facts above
        top = 3 if sheet.title == tables.label("involvement", "th") else top  # a title line
        assert sheet.freeze_panes == f"A{top + 1}", sheet.title
        assert all(cell.font.b for cell in sheet[top] if cell.value), sheet.title
    for i, item in enumerate(exported["questions"], start=1):
        sheet = book[f"{i}. {item['id']}"]
        assert sheet["A1"].value == text_in(item["definition"]["prompt"], "th")
        rows = records(sheet, top=4)
        shown = {row[h("option")]: row[h("score")] for row in rows}
        assert shown == expected_scores(item), item["id"]
        for row, cells in zip(rows, sheet.iter_rows(min_row=5), strict=True):
            share = cells[list(row).index(h("share"))]
            assert isinstance(share.value, int | float) and "%" in share.number_format
        if "histogram" not in item["results"]:
            ranking = item["results"]["ranking"]
            assert [row[h("rank")] for row in rows] == [r["rank"] for r in ranking]
            assert [row[h("share")] for row in rows] == [r["share"] for r in ranking]
            assert [row[h("label")] for row in rows] == [text_in(r["label"], "th") for r in ranking]


async def test_xlsx_shows_each_kinds_own_columns(forum: Forum, exported: Doc) -> None:
    book = await load_xlsx(forum)
    items = by_question(exported)
    sheets = {name.partition(". ")[2]: book[name] for name in book.sheetnames if ". " in name}

    priorities = records(sheets["priorities"], top=4)
    for method in ("irv", "schulze"):
        ranks = {
            r["option"]: r["rank"] for r in items["priorities"]["other_methods"][method]["ranking"]
        }
        assert {row[h("option")]: row[h(f"rank_{method}")] for row in priorities} == ranks

    budget = items["budget"]
    rows = {row[h("option")]: row for row in records(sheets["budget"], top=4)}
    funded = budget["results"]["funded"]
    assert {o: rows[o][h("funded")] for o in funded} == {o: i + 1 for i, o in enumerate(funded)}
    assert all(rows[o][h("funded")] is None for o in rows if o not in funded)
    assert {o: r[h("cost")] for o, r in rows.items()} == budget["definition"]["costs"]

    post = records(sheets["post"], top=4)
    compare = items["post"]["results"]["compare"]
    assert {row[h("option")]: row[h("pre_score")] for row in post} == {
        int(v): n for v, n in compare["pre"]["counts"].items()
    }
    assert {row[h("mean")] for row in post} == {items["post"]["results"]["mean"]}

    sector = {row[h("option")]: row for row in records(sheets["sector"], top=4)}
    assert sector["public"][h("target")] == 0.25
    assert sector["public"][h("gap")] == items["sector"]["results"]["gaps"]["public"]


async def test_xlsx_hides_small_groups_and_holds_every_ledger_entry(
    forum: Forum, exported: Doc
) -> None:
    book = await load_xlsx(forum)
    summary = {
        row[h("item")]: row[h("value")] for row in records(book[tables.label("summary", "th")])
    }
    assert summary[tables.label("digest", "th")] == exported["ledger"]["digest"]
    assert summary[tables.label("audit", "th")] == tables.label("audit_ok", "th")
    assert summary[tables.label("seats_voting", "th")] == 12

    breakdowns = records(book[tables.label("breakdowns", "th")])
    numbers = ("voters", "rank", "option", "label", "score", "share", "mean", "median")
    hidden = [r for r in breakdowns if r[h("shown")] != tables.label("is_shown", "th")]
    expected_hidden = [
        (q["id"], b["attribute"], g["group"])
        for q in exported["questions"]
        for b in q.get("breakdowns", [])
        for g in b["groups"]
        if g.get("suppressed")
    ]
    assert [(r[h("question")], r[h("attribute")], r[h("group")]) for r in hidden] == expected_hidden
    for row in hidden:
        assert row[h("shown")] == tables.label("suppressed", "th").format(n=exported["min_group"])
        assert all(row[h(k)] is None for k in numbers), row
    public = next(
        g
        for b in by_question(exported)["iap2"]["breakdowns"]
        if b["by"] == "sector"
        for g in b["groups"]
        if g["group"] == "public"
    )
    shown = {
        r[h("option")]: r[h("score")]
        for r in breakdowns
        if (r[h("question")], r[h("group")]) == ("iap2", "public")
    }
    assert shown == {r["option"]: r["score"] for r in public["results"]["ranking"]}

    ledger = records(book[tables.label("ledger", "th")])
    entries = exported["ledger"]["entries"]
    assert len(ledger) == exported["ledger"]["count"] == len(entries)
    for row, entry in zip(ledger, entries, strict=True):
        assert (row[h("n")], row[h("type")]) == (entry["n"], entry["type"])
        assert (row[h("prev")], row[h("hash")]) == (entry["prev"], entry["hash"])
        assert row[h("at")].endswith("+07:00")
        if entry["type"] == "ballot":
            assert row[h("receipt")] == entry["receipt"]
            assert row[h("voter")] == entry["voter"]
            assert json.loads(row[h("answer")]) == entry["answer"]
            assert json.loads(row[h("contribution")]) == entry["contribution"]
        else:
            assert json.loads(row[h("event")]) == entry["event"]

    ideas = records(book[tables.label("ideas", "th")])
    assert [r[h("text")] for r in ideas] == [i["text"] for i in exported["ideas"]]
    themes = records(book[tables.label("themes", "th")])
    assert [r[h("theme")] for r in themes] == ["การเข้าถึงบริการฉุกเฉิน", "ฝุ่นควันและสุขภาพ"]
    assert [r[h("idea_count")] for r in themes] == [2, 1]


async def test_xlsx_in_english(forum: Forum, exported: Doc) -> None:
    book = await load_xlsx(forum, "en")
    assert book.sheetnames[0] == "Summary" and book.sheetnames[-1] == "Ledger"
    assert book.sheetnames[-5:-1] == ["Breakdowns", "Sites", "Ideas", "Themes"]
    iap2 = book["5. iap2"]
    assert iap2["A1"].value == "Which level of participation should the province commit to?"
    rows = records(iap2, top=4)
    assert list(rows[0]) == ["Rank", "Option", "Label", "Score", "Share"]
    assert rows[0]["Label"] == "Involve" and rows[0]["Score"] == 7
    summary = {r["Item"]: r["Value"] for r in records(book["Summary"])}
    assert summary["Ledger digest (SHA-256)"] == exported["ledger"]["digest"]
    assert summary["Meeting"].startswith("Phayao Province Forum")


def test_sheet_names_are_legal_and_unique() -> None:
    cases = [
        (["Summary", "summary", "SUMMARY"], ["Summary", "summary (2)", "SUMMARY (3)"]),
        (["a/b", "x[1]:*?", "\\"], ["a_b", "x_1____", "_"]),
        (["'quoted'", "", "History"], ["quoted", "Sheet", "History (2)"]),
        (["ก" * 40, "ก" * 40], ["ก" * 31, "ก" * 27 + " (2)"]),
    ]
    for wanted, names in cases:
        assert xlsx.sheet_names(wanted) == names
        assert all(len(n) <= 31 for n in names)


async def test_typed_text_never_becomes_a_formula(exported: Doc) -> None:
    doc = copy.deepcopy(exported)
    idea = doc["ideas"][0] | {"id": "9-x", "text": '=HYPERLINK("http://x.invalid","ดู")'}
    doc["ideas"].append(idea)
    book = openpyxl.load_workbook(io.BytesIO(formats.render(typed(doc), "xlsx", "th")))
    cell = list(book[tables.label("ideas", "th")].iter_rows())[-1][5]
    assert cell.data_type == "s" and cell.value == idea["text"]
    archive = zipfile.ZipFile(io.BytesIO(formats.render(typed(doc), "csv", "th")))
    last = csv_records(archive, "ideas.csv")[-1]
    assert last[h("text")] == "'" + idea["text"]
    assert csvzip.defused("-3") == "-3" and csvzip.defused("+ครับ") == "'+ครับ"
    assert csvzip.defused("รถฉุกเฉินไม่พอ") == "รถฉุกเฉินไม่พอ"


# --- CSV ------------------------------------------------------------------------------


async def test_csv_zip_holds_every_table_in_utf8_with_bom(forum: Forum, exported: Doc) -> None:
    archive = zipfile.ZipFile(io.BytesIO(await forum.organiser.export(forum.id, "csv")))
    assert archive.namelist() == CSV_FILES
    assert all(archive.read(name).startswith(BOM) for name in CSV_FILES)

    results = csv_records(archive, "results.csv")
    assert list(results[0])[:8] == [
        h(k) for k in ("question", "kind", "method", "rank", "option", "label", "score", "share")
    ]
    for item in exported["questions"]:
        rows = [r for r in results if r[h("question")] == item["id"]]
        scores = {r[h("option")]: int(r[h("score")]) for r in rows}
        assert scores == {str(k): v for k, v in expected_scores(item).items()}, item["id"]
        assert {r[h("method")] for r in rows} == {item["method"]}
    iap2 = [r for r in results if r[h("question")] == "iap2"]
    assert iap2[0][h("label")] == "การเข้ามาเกี่ยวข้อง (Involve)"
    assert number(iap2[0][h("share")]) == 0.5833

    ideas = csv_records(archive, "ideas.csv")
    # every idea, in the document's order (by arrival: two sent in one millisecond by the
    # same table may come in either order, so the texts are compared as a whole)
    assert [r[h("text")] for r in ideas] == [i["text"] for i in exported["ideas"]]
    assert sorted(r[h("text")] for r in ideas) == sorted(t for ts in IDEAS.values() for t in ts)
    filed = next(r for r in ideas if r[h("text")] == IDEAS[1][0])
    assert filed[h("site_name")] == "หอประชุมอำเภอเมืองพะเยา"
    assert filed[h("theme")] == "การเข้าถึงบริการฉุกเฉิน"

    breakdowns = csv_records(archive, "breakdowns.csv")
    hidden = [r for r in breakdowns if r[h("shown")].startswith("ซ่อน")]
    assert hidden and all(r[h("score")] == r[h("voters")] == r[h("share")] == "" for r in hidden)

    sites = csv_records(archive, "sites.csv")
    muang = [r for r in sites if (r[h("question")], r[h("site")]) == ("iap2", "muang")]
    site = next(s for s in by_question(exported)["iap2"]["sites"] if s["site"] == "muang")
    assert {r[h("option")]: int(r[h("score")]) for r in muang} == {
        r["option"]: r["score"] for r in site["results"]["ranking"]
    }

    ledger = csv_records(archive, "ledger.csv")
    entries = exported["ledger"]["entries"]
    assert [int(r[h("n")]) for r in ledger] == [e["n"] for e in entries]
    assert [r[h("hash")] for r in ledger] == [e["hash"] for e in entries]
    ballots = [r for r in ledger if r[h("type")] == "ballot"]
    assert [r[h("receipt")] for r in ballots] == [e["receipt"] for e in entries if "receipt" in e]
    first_event = json.loads(ledger[0][h("event")])
    assert first_event == entries[0]["event"]  # Thai inside JSON round-trips too

    summary = {r[h("item")]: r[h("value")] for r in csv_records(archive, "summary.csv")}
    assert summary[tables.label("digest", "th")] == exported["ledger"]["digest"]
    assert summary[tables.label("meeting", "th")] == exported["meeting"]["title"]["th"]


async def test_csv_in_english(forum: Forum) -> None:
    archive = zipfile.ZipFile(io.BytesIO(await forum.organiser.export(forum.id, "csv", "en")))
    results = csv_records(archive, "results.csv")
    assert list(results[0])[:5] == ["Question", "Kind", "Method", "Rank", "Option"]
    assert "Rank (IRV)" in results[0] and "Funded (order)" in results[0]
    assert next(r for r in results if r["Option"] == "involve")["Label"] == "Involve"
    themes = csv_records(archive, "themes.csv")
    assert [r["Theme"] for r in themes] == ["Emergency access", "Haze and health"]
    assert themes[0]["Ideas in the theme"].split("\n") == [IDEAS[1][0], IDEAS[31][1]]


# --- the JSON schema ------------------------------------------------------------------


def export_schema() -> Draft202012Validator:
    text = resources.files("prachakhom.report").joinpath("schema.json").read_text("utf-8")
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _first_ballot(doc: Doc) -> Doc:
    return next(e for e in doc["ledger"]["entries"] if e["type"] == "ballot")


def _first_hidden_group(doc: Doc) -> Doc:
    return next(
        g
        for q in doc["questions"]
        for b in q.get("breakdowns", [])
        for g in b["groups"]
        if g.get("suppressed")
    )


BROKEN = {
    "a hash that is not hex": lambda d: _first_ballot(d).__setitem__("hash", "z" * 64),
    "an upper-case digest": lambda d: d["ledger"].__setitem__("digest", "A" * 64),
    "no ledger": lambda d: d.__delitem__("ledger"),
    "a receipt of the wrong shape": lambda d: _first_ballot(d).__setitem__("receipt", "abc"),
    "a ballot naming its seat": lambda d: _first_ballot(d).__setitem__("seat", "1:1"),
    "a ballot without its answer": lambda d: _first_ballot(d).__delitem__("answer"),
    "a suppressed group with results": lambda d: _first_hidden_group(d).__setitem__(
        "results", d["questions"][0]["results"]
    ),
    "a share above 1": lambda d: d["questions"][4]["results"]["ranking"][0].__setitem__(
        "share", 1.5
    ),
    "an unknown kind": lambda d: d["questions"][0].__setitem__("kind", "lottery"),
    "another schema": lambda d: d.__setitem__("schema", "prachakhom.export.v0"),
    "a field nobody knows": lambda d: d.__setitem__("extra", 1),
}


async def test_the_json_export_follows_its_schema_which_rejects_broken_ones(
    exported: Doc,
) -> None:
    validator = export_schema()
    assert list(validator.iter_errors(exported)) == []
    for what, breaking in BROKEN.items():
        doc = copy.deepcopy(exported)
        breaking(doc)
        assert list(validator.iter_errors(doc)), what


def test_the_shipped_schema_is_what_the_types_generate() -> None:
    """schema.json is generated from report/model.py (`make schema`); it cannot drift."""
    assert json.loads(schema.shipped()) == schema.generate()
    assert schema.shipped() == schema.text()
    assert schema.main(["--check"]) == 0


async def test_the_json_export_is_what_its_types_declare(forum: Forum, exported: Doc) -> None:
    """A JSON export decodes into model.ExportDocument (unknown fields refused where the
    schema refuses them) and the document writes the very same bytes again."""
    data = await forum.organiser.export(forum.id, "json")
    doc = model.decode(data)
    assert jsonfile.dumps(doc) == data
    assert [q.results.question for q in doc.questions] == [q["id"] for q in exported["questions"]]
    for what, breaking in BROKEN.items():
        if what in ("a suppressed group with results", "a ballot without its answer"):
            continue  # a rule between fields: the schema's json_schema_rules, above
        broken = copy.deepcopy(exported)
        breaking(broken)
        with pytest.raises(msgspec.ValidationError):
            typed(broken)


# --- a big ledger ---------------------------------------------------------------------


def with_big_ledger(doc: Doc, size: int) -> Doc:
    """The document with `size` ledger entries, copies of its ballots renumbered."""
    ballots = [e for e in doc["ledger"]["entries"] if e["type"] == "ballot"]
    entries = [ballots[i % len(ballots)] | {"n": i + 1} for i in range(size)]
    return doc | {"ledger": doc["ledger"] | {"entries": entries, "count": size}}


@pytest.mark.timeout(600)  # about 10 s on an idle core; this machine is shared
async def test_a_60000_entry_ledger_renders_to_xlsx_and_csv(exported: Doc) -> None:
    doc = with_big_ledger(exported, BIG_LEDGER)
    document = typed(doc)
    assert jsonfile.dumps(document) == orjson.dumps(doc, option=orjson.OPT_INDENT_2)  # as ever
    seen: list[tuple[int, int, str]] = []
    started = time.perf_counter()
    book = formats.render(
        document, "xlsx", "th", lambda done, total, what: seen.append((done, total, what))
    )
    xlsx_seconds = time.perf_counter() - started
    started = time.perf_counter()
    zipped = formats.render(document, "csv", "th")
    csv_seconds = time.perf_counter() - started
    print(
        f"\n{BIG_LEDGER:,}-entry ledger: XLSX {xlsx_seconds:.1f} s ({len(book):,} bytes), "
        f"CSV {csv_seconds:.1f} s ({len(zipped):,} bytes)"
    )
    assert seen[-1][0] == seen[-1][1] and len(seen) > BIG_LEDGER // xlsx.PROGRESS_EVERY

    sheet = openpyxl.load_workbook(io.BytesIO(book), read_only=True)[tables.label("ledger", "th")]
    assert sheet.max_row == BIG_LEDGER + 1
    with zipfile.ZipFile(io.BytesIO(book)) as parts:
        last_sheet = max(
            (n for n in parts.namelist() if n.startswith("xl/worksheets/sheet")),
            key=lambda n: int(n.removeprefix("xl/worksheets/sheet").removesuffix(".xml")),
        )
        xml = parts.read(last_sheet).decode()
    assert xml.count("<row ") == BIG_LEDGER + 1
    assert doc["ledger"]["entries"][-1]["receipt"] in xml

    ledger = csv_records(zipfile.ZipFile(io.BytesIO(zipped)), "ledger.csv")
    assert len(ledger) == BIG_LEDGER
    assert int(ledger[-1][h("n")]) == BIG_LEDGER
    assert ledger[-1][h("hash")] == doc["ledger"]["entries"][-1]["hash"]
