"""The profile summary of a load run (loadtest/profiling.py): shares of collapsed stacks."""

from __future__ import annotations

from loadtest import profiling

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
