"""The PDF's sections, pure: the title page, how far people were involved, a question,
and the closing (themes and the ledger), each as plain texts, paragraphs and tables
(layout.py) that the templates lay out. The ledger is never read, only its count and
digest, so the report stays cheap however long the meeting."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from msgspec import UNSET

from prachakhom.core.methods.budget import BudgetQuestion
from prachakhom.core.methods.multiple import MultipleQuestion
from prachakhom.core.methods.points import PointsQuestion
from prachakhom.core.methods.ranked import RankedQuestion
from prachakhom.core.methods.scale import ScaleQuestion
from prachakhom.core.resulttypes import Results
from prachakhom.report import charts
from prachakhom.report.comparisons import (
    breakdown_section,
    compare_section,
    other_methods,
    sites_section,
)
from prachakhom.report.document import involvement_of
from prachakhom.report.labels import Words
from prachakhom.report.layout import Block, Doc, Grid, Item, Para, Question, grid
from prachakhom.report.model import costs_of, options_of, scale_labels

VERIFY_COMMAND = "prachakhom verify <export.json>"


# the title page


def cover(doc: Doc, words: Words) -> dict[str, Any]:
    meeting, attendance = doc.meeting, doc.attendance
    when = words.moment(doc.generated_at)
    return {
        "title": words.text(meeting.title),
        "date": words.date(meeting.date),
        "sites": ", ".join(words.text(s.name) for s in meeting.sites),
        "attendance": attendance_table(doc, words),
        "most_hands": attendance.most_hands,
        "contents": contents(doc, words),
        "generated": words("generated", when=when, generator=doc.generator),
    }


def attendance_table(doc: Doc, words: Words) -> Grid:
    attendance, seats = doc.attendance, doc.meeting.tables.seats

    def line(name: str, tables: int, reporting: int, voting: int, eligible: int) -> list[str]:
        turnout = words.percent(voting / eligible) if eligible else "–"
        numbers = [words.number(n) for n in (tables, reporting, voting, eligible)]
        return [name, *numbers, turnout]

    rows = [
        line(words.text(s.name), s.tables, s.tables_reporting, s.seats_voting, s.tables * seats)
        for s in attendance.sites
    ]
    total = line(
        words("all_sites"), attendance.tables, attendance.tables_reporting,
        attendance.seats_voting, attendance.eligible,
    )  # fmt: skip
    keys = ("site", "tables", "tables_reporting", "seats_voting", "eligible", "turnout")
    foot = total if len(rows) != 1 else None
    return grid([words(k) for k in keys], rows, (28, 10, 17, 17, 14, 14), range(1, 6), foot)


def contents(doc: Doc, words: Words) -> list[tuple[str, str]]:
    """(anchor, title) of every section after the title page."""
    return [
        ("involvement", words("involvement")),
        *(
            (f"q{n}", f"{n}. {words.text(q.definition.prompt)}")
            for n, q in enumerate(doc.questions, start=1)
        ),
        ("closing", words("themes_and_ledger")),
    ]


def involvement(doc: Doc, words: Words) -> list[tuple[str, str, list[str]]]:
    """How far people were involved: (level, how many questions, their titles) for each
    IAP2 level and for questions with none; empty when no question has a level."""
    found = involvement_of(doc)
    if not any(level.questions for level in found.levels):
        return []
    titles = {
        q.id: f"{n}. {words.text(q.definition.prompt)}"
        for n, q in enumerate(doc.questions, start=1)
    }
    lines = [
        (f"{words.number(level.step)}. {words('iap2.' + level.level)}", level.questions)
        for level in found.levels
    ]
    if found.not_set:
        lines.append((words("involvement_not_set"), found.not_set))
    return [(name, words.number(len(ids)), [titles[i] for i in ids]) for name, ids in lines]


# a question


@dataclass
class QuestionPage:
    n: int
    id: str
    kicker: str
    prompt: str
    voters: str
    state: str | None  # a note when the question is still open, or was never opened
    results: list[Item]
    method: tuple[str, str]  # (the word "method", how this question was counted)
    blocks: list[Block] = field(default_factory=list)  # methods, before/after, groups, sites


def question_page(n: int, question: Question, doc: Doc, words: Words) -> QuestionPage:
    results = question.results
    kicker = f"{words('question_n', n=n)} · {words('kind.' + question.kind)}"
    level = question.definition.iap2_level
    if level:
        kicker += " · " + words("iap2_kicker", level=words(f"iap2.{level}"))
    state = question.state
    page = QuestionPage(
        n=n,
        id=question.id,
        kicker=kicker,
        prompt=words.text(question.definition.prompt),
        voters=voters_line(results, words),
        state=words(f"state.{state}") if state in ("open", "draft") else None,
        results=results_table(question, words),
        method=(words("method"), method_note(question, words)),
    )
    if question.other_methods:
        page.blocks.append(other_methods(question, words))
    if results.compare:
        page.blocks.append(compare_section(question, results.compare, doc.questions, words))
    for breakdown in question.breakdowns or []:
        page.blocks.append(breakdown_section(question, breakdown, doc.questions, words))
    if question.sites:
        page.blocks.append(sites_section(question, question.sites, words))
    return page


def voters_line(results: Results, words: Words) -> str:
    return words(
        "voters_line",
        n=results.voters,
        eligible=results.eligible,
        tables=results.tables_reporting,
        total=results.tables_total,
    )


def results_table(question: Question, words: Words) -> list[Item]:
    results = question.results
    if question.kind == "scale":
        return scale_table(question, words)
    if results.targets:
        return targets_table(results, words)
    if results.funded is not UNSET:
        return budget_table(question, words)
    head = [words("rank"), words("option"), words(charts.unit_of(question)), words("share")]
    rows = [
        [words.number(r.rank), words.text(r.label), words.number(r.score), words.percent(r.share)]
        for r in results.ranking or []
    ]
    return [grid(head, rows, (9, 61, 16, 14), (0, 2, 3))]


def budget_table(question: Question, words: Words) -> list[Item]:
    results = question.results
    costs = costs_of(question.definition)
    funded = results.funded or []
    ranking = results.ranking or []
    keys = ("rank", "option", "unit.approvals", "share", "cost", "funded")
    rows = [
        [words.number(r.rank), words.text(r.label), words.number(r.score),
         words.percent(r.share), words.number(costs.get(r.option, 0)),
         words("funded") if r.option in funded else "–"]
        for r in ranking
    ]  # fmt: skip
    strong = ["strong" if r.option in funded else "off" for r in ranking]
    line = words("budget_line", n=len(funded), spent=results.spent, budget=results.budget)
    widths = (8, 40, 13, 11, 16, 12)
    shown = grid([words(k) for k in keys], rows, widths, (0, 2, 3, 4), row_classes=strong)
    return [shown, Para(line)]


def targets_table(results: Results, words: Words) -> list[Item]:
    targets, gaps = results.targets or {}, results.gaps or {}
    head = [words(k) for k in ("option", "unit.voters", "in_room", "target", "gap")]
    rows = []
    for r in results.ranking or []:
        target = targets.get(r.option)
        gap = gaps.get(r.option)
        rows.append([
            words.text(r.label), words.number(r.score), words.percent(r.share),
            words.percent(target) if target is not None else "–",
            words.points(gap) if gap is not None else "–",
        ])  # fmt: skip
    shown = grid(head, rows, (44, 12, 15, 14, 15), (1, 2, 3, 4))
    return [shown, Para(words("targets_hint"), "small muted")]


def scale_table(question: Question, words: Words) -> list[Item]:
    results = question.results
    labels = scale_labels(question.definition)
    voters = results.voters
    head = [words("value"), "", words("unit.voters"), words("share")]
    rows = [
        [words.digits(value), words.text(labels[value]) if value in labels else "",
         words.number(count), words.percent(count / voters) if voters else "–"]
        for value, count in (results.histogram or {}).items()
    ]  # fmt: skip
    summary = words("no_answers")
    if results.mean is not None and results.mean is not UNSET:
        summary = words("results.mean_median", mean=results.mean, median=results.median)
    return [grid(head, rows, (10, 50, 20, 20), (0, 2, 3)), Para(summary)]


def method_note(question: Question, words: Words) -> str:
    """How the question was counted, in a sentence."""
    definition, method = question.definition, question.results.method
    if isinstance(definition, RankedQuestion):
        max_rank = definition.max_rank or len(options_of(definition))
        return words(f"about.{method}", max=max_rank)
    most, least = 0, 0
    if isinstance(definition, MultipleQuestion):
        most = definition.max_choices or 0
    elif isinstance(definition, ScaleQuestion):
        most, least = definition.max, definition.min
    points = definition.points if isinstance(definition, PointsQuestion) else 0
    budget = definition.budget if isinstance(definition, BudgetQuestion) else 0
    return words(f"about.{question.kind}", max=most, min=least, points=points, budget=budget)


# themes, ideas and the ledger


def closing(doc: Doc, words: Words) -> dict[str, Any]:
    ideas, themes = doc.ideas, doc.themes
    ledger = doc.ledger
    tables = len({i.table for i in ideas})
    # the command is set in code inside the sentence: the sentence is cut around it
    before, _, after = words("verify", command="\0").partition("\0")
    return {
        "ideas": words("ideas_count", n=len(ideas), tables=tables, themes=len(themes)),
        "themes": [
            (
                words.text(theme.label),
                words("theme_line", tables=theme.tables, ideas=theme.idea_count),
                theme.sample,
            )
            for theme in themes
        ],
        "entries": words.number(ledger.count),
        "digest": ledger.digest,
        "audit": audit_line(doc, words),
        "verify": (before, VERIFY_COMMAND, after),
    }


def audit_line(doc: Doc, words: Words) -> Para:
    """Whether the live tallies matched a recount of the ledger, when audited."""
    audit = doc.audit
    if audit.ok:
        return Para(words("audit_ok"))
    wrong = [q.question for q in audit.questions if not q.match]
    return Para(words("audit_failed", ids=", ".join(wrong)), "note warning")
