"""Pure parts of the load test: the profile summary (shares of collapsed stacks) and the
burst figure the target reads."""

from __future__ import annotations

import gc

from loadtest import figures, profiling

from prachakhom.live.gctune import GC_THRESHOLDS, tuned_gc

COLLAPSED = "\n".join(
    [
        "main (prachakhom/cli.py:1);run (asyncio/runners.py:118) 50",
        "main (prachakhom/cli.py:1);run (asyncio/runners.py:118);send (uvicorn/ws.py:506) 30",
        "main (prachakhom/cli.py:1);receipt (prachakhom/ledger.py:43) 20",
        "a line that is not a stack",
    ]
)


def test_own_inclusive_and_layers_are_shares_of_all_samples() -> None:
    summary = profiling.summarize(COLLAPSED, top=5)
    assert summary["samples"] == 100
    assert summary["own_percent"] == [
        ("run (asyncio/runners.py:118)", 50.0),
        ("send (uvicorn/ws.py:506)", 30.0),
        ("receipt (prachakhom/ledger.py:43)", 20.0),
    ]
    # a frame under nearly every sample (main, 100 %) tells nothing and is left out
    assert summary["inclusive_percent"][0] == ("run (asyncio/runners.py:118)", 80.0)
    assert ("main (prachakhom/cli.py:1)", 100.0) not in summary["inclusive_percent"]
    assert dict(summary["layers_percent"]) == {"asyncio": 50.0, "uvicorn": 30.0, "prachakhom": 20.0}


def test_nothing_recorded_says_so() -> None:
    assert profiling.summarize("", top=5) == {"samples": 0}


def test_the_burst_target_reads_the_worst_one_question_round() -> None:
    def burst(p99: float | None, questions: int = 1) -> dict[str, object]:
        ack = {"n": 0} if p99 is None else {"n": 5000, "p99": p99}
        return {"ack_ms": ack, "questions": questions}

    rounds = [burst(650.0, questions=3), burst(72.9), burst(146.3), burst(None), burst(41.8)]
    assert figures.single_question_p99(rounds) == 146.3
    assert figures.single_question_p99([burst(650.0, questions=3)]) is None
    assert figures.single_question_p99([]) is None


def test_a_tuned_collector_nests_and_is_put_back_by_the_outermost_block() -> None:
    before = gc.get_threshold()
    with tuned_gc():
        frozen = gc.get_freeze_count()
        assert gc.get_threshold() == GC_THRESHOLDS and frozen > 0
        with tuned_gc():  # a load test around a server in the same process
            assert gc.get_threshold() == GC_THRESHOLDS
        # the inner block froze nothing more (objects frozen before may since be freed)
        assert gc.get_threshold() == GC_THRESHOLDS and gc.get_freeze_count() <= frozen
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
