"""Check an export from its ledger alone: the hash chain, the digest, and every tally
and result recounted from the ledger's ballots. Pure: a document in, problems out.

A saved file is read with `model.decode` (`verify_bytes`): one that is not the document
(another schema, a field missing or of the wrong type, one nobody knows) is a problem
named by its path, as a broken chain is."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import msgspec

from prachakhom.core.errors import PrachakhomError
from prachakhom.core.ledger import recount
from prachakhom.core.methods import kind_named
from prachakhom.core.questions import Question, parse_question
from prachakhom.report.model import SCHEMA, ExportDocument, LedgerEntry, QuestionRecord, decode


@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)
    entries: int = 0
    ballots: int = 0
    questions: int = 0
    digest: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_bytes(data: bytes) -> Verdict:
    """A saved export checked. Raises msgspec.DecodeError when `data` is not JSON at all."""
    try:
        doc = decode(data)
    except msgspec.ValidationError as exc:
        if "`$.schema`" in str(exc):
            return Verdict([f"not a Prachakhom export (schema {SCHEMA} expected)"])
        return Verdict([f"the export is malformed: {exc}"])
    return verify(doc)


def verify(doc: ExportDocument) -> Verdict:
    out = Verdict()
    try:
        _check(doc, out)
    except (KeyError, TypeError, ValueError, AttributeError, PrachakhomError) as exc:
        out.problems.append(f"the export is malformed: {type(exc).__name__}: {exc}")
    return out


def _check(doc: ExportDocument, out: Verdict) -> None:
    ledger = doc.ledger
    entries = ledger.entries
    counted = recount(msgspec.to_builtins(entries))  # each entry's hash is of its JSON form
    out.entries, out.ballots, out.digest = counted.entries, counted.ballots, counted.digest
    for n in counted.broken[:20]:
        out.problems.append(f"ledger entry {n}: its hash does not match its content or chain")
    if len(counted.broken) > 20:
        out.problems.append(f"…and {len(counted.broken) - 20} more broken entries")
    if [e.n for e in entries] != list(range(1, len(entries) + 1)):
        out.problems.append("ledger entries are missing, repeated or out of order")
    if ledger.count != len(entries):
        out.problems.append(f"the ledger says {ledger.count} entries but has {len(entries)}")
    if ledger.digest != counted.digest:
        out.problems.append("the final digest does not match the ledger's chain")
    answers = _final_answers(entries)
    for item in doc.questions:
        out.questions += 1
        _check_question(item, counted.tallies, counted.voters, answers, out)


def _final_answers(entries: list[LedgerEntry]) -> dict[str, list[Any]]:
    """Each question's answers from seat ballots, the last per voter (as recounts use)."""
    last: dict[str, dict[str, Any]] = defaultdict(dict)
    for entry in entries:
        if entry.type == "ballot" and not entry.hands:
            last[str(entry.question)][str(entry.voter)] = entry.answer
    return {q: list(by_voter.values()) for q, by_voter in last.items()}


def _check_question(
    item: QuestionRecord,
    tallies: dict[str, dict[str, int]],
    voters: dict[str, int],
    answers: dict[str, list[Any]],
    out: Verdict,
) -> None:
    q = item.id
    question = parse_question(msgspec.to_builtins(item.definition))
    tally = tallies.get(q, {})
    if item.tally.counts != dict(sorted(tally.items())):
        out.problems.append(f"question {q}: the tally differs from the ledger's recount")
    if item.tally.voters != voters.get(q, 0) or item.results.voters != voters.get(q, 0):
        out.problems.append(f"question {q}: the number of voters differs from the ledger's")
    shown = {item.results.method: item.results, **item.other_methods}
    for method, results in shown.items():
        again = msgspec.to_builtins(_result(question, method, tally, answers.get(q, [])))
        given = msgspec.to_builtins(results)
        differs = [k for k, v in again.items() if given.get(k) != v]
        if differs:
            out.problems.append(
                f"question {q}: the {method} result ({', '.join(differs)}) differs from "
                "a recount of the ledger"
            )


def _result(question: Question, method: str, tally: dict[str, int], answers: list[Any]) -> Any:
    kind = kind_named(question.kind)
    if method == kind.live_method:
        return kind.result(question, tally)
    return kind.recount[method](question, answers)
