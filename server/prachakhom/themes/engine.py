"""The theme team's engine, pure: where an idea belongs, which ideas make the same point,
and proposed groups of ideas with Thai names. No Redis, no asyncio: arrays in, ids out.

Every idea is a unit vector (the sentence encoder) and a list of words (PyThaiNLP).

- **Centred meaning.** All ideas of one forum share a topic ("health services in
  Phayao"), which lifts every cosine. The forum's mean vector is taken out (shrunk while
  there are few ideas) before ideas are compared with themes or grouped.
- **Where an idea belongs** (`rank_themes`): four signals per theme, each put on one
  scale across the themes (z-scores) and weighted: the theme's *name* as the team typed it
  (the strongest: measured on the Phayao set, names alone ranked the right theme first
  for 0.78 of ideas), the centre of its filed ideas, its three nearest filed ideas, and
  shared words (TF-IDF over the words of its ideas and its name). The weights are the
  best of those tried on that set (loadtest/README.md, "The theme engine"). Scores are a
  softmax over the themes: 0..1, summing to 1, best first.
- **Same point** (`similar`, `duplicate_groups`): plain cosine of the encoder's vectors,
  average linkage cut at `SAME_POINT` (close paraphrases measured 0.75–0.95 here; the most
  alike two different points of the Phayao set 0.70).
- **Proposed groups** (`propose_groups`): average linkage over centred meaning and
  words; without a count, the cut with the best silhouette. Each group is named from its
  key words (the words most particular to it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

SAME_POINT = 0.75
WEIGHTS = {"name": 2.0, "centre": 0.5, "nearest": 0.5, "words": 1.0}
MEAN_SHRINK = 10  # ideas before the forum's mean counts in full
WORDS_WEIGHT = 0.7  # words beside meaning when grouping
KS_MOST = 40  # the most groups proposed when the team does not say how many
SILHOUETTE_SAMPLE = 600  # ideas the silhouette of a cut is measured on
SOFTNESS = 2.0  # the softmax's temperature: a clear first place reads ~0.8, not 0.999


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    members: tuple[int, ...]  # rows of the board's ideas
    label_vector: np.ndarray
    label_words: tuple[str, ...]


@dataclass(frozen=True)
class Group:
    members: list[int]
    keywords: list[str]
    label: str


@dataclass
class Board:
    """One meeting's encoded ideas and its themes, as the engine sees them."""

    ids: list[str]
    vectors: np.ndarray  # (n, d) unit rows
    words: list[list[str]]
    themes: list[Theme] = field(default_factory=list)

    @cached_property
    def mean(self) -> np.ndarray:
        n = len(self.ids)
        if n == 0:
            return np.zeros(self.vectors.shape[1], dtype=np.float32)
        return self.vectors.mean(axis=0) * (n / (n + MEAN_SHRINK))

    def centred(self, vectors: np.ndarray) -> np.ndarray:
        shifted = vectors - self.mean
        return shifted / np.maximum(np.linalg.norm(shifted, axis=-1, keepdims=True), 1e-9)

    @cached_property
    def meaning(self) -> np.ndarray:
        return self.centred(self.vectors)

    @cached_property
    def _tfidf(self) -> tuple[sparse.csr_matrix, dict[str, int], np.ndarray]:
        """Rows of L2-normalised TF-IDF over the ideas' words (sparse: a hall's ideas
        use thousands of words, each idea a handful)."""
        vocabulary: dict[str, int] = {}
        for ws in [*self.words, *(t.label_words for t in self.themes)]:
            for w in ws:
                vocabulary.setdefault(w, len(vocabulary))
        columns, counts, starts = [], [], [0]
        for ws in self.words:
            for w, count in Counter(ws).items():
                columns.append(vocabulary[w])
                counts.append(count)
            starts.append(len(columns))
        cols = np.asarray(columns, dtype=np.int64)
        df = np.bincount(cols, minlength=len(vocabulary)).astype(np.float32)
        idf = np.log((1 + len(self.words)) / (1 + df)) + 1
        weights = np.asarray(counts, dtype=np.float32) * idf[cols]
        per_row = np.diff(starts)
        squares = np.append(weights**2, np.float32(0))  # an empty last row still has a start
        norms = np.sqrt(np.add.reduceat(squares, starts[:-1])) if self.words else squares[:0]
        norms = np.where(per_row > 0, norms, 1.0)  # an empty row's "sum" is not its own
        rows = sparse.csr_matrix(
            (weights / np.repeat(np.maximum(norms, 1e-9), per_row), cols, starts),
            shape=(len(self.words), len(vocabulary)),
        )
        return rows, vocabulary, idf

    def word_rows(self, rows: list[int] | None = None) -> sparse.csr_matrix:
        matrix = self._tfidf[0]
        return matrix if rows is None else matrix[rows]

    def words_vector(self, ws: tuple[str, ...] | list[str]) -> np.ndarray:
        _, vocabulary, idf = self._tfidf
        row = np.zeros(len(vocabulary), dtype=np.float32)
        for w, count in Counter(ws).items():
            if w in vocabulary:
                row[vocabulary[w]] = count * idf[vocabulary[w]]
        return row

    def word_sum(self, rows: list[int]) -> np.ndarray:
        return np.asarray(self.word_rows(rows).sum(axis=0)).ravel()


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    return rows / np.maximum(np.linalg.norm(rows, axis=-1, keepdims=True), 1e-9)


def _z(columns: np.ndarray) -> np.ndarray:
    """Each row on one scale across the themes."""
    if columns.shape[1] < 2:
        return np.zeros_like(columns)
    centred = columns - columns.mean(axis=1, keepdims=True)
    return centred / (columns.std(axis=1, keepdims=True) + 1e-6)


def rank_themes(board: Board, rows: list[int]) -> np.ndarray:
    """(len(rows), len(themes)) scores in 0..1, each row a softmax over the themes."""
    themes = board.themes
    if not themes or not rows:
        return np.zeros((len(rows), len(themes)), dtype=np.float32)
    meaning = board.meaning[rows]
    names = board.centred(np.vstack([t.label_vector for t in themes]))
    words = board.word_rows(rows)
    centres, word_docs = [], []
    nearest = np.zeros((len(rows), len(themes)), dtype=np.float32)
    for j, theme in enumerate(themes):
        members = [m for m in theme.members if m < len(board.ids)]
        if members:
            centre = board.meaning[members].mean(axis=0)
            sims = meaning @ board.meaning[members].T
            sims[np.equal.outer(rows, members)] = -1.0  # an idea is no evidence for itself
            top = np.sort(sims, axis=1)[:, ::-1][:, :3]
            nearest[:, j] = np.where(top > -1.0, top, 0.0).mean(axis=1)
        else:
            centre = names[j]
            nearest[:, j] = meaning @ names[j]
        centres.append(centre)
        doc = board.words_vector(theme.label_words) * 2
        if members:
            doc = doc + board.word_sum(members)
        word_docs.append(doc)
    combined = (
        WEIGHTS["name"] * _z(meaning @ names.T)
        + WEIGHTS["centre"] * _z(meaning @ _unit_rows(np.vstack(centres)).T)
        + WEIGHTS["nearest"] * _z(nearest)
        + WEIGHTS["words"] * _z(np.asarray(words @ _unit_rows(np.vstack(word_docs)).T))
    )
    combined = combined / SOFTNESS
    combined -= combined.max(axis=1, keepdims=True)
    odds = np.exp(combined)
    return odds / odds.sum(axis=1, keepdims=True)


def similar(board: Board, row: int, most: int = 10) -> list[tuple[int, float]]:
    """Ideas that make the same point as `row`, most alike first."""
    sims = board.vectors @ board.vectors[row]
    sims[row] = -1.0
    order = np.argsort(-sims)[:most]
    return [(int(i), float(sims[i])) for i in order if sims[i] >= SAME_POINT]


def duplicate_groups(board: Board) -> list[list[int]]:
    """Groups of two or more ideas making the same point, largest first."""
    if len(board.ids) < 2:
        return []
    labels = fcluster(
        _tree(board.vectors @ board.vectors.T), t=1.0 - SAME_POINT, criterion="distance"
    )
    groups: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        groups.setdefault(int(label), []).append(row)
    found = [g for g in groups.values() if len(g) > 1]
    return sorted(found, key=lambda g: (-len(g), g[0]))


def extend_duplicates(board: Board, groups: list[list[int]], new: list[int]) -> list[list[int]]:
    """`groups` with the `new` rows added: each joins the group of its most alike other
    idea when that says the same point. Cheaper than grouping again (one row of cosines
    per new idea); `duplicate_groups` redoes it all."""
    group_of = {m: n for n, g in enumerate(groups) for m in g}
    grown = [list(g) for g in groups]
    for row in new:
        sims = board.vectors @ board.vectors[row]
        sims[row] = -1.0
        best = int(np.argmax(sims)) if len(sims) > 1 else row
        if best == row or sims[best] < SAME_POINT:
            continue
        if best not in group_of:
            group_of[best] = len(grown)
            grown.append([best])
        if row not in group_of:
            group_of[row] = group_of[best]
            grown[group_of[best]].append(row)
    return sorted(grown, key=lambda g: (-len(g), g[0]))


def _tree(similarity: np.ndarray) -> np.ndarray:
    distances = np.clip(1.0 - similarity.astype(np.float64), 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    return linkage(squareform(distances, checks=False), method="average")


def _grouping_similarity(board: Board, rows: list[int]) -> np.ndarray:
    """Cosine of meaning and words side by side (each part a unit vector; an idea with
    no words has meaning only)."""
    meaning = board.meaning[rows]
    words = board.word_rows(rows)
    has_words = (np.asarray(words.getnnz(axis=1)) > 0).astype(np.float64)
    norms = np.sqrt(1.0 + WORDS_WEIGHT**2 * has_words)
    joint = meaning @ meaning.T + WORDS_WEIGHT**2 * np.asarray((words @ words.T).todense())
    return joint / np.outer(norms, norms)


def propose_groups(board: Board, rows: list[int], count: int | None = None) -> list[Group]:
    """Each of `rows` in exactly one proposed group, largest first, each with a name."""
    if not rows:
        return []
    if len(rows) < 3:
        labels = np.arange(1, len(rows) + 1) if count and count > 1 else np.ones(len(rows))
    else:
        similarity = _grouping_similarity(board, rows)
        labels = _best_cut(_tree(similarity), similarity, count)
    groups: dict[int, list[int]] = {}
    for row, label in zip(rows, labels, strict=True):
        groups.setdefault(int(label), []).append(row)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), g[0]))
    return [_named(board, g, rows) for g in ordered]


def _best_cut(tree: np.ndarray, similarity: np.ndarray, count: int | None) -> np.ndarray:
    if count:
        return fcluster(tree, t=min(count, len(similarity)), criterion="maxclust")
    from sklearn.metrics import silhouette_score

    distances = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    best, best_score = fcluster(tree, t=2, criterion="maxclust"), -2.0
    most = min(KS_MOST, len(similarity) // 2)
    for k in [*range(2, min(12, most) + 1), *range(14, most + 1, 3)]:
        labels = fcluster(tree, t=k, criterion="maxclust")
        if len(set(labels)) < 2:
            continue
        score = float(
            silhouette_score(
                distances,
                labels,
                metric="precomputed",
                sample_size=min(len(labels), SILHOUETTE_SAMPLE),
                random_state=0,
            )
        )
        if score > best_score:
            best, best_score = labels, score
    return best


def _named(board: Board, members: list[int], pool: list[int]) -> Group:
    """Key words: frequent in the group, rare outside it; the name joins the first two."""
    inside = Counter(w for m in members for w in set(board.words[m]))
    outside = Counter(w for m in pool if m not in set(members) for w in set(board.words[m]))
    rest = max(1, len(pool) - len(members))

    def particular(w: str) -> float:
        return inside[w] / len(members) - outside[w] / rest + 0.01 * len(w)

    keywords = sorted(inside, key=lambda w: (-particular(w), w))[:5]
    if not keywords:
        return Group(members, [], "")
    return Group(members, keywords, " ".join(keywords[:2]))


def representatives(board: Board, theme: Theme, most: int) -> list[int]:
    """The theme's ideas nearest its centre, one per distinct point."""
    members = [m for m in theme.members if m < len(board.ids)]
    if not members:
        return []
    centre = board.meaning[members].mean(axis=0)
    order = sorted(members, key=lambda m: -float(board.meaning[m] @ centre))
    chosen: list[int] = []
    for m in order:
        if all(float(board.vectors[m] @ board.vectors[c]) < SAME_POINT for c in chosen):
            chosen.append(m)
        if len(chosen) == most:
            break
    return chosen
