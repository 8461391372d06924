"""The simplest baseline beside the engine, computed here and not by the server: TF-IDF
over PyThaiNLP words (newmm, without PyThaiNLP's Thai stop words and one-letter words),
no meaning, no theme names. This is the floor measured in FACTS.md (grouping into 7 on the
Phayao set: adjusted Rand index 0.17).

- **Online**: each idea, as it arrives, is suggested the themes of the ideas already
  filed, ranked by the nearest filed idea of each theme (cosine of TF-IDF rows, the
  vocabulary and weights fitted on the ideas arrived so far). Ties (no shared word) keep
  the order the themes were made in.
- **Groupings**: average linkage over cosine distances of TF-IDF rows, cut at `k`
  groups, or without `k` at the cut with the best silhouette (as the engine picks its k).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from functools import cache

import numpy as np

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")  # never write ~/pythainlp-data


@cache
def _stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    return frozenset(thai_stopwords())


@cache
def words(text: str) -> tuple[str, ...]:
    """The text's words: newmm segments of two characters or more that hold a letter or
    digit and are not stop words, lower-cased."""
    from pythainlp.tokenize import word_tokenize

    stop = _stopwords()
    found = (t.strip().lower() for t in word_tokenize(text, engine="newmm"))
    return tuple(
        w
        for w in found
        if len(w) > 1 and w not in stop and any(unicodedata.category(c)[0] in "LN" for c in w)
    )


def tfidf(texts: Sequence[str]) -> np.ndarray:
    """Unit rows of TF-IDF (smoothed idf, as scikit-learn's default) over the texts' words."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=words)
    rows = vectorizer.fit_transform(list(texts)).toarray()
    return rows.astype(np.float64)


def rank_online(texts: Sequence[str], filed: Sequence[str | None]) -> list[list[str]]:
    """For idea i (texts in arrival order), the themes of ideas 0..i-1 (`filed[j]`: the
    theme idea j went to, None for none), best first."""
    ranked: list[list[str]] = []
    for i in range(len(texts)):
        made = list(dict.fromkeys(t for t in filed[:i] if t is not None))
        if not made:
            ranked.append([])
            continue
        rows = tfidf(texts[: i + 1])
        sims = rows[:i] @ rows[i]
        best = {theme: -1.0 for theme in made}
        for j, theme in enumerate(filed[:i]):
            if theme is not None:
                best[theme] = max(best[theme], float(sims[j]))
        order = sorted(range(len(made)), key=lambda n: (-best[made[n]], n))
        ranked.append([made[n] for n in order])
    return ranked


def groups(texts: Sequence[str], k: int | None = None) -> np.ndarray:
    """A group number for each text (average linkage; k groups, or the best silhouette)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.metrics import silhouette_score

    if len(texts) < 3:
        return np.arange(len(texts))
    rows = tfidf(texts)
    distances = np.clip(1.0 - rows @ rows.T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    tree = linkage(squareform(distances, checks=False), method="average")
    if k:
        return fcluster(tree, t=min(k, len(texts)), criterion="maxclust")
    best, best_score = fcluster(tree, t=2, criterion="maxclust"), -2.0
    for n in range(2, min(40, len(texts) // 2) + 1):
        labels = fcluster(tree, t=n, criterion="maxclust")
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(distances, labels, metric="precomputed"))
        if score > best_score:
            best, best_score = labels, score
    return best
