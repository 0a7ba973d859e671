"""Turns as the model keeps them: remarks standing alone, and questions with their answers.

A question (from the floor, or put to a named person) opens an exchange; the answers run
until the next question or a remark by whoever chairs.  A chair's question that names
nobody, right after someone answered, follows up that answer.  Nobody's words are given
to a person the label does not name: a turn whose label matched nobody keeps its label
and no ``person_id``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ....model import nodes as m
from ....model.walk import plain_text
from .questions import addressed, asks, is_chairing
from .sheet import Sheet
from .turns import Draft, asker, relayed


def group(segments: Sequence[Draft | m.Block], people: Sequence[m.Person], ids: Sequence[str], kind: str,
          sheet: Sheet) -> list[m.Block]:
    """The body's blocks, its turns grouped into exchanges."""
    grouping = _Grouping(people, ids, kind, sheet)
    for segment in segments:
        if isinstance(segment, Draft):
            grouping.turn(segment)
        else:
            grouping.close()
            grouping.previous = None
            grouping.out.append(segment)
    grouping.close()
    return grouping.out


class _Grouping:
    def __init__(self, people: Sequence[m.Person], ids: Sequence[str], kind: str, sheet: Sheet) -> None:
        self.people, self.ids, self.kind, self.sheet = people, ids, kind, sheet
        self.out: list[m.Block] = []
        self.question: m.Turn | None = None
        self.answers: list[m.Turn] = []
        self.previous: Draft | None = None
        #: With no chair in the header, whoever puts the questions chairs (CSIS lists its moderator
        #: among "experts").
        self.acting: set[int] = set()
        self.chaired = any(is_chairing(p) for p in people)

    def turn(self, draft: Draft) -> None:
        question, who, affiliation, to = self._asked(draft, " ".join(plain_text(b) for b in draft.blocks))
        turn = m.Turn(
            draft.label.label, tuple(draft.blocks),
            person_id=self.ids[draft.person] if draft.person is not None else "",
            asker=who, asker_affiliation=affiliation, addressed_to=tuple(self.people[i].name for i in to),
            pos=self.sheet.pos(draft.line))
        if question and draft.person is not None and not self.chaired:
            self.acting.add(draft.person)
        if question:
            self.close()
            self.question = turn
        elif self._chairs(draft.person):
            self.close()
            self.out.append(turn)
        elif self.question is not None:
            self.answers.append(turn)
        else:
            self.out.append(turn)
        self.previous = draft

    def _asked(self, draft: Draft, text: str) -> tuple[bool, str, str, tuple[int, ...]]:
        """Whether a turn is a question; who asks it and whom it is put to."""
        if draft.label.kind == "question":
            who, affiliation = asker(draft.label, text)
            return True, who, affiliation, addressed(text, self.people, None)
        if draft.person is None:
            return False, "", "", ()
        who, affiliation = relayed(text) if self._chairs(draft.person) else ("", "")
        to = addressed(text, self.people, draft.person) if asks(text) else ()
        if who or to:
            return True, who, affiliation, to
        if self._follows_up(draft, text) and self.previous is not None and self.previous.person is not None:
            return True, "", "", (self.previous.person,)
        return False, "", "", ()

    def _chairs(self, person: int | None) -> bool:
        return person is not None and (is_chairing(self.people[person]) or person in self.acting)

    def _follows_up(self, draft: Draft, text: str) -> bool:
        """A chair asking on, naming nobody, right after someone in the header answered."""
        previous = self.previous
        if self.kind == "minutes" or previous is None or previous.person is None or draft.person is None:
            return False
        return (asks(text) and is_chairing(self.people[draft.person]) and previous.person != draft.person
                and previous.label.kind != "question" and not is_chairing(self.people[previous.person]))

    def close(self) -> None:
        if self.question is None:
            return
        if not self.answers and self.kind == "event" and self.question.pos is not None:
            self.sheet.reporter.warn(self.question.pos, "question without an answer")
        self.out.append(m.Exchange(self.question, tuple(self.answers), pos=self.question.pos))
        self.question, self.answers = None, []
