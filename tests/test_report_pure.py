"""The report's pure parts: Thai dates and digits, the catalogue, how charts read a
question, and the plain-words pieces of the PDF (methods compared, the Wilcoxon test
explained, suppressed groups). No server, no WeasyPrint."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import string
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from prachakhom.core.ledger import receipt
from prachakhom.core.resulttypes import Breakdown, RankedOption, Results, Wilcoxon
from prachakhom.report import charts, comparisons, pdf, sections, thaidate
from prachakhom.report.labels import Words, own_entries
from prachakhom.report.model import QuestionRecord

TH, TH_DIGITS, EN = Words("th"), Words("th", thai_digits=True), Words("en")


@pytest.mark.parametrize(
    ("day", "language", "digits", "expected"),
    [
        ("2026-11-21", "th", False, "21 พฤศจิกายน 2569"),
        ("2026-11-21", "th", True, "๒๑ พฤศจิกายน ๒๕๖๙"),
        ("2026-11-21", "en", False, "21 November 2026"),
        ("2026-11-21", "en", True, "21 November 2026"),  # Thai digits are for Thai only
        ("2027-01-01", "th", False, "1 มกราคม 2570"),
        ("2024-02-29", "th", False, "29 กุมภาพันธ์ 2567"),
        (dt.date(2026, 12, 31), "en", False, "31 December 2026"),
    ],
)
def test_long_date_in_the_buddhist_era_or_english(
    day: Any, language: str, digits: bool, expected: str
) -> None:
    assert thaidate.long_date(day, language, digits) == expected


def test_date_time_keeps_the_moments_own_zone() -> None:
    when = "2026-11-21T20:54:54+07:00"
    assert thaidate.date_time(when, "th") == "21 พฤศจิกายน 2569 เวลา 20:54 น."
    assert thaidate.date_time(when, "th", True) == "๒๑ พฤศจิกายน ๒๕๖๙ เวลา ๒๐:๕๔ น."
    assert thaidate.date_time(when, "en") == "21 November 2026, 20:54"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: TH.number(10_000_000), "10,000,000"),
        (lambda: TH_DIGITS.number(10_000_000), "๑๐,๐๐๐,๐๐๐"),
        (lambda: EN.number(2.5), "2.5"),
        (lambda: EN.number(4.0), "4"),
        (lambda: EN.number(3.41969), "3.42"),
        (lambda: EN.percent(0.4545), "45.5%"),
        (lambda: EN.percent(0.5), "50%"),
        (lambda: EN.percent(0.0), "0%"),
        (lambda: TH_DIGITS.percent(0.25), "๒๕%"),
        (lambda: EN.points(0.25), "+25"),
        (lambda: EN.points(-0.15), "−15"),
        (lambda: EN.points(0.0), "0"),
        (lambda: TH_DIGITS.digits("p = 0.039"), "p = ๐.๐๓๙"),
        (lambda: EN.digits("0.039"), "0.039"),
    ],
)
def test_numbers_as_the_report_writes_them(call: Any, expected: str) -> None:
    assert call() == expected


def test_the_catalogue_has_both_languages_with_the_same_placeholders() -> None:
    names = string.Formatter()
    for key, (thai, english) in own_entries().items():
        assert thai.strip() and english.strip(), key
        in_thai = {f for _, f, _, _ in names.parse(thai) if f}
        in_english = {f for _, f, _, _ in names.parse(english) if f}
        assert in_thai == in_english, key
        assert not re.search(r"[\u0e00-\u0e7f]", english), key  # no Thai left in English


def test_words_write_numbers_in_the_reports_digits() -> None:
    assert TH("results.n_voters", n=1234) == "1,234 คน"
    assert TH_DIGITS("results.n_voters", n=12) == "๑๒ คน"
    assert EN("results.n_voters", n=12) == "12 voters"
    assert EN.text({"th": "ภาครัฐ", "en": "Public sector"}) == "Public sector"
    assert TH.text("เดียว") == "เดียว"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ผู้ได้รับผลกระทบ", 12),  # ู ้ ั are marks: 16 code points, 12 take room
        ("ปั้น", 2),
        ("น้ำ", 2),  # sara am takes room
        ("PM2.5", 5),
    ],
)
def test_visible_counts_what_takes_room_on_a_line(text: str, expected: int) -> None:
    assert charts.visible(text) == expected


def test_clip_never_cuts_a_thai_letter_from_its_marks() -> None:
    text = "การป้องกันโรคไม่ติดต่อเรื้อรัง"
    for width in range(2, charts.visible(text)):
        clipped = charts.clip(text, width)
        assert clipped.endswith("…") and charts.visible(clipped) <= width
        head = clipped[:-1]
        assert text.startswith(head)
        assert not charts.mark(text[len(head)])  # the cut falls before a letter
    assert charts.clip(text, 100) == text
    assert charts.clip("one two three four", 10) == "one two…"  # at a space when near
    assert charts.clip("one two three four", 12) == "one two thr…"  # not when far


def test_wrap_breaks_at_spaces_and_keeps_at_most_the_lines_asked() -> None:
    assert charts.wrap("ไม่เห็นด้วย อย่างยิ่ง", 12) == "ไม่เห็นด้วย\nอย่างยิ่ง"
    wrapped = charts.wrap("a b c d e f g h", 3, lines=2)
    assert wrapped.count("\n") == 1 and wrapped.endswith("…")


def ranking(*rows: tuple[str, int, int]) -> list[RankedOption]:
    total = sum(score for _, score, _ in rows) or 1
    return [
        RankedOption(o, {"th": f"ตัวเลือก {o}", "en": f"Option {o}"}, s, s / total, r)
        for o, s, r in rows
    ]


def results_of(kind: str, **fields: Any) -> dict[str, Any]:
    """Results as the document holds them: the participation fields, then `fields`."""
    base = {"question": "q", "kind": kind, "method": "count", "status": "closed", "voters": 12}
    return base | {"eligible": 500, "tables_reporting": 2, "tables_total": 50, "seq": 0} | fields


def question(kind: str, results: dict[str, Any], **definition: Any) -> QuestionRecord:
    """A question of the document, typed as the renderers read it."""
    return msgspec.convert(
        {
            "id": "q",
            "kind": kind,
            "state": "closed",
            "definition": {"id": "q", "kind": kind, "prompt": {"th": "คำถาม", "en": "Q"}}
            | definition,
            "method": "count",
            "results": results_of(kind, **results),
            "other_methods": {},
            "tally": {"counts": {}, "voters": 12},
        },
        QuestionRecord,
    )


def by_method(**rankings: list[RankedOption]) -> dict[str, Results]:
    return {
        method: msgspec.convert(results_of("ranked", method=method, ranking=r), Results)
        for method, r in rankings.items()
    }


def wilcoxon(p: float | None, method: str | None, w_plus: float, w_minus: float) -> Wilcoxon:
    return Wilcoxon(w_plus, w_plus, w_minus, 12, None, p, method)  # type: ignore[arg-type]


def test_a_chart_reads_every_kind() -> None:
    single = question("single", {"ranking": ranking(("a", 7, 1), ("b", 5, 2))})
    chart = charts.chart_of(single, EN)
    assert chart.shape == "bars" and [r.label for r in chart.rows] == ["Option a", "Option b"]
    assert chart.rows[0].notes == ("7 · 58.3%",)

    budget = question(
        "budget",
        {"ranking": ranking(("a", 6, 1), ("b", 4, 2)), "funded": ["b"], "spent": 3, "budget": 5},
        costs={"a": 9, "b": 3},
        budget=5,
    )
    bars = charts.chart_of(budget, TH).rows
    assert [b.strong for b in bars] == [False, True]  # a did not fit, b was funded
    assert bars[1].notes[0].endswith("3 บาท")

    room = question(
        "demographic",
        {"ranking": ranking(("a", 6, 1), ("b", 6, 1)), "targets": {"a": 0.25}},
        attribute="sector",
    )
    bars = charts.chart_of(room, EN).rows
    assert bars[0].values == (0.5,) and bars[0].target == 0.25 and bars[1].target is None

    scale = question(
        "scale",
        {"histogram": {"1": 0, "2": 6, "3": 6}, "mean": 2.5, "median": 2.5, "ranking": []},
        labels={"1": {"th": "ไม่เห็นด้วย", "en": "Disagree"}},
        min=1,
        max=3,
    )
    chart = charts.chart_of(scale, TH_DIGITS, titled=True)
    assert chart.shape == "columns" and chart.rows[0].label == "๑\nไม่เห็นด้วย"
    assert chart.title == "คำถาม" and chart.subtitle == "๑๒ คน · จำนวนคน"


def test_a_compared_question_charts_before_against_after() -> None:
    pre = {"voters": 12, "counts": {"1": 6, "2": 6}, "shares": {"1": 0.5, "2": 0.5}}
    after = {"voters": 11, "counts": {"1": 0, "2": 11}, "shares": {"1": 0.0, "2": 1.0}}
    shift = {"shares": {"1": -0.5, "2": 0.5}}
    compare = {
        "kind": "scale",
        "pre": pre,
        "post": after,
        "shift": shift,
        "paired": {"voters": 0, "pre": pre, "post": after, "shift": shift},
        "pre_question": "pre",
    }
    post = question("scale", {"histogram": {"1": 0, "2": 11}, "compare": compare}, min=1, max=2)
    chart = charts.chart_of(post, EN)
    assert chart.series == ("Before (12 voters)", "After (11 voters)")
    assert [r.values for r in chart.rows] == [(0.5, 0.0), (0.5, 1.0)]
    assert charts.unit_of(post) == "share"


def test_top_of_order_groups_ties_and_the_methods_verdict() -> None:
    borda = ranking(("a", 30, 1), ("b", 24, 2), ("c", 12, 3), ("d", 0, 4))
    assert comparisons.top_of_order(borda) == [["a"], ["b"], ["c"]]
    schulze = ranking(("a", 6, 1), ("c", 5, 2), ("b", 5, 2), ("d", 0, 4))
    assert comparisons.top_of_order(schulze) == [["a"], ["b", "c"]]
    irv = ranking(("b", 7, 1), ("a", 5, 2), ("c", 0, 3))
    same = by_method(borda=borda, irv=borda)
    assert comparisons.methods_verdict(same) == "methods_agree"
    assert comparisons.methods_verdict(same | by_method(schulze=schulze)) == "methods_same_winner"
    assert comparisons.methods_verdict(same | by_method(irv=irv)) == "methods_differ"


def test_the_wilcoxon_test_in_plain_words() -> None:
    rose = wilcoxon(0.00048828125, "exact", 78.0, 0.0)
    said = comparisons.wilcoxon_words(rose, EN)
    assert "p < 0.001" in said and "1 time in 2,000" in said
    assert "really moved up" in said and "exact" in said
    fell = wilcoxon(0.039, "normal", 5.0, 40.0)
    said = comparisons.wilcoxon_words(fell, TH)
    assert "p = 0.039" in said and "ต่ำลง" in said and "ประมาณด้วยการแจกแจงปกติ" in said
    chance = wilcoxon(0.62, "exact", 6.0, 4.0)
    assert "could be chance" in comparisons.wilcoxon_words(chance, EN)
    assert "half the time or more" in comparisons.wilcoxon_words(chance, EN)
    assert comparisons.wilcoxon_words(wilcoxon(None, None, 0, 0), EN).startswith("Nobody changed")


def test_rounded_odds_keep_two_significant_figures() -> None:
    assert [comparisons._rounded(v) for v in (2048, 39.4, 2.6, 0.7, 123456)] == [
        2000,
        39,
        3,
        1,
        120000,
    ]


def test_a_suppressed_group_is_named_but_its_numbers_never_shown() -> None:
    shown = results_of("single", voters=6, ranking=ranking(("a", 5, 1), ("b", 1, 2)))
    breakdown = msgspec.convert(
        {
            "question": "q",
            "by": "sector",
            "attribute": "sector",
            "min_group": 5,
            "groups": [
                {"group": "public", "label": "Public", "voters": 6, "results": shown},
                {"group": "business", "label": "Business", "voters": None, "suppressed": True},
            ],
            "not_grouped": 0,
        },
        Breakdown,
    )
    item = question("single", {"ranking": ranking(("a", 9, 1), ("b", 3, 2))})
    page = pdf.part("block", comparisons.breakdown_section(item, breakdown, [], EN))
    assert "Public" in page and "83.3%" in page
    assert "Business" in page and "fewer than 5 voters are hidden" in page
    everyone_hidden = msgspec.structs.replace(breakdown, groups=breakdown.groups[1:])
    page = pdf.part("block", comparisons.breakdown_section(item, everyone_hidden, [], EN))
    assert "Every group has fewer than 5 voters" in page and "<table" not in page


def test_texts_are_escaped_into_the_report() -> None:
    nasty = question(
        "single",
        {"ranking": [{"option": "x", "label": "<img src=http://x>", "score": 1, "share": 1.0,
                      "rank": 1}]},
    )  # fmt: skip
    page = pdf.part("items", sections.results_table(nasty, EN))
    assert "<img" not in page and "&lt;img src=http://x&gt;" in page


def test_long_scales_label_round_values_and_long_charts_fit_a_page() -> None:
    assert charts.scale_ticks(["1", "2", "3", "4", "5"]) == {"1", "2", "3", "4", "5"}
    hundred = [str(v) for v in range(101)]
    assert charts.scale_ticks(hundred) == {str(v) for v in range(0, 101, 10)}
    from_one = [str(v) for v in range(1, 101)]
    assert charts.scale_ticks(from_one) == {"1", "100"} | {str(v) for v in range(10, 91, 10)}
    rows = [(f"o{i}", 64 - i, i + 1) for i in range(64)]
    chart = charts.chart_of(question("single", {"ranking": ranking(*rows)}), EN)
    assert len(chart.rows) == 15
    assert chart.footnote == "49 more options are not shown in this chart: see the table."


@given(
    st.text(min_size=1, max_size=20),
    st.text(min_size=1, max_size=20),
    st.text(min_size=1, max_size=20),
    st.text(min_size=1, max_size=64),
)
def test_a_receipt_is_the_first_fifty_bits_of_its_sha256_in_base32(
    meeting: str, question: str, voter: str, ballot_id: str
) -> None:
    """The table-driven receipt is exactly the published definition."""
    digest = hashlib.sha256(
        f"prachakhom-receipt-v1|{meeting}|{question}|{voter}|{ballot_id}".encode()
    ).digest()
    letters = base64.b32encode(digest).decode()[:10]
    assert receipt(meeting, question, voter, ballot_id) == f"{letters[:5]}-{letters[5:]}"
