"""The sheets of results: a sheet per question, every question's rows in one table,
the breakdowns by group and by site. Pure: a document and a language in, `Table`s out."""

from __future__ import annotations

from typing import Any

from msgspec import UNSET

from prachakhom.core.question import Definition
from prachakhom.core.questions import text_in
from prachakhom.core.resulttypes import Comparison, Results
from prachakhom.report.model import QuestionRecord, costs_of, scale_labels, targets_of
from prachakhom.report.tables import (
    BREAKDOWN_KEYS,
    RESULT_KEYS,
    SCORED_KEYS,
    SITE_KEYS,
    Doc,
    Row,
    Table,
    label,
    make_table,
    method_name,
    present,
)

# --- results --------------------------------------------------------------------------


def scored(results: Results, definition: Definition, language: str) -> list[Row]:
    """One row per option (rank, option, label, score, share), or per value of a scale."""
    if results.histogram is not UNSET:
        return _scale_rows(results, results.histogram, definition, language)
    return [
        {
            "rank": r.rank,
            "option": r.option,
            "label": text_in(r.label, language),
            "score": r.score,
            "share": r.share,
        }
        for r in results.ranking or []
    ]


def _scale_rows(
    results: Results, histogram: dict[str, int], definition: Definition, language: str
) -> list[Row]:
    total = sum(histogram.values())
    labels = scale_labels(definition)
    return [
        {
            "option": int(value),
            "label": text_in(labels[value], language) if value in labels else None,
            "score": count,
            "share": round(count / total, 4) if total else 0.0,
            "mean": _set(results.mean),
            "median": _set(results.median),
        }
        for value, count in histogram.items()
    ]


def _set(value: Any) -> Any:
    """A field that may be unset, as None (an empty cell) when it is."""
    return None if value is UNSET else value


def question_rows(item: QuestionRecord, language: str) -> list[Row]:
    """The question's scored rows with the columns its kind adds."""
    results, definition = item.results, item.definition
    rows = scored(results, definition, language)
    for method, other in item.other_methods.items():
        ranks = {r.option: r.rank for r in other.ranking or []}
        for row in rows:
            row[f"rank_{method}"] = ranks.get(str(row["option"]))
    if item.kind == "budget":
        order = {o: i for i, o in enumerate(results.funded or [], start=1)}
        costs = costs_of(definition)
        for row in rows:
            row["cost"] = costs.get(str(row["option"]))
            row["funded"] = order.get(str(row["option"]))
    targets = targets_of(definition)
    if targets:
        gaps = results.gaps or {}
        for row in rows:
            row["target"] = targets.get(str(row["option"]))
            row["gap"] = gaps.get(str(row["option"]))
    if results.compare:
        _add_compare(rows, results.compare)
    return rows


def _add_compare(rows: list[Row], compare: Comparison) -> None:
    pre, shift = compare.pre, compare.shift.shares
    for row in rows:
        key = str(row["option"])
        row["pre_score"] = pre.counts.get(key)
        row["pre_share"] = pre.shares.get(key)
        row["shift"] = shift.get(key)


def question(item: QuestionRecord, language: str) -> Table:
    """A question's own sheet: its prompt and facts above, a row per option below."""
    rows = question_rows(item, language)
    keys = present(RESULT_KEYS[3:], rows)
    return make_table("question", item.id, keys, rows, language, _title(item, language))


def _title(item: QuestionRecord, language: str) -> tuple[str, ...]:
    results = item.results
    method = results.method

    def fact(key: str, value: Any) -> str:
        return f"{label(key, language)}: {value}"

    facts = [
        fact("question", item.id),
        fact("kind", item.kind),
        fact("method", method_name(method, language)),
        fact("voters", f"{results.voters:,} / {results.eligible:,}"),
        fact("status", item.state),
    ]
    level = item.definition.iap2_level
    if level:
        facts.append(fact("iap2_level", label(f"iap2.{level}", language)))
    if results.spent is not UNSET:
        facts.append(fact("spent", f"{results.spent:,} / {results.budget:,}"))
    compare = results.compare
    if compare:
        paired = compare.paired
        both = f"{label('paired', language)} {paired.voters}"
        line = f"{compare.pre_question} ({both}"
        if paired.wilcoxon and paired.wilcoxon.p_value is not None:
            line += f", Wilcoxon p = {paired.wilcoxon.p_value:.4g}"
        facts.append(fact("compared_with", line + ")"))
    return (text_in(item.definition.prompt, language), " · ".join(facts))


def results(doc: Doc, language: str) -> Table:
    """Every question's rows in one long table (the CSV export's results.csv)."""
    rows: list[Row] = []
    for item in doc.questions:
        head: Row = {"question": item.id, "kind": item.kind, "method": item.method}
        rows += [head | row for row in question_rows(item, language)]
    keys = present(RESULT_KEYS, rows) or ["question", "kind", "method", *SCORED_KEYS[:5]]
    return make_table("results", label("results", language), keys, rows, language)


def breakdowns(doc: Doc, language: str) -> Table:
    """One row per question × attribute × group × option; a suppressed group is one row
    that says so, with no numbers."""
    shown = label("is_shown", language)
    rows: list[Row] = []
    for item in doc.questions:
        for breakdown in item.breakdowns or []:
            hidden = label("suppressed", language).format(n=breakdown.min_group)
            for group in breakdown.groups:
                head: Row = {
                    "question": item.id,
                    "attribute": breakdown.attribute,
                    "group": group.group,
                    "group_label": text_in(group.label, language),
                }
                if group.suppressed or group.results is UNSET:
                    rows.append(head | {"shown": hidden})
                    continue
                head |= {"shown": shown, "voters": group.voters}
                rows += [head | r for r in scored(group.results, item.definition, language)]
    return make_table("breakdowns", label("breakdowns", language), BREAKDOWN_KEYS, rows, language)


def sites(doc: Doc, language: str) -> Table:
    rows: list[Row] = []
    for item in doc.questions:
        for site in item.sites or []:
            result = site.results
            head: Row = {
                "question": item.id,
                "site": site.site,
                "site_name": text_in(site.name, language),
                "eligible": site.eligible,
                "voters": result.voters,
                "tables_reporting": result.tables_reporting,
            }
            rows += [head | r for r in scored(result, item.definition, language)]
    keys = (*SITE_KEYS, *SCORED_KEYS)
    return make_table("sites", label("sites", language), keys, rows, language)
