"""The published ledger: pseudonymous entries in a SHA-256 hash chain, and receipts.

Pure functions. The stored ledger (`pk:{m}:ledger`) names each voter by seat
(`table:seat`); the published form replaces that with a pseudonym that is new for every
question (`q1#17`), so entries of one person on two questions cannot be linked, and
keeps everything a recount needs. Each published entry carries `prev` (the hash of the
entry before it; the first one's is GENESIS) and `hash` = SHA-256 of `prev` followed by
the entry's canonical JSON (sorted keys, no spaces, UTF-8, without `prev` and `hash`).
Change one byte anywhere and every later hash, and the final digest, change.

A receipt is a short code given to a voter with the ack of each ballot. It is derived
from the ballot's id, which only the voter's device knows, so no one else can make it;
the published ledger lists each ballot's receipt, so the voter can find their ballot
there without learning who cast any other.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec
import orjson

GENESIS = hashlib.sha256(b"prachakhom-ledger-v1").hexdigest()

RawEntry = tuple[str, dict[str, str]]  # (stream id, fields) as stored


_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 base32
_B32_PAIRS = [a + b for a in _B32 for b in _B32]  # 10 bits -> two letters


def receipt(meeting_id: str, question_id: str, voter: str, ballot_id: str) -> str:
    """`ABCDE-FGHJK`: the first 50 bits of SHA-256 in base32, easy to read out and type.

    Equal to the first ten letters of `base64.b32encode(digest)`, made from a table of
    letter pairs: one is made per ack, and b32encode is most of the cost."""
    digest = hashlib.sha256(
        f"prachakhom-receipt-v1|{meeting_id}|{question_id}|{voter}|{ballot_id}".encode()
    ).digest()
    bits = int.from_bytes(digest[:7], "big") >> 6  # 56 bits in, the first 50 kept
    pairs = _B32_PAIRS
    middle = pairs[(bits >> 20) & 1023]
    return (
        f"{pairs[bits >> 40]}{pairs[(bits >> 30) & 1023]}{middle[0]}"
        f"-{middle[1]}{pairs[(bits >> 10) & 1023]}{pairs[bits & 1023]}"
    )


def canonical(entry: dict[str, Any]) -> bytes:
    body = {k: v for k, v in entry.items() if k not in ("prev", "hash")}
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def link(prev: str, entry: dict[str, Any]) -> str:
    return hashlib.sha256(prev.encode() + canonical(entry)).hexdigest()


def publish(meeting_id: str, raw: Iterable[RawEntry]) -> Iterator[dict[str, Any]]:
    """The stored entries in published form, chained. `n` counts from 1."""
    pseudonyms: dict[str, dict[str, str]] = defaultdict(dict)
    prev = GENESIS
    for n, (stream_id, fields) in enumerate(raw, start=1):
        entry = _public(meeting_id, n, stream_id, fields, pseudonyms)
        entry["prev"] = prev
        entry["hash"] = prev = link(prev, entry)
        yield entry


def _public(
    meeting_id: str,
    n: int,
    stream_id: str,
    fields: dict[str, str],
    pseudonyms: dict[str, dict[str, str]],
) -> dict[str, Any]:
    at = int(stream_id.partition("-")[0])
    if fields.get("type") != "ballot":
        event = orjson.loads(fields["e"]) if "e" in fields else {}
        kind = fields.get("type", "event")
        return {"n": n, "type": kind, "at": at, "seq": int(fields.get("seq", 0)), "event": event}
    question, voter = fields["q"], fields["voter"]
    names = pseudonyms[question]
    if voter not in names:
        names[voter] = f"{question}#{len(names) + 1}"
    record = orjson.loads(fields["rec"])
    return {
        "n": n,
        "type": "ballot",
        "at": at,
        "question": question,
        "voter": names[voter],
        "hands": voter.startswith("table:"),
        "table": record["t"],
        "status": fields["status"],
        "answer": record["a"],
        "contribution": record["c"],
        "weight": record["w"],
        "receipt": receipt(meeting_id, question, voter, fields["id"]),
    }


@dataclass
class Recount:
    tallies: dict[str, dict[str, int]] = field(default_factory=dict)
    voters: dict[str, int] = field(default_factory=dict)
    ballots: int = 0
    entries: int = 0
    digest: str = GENESIS
    broken: list[int] = field(default_factory=list)  # `n` of entries whose hash is wrong


def recount(entries: Iterable[dict[str, Any]], *, check_chain: bool = True) -> Recount:
    """Tallies from published entries alone (each voter's last ballot counts), and the
    chain checked link by link. `check_chain=False` is for entries `publish` has just
    chained (the server's own audit and exports): their last hash is the digest, and
    hashing every entry again would only repeat it (half the recount's time)."""
    last: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    out = Recount()
    prev = GENESIS
    for entry in entries:
        out.entries += 1
        if not check_chain:
            prev = entry["hash"]
        else:
            linked = link(prev, entry)
            if entry.get("prev") != prev or entry.get("hash") != linked:
                out.broken.append(entry.get("n", out.entries))
            prev = linked
        if entry.get("type") == "ballot":
            out.ballots += 1
            last[entry["question"]][entry["voter"]] = entry
    out.digest = prev
    for question, ballots in last.items():
        tally: dict[str, int] = defaultdict(int)
        for ballot in ballots.values():
            for key, delta in ballot["contribution"].items():
                tally[key] += delta
        out.tallies[question] = {k: v for k, v in tally.items() if v}
        out.voters[question] = sum(b["weight"] for b in ballots.values())
    return out


class Receipt(msgspec.Struct):
    """GET …/receipts/{receipt}: the ballot with this receipt, as the index holds it."""

    receipt: str
    question: str
    status: Literal["counted", "replaced"]  # the ballot's outcome when it was cast
    n: int  # its entry's number in the ledger
    final: bool  # false once the same voter's later ballot on the question replaced it


class ReceiptIndex:
    """receipt -> {question, status, n, final}, fed entry by entry in ledger order;
    `final` turns false once the same voter's later ballot on the question replaces it."""

    def __init__(self) -> None:
        self.found: dict[str, dict[str, Any]] = {}
        self._latest: dict[tuple[str, str], str] = {}

    def add(self, question: str, voter: str, code: str, status: str, n: int) -> None:
        if code in self.found:  # a resend is answered `duplicate`, never stored twice
            return
        key = (question, voter)
        if key in self._latest:
            self.found[self._latest[key]]["final"] = False
        self._latest[key] = code
        self.found[code] = {"question": question, "status": status, "n": n, "final": True}


def final_receipts(entries: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The receipt index of published entries."""
    index = ReceiptIndex()
    for e in entries:
        if e.get("type") == "ballot":
            index.add(e["question"], e["voter"], e["receipt"], e["status"], e["n"])
    return index.found
