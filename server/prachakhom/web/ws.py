# Size: one socket's whole life in one class (handshake, welcome and replay, the read loop, each
# message's handler), read top to bottom as docs/protocol.md tells it; the handlers share its state.
"""The `/ws` endpoint: one Session per socket.

    accept (subprotocol) -> hello (within hello_timeout) -> welcome (+ replay)
    -> receive loop (protocol.decode, validate, hand to the writer), in the socket's own task

Every reply (ack, error, pong) and every event goes through the socket's hub.Client,
which sends at once or, while the socket makes a send wait, keeps the rest in order in a
bounded backlog: the client sees them in order. A ballot's ack is sent when its batch is
durable, from the writer's task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine
from functools import partial
from typing import Any

from redis.exceptions import RedisError
from starlette.websockets import WebSocket, WebSocketDisconnect

from prachakhom.core import closecodes, events, protocol
from prachakhom.core.auth import Principal, Role
from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.ideas import Idea
from prachakhom.core.ledger import receipt
from prachakhom.core.meetings import Meeting
from prachakhom.core.messages import (
    Ack,
    BallotMsg,
    ClientMessage,
    Error,
    Hello,
    IdeaMsg,
    Outcome,
    PingMsg,
    Pong,
    ServerMessage,
    Status,
    TableTallyMsg,
    Welcome,
    quoted_id,
)
from prachakhom.core.methods import kind_named
from prachakhom.live.hub import Client, Room, may_see
from prachakhom.live.metrics import BALLOTS, CONNECTIONS_BY, ERRORS
from prachakhom.live.presence import PHONE, TABLET
from prachakhom.live.ratelimit import TokenBucket
from prachakhom.live.services import Services
from prachakhom.live.state import welcome_state
from prachakhom.store.store import UNAVAILABLE, Cast, seat_ballot, show_of_hands
from prachakhom.web.origins import origin_allowed

log = logging.getLogger(__name__)
REPLAY_MOST = 1000
NOT_OPEN = PrachakhomError(Code.QUESTION_NOT_OPEN, "this question is not open for voting now")
RATE_LIMITED = PrachakhomError(Code.RATE_LIMITED, "too many messages; wait a moment and send again")
BALLOT_METRIC = {  # the outcome label of prachakhom_ballots_total (docs/operations.md)
    Status.COUNTED: "counted",
    Status.REPLACED: "replaced",
    Status.DUPLICATE: "dup",
    Status.NOT_OPEN: "not_open",
}


def forbidden(message: str) -> PrachakhomError:
    return PrachakhomError(Code.FORBIDDEN, message)


async def websocket_endpoint(websocket: WebSocket) -> None:
    services: Services = websocket.app.state.services
    headers = websocket.headers
    if not origin_allowed(headers.get("origin"), headers.get("host"), services.settings.origins):
        await websocket.close(closecodes.FORBIDDEN_ORIGIN)
        return
    chosen = protocol.choose_subprotocol(list(websocket.scope.get("subprotocols", [])))
    await websocket.accept(subprotocol=chosen)
    session = Session(websocket, services, chosen or protocol.JSON)
    with contextlib.suppress(WebSocketDisconnect):
        await session.run()


class Session:
    def __init__(self, websocket: WebSocket, services: Services, codec: protocol.Codec) -> None:
        self.ws = websocket
        self.services = services
        self.codec = codec
        settings = services.settings
        self.bucket = TokenBucket(settings.rate_per_second, settings.rate_burst)
        self.client: Client | None = None
        self.meeting: Meeting | None = None
        self._receiving: asyncio.Task[Any] | None = None  # the task in the receive loop
        self._dropping = False  # its send backlog overflowed: the session ends

    # --- lifecycle -----------------------------------------------------------------------

    async def run(self) -> None:
        hello = await self._await_hello()
        if hello is None:
            return
        try:
            principal = await self.services.principal(hello.token)
            self.meeting = await self.services.meeting(principal.meeting)
        except PrachakhomError as exc:
            await self._send_direct(_error(exc))
            await self.ws.close(closecodes.UNAUTHORIZED)
            return
        except (RedisError, OSError):
            await self._storage_down()
            return
        client = self.client = Client(
            principal,
            self.codec,
            self.services.settings.send_queue,
            self._overflowed,
            self._send_frame,
        )
        try:
            room = await self.services.hub.enter(self.meeting, client)
        except (RedisError, OSError):
            await self._storage_down()
            return
        CONNECTIONS_BY(principal.role.value).inc()
        presence, table = self.services.presence, principal.table
        device = TABLET if principal.role == Role.FACILITATOR else PHONE
        if table is not None:
            presence.connected(principal.meeting, table, device)
        try:
            try:
                welcome_seq = await self._welcome(room, principal, hello.resume_from)
            except (RedisError, OSError):  # the pool waited out, or Redis is down
                await self._storage_down()
                return
            await self._serve(welcome_seq)
        finally:
            self.services.hub.leave(client)
            CONNECTIONS_BY(principal.role.value).dec()
            if table is not None:
                presence.disconnected(principal.meeting, table, device)

    async def _storage_down(self) -> None:
        """Redis did not answer while the welcome was read: say so; the client retries."""
        await self._send_direct(_error(UNAVAILABLE))
        await self.ws.close(closecodes.TRY_AGAIN_LATER)

    async def _await_hello(self) -> Hello | None:
        timeout = self.services.settings.hello_timeout
        try:
            frame = await asyncio.wait_for(self._receive_frame(), timeout)
        except TimeoutError:
            await self.ws.close(closecodes.UNAUTHORIZED, "no hello in time")
            return None
        if frame is None:
            return None
        try:
            message = protocol.decode(frame, self.codec)
        except PrachakhomError as exc:
            await self._send_direct(_error(exc))
            await self.ws.close(closecodes.UNAUTHORIZED)
            return None
        if not isinstance(message, Hello):
            await self._send_direct(
                _error(
                    PrachakhomError(
                        Code.UNAUTHORIZED, "the first message must be a hello with a token"
                    )
                )
            )
            await self.ws.close(closecodes.UNAUTHORIZED)
            return None
        return message

    async def _welcome(self, room: Room, who: Principal, resume_from: int | None) -> int:
        seq = room.last_seq  # the state below is read from the room before any await
        state = await welcome_state(self.services.store, room, who)
        replay = None
        if resume_from is not None:
            replay = await self.services.store.events_after(
                room.meeting.id, resume_from, REPLAY_MOST
            )
        welcome = Welcome(
            role=who.role.value,
            meeting=who.meeting,
            table=who.table,
            seat=who.seat,
            site=who.site,
            seq=seq,
            state=state,
            resumed=None if resume_from is None else replay is not None,
        )
        await self._send_direct(welcome)
        for kept in replay or []:
            if (
                kept.seq <= seq
                and kept.body is not None
                and may_see(who.role, events.name(kept.body))
            ):
                await self._send_frame(events.frame(kept.seq, kept.body, self.codec, kept.raw))
        return seq

    async def _serve(self, welcome_seq: int) -> None:
        """Receive in this task; replies and events are sent by whoever makes them
        (hub.Client), so an idle socket costs no task of its own."""
        assert self.client is not None
        self.client.start(welcome_seq)  # what came while the welcome was made goes now
        self._receiving = asyncio.current_task()
        try:
            await self._receive_loop()
        except asyncio.CancelledError:
            if not self._dropping or self._receiving is None or self._receiving.uncancel():
                raise  # cancelled by someone else (the server stopping)
        except (WebSocketDisconnect, OSError):
            pass
        except Exception:
            log.exception("socket task failed")
        finally:
            self._receiving = None
        if self._dropping:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(
                    self.ws.close(closecodes.SLOW_CONSUMER, "too slow to read"), 1.0
                )
            await _cut_if_stuck(self.ws)

    def _overflowed(self, client: Client) -> None:
        """Called from whoever pushed the message that did not fit: end the session."""
        if self._receiving is not None and not self._dropping:
            self._dropping = True
            self._receiving.cancel()

    # --- sending -------------------------------------------------------------------------

    async def _send_direct(self, message: ServerMessage) -> None:
        frame = protocol.encode(message, self.codec)
        if isinstance(frame, str):
            await self.ws.send_text(frame)
        else:
            await self.ws.send_bytes(frame)

    def _send_frame(self, frame: str | bytes) -> Coroutine[Any, Any, None]:
        """The send the hub's Client runs (at once, unless the socket makes it wait)."""
        if isinstance(frame, str):
            return self.ws.send({"type": "websocket.send", "text": frame})
        return self.ws.send({"type": "websocket.send", "bytes": frame})

    def reply(self, message: ServerMessage) -> None:
        assert self.client is not None
        self.client.push_message(message)  # type: ignore[arg-type]  # protocol.encode takes it

    def reply_error(self, exc: PrachakhomError, message_id: str | None) -> None:
        ERRORS.inc(exc.code.value)
        self.reply(Error(code=exc.code, message=exc.message, id=message_id))

    # --- receiving -----------------------------------------------------------------------

    async def _receive_frame(self) -> str | bytes | None:
        message = await self.ws.receive()
        if message["type"] == "websocket.disconnect":
            return None
        text = message.get("text")
        return text if text is not None else message.get("bytes", b"")

    async def _receive_loop(self) -> None:
        while True:
            frame = await self._receive_frame()
            if frame is None:
                return
            try:
                message = protocol.decode(frame, self.codec)
            except protocol.Refused as refused:
                self.bucket.take(time.monotonic())  # a refused message counts as one too
                self.reply_error(refused, refused.id)
                continue
            try:
                if not self.bucket.take(time.monotonic()):
                    raise RATE_LIMITED
                await self.handle(message)
            except PrachakhomError as exc:
                self.reply_error(exc, quoted_id(message))

    async def handle(self, message: ClientMessage) -> None:
        who = self.client.principal if self.client is not None else None
        if who is not None and who.table is not None and not isinstance(message, PingMsg):
            device = TABLET if who.role == Role.FACILITATOR else PHONE
            self.services.presence.active(who.meeting, who.table, device)  # a dict write, no I/O
        if isinstance(message, BallotMsg):
            await self.on_ballot(message)
        elif isinstance(message, TableTallyMsg):
            await self.on_table_tally(message)
        elif isinstance(message, IdeaMsg):
            await self.on_idea(message)
        elif isinstance(message, PingMsg):
            self.reply(Pong())
        else:
            raise protocol.bad("hello was already said on this connection")

    async def on_ballot(self, ballot: BallotMsg) -> None:
        who, meeting = self._who()
        if who.role == Role.PARTICIPANT:
            assert who.table is not None and who.seat is not None
            if ballot.seat is not None and ballot.seat != who.seat:
                raise forbidden("a participant votes only for their own seat")
            table, seat = who.table, who.seat
        elif who.role == Role.FACILITATOR:
            assert who.table is not None
            if ballot.seat is None or not meeting.has_seat(who.table, ballot.seat):
                raise protocol.bad(f"say which seat votes: 'seat' from 1 to {meeting.seats}")
            table, seat = who.table, ballot.seat
        else:
            raise forbidden(f"a {who.role.value} cannot vote")
        question = await self.services.question(meeting.id, ballot.question)
        contribution = kind_named(question.kind).contribution(question, ballot.answer)
        cast = seat_ballot(
            meeting.id, question.id, ballot.id, table, seat, ballot.answer, contribution
        )
        self._submit(cast, seat)

    async def on_table_tally(self, tally: TableTallyMsg) -> None:
        who, meeting = self._who()
        if who.role != Role.FACILITATOR or who.table is None:
            raise forbidden("only a table's facilitator sends a show of hands")
        question = await self.services.question(meeting.id, tally.question)
        count_hands = kind_named(question.kind).table_tally
        if count_hands is None:
            raise PrachakhomError(
                Code.INVALID_ANSWER, f"a {question.kind} question cannot take a show of hands"
            )
        contribution, voters = count_hands(question, tally.counts, meeting.seats)
        cast = show_of_hands(
            meeting.id, question.id, tally.id, who.table, tally.counts, contribution, voters
        )
        self._submit(cast, None)

    def _submit(self, cast: Cast, seat: int | None) -> None:
        """`seat`: the seat a ballot is for, which its ack names (None: a show of hands)."""
        self.services.writer.submit(cast, partial(self._acknowledge, cast, seat))

    def _acknowledge(self, cast: Cast, seat: int | None, result: Outcome | PrachakhomError) -> None:
        """The writer's answer, once the ballot's batch is durable (or failed)."""
        ballot_id = cast.ballot_id
        if isinstance(result, PrachakhomError):
            BALLOTS.inc("unavailable")
            self.reply_error(result, ballot_id)
            return
        BALLOTS.inc(BALLOT_METRIC[result.status])
        if result.status is Status.NOT_OPEN:
            self.reply_error(NOT_OPEN, ballot_id)
            return
        self.reply(
            Ack(
                id=ballot_id,
                question=cast.question,
                seat=seat,
                receipt=receipt(cast.meeting, cast.question, cast.voter, ballot_id),
                status=result.status,
                first=result.first,
            )
        )

    async def on_idea(self, idea: IdeaMsg) -> None:
        who, meeting = self._who()
        if who.role != Role.FACILITATOR or who.table is None:
            raise forbidden("only a table's facilitator sends ideas")
        idea_id = f"{who.table}-{idea.id}"
        stored = Idea(
            id=idea_id,
            text=idea.text,
            round=idea.round,
            table=who.table,
            site=meeting.site_of(who.table),
            at=int(time.time() * 1000),
        )
        seq = await self.services.store.add_idea(meeting.id, stored)
        status = Status.COUNTED if seq else Status.DUPLICATE
        self.reply(Ack(id=idea.id, status=status, idea=idea_id))
        if seq:
            self.services.suggester.idea_stored(meeting.id, idea_id)

    def _who(self) -> tuple[Principal, Meeting]:
        assert self.client is not None and self.meeting is not None
        return self.client.principal, self.meeting


def _error(exc: PrachakhomError) -> Error:
    return Error(code=exc.code, message=exc.message)


async def _cut_if_stuck(websocket: WebSocket, grace: float = 1.0) -> None:
    """Cut the connection of a client that still does not read. Else uvicorn keeps the
    socket, and what it buffered for it, for as long as the peer stays connected without
    reading (its close only waits for the buffer to drain). ASGI has no abort, so this
    reaches for uvicorn's transport (the protocol object behind `receive`: Starlette wraps
    `send`); a server without one is left alone."""
    transport = getattr(getattr(websocket._receive, "__self__", None), "transport", None)
    if transport is None:
        return
    for _ in range(10):
        if not transport.get_write_buffer_size():
            return  # flushed (the close frame with it): the client can read its 4408
        await asyncio.sleep(grace / 10)
    transport.abort()
