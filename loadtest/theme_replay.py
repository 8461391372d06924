"""Replaying a labelled idea file as a theme team would, against a real server.

    online     one seed: a fresh meeting; the ideas in a random order, each from a random
               table's tablet; after its ack, wait for its `suggestions` event, note where
               its labelled theme stands among the suggested themes, file it there (the
               first time: make the theme under the team's name for it)
    groupings  the proposed groups of every idea of the meeting (the server's k, then
               k = the number of labelled themes): adjusted Rand index and seconds
    scale      N varied ideas in one meeting, then the proposed groups of them all: seconds

The baseline (theme_baseline) is computed beside each on the same order and ideas.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from . import theme_baseline as baseline
from .metrics import summary_ms
from .target import Target
from .theme_data import IdeaFile, Labelled, variations
from .theme_desk import Filing, Room, room, send_idea

now = time.perf_counter


@dataclass(slots=True)
class Step:
    """One idea of an online replay."""

    tag: str
    table: int
    idea: str | None
    offered: list[str]  # the suggested themes as tags, best first (at most three)
    new_theme: bool  # its theme did not exist yet: not scored
    rank: int | None  # 1..3; None: not among the suggested (or not scored)
    suggest_s: float | None  # ack -> suggestions event; None: none came in time
    ack_s: float
    baseline: list[str] | None = None  # the baseline's ranking, as tags


def shuffled(data: IdeaFile, seed: int) -> list[Labelled]:
    order = list(data.ideas)
    random.Random(seed).shuffle(order)
    return order


async def online(
    target: Target,
    data: IdeaFile,
    seed: int,
    *,
    tables: int = 10,
    timeout: float = 30.0,
    group: bool = True,
) -> tuple[list[Step], dict[str, Any]]:
    """One replay in a fresh meeting (then, with `group`, its proposed groups).
    Returns the steps and the meeting's facts."""
    rng = random.Random(seed * 7919)
    order = shuffled(data, seed)
    named = "names" if data.names else "tags"
    steps: list[Step] = []
    async with room(target, tables, f"seed {seed}, {named}") as hall:
        filing = Filing(hall.team, hall.meeting, data.name)
        for n, labelled in enumerate(order):
            table = rng.randrange(tables) + 1
            sent = await send_idea(hall.tablets[table - 1], f"s{seed}-{n}", labelled.text)
            step = Step(labelled.theme, table, sent.idea, [], False, None, None, sent.ack_s)
            steps.append(step)
            if sent.idea is None:
                continue
            step.new_theme = labelled.theme not in filing.theme_of
            found = await hall.desk.suggestion(sent.idea, timeout)
            if found is not None:
                step.suggest_s = max(0.0, found.t - sent.t_ack)
                tags = filing.tag_of()
                step.offered = [tags.get(t, "?") for t in found.themes]
                if not step.new_theme and labelled.theme in step.offered:
                    step.rank = step.offered.index(labelled.theme) + 1
            await filing.file(sent.idea, labelled.theme)
        ids = [s.idea for s in steps if s.idea is not None]
        facts: dict[str, Any] = {
            "meeting": hall.meeting,
            "themes_made": len(filing.theme_of),
            "filing_ms": summary_ms(filing.seconds),
        }
        if group:
            tags = [s.tag for s in steps if s.idea is not None]
            facts["groupings"] = await groupings(hall, ids, tags, len(data.tags))
    ranked = baseline.rank_online([i.text for i in order], [i.theme for i in order])
    for step, ranking in zip(steps, ranked, strict=True):
        step.baseline = ranking
    return steps, facts


def scores(steps: list[Step]) -> dict[str, Any]:
    """Top-1 and top-3 shares over the scored ideas (their theme existed), engine and
    baseline; latencies; counts that add up to the ideas sent."""
    sent = [s for s in steps if s.idea is not None]
    scored = [s for s in sent if not s.new_theme and s.suggest_s is not None]
    base = [s for s in sent if not s.new_theme]

    def share(hits: int, n: int) -> float | None:
        return round(hits / n, 4) if n else None

    return {
        "ideas": len(steps),
        "refused": len(steps) - len(sent),
        "new_theme": sum(s.new_theme for s in sent),
        "no_suggestion": sum(s.suggest_s is None and not s.new_theme for s in sent),
        "scored": len(scored),
        "top1": share(sum(s.rank == 1 for s in scored), len(scored)),
        "top3": share(sum(s.rank is not None for s in scored), len(scored)),
        "baseline_top1": share(sum((s.baseline or [""])[0] == s.tag for s in base), len(base)),
        "baseline_top3": share(sum(s.tag in (s.baseline or [])[:3] for s in base), len(base)),
        "suggest_ms": summary_ms(s.suggest_s for s in sent if s.suggest_s is not None),
        "ack_ms": summary_ms(s.ack_s for s in sent),
    }


def ari(truth: list[str], groups: list[list[str]], ids: list[str]) -> float:
    from sklearn.metrics import adjusted_rand_score

    group_of = {idea: n for n, group in enumerate(groups) for idea in group}
    return round(float(adjusted_rand_score(truth, [group_of.get(i, -1) for i in ids])), 4)


async def propose(hall: Room, ids: list[str], count: int | None) -> tuple[float, list[list[str]]]:
    body: dict[str, Any] = {"ideas": ids} | ({"count": count} if count else {})
    started = now()
    answer = await hall.team.call("POST", f"/api/meetings/{hall.meeting}/themes/suggest", body)
    return now() - started, [g["ideas"] for g in answer["groups"]]


async def groupings(hall: Room, ids: list[str], tags: list[str], k: int) -> dict[str, Any]:
    """The server's proposed groups of every idea: its own k, then k given."""
    out: dict[str, Any] = {}
    for name, count in (("auto", None), ("k", k)):
        took, groups = await propose(hall, ids, count)
        out[name] = {
            "seconds": round(took, 3),
            "groups": len(groups),
            "ari": ari(tags, groups, ids),
            "sizes": sorted((len(g) for g in groups), reverse=True),
        }
    return out


def baseline_groupings(texts: list[str], tags: list[str], k: int) -> dict[str, Any]:
    from sklearn.metrics import adjusted_rand_score

    out = {}
    for name, count in (("auto", None), ("k", k)):
        started = now()
        labels = baseline.groups(texts, count)
        out[name] = {
            "seconds": round(now() - started, 3),
            "groups": len(set(labels.tolist())),
            "ari": round(float(adjusted_rand_score(tags, labels)), 4),
        }
    return out


async def scale(
    target: Target, data: IdeaFile, count: int, seed: int, *, tables: int = 50,
    timeout: float = 180.0,
) -> dict[str, Any]:  # fmt: skip
    """`count` varied ideas in one meeting, all encoded; then the proposed groups of them
    all, three times (the server's k, k given, the server's k again): seconds each."""
    rng = random.Random(seed)
    made = variations(data.ideas, count, rng)
    async with room(target, tables, f"{count} ideas") as hall:
        started = now()

        async def table(t: int) -> list[tuple[str | None, str]]:
            out = []
            for n in range(t, count, tables):
                sent = await send_idea(hall.tablets[t], f"v{n}", made[n].text)
                out.append((sent.idea, made[n].theme))
            return out

        per_table = await asyncio.gather(*(table(t) for t in range(tables)))
        acked = now()
        pairs = [(i, tag) for rows in per_table for i, tag in rows if i is not None]
        ids, tags = [i for i, _ in pairs], [tag for _, tag in pairs]
        encoded = await hall.desk.all_of(ids, timeout)
        last = max(
            (hall.desk.suggested[i].t for i in ids if i in hall.desk.suggested), default=acked
        )
        calls = []
        for name, k in (("auto", None), ("k", len(data.tags)), ("auto again", None)):
            took, groups = await propose(hall, ids, k)
            calls.append(
                {"call": name, "seconds": round(took, 3), "groups": len(groups),
                 "ari": ari(tags, groups, ids)}
            )  # fmt: skip
    return {
        "ideas": count,
        "acked": len(ids),
        "distinct_texts": len({m.text for m in made}),
        "send_seconds": round(acked - started, 2),
        "suggested": encoded,
        "all_suggested_seconds": round(last - started, 2),
        "calls": calls,
        "seconds_max": max(c["seconds"] for c in calls),
    }


def steps_json(steps: list[Step]) -> list[dict[str, Any]]:
    return [
        asdict(s) | {"suggest_s": None if s.suggest_s is None else round(s.suggest_s, 4),
                     "ack_s": round(s.ack_s, 4)}
        for s in steps
    ]  # fmt: skip


def mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(float(np.mean(known)), 4) if known else None
