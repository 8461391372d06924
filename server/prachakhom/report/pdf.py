"""The end-of-day report as a PDF, rendered from the export document alone.

`compose` turns the document into one HTML page (pure, and cheap: the ledger is never
read, only its count and digest); `render` draws a chart per question and lets
WeasyPrint lay it out. Pango shapes and breaks the Thai text; the charts come shaped
by matplotlib, as 200 dpi images (see charts.py for why not SVG). Layout: a title page
with attendance and contents, a page on how far people were involved (the questions by
IAP2 level), a page or more per question, then themes and the ledger.
Tables have fixed column widths: an automatic table layout cost more than half the time.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from importlib import resources
from string import Template
from typing import Any

from ..assets import fonts_dir
from . import charts
from .document import involvement_of
from .formats import Progress
from .labels import Words, words_for

Question = dict[str, Any]
FONT_FACES = {"Regular": 400, "Medium": 500, "SemiBold": 600, "Bold": 700}
GROUP_COLUMNS = 5  # shown groups per breakdown table: more are split into tables
TOP_OF_ORDER = 3  # ranks compared between counting methods
SIGNIFICANT = 0.05
CHART = "chart:"  # the scheme of the charts' URLs in the HTML


def render(doc: dict[str, Any], language: str, progress: Progress) -> bytes:
    from weasyprint import HTML  # heavy: imported only when a PDF is asked for
    from weasyprint.text.fonts import FontConfiguration

    words = words_for(doc, language)
    questions = doc["questions"]
    total = len(questions) + 1
    pictures = {}
    for n, question in enumerate(questions):
        progress(n, total, question["id"])
        pictures[question["id"]] = charts.jpeg(charts.draw(charts.chart_of(question, words)))
    progress(len(questions), total, "PDF")
    page = HTML(string=compose(doc, words), url_fetcher=fetcher(pictures))
    pdf: bytes = page.write_pdf(font_config=FontConfiguration())
    progress(total, total, "PDF")
    return pdf


def fetcher(pictures: dict[str, bytes]) -> Any:
    """Serves the charts (chart:<question id>) and the Sarabun files, and nothing else:
    a report never reaches the network or any other file, whatever its texts say."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    fonts = {(fonts_dir() / f"Sarabun-{name}.ttf").as_uri() for name in FONT_FACES}

    class Fetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith(CHART) and url[len(CHART) :] in pictures:
                image = pictures[url[len(CHART) :]]
                return URLFetcherResponse(url, image, {"Content-Type": "image/jpeg"})
            if url in fonts:
                return super().fetch(url, headers)
            raise ValueError(f"the report fetches nothing but its charts and fonts: {url:.80}")

    return Fetcher(fail_on_errors=True)


def compose(doc: dict[str, Any], words: Words, with_charts: bool = True) -> str:
    """The whole report as HTML; each question's chart is the image chart:<question id>."""
    sections = [cover(doc, words), involvement_section(doc, words)]
    for n, question in enumerate(doc["questions"], start=1):
        sections.append(question_section(n, question, doc, words, with_charts))
    sections.append(closing(doc, words))
    template = Template(_template("report.html"))
    return template.substitute(
        lang=words.language,
        title=esc(words.text(doc["meeting"]["title"])),
        generator=esc(doc.get("generator", "")),
        fonts=font_faces(),
        css=_template("report.css"),
        counters=counters(words),
        body="\n".join(sections),
    )


@lru_cache(maxsize=4)
def _template(name: str) -> str:
    return (resources.files("prachakhom.report") / "templates" / name).read_text("utf-8")


def font_faces() -> str:
    folder = fonts_dir()
    return "\n".join(
        f"@font-face {{ font-family: Sarabun; font-weight: {weight}; "
        f"src: url('{(folder / f'Sarabun-{name}.ttf').as_uri()}'); }}"
        for name, weight in FONT_FACES.items()
    )


def counters(words: Words) -> str:
    """Page numbers in the report's digits and words ('หน้า ๓ จาก ๑๒')."""
    style = "thai" if words.language == "th" and words.thai_digits else "decimal"
    page, of = css_string(words("page")), css_string(words("of"))
    return (
        f"@page {{ @bottom-right {{ content: {page} ' ' counter(page, {style}) ' ' {of} ' '"
        f" counter(pages, {style}); }} }}\n"
        f"ol.contents a::after {{ content: leader('. ') target-counter(attr(href), page, {style});"
        " }"
    )


def css_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


# small HTML pieces


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def el(tag: str, content: str = "", cls: str = "", **attrs: str) -> str:
    """An element around `content`, which is HTML already."""
    more = "".join(f' {k}="{esc(v)}"' for k, v in attrs.items())
    klass = f' class="{cls}"' if cls else ""
    return f"<{tag}{klass}{more}>{content}</{tag}>"


def para(text: str, cls: str = "") -> str:
    return el("p", esc(text), cls)


def strong(text: str) -> str:
    return el("strong", esc(text))


def block(*parts: str) -> str:
    """Parts kept on one page when they fit: a heading never ends a page alone."""
    return el("div", "\n".join(parts), "block")


def table(
    head: Sequence[str],
    rows: Iterable[Sequence[str]],
    widths: Sequence[float],
    numeric: Iterable[int] = (),
    foot: Sequence[str] | None = None,
    row_class: Callable[[int], str] = lambda i: "",
) -> str:
    """A table of plain texts, its columns `widths` per cent of the page (a fixed layout
    is several times faster to lay out than an automatic one); columns in `numeric` are
    right-aligned; the first cell of each row heads it."""
    right = set(numeric)

    def line(cells: Sequence[str], tag: str) -> str:
        return "".join(
            el(tag if i == 0 else "td", esc(text), "n" if i in right else "")
            for i, text in enumerate(cells)
        )

    cols = "".join(f'<col style="width:{w:.1f}%">' for w in widths)
    titles = "".join(el("th", esc(h), "n" if i in right else "") for i, h in enumerate(head))
    thead = el("thead", el("tr", titles))
    body = "".join(el("tr", line(r, "th"), row_class(i)) for i, r in enumerate(rows))
    tfoot = el("tfoot", el("tr", line(foot, "th"))) if foot else ""
    return el("table", el("colgroup", cols) + thead + el("tbody", body) + tfoot)


# the title page


def cover(doc: dict[str, Any], words: Words) -> str:
    meeting = doc["meeting"]
    sites = ", ".join(words.text(s["name"]) for s in meeting["sites"])
    attendance = doc["attendance"]
    parts = [
        para(words("title"), "report"),
        el("h1", esc(words.text(meeting["title"]))),
        para(words.date(meeting["date"]), "date"),
        para(f"{words('sites')}: {sites}") if sites else "",
        el("h3", esc(words("attendance"))),
        attendance_table(doc, words),
    ]
    if attendance.get("most_hands"):
        parts.append(para(words("most_hands", n=attendance["most_hands"]), "small muted"))
    parts += [el("h3", esc(words("contents"))), contents(doc, words)]
    when = words.moment(doc["generated_at"])
    generated = words("generated", when=when, generator=doc.get("generator", "prachakhom"))
    parts.append(para(generated, "generated small muted"))
    return el("section", "\n".join(parts), "cover")


def attendance_table(doc: dict[str, Any], words: Words) -> str:
    attendance, seats = doc["attendance"], doc["meeting"]["tables"]["seats"]

    def line(name: str, tables: int, reporting: int, voting: int, eligible: int) -> list[str]:
        turnout = words.percent(voting / eligible) if eligible else "–"
        numbers = [words.number(n) for n in (tables, reporting, voting, eligible)]
        return [name, *numbers, turnout]

    rows = [
        line(words.text(s["name"]), s["tables"], s["tables_reporting"], s["seats_voting"],
             s["tables"] * seats)
        for s in attendance["sites"]
    ]  # fmt: skip
    total = line(
        words("all_sites"), attendance["tables"], attendance["tables_reporting"],
        attendance["seats_voting"], attendance["eligible"],
    )  # fmt: skip
    keys = ("site", "tables", "tables_reporting", "seats_voting", "eligible", "turnout")
    foot = total if len(rows) != 1 else None
    return table([words(k) for k in keys], rows, (28, 10, 17, 17, 14, 14), range(1, 6), foot)


def involvement_section(doc: dict[str, Any], words: Words) -> str:
    """How far people were involved, a page of its own: each IAP2 level, how many
    questions, and which."""
    found = involvement_of(doc)
    heading = el("h2", esc(words("involvement")), id="involvement")
    if not any(level["questions"] for level in found["levels"]):
        return el("section", heading + para(words("involvement_none"), "muted"), "involvement")
    titles = {
        q["id"]: f"{n}. {words.text(q['definition']['prompt'])}"
        for n, q in enumerate(doc["questions"], start=1)
    }
    lines = [
        (f"{words.number(level['step'])}. {words('iap2.' + level['level'])}", level["questions"])
        for level in found["levels"]
    ]
    if found["not_set"]:
        lines.append((words("involvement_not_set"), found["not_set"]))
    rows = "".join(
        el(
            "tr",
            el("th", esc(name)) + el("td", esc(words.number(len(ids))), "n")
            + el("td", "<br>".join(esc(titles[i]) for i in ids) or "–"),
            "" if ids else "off",
        )
        for name, ids in lines
    )  # fmt: skip
    head = (
        el("th", esc(words("involvement_level"))) + el("th", esc(words("involvement_count")), "n")
        + el("th", esc(words("involvement_questions")))
    )  # fmt: skip
    cols = "".join(f'<col style="width:{w}%">' for w in (26, 15, 59))
    shown = el("table", el("colgroup", cols) + el("thead", el("tr", head)) + el("tbody", rows))
    about = para(words("involvement_about"), "muted")
    return el("section", heading + about + shown, "involvement")


def contents(doc: dict[str, Any], words: Words) -> str:
    items = [el("li", el("a", esc(words("involvement")), href="#involvement"))]
    items += [
        el("li", el("a", esc(f"{n}. {words.text(q['definition']['prompt'])}"), href=f"#q{n}"))
        for n, q in enumerate(doc["questions"], start=1)
    ]
    items.append(el("li", el("a", esc(words("themes_and_ledger")), href="#closing")))
    return el("ol", "".join(items), "contents")


# a question


def question_section(
    n: int, question: Question, doc: dict[str, Any], words: Words, with_chart: bool = True
) -> str:
    results = question["results"]
    kicker = f"{words('question_n', n=n)} · {words('kind.' + question['kind'])}"
    level = question["definition"].get("iap2_level")
    if level:
        kicker += " · " + words("iap2_kicker", level=words(f"iap2.{level}"))
    parts = [
        para(kicker, "kicker"),
        el("h2", esc(words.text(question["definition"]["prompt"])), id=f"q{n}"),
        para(voters_line(results, words), "muted"),
    ]
    if question.get("state") in ("open", "draft"):
        parts.append(para(words(f"state.{question['state']}"), "note warning"))
    if with_chart:
        alt = words.text(question["definition"]["prompt"])
        parts.append(f'<img class="chart" alt="{esc(alt)}" src="{CHART}{esc(question["id"])}">')
    parts += [results_table(question, words), method_note(question, words)]
    if question.get("other_methods"):
        parts.append(other_methods(question, words))
    if "compare" in results:
        parts.append(compare_section(question, doc, words))
    for breakdown in question.get("breakdowns", []):
        parts.append(breakdown_section(question, breakdown, doc, words))
    if question.get("sites"):
        parts.append(sites_section(question, words))
    return el("section", "\n".join(parts), "question")


def voters_line(results: dict[str, Any], words: Words) -> str:
    return words(
        "voters_line",
        n=results["voters"],
        eligible=results["eligible"],
        tables=results["tables_reporting"],
        total=results["tables_total"],
    )


def results_table(question: Question, words: Words) -> str:
    results = question["results"]
    if question["kind"] == "scale":
        return scale_table(question, words)
    if results.get("targets"):
        return targets_table(results, words)
    if "funded" in results:
        return budget_table(question, words)
    head = [words("rank"), words("option"), words(charts.unit_of(question)), words("share")]
    rows = [
        [words.number(r["rank"]), words.text(r["label"]), words.number(r["score"]),
         words.percent(r["share"])]
        for r in results["ranking"]
    ]  # fmt: skip
    return table(head, rows, (9, 61, 16, 14), (0, 2, 3))


def budget_table(question: Question, words: Words) -> str:
    results = question["results"]
    costs = question["definition"].get("costs", {})
    funded = results["funded"]
    ranking = results["ranking"]
    keys = ("rank", "option", "unit.approvals", "share", "cost", "funded")
    head = [words(k) for k in keys]
    rows = [
        [words.number(r["rank"]), words.text(r["label"]), words.number(r["score"]),
         words.percent(r["share"]), words.number(costs.get(r["option"], 0)),
         words("funded") if r["option"] in funded else "–"]
        for r in ranking
    ]  # fmt: skip
    strong = [r["option"] in funded for r in ranking]
    line = words("budget_line", n=len(funded), spent=results["spent"], budget=results["budget"])
    widths = (8, 40, 13, 11, 16, 12)
    shown = table(
        head, rows, widths, (0, 2, 3, 4), row_class=lambda i: "strong" if strong[i] else "off"
    )
    return shown + para(line)


def targets_table(results: dict[str, Any], words: Words) -> str:
    targets, gaps = results["targets"], results.get("gaps", {})
    head = [words(k) for k in ("option", "unit.voters", "in_room", "target", "gap")]
    rows = []
    for r in results["ranking"]:
        target = targets.get(r["option"])
        gap = gaps.get(r["option"])
        rows.append([
            words.text(r["label"]), words.number(r["score"]), words.percent(r["share"]),
            words.percent(target) if target is not None else "–",
            words.points(gap) if gap is not None else "–",
        ])  # fmt: skip
    hint = para(words("targets_hint"), "small muted")
    return table(head, rows, (44, 12, 15, 14, 15), (1, 2, 3, 4)) + hint


def scale_table(question: Question, words: Words) -> str:
    results = question["results"]
    labels = question["definition"].get("labels", {})
    voters = results["voters"]
    head = [words("value"), "", words("unit.voters"), words("share")]
    rows = [
        [words.digits(value), words.text(labels[value]) if value in labels else "",
         words.number(count), words.percent(count / voters) if voters else "–"]
        for value, count in results["histogram"].items()
    ]  # fmt: skip
    summary = words("no_answers")
    if results.get("mean") is not None:
        summary = words("results.mean_median", mean=results["mean"], median=results["median"])
    return table(head, rows, (10, 50, 20, 20), (0, 2, 3)) + para(summary)


def method_note(question: Question, words: Words) -> str:
    definition, method = question["definition"], question["results"]["method"]
    if question["kind"] == "ranked":
        max_rank = definition.get("max_rank") or len(definition.get("options", []))
        about = words(f"about.{method}", max=max_rank)
    else:
        most = definition.get("max_choices" if question["kind"] == "multiple" else "max", 0)
        about = words(
            f"about.{question['kind']}", max=most, min=definition.get("min", 0),
            points=definition.get("points", 0), budget=definition.get("budget", 0),
        )  # fmt: skip
    return el("p", strong(words("method") + ": ") + esc(about), "note")


# other counting methods (ranked)


def method_results(question: Question) -> dict[str, dict[str, Any]]:
    """The shown method first, then the others, each with its results."""
    return {question["results"]["method"]: question["results"]} | question["other_methods"]


def top_of_order(ranking: list[dict[str, Any]], ranks: int = TOP_OF_ORDER) -> list[list[str]]:
    """Option ids by rank, ties together: [["a"], ["b", "c"]] for ranks 1, 2, 2."""
    groups: dict[int, list[str]] = {}
    for row in ranking:
        if row["rank"] <= ranks:
            groups.setdefault(row["rank"], []).append(row["option"])
    return [sorted(groups[r]) for r in sorted(groups)]


def methods_verdict(by_method: dict[str, dict[str, Any]]) -> str:
    """'methods_agree', 'methods_same_winner' or 'methods_differ' (catalogue keys)."""
    orders = [top_of_order(r["ranking"]) for r in by_method.values()]
    winners = {tuple(o[0]) if o else () for o in orders}
    if len(winners) > 1:
        return "methods_differ"
    return "methods_agree" if all(o == orders[0] for o in orders) else "methods_same_winner"


def other_methods(question: Question, words: Words) -> str:
    by_method = method_results(question)
    labels = {o["id"]: words.text(o["label"]) for o in question["definition"].get("options", [])}

    def say(group: list[str]) -> str:
        return " = ".join(labels.get(o, o) for o in group)

    rows = []
    for method, results in by_method.items():
        order = top_of_order(results["ranking"])
        name = words(f"results.method_name_{method}")
        if method == question["results"]["method"]:
            name += f" ({words('shown')})"
        rows.append([name, say(order[0]) if order else "–", " → ".join(say(g) for g in order)])
    head = [words("method"), words("winner"), words("order")]
    return block(
        el("h3", esc(words("other_methods"))),
        table(head, rows, (22, 30, 48)),
        para(words(methods_verdict(by_method))),
    )


# before and after


def compare_section(question: Question, doc: dict[str, Any], words: Words) -> str:
    compare = question["results"]["compare"]
    names = _value_names(question, words)
    pre, post, shift = compare["pre"], compare["post"], compare["shift"]
    polls = [f"{words(k)} ({words('results.n_voters', n=poll['voters'])})" for k, poll in
             (("results.pre", pre), ("results.post", post))]  # fmt: skip
    head = ["", *polls, words("change")]
    rows = [
        [names.get(key, key), words.percent(pre["shares"].get(key, 0.0)),
         words.percent(share), words.points(shift["shares"].get(key, 0.0))]
        for key, share in post["shares"].items()
    ]  # fmt: skip
    foot = None
    if compare["kind"] == "scale" and pre.get("mean") is not None and post.get("mean") is not None:
        delta = shift["mean"]
        foot = [words("mean"), words.number(pre["mean"]), words.number(post["mean"]),
                ("+" if delta > 0 else "") + words.number(delta)]  # fmt: skip
    parts = [el("h3", esc(words("compare")))]
    numbers = [q["id"] for q in doc["questions"]]
    if compare.get("pre_question") in numbers:
        n = numbers.index(compare["pre_question"]) + 1
        parts.append(para(words("compared_with", n=n), "muted"))
    parts.append(table(head, rows, (40, 20, 20, 20), (1, 2, 3), foot))
    parts += [para(s) for s in paired_words(compare, words, names)]
    return block(*parts)


def _value_names(question: Question, words: Words) -> dict[str, str]:
    definition = question["definition"]
    if question["kind"] == "scale":
        values = question["results"]["compare"]["post"]["shares"]
        return {v: value_name(question, v, words) for v in values}
    return {o["id"]: words.text(o["label"]) for o in definition.get("options", [])}


def value_name(question: Question, value: str, words: Words) -> str:
    """A scale value with its label, if it has one: '5 – เห็นด้วยอย่างยิ่ง'."""
    labels = question["definition"].get("labels", {})
    label = f" – {words.text(labels[value])}" if value in labels else ""
    return words.digits(value) + label


def paired_words(compare: dict[str, Any], words: Words, names: dict[str, str]) -> list[str]:
    """What the voters who answered both polls did, in plain sentences."""
    paired = compare.get("paired") or {}
    if not paired.get("voters"):
        return []
    if compare["kind"] == "scale":
        said = words(
            "paired_scale", n=paired["voters"], up=paired["up"], down=paired["down"],
            same=paired["same"],
        )  # fmt: skip
        return [said, wilcoxon_words(paired["wilcoxon"], words)]
    said = [words("paired_single", n=paired["voters"], changed=paired["changed"],
                  same=paired["same"])]  # fmt: skip
    for before, moves in paired.get("transitions", {}).items():
        for after, n in moves.items():
            said.append(
                words("transition", before=names.get(before, before),
                      after=names.get(after, after), n=n)
            )  # fmt: skip
    return said


def wilcoxon_words(test: dict[str, Any], words: Words) -> str:
    """The signed-rank test in plain words: the p-value, the odds, and what they mean."""
    p = test.get("p_value")
    if p is None:
        return words("wilcoxon_none")
    shown = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
    odds = words("odds", n=_rounded(1 / p)) if p < 0.5 else words("odds_often")
    said = words("wilcoxon", method=words(test["method"]), p=words.digits(shown), odds=odds)
    if p < SIGNIFICANT:
        direction = words("up" if test["w_plus"] > test["w_minus"] else "down")
        return f"{said} {words('wilcoxon_real', direction=direction)}"
    return f"{said} {words('wilcoxon_chance')}"


def _rounded(value: float) -> int:
    """Two significant figures: 2048 -> 2000, 39.4 -> 39, 2.6 -> 3."""
    whole = max(1, round(value))
    digits = len(str(whole))
    return round(whole, -(digits - 2)) if digits > 2 else whole


# breakdowns by group and by site


def breakdown_section(
    question: Question, breakdown: dict[str, Any], doc: dict[str, Any], words: Words
) -> str:
    name = attribute_name(breakdown, doc, words)
    limit = breakdown.get("min_group", doc.get("min_group", 0))
    shown = [g for g in breakdown["groups"] if not g.get("suppressed")]
    hidden = [words.text(g["label"]) for g in breakdown["groups"] if g.get("suppressed")]
    parts = [el("h3", esc(words("by_group", name=name)))]
    if not shown:
        parts.append(para(words("all_suppressed", n=limit), "muted"))
        return block(*parts)
    columns = [(words.text(g["label"]), g["results"]) for g in shown]
    parts += [matrix(question, chunk, words) for chunk in _chunks(columns, GROUP_COLUMNS)]
    if hidden:
        parts.append(para(words("suppressed", n=limit, groups=", ".join(hidden)), "small muted"))
    if breakdown.get("not_grouped"):
        parts.append(para(words("not_grouped", n=breakdown["not_grouped"]), "small muted"))
    return block(*parts)


def attribute_name(breakdown: dict[str, Any], doc: dict[str, Any], words: Words) -> str:
    """The prompt of the demographic question that sorts voters into these groups."""
    for question in doc["questions"]:
        if question["id"] == breakdown["by"]:
            return words.text(question["definition"]["prompt"])
    return str(breakdown.get("attribute", breakdown["by"]))


def sites_section(question: Question, words: Words) -> str:
    columns = [(words.text(s["name"]), s["results"]) for s in question["sites"]]
    tables = [matrix(question, chunk, words) for chunk in _chunks(columns, GROUP_COLUMNS)]
    return block(el("h3", esc(words("by_site"))), *tables)


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def matrix(question: Question, columns: list[tuple[str, dict[str, Any]]], words: Words) -> str:
    """Options (or scale values) down, groups across: each group's share of its own total."""
    head = ["", *(name for name, _ in columns)]
    rows = [[words("unit.voters"), *(words.number(r["voters"]) for _, r in columns)]]
    if question["kind"] == "scale":
        for value in question["results"]["histogram"]:
            shares = [_scale_share(r, value, words) for _, r in columns]
            rows.append([value_name(question, value, words), *shares])
        for key in ("mean", "median"):
            rows.append([words(key), *(_maybe(r.get(key), words) for _, r in columns)])
    else:
        for row in question["results"]["ranking"]:
            if not row["score"]:
                continue  # nobody chose it anywhere: the results table says so once
            shares = [_option_share(r, row["option"], words) for _, r in columns]
            rows.append([words.text(row["label"]), *shares])
    rest = 60 / len(columns)
    return table(head, rows, (40, *[rest] * len(columns)), range(1, len(head)))


def _scale_share(results: dict[str, Any], value: str, words: Words) -> str:
    voters = results["voters"]
    return words.percent(results["histogram"].get(value, 0) / voters) if voters else "–"


def _option_share(results: dict[str, Any], option: str, words: Words) -> str:
    for row in results.get("ranking", []):
        if row["option"] == option:
            return words.percent(row["share"])
    return "–"


def _maybe(value: float | None, words: Words) -> str:
    return "–" if value is None else words.number(value)


# themes, ideas and the ledger


def closing(doc: dict[str, Any], words: Words) -> str:
    return el("section", themes_part(doc, words) + ledger_part(doc, words), "closing", id="closing")


def themes_part(doc: dict[str, Any], words: Words) -> str:
    ideas, themes = doc.get("ideas", []), doc.get("themes", [])
    tables = len({i.get("table") for i in ideas})
    parts = [
        el("h2", esc(words("themes"))),
        para(words("ideas_count", n=len(ideas), tables=tables, themes=len(themes))),
    ]
    if not themes:
        parts.append(para(words("no_themes"), "muted"))
    for theme in themes:
        samples = "".join(el("li", esc(text)) for text in theme.get("sample", []))
        line = words("theme_line", tables=theme.get("tables", 0), ideas=theme.get("idea_count", 0))
        parts.append(
            el(
                "div",
                el("h4", esc(words.text(theme["label"]))) + para(line, "muted small")
                + (el("ul", samples) if samples else ""),
                "theme",
            )
        )  # fmt: skip
    return "\n".join(parts)


def ledger_part(doc: dict[str, Any], words: Words) -> str:
    ledger, audit = doc["ledger"], doc.get("audit", {})
    parts = [
        el("h2", esc(words("ledger"))),
        para(words("ledger_about")),
        el("p", strong(words("ledger_entries") + ": ") + esc(words.number(ledger["count"]))),
        el("p", strong(words("digest") + ":")) + el("code", esc(ledger["digest"]), "digest"),
    ]
    if audit.get("ok"):
        parts.append(para(words("audit_ok")))
    elif audit:
        wrong = [q["question"] for q in audit.get("questions", []) if not q.get("match")]
        parts.append(para(words("audit_failed", ids=", ".join(wrong)), "note warning"))
    command = el("code", esc("prachakhom verify <export.json>"))
    sentence = esc(words("verify", command="\0")).replace("\0", command)
    parts.append(el("p", sentence, "note"))
    return "\n".join(parts)
