"""The figures of a run, from what the Recorder, the books and the process sampler kept.

A mixin of Run: vote-to-screen latency (exact from the ledger), when each screen was
final, per-round and sustained figures, the headline fractions, Redis time per ballot,
resources per phase, and the issue's targets beside them.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from .metrics import stats_delta, summary_ms, usec_per

if TYPE_CHECKING:
    from .books import Books
    from .clients import Agent, Pool
    from .metrics import ProcessSampler, Recorder
    from .run import Options
    from .target import Target


class Figures:
    opts: Options
    target: Target
    books: Books
    rec: Recorder
    sampler: ProcessSampler
    pool: Pool
    screens: list[Agent]
    bursts: list[dict[str, Any]]
    held: list[tuple[float, int]]
    phase_of: dict[str, str]
    cpu_voting: tuple[dict[str, float], dict[str, float]]
    profile: dict[str, Any] | None
    out: dict[str, Any]
    series: dict[str, Any]

    def ordinals(self, ledger: list[tuple[str, dict[str, Any]]] | None) -> dict[str, int]:
        """Each stored ballot's place among its question's counted changes (= the question's
        version once it is in). Exact from the ledger; else from the order of the acks."""
        place: dict[str, int] = {}
        counts: dict[str, int] = {}
        if ledger is not None:
            for _, entry in ledger:
                if entry.get("type") == "ballot":
                    counts[entry["q"]] = counts.get(entry["q"], 0) + 1
                    place[entry["id"]] = counts[entry["q"]]
            return place
        for b in sorted(self.books.stored_ballots(), key=lambda b: b.acked_at):
            counts[b.question] = counts.get(b.question, 0) + 1
            place[b.id] = counts[b.question]
        return place

    def screen_figures(self, burst: dict[str, Any], place: dict[str, int]) -> dict[str, Any]:
        """Vote-to-screen latency of one phase's ballots, and when each screen was final."""
        q, phase = burst["question"], burst["phase"]
        mine = [b for b in self.books.stored_ballots(q) if self.phase_of.get(b.id) == phase]
        k = np.array([place.get(b.id, 0) for b in mine], dtype=np.int64)
        t_ack = np.array([b.acked_at for b in mine], dtype=float)
        last_ack = float(t_ack.max()) if t_ack.size else burst["t_acked"]
        latencies, finals, never, early = [], [], 0, 0
        for screen in self.screens:
            times, versions = self.rec.first_seen(screen.name, q)
            if times.size == 0:
                never += len(mine)
                continue
            index = np.searchsorted(versions, k, side="left")
            seen = index < times.size
            never += int((~seen).sum())
            lat = times[index[seen]] - t_ack[seen]
            early += int((lat < 0).sum())
            latencies.append(np.maximum(lat, 0.0))
            final = np.searchsorted(versions, burst["final"], side="left")
            if final < times.size:
                finals.append(float(times[final]) - last_ack)
        joined = np.concatenate(latencies) if latencies else np.array([])
        return {
            "vote_to_screen_ms": summary_ms(joined),
            "vote_to_screen_samples": int(joined.size),
            "shown_before_ack": early,
            "never_shown": never,
            "screens_final": len(finals),
            "screen_final_ms_max": round(max(finals) * 1000, 1) if finals else None,
            "screen_final_ms_p50": round(float(np.median(finals)) * 1000, 1) if finals else None,
        }, joined

    def all_voted(self, burst: dict[str, Any]) -> float | None:
        """Seconds from the opening to the ack of the last voter's first ballot."""
        firsts = [
            b.acked_at
            for b in self.books.stored_ballots(burst["question"])
            if self.phase_of.get(b.id) == burst["phase"] and b.expect in ("counted", "either")
        ]
        return round(max(firsts) - burst["t_start"], 3) if firsts else None

    def figures(
        self,
        ledger: list[tuple[str, dict[str, Any]]] | None,
        t_votes: float,
        t_done: float,
        stats0: dict[str, Any],
        stats1: dict[str, Any],
        metrics0: dict[str, float],
        metrics1: dict[str, float],
    ) -> None:
        place = self.ordinals(ledger)
        t0 = self.rec.t0
        bursts, all_ack, all_screen, finals = [], [], [], []
        for burst in self.bursts:
            times, latencies = self.rec.replies_in(burst["phase"])
            took = (max(times) - burst["t_start"]) if times else 0.0
            screens, joined = self.screen_figures(burst, place)
            row = {
                "phase": burst["phase"],
                "question": burst["question"],
                "questions": burst.get("questions", 1),
                "kind": self.books.questions[burst["question"]]["kind"],
                "ballots": len(times),
                "seconds": round(took, 3),
                "ballots_per_s": round(len(times) / took, 1) if took else None,
                "peak_ballots_per_s": peak_rate(times),
                "all_voted_seconds": self.all_voted(burst),
                "ack_ms": summary_ms(latencies),
                **screens,
                "t_start": round(burst["t_start"] - t0, 3),
                "t_acked": round(burst["t_acked"] - t0, 3),
                "resources": self.sampler.between(burst["t_start"], burst["t_acked"]),
            }
            if burst["phase"] == "sustain":
                row["ballots_per_s"] = round(len(times) / burst["sustain"], 1)
                row["cpu_usec_per_ballot"] = burst["cpu_usec_per_ballot"]
                self.out["sustained"] = row
            else:
                bursts.append(row)
                all_ack += latencies
                all_screen.append(joined)
                if screens["screen_final_ms_max"] is not None:
                    finals.append(screens["screen_final_ms_max"])
        self.out["bursts"] = bursts
        self.out["bursts_all"] = {
            "ack_ms": summary_ms(all_ack),
            "vote_to_screen_ms": summary_ms(np.concatenate(all_screen) if all_screen else []),
            "screen_final_ms_max": max(finals) if finals else None,
            "vote_to_screen_exact": ledger is not None,
        }
        self.out["connections"]["held_max"] = max((h for _, h in self.held), default=0)
        self.out["connections"]["reconnects"] = summary_ms(self.pool.reconnects)

        echo = self.out.get("ceiling", {}).get("echo", {})
        sustained = self.out.get("sustained", {})
        ballots_s = sustained.get("ballots_per_s")
        echo_s = echo.get("sustained", {}).get("per_s")
        self.out["headline"] = {
            "ballots_per_s": ballots_s,
            "echo_per_s": echo_s,
            "fraction_of_echo": round(ballots_s / echo_s, 3) if ballots_s and echo_s else None,
            "burst_ballots_per_s_best": max(
                (b["ballots_per_s"] or 0 for b in bursts), default=None
            ),
            "burst_ack_p99_one_question_ms": single_question_p99(bursts),
            "echo_burst_per_s": echo.get("burst", {}).get("per_s"),
            # the stack's own floor under a burst: the same vote timing, nothing to do
            "echo_timed_burst_p99_ms": echo.get("timed_burst", {}).get("rtt_ms", {}).get("p99"),
        }
        # CPU per message is what a busy machine disturbs least: the fraction of the echo
        # rate that the ballot path would reach if both had a core to themselves
        ballot_us = sustained.get("cpu_usec_per_ballot", {}).get("server")
        echo_us = echo.get("sustained", {}).get("cpu_usec_per_message", {}).get("echo_server")
        self.out["headline"] |= {
            "server_cpu_usec_per_ballot": ballot_us,
            "echo_server_cpu_usec_per_message": echo_us,
            "cpu_fraction_of_echo": round(echo_us / ballot_us, 3)
            if ballot_us and echo_us
            else None,
        }
        if self.profile is not None:
            self.out["profile"] = self.profile

        delta = stats_delta(stats0, stats1)
        processed = sum(n for s, n in self.rec.statuses.items() if s != "error")
        evalsha = delta.get("evalsha", {"calls": 0.0, "usec": 0.0})
        waitaof = delta.get("waitaof", {"calls": 0.0, "usec": 0.0})
        batches = metrics1.get("prachakhom_commit_batch_size_count", 0) - metrics0.get(
            "prachakhom_commit_batch_size_count", 0
        )
        batched = metrics1.get("prachakhom_commit_batch_size_sum", 0) - metrics0.get(
            "prachakhom_commit_batch_size_sum", 0
        )
        commit_s = metrics1.get("prachakhom_commit_seconds_sum", 0) - metrics0.get(
            "prachakhom_commit_seconds_sum", 0
        )
        valkey_cpu = self.sampler.between(t_votes, t_done).get("valkey", {})
        per_ballot = usec_per(*self.cpu_voting, processed)
        self.out["redis"] = {
            "known": bool(self.target.redis_url),
            "ballots_processed": processed,
            "evalsha_calls": int(evalsha["calls"]),
            "evalsha_usec": int(evalsha["usec"]),
            "usec_per_ballot": round(evalsha["usec"] / processed, 2)
            if processed and evalsha["calls"]
            else None,
            "waitaof_calls": int(waitaof["calls"]),
            "group_commits": int(batches) or None,
            "group_commit_figures_from": "GET /metrics: one server process"
            if self.opts.workers > 1
            else "GET /metrics",
            "mean_batch": round(batched / batches, 1) if batches else None,
            "mean_commit_ms": round(commit_s / batches * 1000, 2) if batches else None,
            "valkey_cpu_mean_percent": valkey_cpu.get("cpu_mean"),
            "valkey_cpu_usec_per_ballot": per_ballot.get("valkey"),
            "commands": {k: v for k, v in sorted(delta.items(), key=lambda kv: -kv[1]["usec"])},
        }
        self.out["resources"] = {
            "cpu_usec_per_ballot_while_voting": per_ballot,
            "idle": self.sampler.between(t_votes - 2.5, t_votes),
            "bursts": self.sampler.between(t_votes, t_done),
            "server_processes": self.sampler.per_process("server"),
            "valkey_processes": self.sampler.per_process("valkey"),
        }
        self.out["errors"] = dict(self.pool.errors)
        self.out["statuses"] = dict(self.rec.statuses)
        others = [s.cpu.get("others", 0.0) for s in self.sampler.samples]
        self.out["machine"] = {
            "cores": os.cpu_count(),
            "load_avg": os.getloadavg(),
            "others_cpu": round(sum(others) / len(others), 1) if others else None,
            "others_cpu_max": max(others) if others else None,
            "note": self.opts.note
            or "others_cpu: % of one core used by processes that are not this run's (busy-ness)",
        }
        self.series = {
            "replies": self.rec.series(),
            "processes": self.sampler.series(t0),
            "held": {
                "t": [round(t - t0, 3) for t, _ in self.held],
                "held": [h for _, h in self.held],
            },
            "marks": [(round(t - t0, 3), label) for t, label in self.rec.marks],
        }


def peak_rate(times: list[float], window: float = 0.25) -> float | None:
    """The most replies in any `window` seconds (aligned buckets), per second."""
    if not times:
        return None
    buckets = np.floor((np.asarray(times) - min(times)) / window).astype(int)
    return round(float(np.bincount(buckets).max()) / window, 1)


def single_question_p99(bursts: list[dict[str, Any]]) -> float | None:
    """The target's burst is one question opened to the hall: the worst round's ack p99
    among rounds of one question (the demographic round asks three at once)."""
    p99s = [
        b["ack_ms"]["p99"] for b in bursts if b.get("questions", 1) == 1 and "p99" in b["ack_ms"]
    ]
    return max(p99s, default=None)


def targets(report_: dict[str, Any], opts: Options) -> list[dict[str, Any]]:
    """The issue's targets beside what this run measured (figures, not asserts)."""
    conns, bursts = report_.get("connections", {}), report_.get("bursts_all", {})
    head, redis = report_.get("headline", {}), report_.get("redis", {})
    wanted = conns.get("wanted", 0)
    books = report_.get("books", {})

    def row(name: str, target: str, measured: Any, met: bool | None) -> dict[str, Any]:
        return {"figure": name, "target": target, "measured": measured, "met": met}

    kib = conns.get("idle_kib_per_connection")
    p99 = head.get("burst_ack_p99_one_question_ms")
    final = bursts.get("screen_final_ms_max")
    fraction = head.get("fraction_of_echo")
    usec = redis.get("usec_per_ballot")
    return [
        row("connections held on one process", "5,000 + 500 + 20", conns.get("held_max"),
            conns.get("held_max", 0) >= wanted and opts.workers == 1 if wanted >= 5520 else None),
        row("idle KiB per connection", "<= 30", kib, None if kib is None else kib <= 30),
        row("burst ack p99 ms, worst one-question round", "<= 150", p99,
            None if p99 is None else p99 <= 150),
        row("  all rounds together", "",
            bursts.get("ack_ms", {}).get("p99"), None),
        row("  the echo's, same vote timing (the floor)", "", head.get("echo_timed_burst_p99_ms"),
            None),
        row("screen final after last ack ms", "<= 250", final,
            None if final is None else final <= 250),
        row("sustained ballots/s / echo", ">= 0.8", fraction,
            None if fraction is None else fraction >= 0.8),
        row("Redis usec per ballot", "<= 15", usec, None if usec is None else usec <= 15),
        row("lost or double-counted", "0", len(books.get("problems", [])), books.get("ok")),
    ]  # fmt: skip
