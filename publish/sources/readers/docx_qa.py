"""A Q&A written in Word: under a "Q&A" heading, questions ("Q:", "Question:") and the answers
given to them, each opened by a speaker's name and a colon, as exchanges.

The patterns and the speaker matching are the event reader's own (a name
from the header, in full or by family name alone, is given as the header
spells it), applied to paragraphs instead of lines; the prefix is cut from
the paragraph's inlines, so its formatting and links stay.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import assert_never

from ...diagnostics import Reporter
from ...model import nodes as m
from ...model.walk import plain_text

# The event reader's Q&A grammar, reused rather than copied.
from .spoken.turns import QUESTION_LINE, qa_speaker
from .spoken.words import QA_WORDS


def with_exchanges(blocks: tuple[m.Block, ...], people: list[m.Person], path: str,
                   reporter: Reporter) -> tuple[m.Block, ...]:
    """``blocks`` with the paragraphs of every Q&A section read as exchanges."""
    out: list[m.Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        out.append(block)
        index += 1
        if isinstance(block, m.Heading) and " ".join(plain_text(block.children).split()).lower() in QA_WORDS:
            end = next((i for i in range(index, len(blocks)) if _ends_section(blocks[i], block.level)), len(blocks))
            out.extend(_Exchanges(people, reporter).read(blocks[index:end]))
            index = end
    return tuple(out)


def _ends_section(block: m.Block, level: int) -> bool:
    return isinstance(block, m.Heading) and block.level <= level


@dataclass
class _Turn:
    kind: str  # "q" or "a"
    speaker: str
    pos: m.Pos | None
    blocks: list[m.Block] = field(default_factory=list)


class _Exchanges:
    def __init__(self, people: list[m.Person], reporter: Reporter) -> None:
        self.people = people
        self.reporter = reporter
        self.out: list[m.Block] = []
        self.question: m.Turn | None = None
        self.answers: list[m.Turn] = []
        self.turn: _Turn | None = None

    def read(self, blocks: tuple[m.Block, ...]) -> list[m.Block]:
        for block in blocks:
            self._block(block)
        self._close_exchange()
        return self.out

    def _block(self, block: m.Block) -> None:
        text = " ".join(plain_text(block.children).split()) if isinstance(block, m.Paragraph) else ""
        asked = QUESTION_LINE.fullmatch(text) if text else None
        speaker = None if asked or not text else qa_speaker(text, self.people)
        if asked is not None and isinstance(block, m.Paragraph):
            self._close_exchange()
            self.turn = _Turn("q", "", block.pos, _rest(block, len(text) - len(asked["rest"])))
        elif speaker is not None and isinstance(block, m.Paragraph) and (self.turn or self.question):
            self._close_turn()
            name, rest = speaker
            self.turn = _Turn("a", name, block.pos, _rest(block, len(text) - len(rest)))
        elif self.turn is None:
            self._close_exchange()
            self.out.append(block)
        else:
            self.turn.blocks.append(block)

    def _close_turn(self) -> None:
        if self.turn is None:
            return
        made = m.Turn(self.turn.speaker, tuple(self.turn.blocks), pos=self.turn.pos)
        if self.turn.kind == "q":
            self.question = made
        else:
            self.answers.append(made)
        self.turn = None

    def _close_exchange(self) -> None:
        self._close_turn()
        if self.question is not None:
            if not self.answers and self.question.pos is not None:
                self.reporter.warn(self.question.pos, "question without an answer")
            self.out.append(m.Exchange(self.question, tuple(self.answers), pos=self.question.pos))
        self.question, self.answers = None, []


def _rest(paragraph: m.Paragraph, prefix: int) -> list[m.Block]:
    """The paragraph without its first ``prefix`` characters ("Q:", "KATO Hiroshi:"); nothing if that was all."""
    inlines, _ = _drop(paragraph.children, prefix)
    inlines = _lstrip(inlines)
    return [m.Paragraph(inlines, pos=paragraph.pos)] if plain_text(inlines).strip() else []


def _drop(inlines: tuple[m.Inline, ...], count: int) -> tuple[tuple[m.Inline, ...], int]:
    """``inlines`` without their first ``count`` characters of text (spaces collapsed as plain_text + split do)."""
    out: list[m.Inline] = []
    for node in inlines:
        if count <= 0:
            out.append(node)
            continue
        match node:
            case m.Text(text=text):
                kept, count = _drop_text(text, count)
                out.extend([m.Text(kept)] if kept else [])
            case m.Code(text=text):
                kept, count = _drop_text(text, count)
                out.extend([m.Code(kept)] if kept else [])
            case m.SoftBreak() | m.LineBreak():
                count -= 1
            case m.Emph() | m.Strong() | m.Strikeout() | m.Superscript() | m.Subscript() | m.Span() | m.Link():
                children, count = _drop(node.children, count)
                if children:
                    out.append(replace(node, children=children))
            case m.Image() | m.FootnoteRef() | m.Direction() | m.Timestamp():
                out.append(node)
            case _:
                assert_never(node)
    return tuple(out), count


def _drop_text(text: str, count: int) -> tuple[str, int]:
    """Drop ``count`` characters of ``text`` as the collapsed text counts them (a run of spaces is one)."""
    index, previous_space = 0, False
    while index < len(text) and count > 0:
        space = text[index].isspace()
        if not (space and previous_space):
            count -= 1
        previous_space = space
        index += 1
    return text[index:], count


def _lstrip(inlines: tuple[m.Inline, ...]) -> tuple[m.Inline, ...]:
    if inlines and isinstance(inlines[0], m.Text):
        first = inlines[0].text.lstrip()
        return ((m.Text(first),) if first else ()) + inlines[1:]
    return inlines
