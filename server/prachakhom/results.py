"""The Results object (PROTOCOL.md): assembled from a tally by pure functions, read here.

`assemble` is pure. `read_results` reads what it needs: the live tally, and for methods
that cannot be counted incrementally (IRV, Schulze) the stored answers as well.
"""

from __future__ import annotations

from typing import Any

from .errors import Code, PrachakhomError
from .meetings import Meeting
from .methods import kind_named
from .questions import Question
from .store.store import Store, TallyRead

# What a hidden result still shows: how many took part, never the standings.
PUBLIC_FIELDS = (
    "question",
    "kind",
    "method",
    "status",
    "voters",
    "eligible",
    "tables_reporting",
    "tables_total",
    "seq",
)


def methods_of(question: Question) -> list[str]:
    kind = kind_named(question.kind)
    return [kind.live_method, *(m for m in kind.recount if m != kind.live_method)]


def shown_method(question: Question, method: str | None) -> str:
    kind = kind_named(question.kind)
    chosen = method or kind.default_method(question) or kind.live_method
    if chosen != kind.live_method and chosen not in kind.recount:
        raise PrachakhomError(
            Code.BAD_MESSAGE,
            f"a {question.kind} question can be counted by {', '.join(methods_of(question))}, "
            f"not {chosen!r}",
        )
    return chosen


def assemble(
    meeting: Meeting,
    question: Question,
    state: str,
    read: TallyRead,
    method: str,
    answers: list[Any] | None = None,
) -> dict[str, Any]:
    kind = kind_named(question.kind)
    if method == kind.live_method:
        fields = kind.result(question, read.tally)
    else:
        fields = kind.recount[method](question, answers or [])
    return {
        "question": question.id,
        "kind": question.kind,
        "method": method,
        "status": state,
        "voters": read.voters,
        "eligible": meeting.eligible,
        "tables_reporting": read.tables_reporting,
        "tables_total": meeting.table_count,
        "seq": read.version,
        **fields,
    }


def hidden(results: dict[str, Any]) -> dict[str, Any]:
    """Participation only: for screens while the organiser has not revealed the result."""
    return {k: results[k] for k in PUBLIC_FIELDS if k in results} | {"hidden": True}


async def read_results(
    store: Store,
    meeting: Meeting,
    questions: list[tuple[Question, str]],
    method: str | None = None,
) -> list[dict[str, Any]]:
    """Current results of several questions (one round trip for the live tallies)."""
    reads = await store.read_tallies(meeting.id, [q.id for q, _ in questions])
    out = []
    for (question, state), read in zip(questions, reads, strict=True):
        chosen = shown_method(question, method)
        answers = None
        if chosen != kind_named(question.kind).live_method:
            ballots = await store.all_ballots(meeting.id, question.id)
            answers = [b["a"] for v, b in ballots.items() if not v.startswith("table:")]
        out.append(assemble(meeting, question, state, read, chosen, answers))
    return out
