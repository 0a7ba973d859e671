"""A Markdown body on its way to the parser: what the passes before it took out, and what they
ask the converter to put back.

Each pass (Hugo shortcodes, Liquid, kramdown) rewrites the text line for line:
a line it empties keeps its place, so that every block markdown-it finds keeps
its line in the file, and every emptied line is recorded as ``Dropped`` with the
pass's rule.  What a pass understood is kept beside the text: figures to insert
at a line, callout regions between two lines, attributes for the block at a
line, abbreviation definitions.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from ...model import nodes as m
from . import Dropped


@dataclass(frozen=True)
class FigureSpec:
    """A figure a shortcode or an include asks for, at ``line``; ``caption`` is Markdown."""

    line: int
    src: str
    alt: str = ""
    caption: str = ""
    title: str = ""


@dataclass(frozen=True)
class Region:
    """Blocks between two delimiter lines that form a callout (``{{% note %}}...{{% /note %}}``)."""

    first: int
    last: int
    role: str
    title: str = ""


@dataclass(frozen=True)
class Attributes:
    """A kramdown attribute list: an id, classes; other attributes are not kept."""

    id: str = ""
    classes: tuple[str, ...] = ()

    def merged(self, other: Attributes) -> Attributes:
        return Attributes(other.id or self.id, self.classes + tuple(c for c in other.classes if c not in self.classes))


@dataclass
class Prepared:
    """The body's lines (file lines from ``first_line`` on) and what the passes found."""

    path: str
    first_line: int
    lines: list[str]
    dropped: list[Dropped] = field(default_factory=list)
    figures: list[FigureSpec] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    #: Attributes for the block that ends on the line before (kramdown's IAL after a block)...
    after: dict[int, Attributes] = field(default_factory=dict)
    #: ...and for the block that starts on the line (an IAL before it, a header id).
    before: dict[int, Attributes] = field(default_factory=dict)
    abbreviations: list[tuple[str, str]] = field(default_factory=list)
    #: The lines as the file has them, before any pass rewrote them.
    original: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.original = self.original or tuple(self.lines)

    def source_line(self, number: int) -> str | None:
        """File line ``number`` as the file has it (None when it is not in the body)."""
        index = number - self.first_line
        return self.original[index] if 0 <= index < len(self.original) else None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def locator(self) -> Callable[[int], m.Pos]:
        """The file position of a character offset in ``text`` as it is now."""
        starts = [0, *(match.end() for match in re.finditer("\n", self.text))]

        def at(offset: int) -> m.Pos:
            index = bisect_right(starts, offset) - 1
            return m.Pos(self.path, self.first_line + index, offset - starts[index] + 1)

        return at

    def drop(self, first: int, last: int, rule: str) -> None:
        """Lines ``first``..``last`` (file lines) are left out, by ``rule``."""
        self.dropped.append(Dropped(first, last, rule))
        for number in range(first, last + 1):
            self.lines[number - self.first_line] = ""

    def rewrite(self, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str], rule: str) -> None:
        """Replace every match of ``pattern``; lines the replacements leave blank are dropped by ``rule``."""
        self.apply([Edit(match.start(), match.end(), replace(match), rule) for match in pattern.finditer(self.text)])

    def apply(self, edits: list[Edit]) -> None:
        """Make the edits (spans of ``text``, in order, not overlapping), keeping every newline a
        span holds; a line an edit leaves blank is dropped by that edit's rule."""
        text = self.text
        pieces: list[str] = []
        rules: dict[int, str] = {}
        last = first = 0
        for edit in edits:
            old = text[edit.start:edit.end]
            pieces.append(text[last:edit.start])
            pieces.append(edit.new + "\n" * (old.count("\n") - edit.new.count("\n")))
            first += text.count("\n", last, edit.start)
            for index in range(first, first + old.count("\n") + 1):
                rules.setdefault(index, edit.rule)
            first += old.count("\n")
            last = edit.end
        pieces.append(text[last:])
        new_lines = "".join(pieces).split("\n")
        assert len(new_lines) == len(self.lines), "a pass must keep the number of lines"
        emptied = [index for index, (old_line, new_line) in enumerate(zip(self.lines, new_lines, strict=True))
                   if old_line.strip() and not new_line.strip() and index in rules]
        self.lines = new_lines
        for first, last_index in _runs(emptied, rules):
            self.dropped.append(Dropped(first + self.first_line, last_index + self.first_line, rules[first]))


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` by ``new``; a line this leaves blank is dropped by ``rule``."""

    start: int
    end: int
    new: str
    rule: str


def _runs(indexes: list[int], rules: dict[int, str]) -> list[tuple[int, int]]:
    """Consecutive indexes with the same rule, as ranges."""
    runs: list[tuple[int, int]] = []
    for index in indexes:
        if runs and runs[-1][1] == index - 1 and rules[runs[-1][0]] == rules[index]:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def block_line(block: m.Block) -> int:
    return block.pos.line if block.pos is not None else 0


def arrange(blocks: tuple[m.Block, ...], figures: list[tuple[int, m.Figure]], regions: list[Region],
            pos: m.Pos) -> tuple[m.Block, ...]:
    """Top-level blocks with the figures put in at their lines and the regions made callouts.

    Footnote texts, which markdown-it gathers at the end, stay there.
    """
    notes = [block for block in blocks if isinstance(block, m.FootnoteDef)]
    items: list[tuple[int, m.Block]] = [(block_line(b), b) for b in blocks if not isinstance(b, m.FootnoteDef)]
    for line, figure in figures:
        at = next((index for index, (start, _) in enumerate(items) if start > line), len(items))
        items.insert(at, (line, figure))
    for region in sorted(regions, key=lambda r: r.last - r.first):  # the innermost first
        inside = [index for index, (line, _) in enumerate(items) if region.first < line < region.last]
        if not inside and not region.title:
            continue
        start = inside[0] if inside else next((i for i, (line, _) in enumerate(items) if line > region.first),
                                               len(items))
        content = tuple(block for _, block in items[start:start + len(inside)])
        where = m.Pos(pos.path, region.first, 1)
        if region.title:
            content = (m.Paragraph((m.Strong((m.Text(region.title),)),), pos=where), *content)
        div = m.Div(region.role, content, pos=where)
        items[start:start + len(inside)] = [(region.first, div)]
    return tuple(block for _, block in items) + tuple(notes)
