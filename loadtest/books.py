"""Checking the books: what the clients sent against what the server counted.

The generator knows every ballot it sent. A ballot is *stored* when its answer says so:
`counted`, `replaced`, or `duplicate` whose `first` is one of those (a resend after a
lost ack). Each voter sends one ballot at a time, so the voter's last stored ballot is
their current answer. From those answers the books compute every question's tally
(PROTOCOL.md's contributions) and voters, and compare them with:

  * GET /api/meetings/{m}/questions/{q}/results (ranking scores, or the histogram),
  * GET /api/meetings/{m}/audit (`ok`, each question's recount, ballots in the ledger),
  * the ledger itself when Redis can be read: every stored ballot exactly once, no other.

Any ballot left without an answer is asked again after its question closed: `duplicate`
means it was stored, `question_not_open` that it was not.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from . import scenario

STORED = ("counted", "replaced")


@dataclass(slots=True)
class Ballot:
    id: str
    question: str
    voter: str  # "<table>:<seat>", as the server names a seat
    answer: Any
    order: int  # send order: a voter's later ballot has a larger one
    expect: str  # counted | replaced | either (after a reconnect) | late (asked again)
    outcome: str = ""  # counted | replaced | dup:<first> | error:<code> | ""
    acked_at: float = 0.0


@dataclass
class Books:
    questions: dict[str, dict[str, Any]]
    ballots: dict[str, Ballot] = field(default_factory=dict)
    resends: list[tuple[str, str]] = field(default_factory=list)  # (id, outcome)
    unexpected: Counter[str] = field(default_factory=Counter)
    by_question: dict[str, list[Ballot]] = field(default_factory=dict)
    _order: int = 0

    def sent(self, ballot_id: str, question: str, voter: str, answer: Any, expect: str) -> None:
        self._order += 1
        ballot = Ballot(ballot_id, question, voter, answer, self._order, expect)
        self.ballots[ballot_id] = ballot
        self.by_question.setdefault(question, []).append(ballot)

    def answered(self, ballot_id: str, reply: dict[str, Any], t: float) -> str:
        """Record the answer to a ballot (the first one, or a resend's); returns the outcome."""
        ballot = self.ballots[ballot_id]
        if reply.get("type") == "error":
            outcome = f"error:{reply.get('code')}"
        elif reply.get("status") == "duplicate":
            outcome = f"dup:{reply.get('first', '')}"
        else:
            outcome = str(reply.get("status"))
        if ballot.outcome:  # a deliberate resend of an answered ballot
            self.resends.append((ballot_id, outcome))
            if outcome != f"dup:{ballot.outcome}" and outcome != ballot.outcome:
                self.unexpected[f"resend:{ballot.outcome}->{outcome}"] += 1
            return outcome
        ballot.outcome, ballot.acked_at = outcome, t
        expected = {
            "counted": ("counted",),
            "replaced": ("replaced",),
            "either": ("counted", "replaced", "dup:counted", "dup:replaced"),
            "late": ("dup:counted", "dup:replaced", "error:question_not_open"),
        }[ballot.expect]
        if outcome not in expected:
            self.unexpected[f"{ballot.expect}->{outcome}"] += 1
        return outcome

    @staticmethod
    def stored(ballot: Ballot) -> bool:
        return ballot.outcome in STORED or ballot.outcome.removeprefix("dup:") in STORED

    def unresolved(self) -> list[Ballot]:
        return [b for b in self.ballots.values() if not b.outcome]

    def stored_ballots(self, question: str | None = None) -> list[Ballot]:
        ballots = self.ballots.values() if question is None else self.by_question.get(question, [])
        return [b for b in ballots if self.stored(b)]

    def expected(self, question_id: str) -> tuple[dict[str, int], int]:
        """(tally, voters) from each voter's last stored ballot."""
        last: dict[str, Ballot] = {}
        for b in self.stored_ballots(question_id):
            if b.voter not in last or b.order > last[b.voter].order:
                last[b.voter] = b
        question = self.questions[question_id]
        tally: Counter[str] = Counter()
        for b in last.values():
            tally.update(scenario.contribution(question, b.answer))
        return {k: v for k, v in tally.items() if v}, len(last)


def shown_tally(question: dict[str, Any], results: dict[str, Any]) -> dict[str, int]:
    """The tally as a Results object shows it (histogram for scales, else ranking scores)."""
    if question["kind"] == "scale":
        return {k: int(v) for k, v in (results.get("histogram") or {}).items() if v}
    return {r["option"]: int(r["score"]) for r in results.get("ranking", []) if r["score"]}


async def check(
    books: Books,
    organiser: Any,
    meeting_id: str,
    asked: list[str],
    ledger: list[tuple[str, dict[str, Any]]] | None,
) -> dict[str, Any]:
    """Compare the books with the server's results, audit and (optionally) ledger.

    `organiser` is a prachakhom.cli.client.Api with the meeting's organiser token; `asked` the
    questions the run voted on.
    """
    problems: list[str] = []
    per_question = []
    for q in asked:
        question = books.questions[q]
        tally, voters = books.expected(q)
        results = await organiser.results(meeting_id, q)
        shown = shown_tally(question, results)
        ok = shown == tally and results.get("voters") == voters
        if not ok:
            problems.append(
                f"{q}: results show {shown} with {results.get('voters')} voters; "
                f"the clients sent {tally} with {voters} voters"
            )
        per_question.append(
            {
                "question": q,
                "kind": question["kind"],
                "ballots_stored": len(books.stored_ballots(q)),
                "voters": voters,
                "results_voters": results.get("voters"),
                "results_match": ok,
                "version": results.get("seq"),
            }
        )
    started = time.perf_counter()
    audit = await organiser.audit(meeting_id)
    audit_seconds = time.perf_counter() - started
    by_question = {r["question"]: r for r in audit.get("questions", [])}
    for row in per_question:
        tally, voters = books.expected(row["question"])
        found = by_question.get(row["question"], {})
        row["audit_match"] = found.get("recount") == tally and found.get("recount_voters") == voters
        if not row["audit_match"]:
            problems.append(f"{row['question']}: the audit's recount differs from the clients'")
    stored = books.stored_ballots()
    if audit.get("ballots_in_ledger") != len(stored):
        problems.append(
            f"the ledger holds {audit.get('ballots_in_ledger')} ballots; "
            f"the clients had {len(stored)} stored"
        )
    if not audit.get("ok"):
        problems.append("the audit is not ok (live tallies differ from the ledger's recount)")
    ledger_report: dict[str, Any] = {"checked": ledger is not None}
    if ledger is not None:
        seen = Counter(e["id"] for _, e in ledger if e.get("type") == "ballot")
        known = {b.id for b in stored}
        twice = [i for i, n in seen.items() if n > 1]
        missing = [i for i in known if seen[i] == 0]
        extra = [i for i in seen if i not in known]
        ledger_report |= {
            "entries": sum(seen.values()),
            "twice": twice[:20],
            "missing": missing[:20],
            "unknown": extra[:20],
        }
        if twice or missing or extra:
            problems.append(
                f"ledger: {len(twice)} ballots twice, {len(missing)} acked but missing, "
                f"{len(extra)} not known to the clients"
            )
    if books.unexpected:
        problems.append(f"unexpected answers: {dict(books.unexpected)}")
    unresolved = books.unresolved()
    if unresolved:
        problems.append(f"{len(unresolved)} ballots never got an answer")
    outcomes = Counter(
        b.outcome.split(":")[0] if b.outcome.startswith("error") else b.outcome
        for b in books.ballots.values()
    )
    return {
        "ok": not problems,
        "problems": problems,
        "ballots_sent": len(books.ballots),
        "ballots_stored": len(stored),
        "outcomes": dict(outcomes),
        "resends": len(books.resends),
        "resend_outcomes": dict(Counter(o for _, o in books.resends)),
        "unexpected": dict(books.unexpected),
        "unresolved": len(unresolved),
        "audit_ok": bool(audit.get("ok")),
        "audit_seconds": round(audit_seconds, 2),
        "ballots_in_ledger": audit.get("ballots_in_ledger"),
        "ledger": ledger_report,
        "questions": per_question,
    }
