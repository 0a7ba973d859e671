"""What follows an event's header: the abstract, sections, turns, the Q&A and the closing note.

An event summary opens with its abstract (the standfirst), then sections under short
headings, then a Q&A; a transcript is turns from its first line; minutes mix sections,
lists and turns.  Turns may come anywhere: in a summary's prose a label must name a
header person or a question (``Trump 2.0: Rebalancing`` is a heading, not a speaker); in
a Q&A or a transcript a name in capitals that matches nobody is a turn too, reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ....model import nodes as m
from ...names import is_cjk
from .blocks import NOTE, looks_like_heading, section_word, split_leading_heading, text_blocks
from .inlines import STAMP, direction_alone, direction_paragraph, paragraph
from .sheet import Chunk, Sheet
from .turns import Draft, Label, turn_label
from .words import ABSTRACT_LABELS, CHAIRING, QA_WORDS, SUMMARY_WORDS, key


@dataclass
class Body:
    standfirst: list[m.Block] = field(default_factory=list)
    segments: list[Draft | m.Block] = field(default_factory=list)


class BodyReader:
    def __init__(self, sheet: Sheet, people: list[m.Person], kind: str) -> None:
        self.sheet, self.people, self.kind = sheet, people, kind
        self.body = Body()
        self.current: Draft | None = None
        self.stamp = ""
        self.in_qa = kind != "event"
        self.in_summary = False
        self.reported: set[str] = set()

    def read(self, chunks: list[Chunk]) -> Body:
        chunks = [piece for chunk in chunks for piece in split_leading_heading(chunk)]
        if self.kind == "event":
            self._standfirst(chunks)
        for index, chunk in enumerate(chunks):
            note = NOTE.fullmatch(chunk.text())
            if note and not any(line.lstrip().startswith(("* ", "- ")) for line in chunk.lines[1:]):  # not a list
                self._close()
                self.body.segments.append(m.Div("source-note", (paragraph([note["text"]], self._pos(chunk.line)),),
                                                pos=self._pos(chunk.line)))
                continue
            level = self._heading_level(chunks, index)
            if level:
                self._close()
                text = " ".join(chunk.first.split())
                word = key(text)
                if word in QA_WORDS:
                    self.in_qa, self.in_summary = True, False
                elif section_word(text):
                    self.in_summary = word in SUMMARY_WORDS
                self.body.segments.append(m.Heading(level, (m.Text(text),), pos=self._pos(chunk.line)))
                continue
            self._lines(chunk)
        if self.stamp:  # a time mark with nothing after it is still kept
            self._add(m.Paragraph((m.Timestamp(self._take_stamp()),), pos=self._pos(chunks[-1].numbers[-1])))
        self._close()
        return self.body

    def _pos(self, line: int) -> m.Pos:
        return self.sheet.pos(line)

    def _standfirst(self, chunks: list[Chunk]) -> None:
        """The abstract: the first paragraph, perhaps under a label such as ``概要``."""
        if len(chunks) > 1 and len(chunks[0].lines) == 1 and key(chunks[0].first) in ABSTRACT_LABELS \
                and not self._heading_level(chunks, 1):
            self.sheet.drop(chunks[0].line, chunks[0].line, "abstract-label")
            chunks.pop(0)
        if not chunks or self._heading_level(chunks, 0) or NOTE.fullmatch(chunks[0].first) \
                or self._label(chunks[0].first, 0) is not None:
            return
        first = chunks.pop(0)
        self.body.standfirst.append(paragraph(first.lines, self._pos(first.line)))

    def _heading_level(self, chunks: list[Chunk], index: int) -> int:
        chunk = chunks[index]
        text = " ".join(chunk.first.split())
        if len(chunk.lines) != 1 or self._label(text, 0) is not None or direction_alone(text) or STAMP.fullmatch(text):
            return 0
        if not looks_like_heading(text, index + 1 < len(chunks)):
            return 0
        if self.kind != "event" and not section_word(text) and not is_cjk(text) and len(text.split()) > 8:
            return 0
        if section_word(text):
            return 2
        return 3 if self.in_summary else 2

    def _label(self, text: str, offset: int) -> Label | None:
        label = turn_label(text, self.people, strict=not self.in_qa)
        if label is None or offset == 0:
            return label
        strong = label.kind != "speaker" or label.match.person is not None or text.lstrip()[:1] in "○◯●◎"
        return label if strong else None

    # ------------------------------------------------------------------ lines

    def _lines(self, chunk: Chunk) -> None:
        lines: list[str] = []
        numbers: list[int] = []

        def flush() -> None:
            if lines:
                self._text(Chunk(tuple(lines), tuple(numbers)))
                lines.clear()
                numbers.clear()

        for offset, line in enumerate(chunk.lines):
            number, text = chunk.numbers[offset], line.strip()
            stamp = STAMP.fullmatch(text)
            if stamp:
                flush()
                self._pend(stamp["time"], number)
                continue
            direction = direction_alone(text)
            if direction:
                flush()
                self._add(direction_paragraph(direction, self._pos(number), self._take_stamp()))
                continue
            label = self._label(text, offset)
            if label is not None:
                flush()
                self._start(label, number)
                if label.rest.strip():
                    lines.append(label.rest)
                    numbers.append(number)
                continue
            lines.append(line)
            numbers.append(number)
        flush()

    def _pend(self, stamp: str, number: int) -> None:
        """A time mark for the next paragraph; one already waiting (two marks in a row) stands alone."""
        if self.stamp:
            self._add(m.Paragraph((m.Timestamp(self._take_stamp()),), pos=self._pos(number)))
        self.stamp = stamp

    def _take_stamp(self) -> str:
        stamp, self.stamp = self.stamp, ""
        return stamp

    def _text(self, chunk: Chunk) -> None:
        """Lines of text: a paragraph of the current turn, or blocks of their own."""
        if self.current is None and self.in_qa and self.kind == "event":
            self.sheet.warn(chunk.line, "text in the Q&A before any question, with no speaker: "
                                        "kept, attributed to nobody")
            self.current = Draft(Label("speaker", "", ""), chunk.line, None)
        if self.current is not None:
            self.current.blocks.append(paragraph(chunk.lines, self._pos(chunk.line), self._take_stamp()))
        else:
            self.body.segments.extend(text_blocks(chunk, self.sheet.path, self._take_stamp()))

    def _add(self, block: m.Block) -> None:
        if self.current is not None:
            self.current.blocks.append(block)
        else:
            self.body.segments.append(block)

    def _start(self, label: Label, number: int) -> None:
        self._close()
        if label.kind == "question":
            self.in_qa = True
        person = label.match.person
        if label.kind == "answer" and not label.who:
            person = self._answerer(label, number)
        elif label.kind != "question" and person is None:
            self._report(label, number)
        self.current = Draft(label, number, person)
        if label.stamp:
            self._pend(label.stamp, number)

    def _answerer(self, label: Label, number: int) -> int | None:
        """``A:`` is the one person in the header who could be answering, else nobody."""
        speakers = [i for i, p in enumerate(self.people)
                    if not p.organisation and not (p.roles and all(r in CHAIRING for r in p.roles))]
        if len(speakers) == 1:
            return speakers[0]
        names = ", ".join(self.people[i].name for i in speakers)
        self.sheet.warn(number, f"'{label.label}:' names no one, and {len(speakers)} people in the header could be "
                                f"answering ({names}): attributed to nobody")
        return None

    def _report(self, label: Label, number: int) -> None:
        if label.label in self.reported:
            return
        self.reported.add(label.label)
        candidates = label.match.candidates
        if len(candidates) > 1:
            names = " and ".join(self.people[i].name for i in candidates)
            self.sheet.warn(number, f"turn label '{label.label}' could mean {names}: attributed to nobody")
        else:
            where = "in the header" if self.people else "(no header names the speakers)"
            self.sheet.warn(number, f"turn label '{label.label}' matches nobody {where}: kept as written, "
                                    "attributed to nobody")

    def _close(self) -> None:
        if self.current is not None:
            self.body.segments.append(self.current)
            self.current = None
