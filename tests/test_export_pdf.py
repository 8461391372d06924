"""The PDF report and the PNG/SVG charts of a real meeting exported by a real server:
rendered for real, read back with pdftotext (poppler), the zips opened and parsed."""

from __future__ import annotations

import copy
import io
import subprocess
import time
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import orjson
from PIL import Image

from prachakhom.core.questions import text_in
from prachakhom.report import formats

from .exports import typed
from .forum import Forum

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def pdf_text(data: bytes, folder: Path) -> str:
    path = folder / "report.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def pdf_pages(data: bytes, folder: Path) -> int:
    path = folder / "pages.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return int(next(ln for ln in done.stdout.splitlines() if ln.startswith("Pages:")).split()[1])


def plain(text: str) -> str:
    """Text as pdftotext can give it back. Pango shapes Thai into glyphs (sara am split in
    two, marks moved for tall letters), and a PDF maps each glyph to one text, so the
    marks above and below can come back out of place: compare the letters only."""
    text = text.replace("\u0e33", "\u0e32")  # sara am comes back as sara aa
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Mn")


class Untouchable(list[Any]):
    """A ledger whose entries the PDF must never read (the report stays fast, however long
    the meeting): any look inside fails the test."""

    def _refuse(self, *args: Any) -> Any:
        raise AssertionError("the PDF report read the ledger's entries")

    __iter__ = __len__ = __getitem__ = __bool__ = __contains__ = _refuse  # type: ignore[assignment]


def prompts(doc: dict[str, Any], language: str) -> Iterator[str]:
    for question in doc["questions"]:
        yield text_in(question["definition"]["prompt"], language)


async def test_the_pdf_holds_prompts_date_sites_themes_and_digest(
    exported: dict[str, Any], tmp_path: Path
) -> None:
    calls: list[tuple[int, int, str]] = []
    data = formats.render(typed(exported), "pdf", progress=lambda *call: calls.append(call))
    assert data.startswith(b"%PDF-")
    text = plain(pdf_text(data, tmp_path))
    meeting = exported["meeting"]
    assert plain(text_in(meeting["title"], "th")) in text
    assert plain("21 พฤศจิกายน 2569") in text  # the Buddhist Era
    for prompt in prompts(exported, "th"):
        assert plain(prompt) in text, prompt
    for site in meeting["sites"]:
        assert plain(text_in(site["name"], "th")) in text
    for theme in exported["themes"]:
        assert plain(text_in(theme["label"], "th")) in text
        assert all(plain(sample) in text for sample in theme["sample"])
    assert exported["ledger"]["digest"] in text
    assert "prachakhomverify<export.json>" in text
    for words in ("ซ่อนไว้เพื่อความเป็นส่วนตัว", "วิลคอกซัน", "ชูลท์เซอ", "ก่อนพูดคุย", "เป้าหมาย"):
        assert plain(words) in text, words  # suppressed groups, the test, methods, targets
    assert pdf_pages(data, tmp_path) >= len(exported["questions"]) + 2
    total = len(exported["questions"]) + 1
    assert [c[0] for c in calls] == list(range(total + 1)) and {c[1] for c in calls} == {total}


async def test_the_report_through_the_api_in_thai_and_in_english(
    forum: Forum, tmp_path: Path
) -> None:
    thai = await forum.organiser.export(forum.id, "pdf")
    english = await forum.organiser.export(forum.id, "pdf", lang="en")
    doc = orjson.loads(await forum.organiser.export(forum.id, "json"))
    text = plain(pdf_text(thai, tmp_path))
    assert plain("21 พฤศจิกายน 2569") in text and plain("หน้า 2 จาก") in text
    text = pdf_text(english, tmp_path)
    flat = plain(text)
    assert "21 November 2026" in text and "Page 2 of" in text
    for prompt in prompts(doc, "en"):
        assert plain(prompt) in flat, prompt
    assert "Emergency access" in text and "Haze and health" in text
    assert "Wilcoxon signed-rank test" in text and "Instant runoff" in text
    assert doc["ledger"]["digest"] in text


async def test_png_and_svg_zips_hold_one_chart_per_question(forum: Forum) -> None:
    doc = orjson.loads(await forum.organiser.export(forum.id, "json"))
    names = [f"{n:02d}-{q['id']}" for n, q in enumerate(doc["questions"], start=1)]
    assert names[0] == "01-sector"
    pngs = zipfile.ZipFile(io.BytesIO(await forum.organiser.export(forum.id, "png")))
    assert pngs.namelist() == [f"{name}.png" for name in names]
    for name in pngs.namelist():
        data = pngs.read(name)
        assert data.startswith(PNG_SIGNATURE)
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            assert image.size[0] >= 900 and image.size[1] >= 150
    svgs = zipfile.ZipFile(io.BytesIO(await forum.organiser.export(forum.id, "svg", lang="en")))
    assert svgs.namelist() == [f"{name}.svg" for name in names]
    for name in svgs.namelist():
        root = ElementTree.fromstring(svgs.read(name))
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.findall(".//{http://www.w3.org/2000/svg}path")  # bars and shaped glyphs


async def test_thai_digits_when_the_report_asks_for_them(
    exported: dict[str, Any], tmp_path: Path
) -> None:
    doc = exported | {"report": {"thai_digits": True}}
    text = plain(pdf_text(formats.render(typed(doc), "pdf"), tmp_path))
    assert plain("๒๑ พฤศจิกายน ๒๕๖๙") in text and plain("หน้า ๒ จาก") in text
    assert "21พฤศจิกายน2569" not in text
    assert exported["ledger"]["digest"] in text  # a hash keeps its own digits


async def test_twenty_questions_render_fast_without_reading_the_ledger(
    exported: dict[str, Any], tmp_path: Path
) -> None:
    doc = copy.deepcopy(exported)
    extra = copy.deepcopy(doc["questions"])
    for question in extra:
        question["id"] += "-again"
    doc["questions"] += extra
    document = typed(doc)
    document.ledger.entries = Untouchable()
    started = time.perf_counter()
    data = formats.render(document, "pdf", "en")
    took = time.perf_counter() - started
    assert len(document.questions) == 20
    assert pdf_pages(data, tmp_path) >= 22
    assert took < 45, f"20 questions took {took:.1f} s"  # a few seconds on a free core
