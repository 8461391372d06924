"""The PDF's comparisons, pure: counting methods side by side, before and after
deliberation (with the Wilcoxon test in plain words), and results by group and by site.
Each is a `Block` of paragraphs and tables (layout.py) for the templates to lay out."""

from __future__ import annotations

from typing import Any

from msgspec import UNSET

from prachakhom.core.resulttypes import Breakdown, Comparison, RankedOption, Results, Wilcoxon
from prachakhom.report.labels import Words
from prachakhom.report.layout import Block, Grid, Item, Para, Question, grid
from prachakhom.report.model import SiteResults, options_of, scale_labels

GROUP_COLUMNS = 5  # shown groups per breakdown table: more are split into tables
TOP_OF_ORDER = 3  # ranks compared between counting methods
SIGNIFICANT = 0.05


# other counting methods (ranked)


def method_results(question: Question) -> dict[str, Results]:
    """The shown method first, then the others, each with its results."""
    shown: dict[str, Results] = {question.results.method: question.results}
    return shown | {method: results for method, results in question.other_methods.items()}


def top_of_order(ranking: list[RankedOption], ranks: int = TOP_OF_ORDER) -> list[list[str]]:
    """Option ids by rank, ties together: [["a"], ["b", "c"]] for ranks 1, 2, 2."""
    groups: dict[int, list[str]] = {}
    for row in ranking:
        if row.rank <= ranks:
            groups.setdefault(row.rank, []).append(row.option)
    return [sorted(groups[r]) for r in sorted(groups)]


def methods_verdict(by_method: dict[str, Results]) -> str:
    """'methods_agree', 'methods_same_winner' or 'methods_differ' (catalogue keys)."""
    orders = [top_of_order(r.ranking or []) for r in by_method.values()]
    winners = {tuple(o[0]) if o else () for o in orders}
    if len(winners) > 1:
        return "methods_differ"
    return "methods_agree" if all(o == orders[0] for o in orders) else "methods_same_winner"


def other_methods(question: Question, words: Words) -> Block:
    by_method = method_results(question)
    labels = {o.id: words.text(o.label) for o in options_of(question.definition)}

    def say(group: list[str]) -> str:
        return " = ".join(labels.get(o, o) for o in group)

    rows = []
    for method, results in by_method.items():
        order = top_of_order(results.ranking or [])
        name = words(f"results.method_name_{method}")
        if method == question.results.method:
            name += f" ({words('shown')})"
        rows.append([name, say(order[0]) if order else "–", " → ".join(say(g) for g in order)])
    head = [words("method"), words("winner"), words("order")]
    shown = grid(head, rows, (22, 30, 48))
    return Block(words("other_methods"), [shown, Para(words(methods_verdict(by_method)))])


# before and after


def compare_section(
    question: Question, compare: Comparison, questions: list[Question], words: Words
) -> Block:
    names = _value_names(question, compare, words)
    pre, post, shift = compare.pre, compare.post, compare.shift
    polls = [f"{words(k)} ({words('results.n_voters', n=poll.voters)})" for k, poll in
             (("results.pre", pre), ("results.post", post))]  # fmt: skip
    head = ["", *polls, words("change")]
    rows = [
        [names.get(key, key), words.percent(pre.shares.get(key, 0.0)),
         words.percent(share), words.points(shift.shares.get(key, 0.0))]
        for key, share in post.shares.items()
    ]  # fmt: skip
    foot = None
    if compare.kind == "scale" and _set(pre.mean) is not None and _set(post.mean) is not None:
        delta = _set(shift.mean) or 0.0
        foot = [words("mean"), words.number(_set(pre.mean) or 0.0),
                words.number(_set(post.mean) or 0.0),
                ("+" if delta > 0 else "") + words.number(delta)]  # fmt: skip
    items: list[Item] = []
    numbers = [q.id for q in questions]
    if compare.pre_question in numbers:
        n = numbers.index(compare.pre_question) + 1
        items.append(Para(words("compared_with", n=n), "muted"))
    items.append(grid(head, rows, (40, 20, 20, 20), (1, 2, 3), foot))
    items += [Para(s) for s in paired_words(compare, words, names)]
    return Block(words("compare"), items)


def _set(value: Any) -> Any:
    """A field that may be unset, as None when it is."""
    return None if value is UNSET else value


def _value_names(question: Question, compare: Comparison, words: Words) -> dict[str, str]:
    if question.kind == "scale":
        return {v: value_name(question, v, words) for v in compare.post.shares}
    return {o.id: words.text(o.label) for o in options_of(question.definition)}


def value_name(question: Question, value: str, words: Words) -> str:
    """A scale value with its label, if it has one: '5 – เห็นด้วยอย่างยิ่ง'."""
    labels = scale_labels(question.definition)
    label = f" – {words.text(labels[value])}" if value in labels else ""
    return words.digits(value) + label


def paired_words(compare: Comparison, words: Words, names: dict[str, str]) -> list[str]:
    """What the voters who answered both polls did, in plain sentences."""
    paired = compare.paired
    if not paired.voters:
        return []
    if compare.kind == "scale" and paired.wilcoxon is not UNSET:
        moved = words(
            "paired_scale", n=paired.voters, up=paired.up, down=paired.down, same=paired.same
        )
        return [moved, wilcoxon_words(paired.wilcoxon, words)]
    said = [words("paired_single", n=paired.voters, changed=paired.changed, same=paired.same)]
    for before, moves in (paired.transitions or {}).items():
        for after, n in moves.items():
            said.append(
                words("transition", before=names.get(before, before),
                      after=names.get(after, after), n=n)
            )  # fmt: skip
    return said


def wilcoxon_words(test: Wilcoxon, words: Words) -> str:
    """The signed-rank test in plain words: the p-value, the odds, and what they mean."""
    p = test.p_value
    if p is None:
        return words("wilcoxon_none")
    shown = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
    odds = words("odds", n=_rounded(1 / p)) if p < 0.5 else words("odds_often")
    said = words("wilcoxon", method=words(str(test.method)), p=words.digits(shown), odds=odds)
    if p < SIGNIFICANT:
        direction = words("up" if test.w_plus > test.w_minus else "down")
        return f"{said} {words('wilcoxon_real', direction=direction)}"
    return f"{said} {words('wilcoxon_chance')}"


def _rounded(value: float) -> int:
    """Two significant figures: 2048 -> 2000, 39.4 -> 39, 2.6 -> 3."""
    whole = max(1, round(value))
    digits = len(str(whole))
    return round(whole, -(digits - 2)) if digits > 2 else whole


# breakdowns by group and by site


def breakdown_section(
    question: Question, breakdown: Breakdown, questions: list[Question], words: Words
) -> Block:
    name = attribute_name(breakdown, questions, words)
    limit = breakdown.min_group
    shown = [(g.label, g.results) for g in breakdown.groups if not g.suppressed]
    hidden = [words.text(g.label) for g in breakdown.groups if g.suppressed]
    block = Block(words("by_group", name=name))
    if not shown:
        block.items.append(Para(words("all_suppressed", n=limit), "muted"))
        return block
    columns = [(words.text(label), r) for label, r in shown if r is not UNSET]
    block.items.extend(matrix(question, chunk, words) for chunk in _chunks(columns))
    if hidden:
        said = words("suppressed", n=limit, groups=", ".join(hidden))
        block.items.append(Para(said, "small muted"))
    if breakdown.not_grouped:
        block.items.append(Para(words("not_grouped", n=breakdown.not_grouped), "small muted"))
    return block


def attribute_name(breakdown: Breakdown, questions: list[Question], words: Words) -> str:
    """The prompt of the demographic question that sorts voters into these groups."""
    for question in questions:
        if question.id == breakdown.by:
            return words.text(question.definition.prompt)
    return breakdown.attribute


def sites_section(question: Question, sites: list[SiteResults], words: Words) -> Block:
    columns = [(words.text(s.name), s.results) for s in sites]
    tables: list[Item] = [matrix(question, chunk, words) for chunk in _chunks(columns)]
    return Block(words("by_site"), tables)


def _chunks(items: list[Any], size: int = GROUP_COLUMNS) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def matrix(question: Question, columns: list[tuple[str, Results]], words: Words) -> Grid:
    """Options (or scale values) down, groups across: each group's share of its own total."""
    head = ["", *(name for name, _ in columns)]
    rows = [[words("unit.voters"), *(words.number(r.voters) for _, r in columns)]]
    if question.kind == "scale":
        for value in question.results.histogram or {}:
            shares = [_scale_share(r, value, words) for _, r in columns]
            rows.append([value_name(question, value, words), *shares])
        rows.append([words("mean"), *(_maybe(_set(r.mean), words) for _, r in columns)])
        rows.append([words("median"), *(_maybe(_set(r.median), words) for _, r in columns)])
    else:
        for row in question.results.ranking or []:
            if not row.score:
                continue  # nobody chose it anywhere: the results table says so once
            shares = [_option_share(r, row.option, words) for _, r in columns]
            rows.append([words.text(row.label), *shares])
    rest = 60 / len(columns)
    return grid(head, rows, (40, *[rest] * len(columns)), range(1, len(head)))


def _scale_share(results: Results, value: str, words: Words) -> str:
    voters = results.voters
    return words.percent((results.histogram or {}).get(value, 0) / voters) if voters else "–"


def _option_share(results: Results, option: str, words: Words) -> str:
    for row in results.ranking or []:
        if row.option == option:
            return words.percent(row.share)
    return "–"


def _maybe(value: float | None, words: Words) -> str:
    return "–" if value is None else words.number(value)
