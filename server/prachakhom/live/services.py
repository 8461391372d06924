"""What the routes and the socket handler share in one process, and its caches; the
one results reader (`results`: every results read goes through it, the ticker's too).

Meetings and questions are fixed once created (but for a question's IAP2 level, which
`fresh_question` reads anew), so each process caches them; tokens too
(a token's principal never changes). Question *states* are never cached for voting: the
ballot script checks them in Redis.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prachakhom.core.auth import Principal, same_secret, token_digest, token_meeting
from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.meetings import Meeting
from prachakhom.core.questions import Question
from prachakhom.live.coalesce import Coalesced
from prachakhom.live.hub import Hub
from prachakhom.live.presence import Presence
from prachakhom.live.receipts import Receipts
from prachakhom.live.results_reader import ResultsReader
from prachakhom.live.suggester import Suggester
from prachakhom.live.writer import BallotWriter
from prachakhom.settings import Settings
from prachakhom.store.store import Store
from prachakhom.workers import WorkerPool

CACHE_MOST = 100_000

UNAUTHORIZED = PrachakhomError(Code.UNAUTHORIZED, "the token is missing or not valid")


@dataclass
class Services:
    settings: Settings
    store: Store
    hub: Hub
    writer: BallotWriter
    admin_token: str
    presence: Presence
    receipts: Receipts
    pool: WorkerPool
    suggester: Suggester
    shared_jobs: Coalesced
    results: ResultsReader
    _meetings: dict[str, Meeting] = field(default_factory=dict)
    _questions: dict[tuple[str, str], Question] = field(default_factory=dict)
    _principals: dict[str, Principal] = field(default_factory=dict)

    async def meeting(self, meeting_id: str) -> Meeting:
        meeting = self._meetings.get(meeting_id)
        if meeting is None:
            meeting = await self.store.meeting(meeting_id)
            if meeting is None:
                raise PrachakhomError(Code.NOT_FOUND, f"there is no meeting {meeting_id!r:.40}")
            self._meetings[meeting_id] = meeting
        return meeting

    async def question(self, meeting_id: str, question_id: str) -> Question:
        question = self._questions.get((meeting_id, question_id))
        return question or await self.fresh_question(meeting_id, question_id)

    async def fresh_question(self, meeting_id: str, question_id: str) -> Question:
        """The question as stored now, cached again. Its definition is fixed, but its
        IAP2 level may be marked later (agenda.py), maybe by another process: what is
        sent to clients comes from here, the cached copy only validates and counts."""
        question = await self.store.question(meeting_id, question_id)
        if question is None:
            raise PrachakhomError(
                Code.NOT_FOUND, f"there is no question {question_id!r:.40} in this meeting"
            )
        if len(self._questions) < CACHE_MOST:
            self._questions[(meeting_id, question_id)] = question
        return question

    def forget(self, meeting_id: str) -> None:
        """Drop a deleted meeting from this process's caches (its tokens stop working)."""
        self._meetings.pop(meeting_id, None)
        for key in [k for k in self._questions if k[0] == meeting_id]:
            del self._questions[key]
        for digest in [d for d, p in self._principals.items() if p.meeting == meeting_id]:
            del self._principals[digest]

    def is_admin(self, token: str) -> bool:
        return bool(self.admin_token) and same_secret(token, self.admin_token)

    async def principal(self, token: str) -> Principal:
        """Who a meeting token speaks for; unauthorized if nobody."""
        digest = token_digest(token)
        principal = self._principals.get(digest)
        if principal is not None:
            return principal
        meeting = token_meeting(token)
        if meeting is None or len(token) > 200:
            raise UNAUTHORIZED
        principal = await self.store.principal(meeting, digest)
        if principal is None:
            raise UNAUTHORIZED
        if len(self._principals) < CACHE_MOST:
            self._principals[digest] = principal
        return principal
