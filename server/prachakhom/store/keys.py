"""The Redis key schema: every key Prachakhom uses, named in one place.

Every key of a meeting carries the hash tag `{m}` (the meeting id), so a meeting lives
in one Redis Cluster slot and its Lua scripts stay legal in a cluster. Scripts build the
keys they use from the prefix `pk:{m}:` and declare them all, the ledger first
(`cast_keys`, `emit_keys`), so a cluster refuses a script whole while its slot moves.

Global
    pk:meetings                  set      meeting ids
    pk:codes                     hash     join code -> JSON {meeting, role, table?, seat?, site?}
    pk:joinfail:<address>        string   wrong join codes from one address this minute (TTL 60 s)

Per meeting (prefix pk:{m}:)
    meta                         hash     meeting -> JSON meeting, plenary -> JSON view,
                                          codes -> JSON codes (organiser only)
    tokens                       hash     sha256(token) -> JSON principal {role, table?, seat?}
    q                            hash     question id -> JSON question
    qorder                       list     question ids in agenda order
    qstate                       hash     question id -> draft | open | closed
    ver                          hash     question id -> version (bumped by every counted change)
    voters                       hash     question id -> voters counted (seats + hands)
    seq                          string   the meeting's event counter
    events                       stream   control events {seq, e}, capped (resume_from replay)
    ledger                       stream   everything accepted, in order: ballots, tallies,
                                          ideas, events (the audit trail; never trimmed)
    ideas                        hash     idea id -> JSON idea
    themes                       hash     theme id -> JSON theme
    vectors                      hash     idea id -> JSON {v: the idea's sentence vector
                                          (float16, base64), w: its words} (themes/)
    q:<q>:tally                  hash     tally key -> integer (the live tally)
    q:<q>:votes                  hash     voter -> JSON record {c: contribution, w: weight,
                                          t: table, a: answer}, keys in that order (CAST
                                          reads c and w without decoding JSON): the
                                          voter's current ballot
    q:<q>:ids                    hash     ballot id -> first outcome (counted | replaced)
    q:<q>:tables                 hash     table -> voters counted from it (deleted at 0)
    seen                         hash     table -> JSON {at: ms, connected: bool}: when the
                                          table's tablet was last heard from; field
                                          "<table>:phone" likewise for its seats' phones
                                          (presence.py; written at most once a second)

A voter is `<table>:<seat>` for a seat ballot and `table:<table>` for a show of hands.
"""

from __future__ import annotations

from collections.abc import Iterable

MEETINGS = "pk:meetings"
CODES = "pk:codes"


def join_failures(address: str) -> str:
    return f"pk:joinfail:{address}"


def prefix(meeting: str) -> str:
    return f"pk:{{{meeting}}}:"


def meta(meeting: str) -> str:
    return prefix(meeting) + "meta"


def tokens(meeting: str) -> str:
    return prefix(meeting) + "tokens"


def questions(meeting: str) -> str:
    return prefix(meeting) + "q"


def question_order(meeting: str) -> str:
    return prefix(meeting) + "qorder"


def question_state(meeting: str) -> str:
    return prefix(meeting) + "qstate"


def versions(meeting: str) -> str:
    return prefix(meeting) + "ver"


def voters(meeting: str) -> str:
    return prefix(meeting) + "voters"


def seq(meeting: str) -> str:
    return prefix(meeting) + "seq"


def events(meeting: str) -> str:
    return prefix(meeting) + "events"


def ledger(meeting: str) -> str:
    return prefix(meeting) + "ledger"


def ideas(meeting: str) -> str:
    return prefix(meeting) + "ideas"


def themes(meeting: str) -> str:
    return prefix(meeting) + "themes"


def vectors(meeting: str) -> str:
    return prefix(meeting) + "vectors"


def tally(meeting: str, question: str) -> str:
    return f"{prefix(meeting)}q:{question}:tally"


def votes(meeting: str, question: str) -> str:
    return f"{prefix(meeting)}q:{question}:votes"


def ballot_ids(meeting: str, question: str) -> str:
    return f"{prefix(meeting)}q:{question}:ids"


def seen(meeting: str) -> str:
    return prefix(meeting) + "seen"


def tables(meeting: str, question: str) -> str:
    return f"{prefix(meeting)}q:{question}:tables"


def cast_keys(meeting: str, questions: Iterable[str]) -> list[str]:
    """Every key the CAST script touches for a batch on these questions, the ledger first.

    Declared (not only built inside the script from the prefix) so that a cluster checks
    them all before the script runs: while an operator moves the meeting's slot key by
    key, a script that found only some of its keys would stop at the first moved one with
    its earlier writes kept (ballot ids and the ledger written, the tally not; the
    resend then answered "duplicate"). Declared, the whole call is refused (TRYAGAIN or
    ASK) and nothing is written until the slot has moved."""
    found = [ledger(meeting), question_state(meeting), versions(meeting), voters(meeting)]
    for q in dict.fromkeys(questions):
        found += [ballot_ids(meeting, q), votes(meeting, q), tally(meeting, q), tables(meeting, q)]
    return found


def emit_keys(meeting: str, guarded: str = "") -> list[str]:
    """Every key the EMIT script may touch, the ledger first (see `cast_keys`)."""
    found = [ledger(meeting), seq(meeting), events(meeting)]
    found += [question_state(meeting), question_order(meeting)]
    if guarded and guarded not in found:
        found.append(guarded)
    return found


def channel(meeting: str) -> str:
    """Sharded pub/sub channel of a meeting's control events ("<seq> <json>"), in the
    meeting's slot (SPUBLISH from its scripts, SSUBSCRIBE where it is served)."""
    return f"pk:ev:{{{meeting}}}"


def meeting_of_channel(channel: str) -> str:
    return channel.removeprefix("pk:ev:{").removesuffix("}")


def seat_voter(table: int, seat: int) -> str:
    return f"{table}:{seat}"


def table_voter(table: int) -> str:
    return f"table:{table}"


def seen_field(table: int, device: str) -> str:
    """The field of `seen` for a table's tablet ("12") or its phones ("12:phone")."""
    return str(table) if device == "tablet" else f"{table}:{device}"
