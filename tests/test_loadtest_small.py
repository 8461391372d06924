"""A small load test inside the suite: the books must balance (speed is not asserted here).

A few hundred sockets (phones and tablets, JSON and MessagePack, a few screens) against the
test fixtures' real server: the demographics and one question in a burst, with vote
changes, resends of the same id and dropped sockets, the organiser's audit and export taken
mid-round, then a short closed loop; the ledger, the audit and the results must match what
the clients sent, exactly.
"""

from __future__ import annotations

from pathlib import Path

from loadtest.run import Options, run
from loadtest.target import Target

from prachakhom.store.embedded import Embedded

from .conftest import ADMIN, Running


async def test_small_run_keeps_the_books(server: Running, valkey: Embedded, tmp_path: Path) -> None:
    opts = Options(
        participants=200,
        tablets=20,
        screens=3,
        tablet_seats=1,
        msgpack=0.5,
        burst_seconds=0.5,
        changes=0.15,
        resends=0.05,
        reconnects=0.05,
        questions=1,
        sustain=1.0,
        pause=0.1,
        ceiling="end",
        echo_seconds=0.3,
        out=tmp_path / "results",
        progress=False,
        seed=7,
        ack_timeout=20.0,
        organiser_reads=True,
    )
    target = Target(base_url=server.base, admin_token=ADMIN, redis_url=valkey.tcp_url)

    report = await run(opts, target)

    books = report["books"]
    assert books["problems"] == []
    assert books["ok"] and books["audit_ok"]
    assert books["unresolved"] == 0 and books["unexpected"] == {}
    assert books["ledger"]["checked"]
    assert books["ledger"]["entries"] == books["ballots_stored"] == books["ballots_in_ledger"]
    assert all(q["results_match"] and q["audit_match"] for q in books["questions"])
    # what happened is what the run meant to exercise
    assert books["outcomes"].get("replaced", 0) > 0  # changed minds and the closed loop
    assert books["resend_outcomes"].get("dup:counted", 0) > 0  # resends of the same id
    assert report["connections"]["reconnects"]["n"] > 0  # dropped sockets came back
    assert report["connections"]["failed"] == 0
    # the organiser's audit and export, taken in the middle of each round, added up
    reads = report["organiser_reads"]
    assert [r["phase"] for r in reads] == [b["phase"] for b in report["bursts"]]
    assert all(r["audit_ok"] and r["export_ok"] and r["ledger_entries"] > 0 for r in reads)
    assert report["connections"]["held_max"] == 223
    codecs = report["connections"]["codecs"]
    assert codecs["json"] > 0 and codecs["msgpack"] > 0
    assert not {code for code in report["errors"] if not code.startswith("rate_limited")}
    # figures were taken and written (their values are not judged here)
    assert report["bursts"] and report["sustained"]["ballots"] > 0
    # the demographics together, then the one question: the burst target reads the latter
    assert [b["questions"] for b in report["bursts"]] == [3, 1]
    one_question = report["bursts"][1]["ack_ms"]["p99"]
    assert report["headline"]["burst_ack_p99_one_question_ms"] == one_question
    assert report["ceiling"]["echo"]["sustained"]["messages"] > 0
    echo = report["ceiling"]["echo"]
    assert echo["timed_burst"]["messages"] == echo["connections"] == 200  # one per phone
    assert echo["timed_burst"]["seconds"] >= 0.1  # spread as votes are, not all at once
    assert report["headline"]["echo_timed_burst_p99_ms"] == echo["timed_burst"]["rtt_ms"]["p99"]
    assert report["ceiling"]["redis"]["pipelined_100"]["calls"] > 0
    assert report["redis"]["usec_per_ballot"] is not None
    for name in ("results.json", "series.json", "plot.png"):
        assert (tmp_path / "results" / name).stat().st_size > 0
