"""How far the theme engine's features can go on a labelled idea file: the ceiling
beside the online replay (`loadtest.themes`), measured without a server.

The online replay scores each idea against the themes filed *so far*. Its best case is
every other idea already filed under its right theme: leave-one-out. If the right theme
is not ranked first even then, more filing will not fix it; a better encoder would.

    engine      `engine.rank_themes` with every other idea filed under its tag and each
                theme's name as the team typed it (the server's own ranking)
    centre      nearest centre of the centred sentence vectors, other ideas only
    centre+name the same with the name's vector added to each centre (weight 3)
    names       the theme's name alone, nothing filed
    probe       a logistic regression trained on the other ideas (vectors and TF-IDF
                words side by side; the best of C in 0.3, 1, 10): what learning from the
                team's filing could reach with these features

    python -m loadtest.theme_ceiling [FILE] [--names NAMES] [--out ceiling.json]

The tags are read here, as the answer key; the engine never sees them.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from .theme_data import IdeaFile, load


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.maximum(np.linalg.norm(rows, axis=-1, keepdims=True), 1e-9)


def _hits(order: list[list[int]], truth: np.ndarray) -> dict[str, float]:
    top1 = np.mean([o[0] == t for o, t in zip(order, truth, strict=True)])
    top3 = np.mean([t in o[:3] for o, t in zip(order, truth, strict=True)])
    return {"top1": round(float(top1), 3), "top3": round(float(top3), 3)}


def measure(data: IdeaFile) -> dict[str, Any]:
    from prachakhom.themes import encoder, engine
    from prachakhom.themes.text import words

    tags = data.tags
    texts = [i.text for i in data.ideas]
    truth = np.array([tags.index(i.theme) for i in data.ideas])
    names = [data.name(t) for t in tags]
    started = time.perf_counter()
    vectors = encoder.encode(texts)
    name_vectors = encoder.encode(names)
    idea_words = [words(t) for t in texts]
    name_words = [tuple(words(n)) for n in names]
    encode_s = time.perf_counter() - started
    n = len(texts)
    everyone = np.arange(n)
    centred = _unit(vectors - vectors.mean(axis=0))
    names_centred = _unit(name_vectors - vectors.mean(axis=0))

    def by_scores(scores: np.ndarray) -> list[int]:
        return [int(j) for j in np.argsort(-scores, kind="stable")]

    out: dict[str, Any] = {}
    ranked = []
    for i in range(n):
        rows = [r for r in range(n) if r != i] + [i]
        themes = [
            engine.Theme(
                tag,
                names[k],
                tuple(p for p, r in enumerate(rows[:-1]) if truth[r] == k),
                name_vectors[k],
                name_words[k],
            )
            for k, tag in enumerate(tags)
        ]
        board = engine.Board(
            [str(r) for r in rows], vectors[rows], [idea_words[r] for r in rows], themes
        )
        ranked.append(by_scores(engine.rank_themes(board, [n - 1])[0]))
    out["engine"] = _hits(ranked, truth)
    for label, weight in (("centre", 0.0), ("centre+name", 3.0)):
        ranked = []
        for i in range(n):
            others = everyone != i
            centres = np.vstack(
                [
                    centred[others & (truth == k)].sum(axis=0) + weight * names_centred[k]
                    for k in range(len(tags))
                ]
            )
            ranked.append(by_scores(_unit(centres) @ centred[i]))
        out[label] = _hits(ranked, truth)
    out["names"] = _hits([by_scores(names_centred @ centred[i]) for i in range(n)], truth)
    out["probe"] = _probe(centred, idea_words, truth)
    out["ideas"], out["themes"], out["encode_s"] = n, len(tags), round(encode_s, 2)
    return out


def _probe(centred: np.ndarray, idea_words: list[list[str]], truth: np.ndarray) -> dict[str, Any]:
    import warnings

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    features = np.hstack(
        [2 * centred, TfidfVectorizer(analyzer=lambda ws: ws).fit_transform(idea_words).toarray()]
    )
    best: dict[str, Any] = {"top1": 0.0}
    for c in (0.3, 1.0, 10.0):
        right = 0
        for i in range(len(truth)):
            others = np.arange(len(truth)) != i
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = LogisticRegression(C=c, max_iter=2000).fit(features[others], truth[others])
            right += int(model.predict(features[i : i + 1])[0] == truth[i])
        top1 = round(right / len(truth), 3)
        if top1 > best["top1"]:
            best = {"top1": top1, "c": c}
    return best


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m loadtest.theme_ceiling", description=__doc__.split("\n\n")[0]
    )
    p.add_argument("file", nargs="?", type=Path, help='{"ideas": [{"text", "theme"}], "names"?}')
    p.add_argument("--names", type=Path, help="a JSON map tag -> the theme's name")
    p.add_argument("--out", type=Path, default=Path("theme-ceiling.json"))
    args = p.parse_args(argv)
    data = load(args.file, args.names)
    figures = measure(data)
    print(
        f"{figures['ideas']} ideas, {figures['themes']} themes,"
        " leave-one-out (the rest filed right):"
    )
    for row in ("engine", "centre", "centre+name", "names"):
        print(f"  {row:<12} top-1 {figures[row]['top1']:.3f}  top-3 {figures[row]['top3']:.3f}")
    print(f"  {'probe':<12} top-1 {figures['probe']['top1']:.3f}  (C {figures['probe'].get('c')})")
    args.out.write_bytes(orjson.dumps({"file": data.path, **figures}, option=orjson.OPT_INDENT_2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
