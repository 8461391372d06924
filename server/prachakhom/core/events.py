"""The events, declared once (docs/protocol.md#events): what the server pushes to the
sockets as `{"type": "event", "seq": n, "event": <name>, ...payload}`.

    control events   QuestionAdded | QuestionOpened | QuestionClosed | QuestionUpdated |
                     PlenaryChanged | IdeaAdded | ThemesChanged | Suggestions | ThemesListed
                     made by the store's EMIT (one seq each), kept, in the ledger (but for
                     suggestions), published
    results          ResultsPushed: made by the ticker, never kept

Each body is a msgspec Struct tagged by its `event`. The store keeps and publishes a
body's JSON (`encode`): the bytes the ledger's digest is taken over. A process hearing it
reads it back (`read`) and keeps its text: a socket gets the body inside its envelope
(`frame`), spliced from that text for JSON and from the body's MessagePack, so a
fanned-out event is not encoded again.

JSON is written by orjson from the Struct's fields, as the dicts that came before were:
the same bytes by construction (msgspec would write a float of 1e16 or more its own way,
1e16 for orjson's 1e+16). The ticker's Results (a Struct, resulttypes.py) is written by
msgspec: no float in a Results comes near 1e16, so its bytes are the dicts' too
(tests/test_resulttypes.py holds them). MessagePack is msgspec's, the bytes msgpack wrote
for the same values, a Results' map header too (see `_results_msgpack`).
tests/test_event_bytes.py holds the bytes recorded before the Structs.

The payloads are typed too: a question's definition as its kind's Struct (with its state),
the PlenaryView, an Idea, Themes, each new idea's IdeaSuggestions (core/ideas.py); the
ticker's Results as it sends them. Each is written with its keys in the order of the
maps that came before: the Structs' own order, but for a definition, which msgspec
would write with its `kind` first (question.definition_dict writes it as before).
"""

from __future__ import annotations

from typing import Any, Final

import msgspec
import orjson
from msgspec.structs import asdict

from prachakhom.core.ideas import Idea, IdeaSuggestions, Theme
from prachakhom.core.methods import AnyDefinition
from prachakhom.core.plenary import PlenaryView
from prachakhom.core.protocol import JSON, Codec
from prachakhom.core.question import definition_dict
from prachakhom.core.resulttypes import Results


class _Event(msgspec.Struct, tag_field="event", frozen=True, kw_only=True, gc=False):
    """Subclasses repeat frozen and kw_only for type checkers (msgspec inherits them)."""


class QuestionAdded(_Event, tag="question_added", frozen=True, kw_only=True):
    question: AnyDefinition  # the definition with its "state": "draft"


class QuestionOpened(_Event, tag="question_opened", frozen=True, kw_only=True):
    question: AnyDefinition  # the definition with its "state": "open"


class QuestionClosed(_Event, tag="question_closed", frozen=True, kw_only=True):
    question: AnyDefinition  # the definition with its "state": "closed"


class QuestionUpdated(_Event, tag="question_updated", frozen=True, kw_only=True):
    question: AnyDefinition  # the new definition (its IAP2 level marked), no state


class PlenaryChanged(_Event, tag="plenary", frozen=True, kw_only=True):
    view: PlenaryView  # as stored


class IdeaAdded(_Event, tag="idea", frozen=True, kw_only=True):
    idea: Idea


class ThemesChanged(_Event, tag="themes_changed", frozen=True, kw_only=True):
    themes: list[Theme]  # the themes a change wrote, whole
    deleted: list[str]  # the ids of the themes it deleted


class Suggestions(_Event, tag="suggestions", frozen=True, kw_only=True):
    ideas: dict[str, IdeaSuggestions]  # idea id -> {themes: [{theme, score}], similar: [...]}


class ThemesListed(_Event, tag="themes", frozen=True, kw_only=True):
    """The whole theme list: no longer made (themes_changed replaced it), read only
    where an older server kept it."""

    themes: list[Theme]


class ResultsPushed(_Event, tag="results", frozen=True, kw_only=True):
    # a Results as results.py assembles it, or its hidden form: the ticker's, sent as it is
    results: Results


QuestionEvent = QuestionAdded | QuestionOpened | QuestionClosed
ControlEvent = (
    QuestionAdded
    | QuestionOpened
    | QuestionClosed
    | QuestionUpdated
    | PlenaryChanged
    | IdeaAdded
    | ThemesChanged
    | Suggestions
    | ThemesListed
)
Event = ControlEvent | ResultsPushed

KINDS: Final[tuple[type[_Event], ...]] = (*ControlEvent.__args__, ResultsPushed)
NAMES: Final[dict[type[_Event], str]] = {cls: str(cls.__struct_config__.tag) for cls in KINDS}


def name(event: Event) -> str:
    """The event's `event`: who may see it goes by this (live/rooms.AUDIENCE)."""
    return NAMES[type(event)]


_encode_msgpack = msgspec.msgpack.Encoder().encode
_encode_json = msgspec.json.Encoder().encode
_decode_control = msgspec.json.Decoder(ControlEvent).decode


_QUESTION_EVENTS: Final = (QuestionAdded, QuestionOpened, QuestionClosed, QuestionUpdated)


def fields(event: Event) -> dict[str, Any]:
    """The body as a map: its `event`, then its fields in order, the payload as the
    plain values the maps before held, keys in the same order."""
    if type(event) is ResultsPushed:  # as the ticker made them (shallow)
        return {"event": NAMES[type(event)], **asdict(event)}
    if isinstance(event, _QUESTION_EVENTS):
        return {"event": NAMES[type(event)], "question": definition_dict(event.question)}
    return msgspec.to_builtins(event)  # type: ignore[no-any-return]  # the tag first


def encode(event: Event) -> bytes:
    """The body's JSON, `{"event": <name>, ...payload}`: what the store keeps."""
    if type(event) is ResultsPushed:  # never kept; its Results written by msgspec
        return _encode_json(event)
    return orjson.dumps(fields(event))


def read(body: str | bytes) -> ControlEvent | None:
    """A kept or published body back to its Struct; None for one this server does not
    know (an event name from a newer server, or a shape it cannot read): such an event
    takes its seq and goes to no socket."""
    try:
        return _decode_control(body)  # type: ignore[no-any-return]  # typed Any by msgspec
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


# --- the envelope ------------------------------------------------------------------------

_HEAD_MSGPACK: Final = _encode_msgpack("type") + _encode_msgpack("event") + _encode_msgpack("seq")
_FIXMAP, _FIXMAP_MOST = 0x80, 15  # a MessagePack map of up to 15 entries: 0x80 | count
assert all(len(c.__struct_fields__) + 3 <= _FIXMAP_MOST for c in KINDS)  # + event, type, seq


def frame(seq: int, event: Event, codec: Codec, body: str | bytes | None = None) -> str | bytes:
    """The event as a socket gets it: `{"type": "event", "seq": seq}` and then the body's
    own fields, in the codec's frame. `body` is the event's JSON when the caller has it
    (as kept or heard): it is spliced in, not encoded again."""
    if codec == JSON:
        if body is None:
            if type(event) is ResultsPushed:  # the ticker's, every tick: msgspec writes it
                whole = {"type": "event", "seq": seq, "event": "results", "results": event.results}
                return _encode_json(whole).decode()
            else:
                whole = {"type": "event", "seq": seq, **fields(event)}
            return orjson.dumps(whole).decode()
        if isinstance(body, bytes):
            body = body.decode()
        return f'{{"type":"event","seq":{seq},{body[1:]}'
    # a fixmap: its count, then the tag and the fields (a control event's from its plain
    # map, rare: a definition's keys are not in its Struct's order)
    if type(event) is ResultsPushed:
        packed = _results_msgpack(event)
    else:
        packed = _encode_msgpack(fields(event))
    count = packed[0] - _FIXMAP + 2
    return bytes((_FIXMAP | count,)) + _HEAD_MSGPACK + _encode_msgpack(seq) + packed[1:]


_MAP16: Final = 0xDE
# where the Results begins in a ResultsPushed's MessagePack: after the fixmap's byte,
# "event", "results" and "results"
_RESULTS_AT: Final = 1 + len(_encode_msgpack("event")) + 2 * len(_encode_msgpack("results"))


def _results_msgpack(event: ResultsPushed) -> bytes:
    """The ticker's event in MessagePack. msgspec gives a Struct that may have more than
    15 fields (a Results has 30) a three-byte map header (map 16) whatever it holds; the
    map that came before had a one-byte fixmap up to 15 entries, and has it again. A
    Results holding another (`all`, never the ticker's) goes as its plain map."""
    results = event.results
    if not isinstance(results, Results) or results.all is not msgspec.UNSET:
        return _encode_msgpack(ResultsPushed(results=msgspec.to_builtins(results)))
    packed = _encode_msgpack(event)
    at = _RESULTS_AT
    if packed[at] == _MAP16 and packed[at + 1] == 0 and packed[at + 2] <= _FIXMAP_MOST:
        return packed[:at] + bytes((_FIXMAP | packed[at + 2],)) + packed[at + 3 :]
    return packed
