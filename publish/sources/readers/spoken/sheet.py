"""A plain-text source as lines, each either kept or left out by a named rule, and cut into chunks.

Every reader of spoken records and plain documents works on a :class:`Sheet`:
the rules that find page furniture, markers and closing matter mark lines as
dropped (with the rule's name, for ``read_accounted``), and the readers take
the rest as chunks: runs of kept lines between blank ones.  A paragraph that a
page break cut in two (a running head, a footer and a blank line between its
halves) is one chunk again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ....diagnostics import Reporter
from ....model.nodes import Pos
from .. import Dropped

#: Rules whose lines stand where a printed page ended: a paragraph may run on across them.
PAGE_RULES = frozenset({"page-furniture", "classification-banner"})
#: The end of a sentence (or of a quotation or bracket closing one), in English and Japanese.
SENTENCE_END = tuple(".!?:;\"”’)」』。！？）")
#: A line that opens with a label and a colon (a turn or a field), which a page break does not join.
_LABELLED = re.compile(r"[^:：]{1,60}[:：](?:\s|$)")


@dataclass(frozen=True)
class Chunk:
    """Consecutive kept lines with no blank line between them; ``numbers`` are their line numbers."""

    lines: tuple[str, ...]
    numbers: tuple[int, ...]

    @property
    def line(self) -> int:
        return self.numbers[0]

    @property
    def first(self) -> str:
        return self.lines[0].strip()

    def text(self) -> str:
        return " ".join(" ".join(line.split()) for line in self.lines)

    def rest(self, offset: int) -> Chunk:
        return Chunk(self.lines[offset:], self.numbers[offset:])


class Sheet:
    """The lines of one source (line ``n`` is ``sheet.line(n)``) and the rules that left lines out."""

    def __init__(self, text: str, path: str, reporter: Reporter) -> None:
        self.path = path
        self.reporter = reporter
        self.lines = text.split("\n")
        self.rules: dict[int, str] = {}

    @property
    def last(self) -> int:
        return len(self.lines)

    def line(self, number: int) -> str:
        return self.lines[number - 1].rstrip()

    def pos(self, number: int, col: int = 1) -> Pos:
        return Pos(self.path, number, col)

    def warn(self, number: int, message: str, col: int = 1) -> None:
        self.reporter.warn(self.pos(number, col), message)

    def blank(self, number: int) -> bool:
        return not self.lines[number - 1].strip()

    def kept(self, number: int) -> bool:
        return number not in self.rules and not self.blank(number)

    def drop(self, first: int, last: int, rule: str) -> None:
        """Leave out lines ``first`` to ``last`` (those not left out already) by ``rule``."""
        for number in range(first, last + 1):
            if not self.blank(number):
                self.rules.setdefault(number, rule)

    def dropped(self) -> tuple[Dropped, ...]:
        """The lines left out, as ranges of one rule each."""
        out: list[Dropped] = []
        for number in sorted(self.rules):
            rule = self.rules[number]
            if out and out[-1].rule == rule and all(
                    self.blank(n) for n in range(out[-1].last + 1, number)):
                out[-1] = Dropped(out[-1].line, number, rule)
            else:
                out.append(Dropped(number, number, rule))
        return tuple(out)

    def chunks(self, first: int = 1, last: int | None = None) -> list[Chunk]:
        """The kept lines from ``first`` to ``last`` as chunks, with paragraphs cut by a page break
        joined again."""
        chunks: list[Chunk] = []
        lines: list[str] = []
        numbers: list[int] = []
        page_break = False
        for number in range(first, (last or self.last) + 1):
            if self.kept(number):
                if not lines and chunks and page_break and _runs_on(chunks[-1], self.line(number)):
                    previous = chunks.pop()
                    lines, numbers = list(previous.lines), list(previous.numbers)
                lines.append(self.line(number))
                numbers.append(number)
                page_break = False
                continue
            if lines:
                chunks.append(Chunk(tuple(lines), tuple(numbers)))
                lines, numbers = [], []
            page_break = page_break or self.rules.get(number) in PAGE_RULES
        if lines:
            chunks.append(Chunk(tuple(lines), tuple(numbers)))
        return chunks


def _runs_on(before: Chunk, line: str) -> bool:
    """Whether ``line``, after a page break, continues the paragraph ``before`` ends mid-sentence."""
    end = before.lines[-1].rstrip()
    text = line.strip()
    if not end or end.endswith(SENTENCE_END) or not text or _LABELLED.match(text):
        return False
    return text[0].islower() or end[-1].isalpha()
