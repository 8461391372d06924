"""One meeting's sockets in a process, and this process's mirror of the meeting: its
questions and states and the plenary view, kept current by the control events."""

from __future__ import annotations

import asyncio

from msgspec import UNSET

from prachakhom.core import events, plenary
from prachakhom.core.auth import Role
from prachakhom.core.meetings import Meeting
from prachakhom.core.plenary import PlenaryView
from prachakhom.core.questions import Question, question_of
from prachakhom.live.fanout import Client, Frames

ALL = frozenset(Role)
# Who receives which event. Participants and facilitators never receive results or
# ideas of others; results reach screens and the organiser only.
AUDIENCE: dict[str, frozenset[Role]] = {
    "question_added": frozenset({Role.ORGANISER}),  # drafts stay with the organisers
    "question_updated": frozenset({Role.ORGANISER}),  # its IAP2 level marked (agenda.py)
    "question_opened": ALL,
    "question_closed": ALL,
    "plenary": ALL,
    "idea": frozenset({Role.ORGANISER, Role.THEME, Role.DISPLAY}),  # the plenary idea wall
    "themes": frozenset({Role.ORGANISER, Role.THEME, Role.DISPLAY}),  # no longer sent
    "themes_changed": frozenset({Role.ORGANISER, Role.THEME, Role.DISPLAY}),
    "suggestions": frozenset({Role.ORGANISER, Role.THEME}),  # the engine's, for the team
    "results": frozenset({Role.ORGANISER, Role.DISPLAY}),
}


SCREENS = frozenset({Role.ORGANISER, Role.DISPLAY})  # the roles that receive results


def may_see(role: Role, event: str) -> bool:
    return role in AUDIENCE.get(event, frozenset({Role.ORGANISER}))


plenary_questions = plenary.questions_on_show  # the questions whose results it shows


class Room:
    """One meeting's sockets in this process and what the ticker needs to know."""

    def __init__(self, meeting: Meeting) -> None:
        self.meeting = meeting
        self.clients: set[Client] = set()
        self.screens: set[Client] = set()  # the organisers and displays among them
        self.last_seq = 0
        self.questions: dict[str, tuple[Question, str]] = {}
        self.plenary: PlenaryView = plenary.DEFAULT
        self.sent_versions: dict[str, int] = {}
        self.ready = asyncio.Event()
        # events heard past a gap, by seq: the body (None: unknown here) and its JSON
        self.held: dict[int, tuple[events.ControlEvent | None, str]] = {}
        self.catching_up = False

    @property
    def open_questions(self) -> list[str]:
        return [q for q, (_, state) in self.questions.items() if state == "open"]

    def watched(self) -> list[str]:
        """Questions whose results someone here may see: open ones and those on show."""
        ids = dict.fromkeys(self.open_questions)
        ids.update(dict.fromkeys(q for q in plenary_questions(self.plenary) if q in self.questions))
        return list(ids)

    def has_screens(self) -> bool:
        return bool(self.screens)

    def add(self, client: Client) -> None:
        self.clients.add(client)
        if client.principal.role in SCREENS:
            self.screens.add(client)

    def discard(self, client: Client) -> None:
        self.clients.discard(client)
        self.screens.discard(client)

    def apply(self, seq: int, event: events.ControlEvent | None) -> None:
        """Keep this process's view of the meeting current with a control event."""
        if seq <= self.last_seq:
            return
        self.last_seq = seq
        if isinstance(event, events.QuestionAdded | events.QuestionOpened | events.QuestionClosed):
            question, given = question_of(event.question), event.question.state
            self.questions[question.id] = (question, "draft" if given is UNSET else given)
            self.sent_versions.pop(question.id, None)
        elif isinstance(event, events.QuestionUpdated):  # newly marked: its state kept
            question = question_of(event.question)
            _, state = self.questions.get(question.id, (question, "draft"))
            self.questions[question.id] = (question, state)
        elif isinstance(event, events.PlenaryChanged):
            self.plenary = event.view
            for q in plenary_questions(self.plenary):
                self.sent_versions.pop(q, None)

    def broadcast(self, frames: Frames, event: str, control_seq: int = 0) -> None:
        for client in list(self.clients):
            if may_see(client.principal.role, event):
                client.push(frames, control_seq)
