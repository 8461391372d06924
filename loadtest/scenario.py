"""The meeting a run simulates: a scenario file scaled to N phones and T table tablets.

    scenario file --scale--> meeting body (tables, seats, sites) + who sits where
    question --answer()--> a valid answer (skewed, so rankings differ)
    question, answer --contribution()--> what it adds to the tally (our own model, for the
    books: written from PROTOCOL.md, not imported from the server)

Each table has one tablet (its facilitator) and `tablet_seats` seats voted from the tablet
(people without a phone); the other seats are phones. With no tablets, tables of ten.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_SEATS = 50  # the server's limit per table
PHONES_PER_TABLE = 10  # with no tablets


def load(path: Path | None) -> dict[str, Any]:
    """A scenario file; the Phayao forum shipped with the server by default."""
    if path is not None:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    from prachakhom.cli.demo import scenario

    return scenario()


@dataclass
class Layout:
    """Who sits where: phones by (table, seat), tablet-voted seats per table."""

    tables: int
    seats: int
    phones: list[tuple[int, int]] = field(default_factory=list)
    tablet_seats: dict[int, list[int]] = field(default_factory=dict)

    @property
    def voters(self) -> int:
        return len(self.phones) + sum(len(s) for s in self.tablet_seats.values())


def layout(participants: int, tablets: int, tablet_seats: int) -> Layout:
    if participants < 0 or tablets < 0 or tablet_seats < 0:
        raise ValueError("participants, tablets and tablet seats cannot be negative")
    if tablets == 0:
        tablet_seats = 0
    tables = tablets or max(1, math.ceil(participants / PHONES_PER_TABLE))
    phones_per_table = math.ceil(participants / tables) if participants else 0
    seats = max(1, phones_per_table + tablet_seats)
    if seats > MAX_SEATS:
        raise ValueError(
            f"{participants} phones over {tables} tables need {seats} seats a table; the server "
            f"allows {MAX_SEATS}: add tablets (tables)"
        )
    plan = Layout(tables=tables, seats=seats)
    for i in range(participants):  # round robin: tables fill evenly
        table = i % tables + 1
        plan.phones.append((table, i // tables + 1))
    if tablets:
        plan.tablet_seats = {
            t: list(range(phones_per_table + 1, phones_per_table + tablet_seats + 1))
            for t in range(1, tables + 1)
        }
    return plan


def meeting_body(data: dict[str, Any], plan: Layout) -> dict[str, Any]:
    """POST /api/meetings body: the scenario's meeting with tables scaled, sites kept in
    proportion, and its questions."""
    meeting = dict(data["meeting"])
    meeting["tables"] = {"count": plan.tables, "seats": plan.seats}
    meeting["seat_codes"] = True
    sites = meeting.get("sites") or []
    total = sum(s["tables"] for s in sites if isinstance(s.get("tables"), int))
    if sites and total:
        scaled, given = [], 0
        for i, site in enumerate(sites):
            share = (
                plan.tables - given
                if i == len(sites) - 1
                else round(site["tables"] * plan.tables / total)
            )
            share = max(0, min(share, plan.tables - given))
            scaled.append(site | {"tables": share})
            given += share
        meeting["sites"] = scaled
    return meeting | {"questions": data["questions"]}


def agenda(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(demographic questions, the questions voted one after another)."""
    questions = data["questions"]
    demographics = [q for q in questions if q["kind"] == "demographic"]
    votes = [q for q in questions if q["kind"] != "demographic"]
    return demographics, votes


# --- answers -------------------------------------------------------------------------------


def _options(question: dict[str, Any]) -> list[str]:
    return [o["id"] for o in question.get("options", [])]


def _skewed(options: list[str], rng: random.Random) -> list[str]:
    """The options in a random order biased towards the first ones (a clear ranking):
    weighted sampling without replacement (Efraimidis-Spirakis), weight 1/(place+1)."""
    keyed = [(rng.random() ** (i + 1), option) for i, option in enumerate(options)]
    return [option for _, option in sorted(keyed, reverse=True)]


def answer(question: dict[str, Any], rng: random.Random) -> Any:
    kind = question["kind"]
    options = _options(question)
    if kind in ("single", "demographic"):
        return _skewed(options, rng)[0]
    if kind == "multiple":
        most = int(question.get("max_choices", 1))
        return _skewed(options, rng)[: rng.randint(1, min(most, len(options)))]
    if kind == "ranked":
        most = int(question.get("max_rank", len(options)))
        return _skewed(options, rng)[: rng.randint(1, min(most, len(options)))]
    if kind == "points":
        total = rng.randint(1, int(question["points"]))
        given: dict[str, int] = {}
        for _ in range(total):
            option = _skewed(options, rng)[0]
            given[option] = given.get(option, 0) + 1
        return given
    if kind == "scale":
        lo, hi = int(question["min"]), int(question["max"])
        return min(hi, max(lo, round(rng.triangular(lo, hi, hi - (hi - lo) / 4))))
    if kind == "budget":
        left, costs, chosen = int(question["budget"]), question["costs"], []
        for option in _skewed(options, rng):
            if costs[option] <= left and (not chosen or rng.random() < 0.7):
                chosen.append(option)
                left -= costs[option]
        return chosen
    raise ValueError(f"the load generator cannot answer a {kind!r} question")


def another_answer(question: dict[str, Any], previous: Any, rng: random.Random) -> Any:
    """A changed mind: a different answer where the question allows one."""
    for _ in range(20):
        new = answer(question, rng)
        if new != previous:
            return new
    return new


def contribution(question: dict[str, Any], given: Any) -> dict[str, int]:
    """What one ballot adds to the live tally (PROTOCOL.md, Question kinds)."""
    kind = question["kind"]
    if kind in ("single", "demographic"):
        return {given: 1}
    if kind in ("multiple", "budget"):
        return dict.fromkeys(given, 1)
    if kind == "ranked":
        most = int(question.get("max_rank", len(_options(question))))
        return {option: most - place for place, option in enumerate(given)}
    if kind == "points":
        return {k: v for k, v in given.items() if v}
    if kind == "scale":
        return {str(given): 1}
    raise ValueError(kind)


def vote_delay(rng: random.Random, burst_seconds: float) -> float:
    """When a person votes after the question opens: most in the first seconds, a tail.

    Gamma(2, burst/5): mean 0.4 x burst, about 95 % within the burst, capped at 2 x burst.
    """
    if burst_seconds <= 0:
        return 0.0
    return min(rng.gammavariate(2.0, burst_seconds / 5.0), 2 * burst_seconds)
