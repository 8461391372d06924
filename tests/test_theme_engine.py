"""The theme engine, pure, on the real sentence encoder and the Phayao ideas (their
`theme` tags are the answer key: only this test reads them). The figures asserted are
ones a broken engine cannot reach (chance is 1/7 for the first place of seven themes),
not exact scores; the benchmark (`python -m loadtest.themes`) measures the real ones."""

from __future__ import annotations

import functools
import json
import random
from importlib import resources

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from prachakhom.themes import encoder, engine
from prachakhom.themes.text import has_words, words

NAMES = {
    "emergency": "การแพทย์ฉุกเฉินและรถพยาบาล",
    "elderly": "การดูแลผู้สูงอายุ ผู้ป่วยติดเตียง",
    "chronic": "โรคเรื้อรัง เบาหวาน ความดัน",
    "mental": "สุขภาพจิต",
    "haze": "หมอกควันและฝุ่น PM2.5",
    "drugs": "ยาเสพติด",
    "access": "การเดินทางและการเข้าถึงโรงพยาบาล",
}


@pytest.fixture(scope="module")
def labelled() -> tuple[list[dict[str, str]], np.ndarray, list[list[str]]]:
    raw = resources.files("prachakhom").joinpath("data/phayao-ideas.json").read_text("utf-8")
    ideas = json.loads(raw)["ideas"]
    texts = [i["text"] for i in ideas]
    return ideas, encoder.encode(texts), [words(t) for t in texts]


@functools.cache
def _name_vectors() -> dict[str, np.ndarray]:
    return dict(zip(NAMES, encoder.encode(list(NAMES.values())), strict=True))


def board_of(labelled, filed: dict[str, list[int]]) -> engine.Board:  # type: ignore[no-untyped-def]
    ideas, vectors, ws = labelled
    names = list(filed)
    label_vectors = [_name_vectors()[n] for n in names]
    return engine.Board(
        ids=[str(i) for i in range(len(ideas))],
        vectors=vectors,
        words=ws,
        themes=[
            engine.Theme(n, NAMES[n], tuple(filed[n]), label_vectors[k], tuple(words(NAMES[n])))
            for k, n in enumerate(names)
        ],
    )


def test_words_are_thai_words_without_stop_words() -> None:
    found = words("รถพยาบาลมาถึงช้ามาก หมู่บ้านอยู่ไกลจากโรงพยาบาล")
    assert {"รถพยาบาล", "หมู่บ้าน", "โรงพยาบาล"} <= set(found)
    assert not {"จาก", "อยู่", "มาก", " "} & set(found)  # stop words and spaces
    assert words("Ambulance in our VILLAGE") == ["ambulance", "our", "village"]
    assert has_words("PM2.5 หนักมาก") and not has_words("🙏🙏 !!! 🚑") and not has_words("  ")


def test_online_suggestions_rank_the_teams_theme_high(labelled) -> None:  # type: ignore[no-untyped-def]
    """Ideas arrive in random order, each filed under its labelled theme after the engine
    ranked the themes that exist then."""
    ideas = labelled[0]
    first = third = scored = 0
    for seed in range(3):
        order = list(range(len(ideas)))
        random.Random(seed).shuffle(order)
        filed: dict[str, list[int]] = {}
        for row in order:
            tag = ideas[row]["theme"]
            if tag in filed:
                board = board_of(labelled, filed)
                (scores,) = engine.rank_themes(board, [row])
                assert scores.min() >= 0 and abs(float(scores.sum()) - 1) < 1e-4
                ranked = [board.themes[j].id for j in np.argsort(-scores)]
                scored += 1
                first += ranked[0] == tag
                third += tag in ranked[:3]
            filed.setdefault(tag, []).append(row)
    assert first / scored >= 0.6  # chance: 1/7 once all seven exist
    assert third / scored >= 0.85


def test_groups_agree_with_the_labels_far_above_chance(labelled) -> None:  # type: ignore[no-untyped-def]
    ideas = labelled[0]
    board = board_of(labelled, {})
    rows = list(range(len(ideas)))
    groups = engine.propose_groups(board, rows, count=7)
    assert sorted(m for g in groups for m in g.members) == rows  # each idea exactly once
    assert len(groups) == 7 and all(g.label and g.keywords for g in groups)
    predicted = {m: n for n, g in enumerate(groups) for m in g.members}
    ari = adjusted_rand_score([i["theme"] for i in ideas], [predicted[r] for r in rows])
    assert ari > 0.1  # random groups score about 0
    chosen = engine.propose_groups(board, rows)  # the engine picks the count
    assert 2 <= len(chosen) <= 19 and sorted(m for g in chosen for m in g.members) == rows


def test_the_same_point_is_gathered_and_different_points_are_not(labelled) -> None:  # type: ignore[no-untyped-def]
    ideas, vectors, ws = labelled
    again = [
        "รถพยาบาลมาช้า เพราะหมู่บ้านไกลโรงพยาบาล",  # idea 0, said again at another table
        "ฝุ่นPM2.5 เกินค่ามาตรฐาน ไม่มีหน้ากากอนามัยแจกชาวบ้าน",  # idea 24
    ]
    board = engine.Board(
        ids=[str(i) for i in range(len(ideas) + 2)],
        vectors=np.vstack([vectors, encoder.encode(again)]),
        words=[*ws, *(words(t) for t in again)],
    )
    n = len(ideas)
    groups = engine.duplicate_groups(board)
    assert sorted(map(sorted, groups)) == [[0, n], [24, n + 1]]
    assert [i for i, _ in engine.similar(board, n)] == [0]
    # the same groups when the two arrive after the rest were grouped
    assert engine.extend_duplicates(board, [], [n, n + 1]) == groups
    assert engine.similar(board, 5) == []  # an idea said once


def test_representatives_are_central_and_distinct(labelled) -> None:  # type: ignore[no-untyped-def]
    ideas = labelled[0]
    haze = [r for r, i in enumerate(ideas) if i["theme"] == "haze"]
    board = board_of(labelled, {"haze": haze})
    chosen = engine.representatives(board, board.themes[0], 3)
    assert len(chosen) == 3 and set(chosen) <= set(haze)


def test_vectors_survive_their_packing(labelled) -> None:  # type: ignore[no-untyped-def]
    vector = labelled[1][0]
    back = encoder.unpack(encoder.pack(vector))
    assert float(back @ vector) > 0.9999
    with pytest.raises(ValueError):
        encoder.unpack(encoder.pack(vector[:10]))
