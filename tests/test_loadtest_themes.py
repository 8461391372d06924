"""The theme benchmark (`python -m loadtest.themes`) inside the suite, on a small slice of
the Phayao ideas against the test fixtures' real server: its figures are computed, in
range, and add up. The scores and latencies themselves are not judged here."""

from __future__ import annotations

import io
import json
from pathlib import Path

from loadtest import theme_data, themes
from loadtest.target import Target
from loadtest.theme_hall import HallOptions
from rich.console import Console

from prachakhom.store.embedded import Embedded

from .conftest import ADMIN, Running


def two_of_each_theme() -> theme_data.IdeaFile:
    data = theme_data.load()
    chosen: list[theme_data.Labelled] = []
    for tag in data.tags:
        chosen += [i for i in data.ideas if i.theme == tag][:2]
    return theme_data.IdeaFile(data.path, chosen, data.names)


def share(value: object) -> bool:
    return isinstance(value, float) and 0.0 <= value <= 1.0


async def test_replay_scores_groupings_and_scale_add_up(server: Running, tmp_path: Path) -> None:
    data = two_of_each_theme()
    settings = themes.Settings(seeds=1, tables=3, scale=30, timeout=60.0, out=tmp_path)
    target = Target(base_url=server.base, admin_token=ADMIN)

    body = await themes.measure(target, data, settings, Console(file=io.StringIO()))

    for variant in ("names", "tags"):  # the team's names, then the tags as names
        p = body["online"][variant]["pooled"]
        assert p["ideas"] == 14 and p["refused"] == 0
        assert p["new_theme"] == 7  # the first idea of each theme is not scored
        assert p["scored"] + p["new_theme"] + p["no_suggestion"] == 14
        assert p["no_suggestion"] == 0 and p["suggest_ms"]["n"] == 14  # every idea got some
        for key in ("top1", "top3", "baseline_top1", "baseline_top3"):
            assert share(p[key]), (key, p[key])
        assert p["top1"] <= p["top3"] and p["baseline_top1"] <= p["baseline_top3"]
        (seed,) = body["online"][variant]["seeds"]
        assert seed["themes_made"] == 7 and len(seed["steps"]) == 14
        assert all(s["rank"] in (None, 1, 2, 3) for s in seed["steps"])
    groupings = body["online"]["groupings"]
    for side in ("engine", "baseline"):
        for cut in ("auto", "k"):
            (ari,) = groupings[side][cut]["ari"]
            assert -1.0 <= ari <= 1.0
    assert groupings["engine"]["k"]["groups"] == [7]
    scale = body["scale"]
    assert scale["acked"] == scale["suggested"] == 30
    assert [c["call"] for c in scale["calls"]] == ["auto", "k", "auto again"]
    assert all(c["seconds"] > 0 for c in scale["calls"])
    written = json.loads((tmp_path / "themes.json").read_text(encoding="utf-8"))
    assert written["targets"] == body["targets"]
    assert {r["met"] for r in body["targets"]} <= {True, False, None}


async def test_a_small_hall_times_suggestions_and_bursts(
    server: Running, valkey: Embedded, tmp_path: Path
) -> None:
    hall = HallOptions(
        ideas=24, tablets=6, seconds=3.0, voters=30, screens=1, rounds_alone=1, rounds_with=1,
        burst_seconds=0.5, filers=2, think=0.1, timeout=60.0, progress=False,
    )  # fmt: skip
    settings = themes.Settings(seeds=0, scale=0, hall=True, hall_opts=hall, out=tmp_path)
    target = Target(base_url=server.base, admin_token=ADMIN, redis_url=valkey.tcp_url)

    body = await themes.measure(target, two_of_each_theme(), settings, Console(file=io.StringIO()))

    ideas = body["hall"]["ideas"]
    assert ideas["sent"] == ideas["acked"] == ideas["suggested"] == 24
    assert ideas["suggested_share"] == 1.0 and ideas["suggest_ms"]["n"] == 24
    assert 0 < ideas["filed"] <= 24 and ideas["themes_made"] >= 1
    rounds = body["hall"]["rounds"]
    assert [r["with_ideas"] for r in rounds] == [False, True, False]
    assert all(r["ack_ms"]["n"] > 0 for r in rounds)
    (export,) = body["hall"]["exports"]
    assert export["adds_up"]
    assert body["hall"]["books"]["ok"]
    assert body["hall"]["burst"]["ratio"] is not None


def test_the_ceiling_reads_the_answer_key_and_writes_its_figures(tmp_path: Path) -> None:
    """`loadtest.theme_ceiling` on the Phayao set: every ranking is far above the 1-in-7
    of chance (a broken encoder or a shuffled key lands near 0.14), and its JSON holds
    what it printed."""
    from loadtest import theme_ceiling

    out = tmp_path / "ceiling.json"
    assert theme_ceiling.main(["--out", str(out)]) == 0
    figures = json.loads(out.read_text())
    assert figures["ideas"] == 38 and figures["themes"] == 7
    for row in ("engine", "centre", "centre+name", "names"):
        assert 0.4 <= figures[row]["top1"] <= figures[row]["top3"] <= 1.0, row
    assert figures["engine"]["top3"] >= 0.8
