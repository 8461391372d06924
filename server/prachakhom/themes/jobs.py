"""The theme engine's jobs, run in the worker pool (workers.py), never on the event loop.

Each job reads the meeting's ideas, themes and kept vectors from Redis itself, encodes
the ideas that have no vector yet (and keeps their vectors, so no process encodes an
idea twice, even after a restart), runs the pure engine, and returns a small answer.
A worker keeps the vectors it has read (they never change: an idea's text is fixed).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import msgspec
import numpy as np
import orjson
from msgspec import UNSET, UnsetType

from prachakhom.core.ideas import IdeaScore, IdeaSuggestions, ThemeScore
from prachakhom.themes import encoder, engine
from prachakhom.themes.filing import label_text
from prachakhom.themes.text import words
from prachakhom.workers import on_worker_loop, worker_store

TOP_THEMES = 3
TOP_SIMILAR = 3
MEETINGS_KEPT = 8

Kept = dict[str, tuple[np.ndarray, list[str]]]
_kept: OrderedDict[str, Kept] = OrderedDict()  # meeting -> idea id -> (vector, words)
_labels: dict[str, tuple[np.ndarray, tuple[str, ...]]] = {}
# meeting -> (the ideas grouped, how many at the last full grouping, groups of idea ids)
_dups: dict[str, tuple[frozenset[str], int, list[list[str]]]] = {}


# --- what the jobs answer (the OpenAPI components are generated from these) -------------


class Suggestions(msgspec.Struct):
    """Where one idea belongs: every theme ranked, and the ideas that make its point."""

    idea: str
    themes: list[ThemeScore]
    similar: list[IdeaScore]


class BoardIdea(msgspec.Struct):
    themes: list[ThemeScore]
    dup: int | UnsetType = UNSET  # its group of near-duplicates


class Duplicates(msgspec.Struct):
    id: int
    ideas: list[str]
    tables: int
    sites: list[str]


class Board(msgspec.Struct):
    """Suggestions and near-duplicates for every idea encoded so far."""

    ideas: dict[str, BoardIdea]
    duplicates: list[Duplicates]
    encoded: int
    ideas_total: int


class ProposedGroup(msgspec.Struct):
    label: str
    keywords: list[str]
    ideas: list[str]


class Groups(msgspec.Struct):
    """Proposed groups: each idea asked for in exactly one; nothing is stored."""

    groups: list[ProposedGroup]


def warm_encoder() -> None:
    """Load the encoder and the word segmenter in this worker before the first idea."""
    encoder.warm()
    words("โรงพยาบาล")


def encode_new(meeting_id: str, idea_ids: list[str]) -> dict[str, IdeaSuggestions]:
    """Encode newly arrived ideas; each one's suggestions (the `suggestions` event)."""
    return on_worker_loop(_encode_new(meeting_id, idea_ids))


def idea_suggestions(meeting_id: str, idea_id: str) -> dict[str, Any] | None:
    return on_worker_loop(_idea_suggestions(meeting_id, idea_id))


def board_suggestions(meeting_id: str) -> dict[str, Any]:
    return on_worker_loop(_board_suggestions(meeting_id))


def suggest_groups(meeting_id: str, idea_ids: list[str] | None, count: int | None) -> list[Any]:
    return on_worker_loop(_suggest_groups(meeting_id, idea_ids, count))


def theme_wall(meeting_id: str, quotes: int) -> list[dict[str, Any]]:
    return on_worker_loop(_theme_wall(meeting_id, quotes))


# --- the bodies --------------------------------------------------------------------------


async def _encode_new(meeting_id: str, idea_ids: list[str]) -> dict[str, IdeaSuggestions]:
    board, _, _ = await _board(meeting_id)
    where = {idea_id: row for row, idea_id in enumerate(board.ids)}
    rows = [where[i] for i in idea_ids if i in where]
    return {board.ids[r]: _suggestion(board, r, scores) for r, scores in _ranked(board, rows)}


async def _idea_suggestions(meeting_id: str, idea_id: str) -> dict[str, Any] | None:
    board, _, _ = await _board(meeting_id)
    if idea_id not in board.ids:
        return None
    row = board.ids.index(idea_id)
    (scores,) = engine.rank_themes(board, [row])
    order = np.argsort(-scores, kind="stable")
    return {
        "idea": idea_id,
        "themes": [
            {
                "theme": board.themes[j].id,
                "label": board.themes[j].label,
                "score": _round(scores[j]),
            }
            for j in order
        ],
        "similar": [
            {"idea": board.ids[i], "score": _round(s)} for i, s in engine.similar(board, row)
        ],
    }


async def _board_suggestions(meeting_id: str) -> dict[str, Any]:
    board, ideas, _ = await _board(meeting_id)
    groups = _duplicates(meeting_id, board)
    dup_of = {board.ids[m]: n + 1 for n, g in enumerate(groups) for m in g}
    by_id = {i["id"]: i for i in ideas}
    scores = engine.rank_themes(board, list(range(len(board.ids))))
    answer: dict[str, Any] = {}
    for row, idea_id in enumerate(board.ids):
        entry: dict[str, Any] = {"themes": _top_themes(board, scores[row]) if board.themes else []}
        if idea_id in dup_of:
            entry["dup"] = dup_of[idea_id]
        answer[idea_id] = entry
    duplicates = []
    for n, group in enumerate(groups):
        said = [by_id[board.ids[m]] for m in group]
        duplicates.append(
            {
                "id": n + 1,
                "ideas": [board.ids[m] for m in group],
                "tables": len({i.get("table") for i in said}),
                "sites": sorted({i["site"] for i in said if i.get("site")}),
            }
        )
    return {
        "ideas": answer,
        "duplicates": duplicates,
        "encoded": len(board.ids),
        "ideas_total": len(ideas),
    }


async def _suggest_groups(
    meeting_id: str, idea_ids: list[str] | None, count: int | None
) -> list[dict[str, Any]]:
    board, _, themes = await _board(meeting_id)
    if idea_ids is None:
        filed = {i for t in themes for i in t.get("ideas", [])}
        idea_ids = [i for i in board.ids if i not in filed]
    where = {idea_id: row for row, idea_id in enumerate(board.ids)}
    rows = [where[i] for i in idea_ids if i in where]
    return [
        {"label": g.label, "keywords": g.keywords, "ideas": [board.ids[m] for m in g.members]}
        for g in engine.propose_groups(board, rows, count)
    ]


async def _theme_wall(meeting_id: str, quotes: int) -> list[dict[str, Any]]:
    board, ideas, themes = await _board(meeting_id)
    by_id = {i["id"]: i for i in ideas}
    wall = []
    for theme, seen in zip(themes, board.themes, strict=True):
        said = [by_id[i] for i in theme.get("ideas", []) if i in by_id]
        chosen = engine.representatives(board, seen, quotes)
        wall.append(
            theme
            | {
                "tables": len({i.get("table") for i in said}),
                "sites": sorted({i["site"] for i in said if i.get("site")}),
                "quotes": [
                    {
                        "idea": board.ids[m],
                        "text": by_id[board.ids[m]]["text"],
                        "table": by_id[board.ids[m]].get("table"),
                    }
                    for m in chosen
                ],
            }
        )
    return wall


# --- the board ---------------------------------------------------------------------------


async def _board(
    meeting_id: str,
) -> tuple[engine.Board, list[dict[str, Any]], list[dict[str, Any]]]:
    """The engine's view of the meeting now: every idea encoded, every theme named."""
    store = worker_store()
    ideas = await store.ideas(meeting_id)
    themes = await store.themes(meeting_id)
    kept = _kept_for(meeting_id)
    await _fill(store, meeting_id, [i for i in ideas if i["id"] not in kept], kept)
    ids = [i["id"] for i in ideas]
    vectors = (
        np.vstack([kept[i][0] for i in ids])
        if ids
        else np.zeros((0, encoder.DIM), dtype=np.float32)
    )
    where = {idea_id: row for row, idea_id in enumerate(ids)}
    names = {t["id"]: label_text(t["label"]) for t in themes}
    labelled = _label_vectors(list(names.values()))
    board = engine.Board(
        ids=ids,
        vectors=vectors,
        words=[kept[i][1] for i in ids],
        themes=[
            engine.Theme(
                id=t["id"],
                label=names[t["id"]],
                members=tuple(where[i] for i in t.get("ideas", []) if i in where),
                label_vector=labelled[names[t["id"]]][0],
                label_words=labelled[names[t["id"]]][1],
            )
            for t in themes
        ],
    )
    return board, ideas, themes


def _duplicates(meeting_id: str, board: engine.Board) -> list[list[int]]:
    """Near-duplicate groups (rows of `board`), grouped anew when the ideas grew by a
    fifth since the last full grouping, else extended by the new ideas: a hall's 3,000
    ideas take about a second to group, and the board is asked for often."""
    where = {idea_id: row for row, idea_id in enumerate(board.ids)}
    known, full, kept = _dups.get(meeting_id, (frozenset(), 0, []))
    if not known or not known <= where.keys() or len(where) > full * 1.2 + 20:
        groups, full = engine.duplicate_groups(board), len(where)
    else:
        new = [row for idea_id, row in where.items() if idea_id not in known]
        groups = engine.extend_duplicates(board, [[where[i] for i in g] for g in kept], new)
    named = [[board.ids[m] for m in g] for g in groups]
    _dups[meeting_id] = (frozenset(where), full, named)
    return groups


def _kept_for(meeting_id: str) -> Kept:
    kept = _kept.pop(meeting_id, None) or {}
    _kept[meeting_id] = kept  # most recently used last
    while len(_kept) > MEETINGS_KEPT:
        _kept.popitem(last=False)
    return kept


async def _fill(store: Any, meeting_id: str, missing: list[dict[str, Any]], kept: Kept) -> None:
    """Vectors kept in Redis are read; ideas with none are encoded now, and kept."""
    if not missing:
        return
    stored = await store.idea_vectors(meeting_id, [i["id"] for i in missing])
    fresh = []
    for idea, raw in zip(missing, stored, strict=True):
        if raw is None:
            fresh.append(idea)
            continue
        record = orjson.loads(raw)
        kept[idea["id"]] = (encoder.unpack(record["v"]), record["w"])
    if not fresh:
        return
    vectors = encoder.encode([i["text"] for i in fresh])
    packed = {}
    for idea, vector in zip(fresh, vectors, strict=True):
        ws = words(idea["text"])
        kept[idea["id"]] = (encoder.unpack(encoder.pack(vector)), ws)  # as others read it
        packed[idea["id"]] = orjson.dumps({"v": encoder.pack(vector), "w": ws}).decode()
    await store.keep_vectors(meeting_id, packed)


def _label_vectors(labels: list[str]) -> dict[str, tuple[np.ndarray, tuple[str, ...]]]:
    new = [label for label in dict.fromkeys(labels) if label not in _labels]
    if new:
        if len(_labels) > 10_000:
            _labels.clear()
        for label, vector in zip(new, encoder.encode(new), strict=True):
            _labels[label] = (vector, tuple(words(label)))
    return {label: _labels[label] for label in labels}


def _ranked(board: engine.Board, rows: list[int]) -> list[tuple[int, np.ndarray]]:
    return list(zip(rows, engine.rank_themes(board, rows), strict=True))


def _suggestion(board: engine.Board, row: int, scores: np.ndarray) -> IdeaSuggestions:
    order = np.argsort(-scores, kind="stable")[:TOP_THEMES]
    return IdeaSuggestions(
        themes=[ThemeScore(board.themes[j].id, _round(scores[j])) for j in order],
        similar=[
            IdeaScore(board.ids[i], _round(s)) for i, s in engine.similar(board, row, TOP_SIMILAR)
        ],
    )


def _top_themes(board: engine.Board, scores: np.ndarray) -> list[dict[str, Any]]:
    order = np.argsort(-scores, kind="stable")[:TOP_THEMES]
    return [{"theme": board.themes[j].id, "score": _round(scores[j])} for j in order]


def _round(value: float) -> float:
    return round(float(value), 3)
