"""Paragraphs grouped into the model's blocks: headings, lists, quotations, code, figures, captions.

Word has no list, quotation or figure element, only paragraphs that share a
numbering, a style, a picture standing alone.  Consecutive numbered
paragraphs become one list, nested by their level; consecutive quotation
or code paragraphs one block; a caption paragraph goes with the figure or
table beside it.  Word's heading 1 is a section under the article title:
outline level 0 is the model's level 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ...model import nodes as m
from ...model.nodes import Pos
from ...model.walk import plain_text
from .docx_body import Item, Para
from .docx_numbering import ListLevel, Numbering

#: Word's heading 1 (outline level 0) is a section right under the article title.
FIRST_SECTION_LEVEL = 2
_FIGURE_WORD = re.compile(r"(figure|fig\.|chart|image|illustration|photo)\b", re.IGNORECASE)
_TABLE_WORD = re.compile(r"table\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Caption:
    """A caption paragraph, until it finds its figure or table."""

    inlines: tuple[m.Inline, ...]
    text: str
    pos: Pos


def build_blocks(items: list[Item], numbering: Numbering) -> tuple[m.Block, ...]:
    out: list[m.Block | _Caption] = []
    lists = _Lists(out)
    index = 0
    while index < len(items):
        item = items[index]
        index += 1
        if isinstance(item, m.Table):
            lists.close()
            if item.head or item.body:
                out.append(item)
            continue
        if item.style.role in ("toc", "abstract-title") or (not item.text and item.picture is None):
            continue  # Word's own contents, and empty paragraphs typed for space
        level = numbering.level(*item.numbering) if item.numbering and item.style.outline is None else None
        if level is not None:
            lists.add(_content(item), item.numbering[1] if item.numbering else 0, level, item.pos)
            continue
        if item.style.role == "list-continue" and lists.open():
            lists.continue_item(_content(item))
            continue
        lists.close()
        if item.style.role in ("quote", "code"):
            group = [item, *_same_role(items, index, item.style.role)]
            index += len(group) - 1
            out.append(_quote(group) if item.style.role == "quote" else _code(group))
        else:
            out.append(_single(item))
    lists.close()
    return _with_captions(out)


def _single(item: Para) -> m.Block | _Caption:
    if item.style.outline is not None:
        return m.Heading(item.style.outline + FIRST_SECTION_LEVEL, item.inlines, item.heading_id, pos=item.pos)
    if item.style.role == "caption":
        return _Caption(item.inlines, item.text, item.pos)
    return _content(item)


def _content(item: Para) -> m.Block:
    """A paragraph of text, or a figure when a picture stands alone in it."""
    if item.picture is not None:
        return m.Figure(item.picture, pos=item.pos)
    return m.Paragraph(item.inlines, pos=item.pos)


def _same_role(items: list[Item], start: int, role: str) -> list[Para]:
    """The paragraphs right after ``start`` with the same role."""
    group: list[Para] = []
    for item in items[start:]:
        if not isinstance(item, Para) or item.style.role != role or item.numbering or item.style.outline is not None:
            break
        group.append(item)
    return group


def _quote(group: list[Para]) -> m.Quote:
    return m.Quote(tuple(_content(p) for p in group if p.text or p.picture), pos=group[0].pos)


def _code(group: list[Para]) -> m.CodeBlock:
    lines = ["".join(_code_text(node) for node in p.inlines) for p in group]
    return m.CodeBlock("\n".join(lines).strip("\n"), pos=group[0].pos)


def _code_text(node: m.Inline) -> str:
    if isinstance(node, (m.LineBreak, m.SoftBreak)):
        return "\n"
    return plain_text((node,))


# ------------------------------------------------------------------- lists


@dataclass
class _OpenList:
    level: int
    counter: str
    ordered: bool
    start: int
    pos: Pos
    items: list[list[m.Block]] = field(default_factory=list)
    item_pos: list[Pos] = field(default_factory=list)


class _Lists:
    """The lists open at the current paragraph, deepest last, and the counts of each numbering."""

    def __init__(self, out: list[m.Block | _Caption]) -> None:
        self.out = out
        self.stack: list[_OpenList] = []
        self.counts: dict[tuple[str, int], int] = {}

    def open(self) -> bool:
        return bool(self.stack)

    def add(self, block: m.Block, ilvl: int, level: ListLevel, pos: Pos) -> None:
        while self.stack and self.stack[-1].level > ilvl:
            self._close_top()
        top = self.stack[-1] if self.stack else None
        if top is not None and top.level == ilvl and (top.counter, top.ordered) != (level.counter, level.ordered):
            self._close_top()
            top = self.stack[-1] if self.stack else None
        key = (level.counter, ilvl)
        number = self.counts.get(key, level.start - 1) + 1
        if top is None or top.level < ilvl:
            self.stack.append(_OpenList(ilvl, level.counter, level.ordered, number, pos))
        self.counts[key] = number
        for deeper in [k for k in self.counts if k[0] == level.counter and k[1] > ilvl]:
            del self.counts[deeper]  # a sublist numbers afresh under each item
        self.stack[-1].items.append([block])
        self.stack[-1].item_pos.append(pos)

    def continue_item(self, block: m.Block) -> None:
        self.stack[-1].items[-1].append(block)

    def close(self) -> None:
        while self.stack:
            self._close_top()

    def _close_top(self) -> None:
        top = self.stack.pop()
        items = tuple(m.ListItem(tuple(blocks), pos=pos) for blocks, pos in zip(top.items, top.item_pos, strict=True))
        made: m.Block = (m.OrderedList(items, top.start, pos=top.pos) if top.ordered
                         else m.BulletList(items, pos=top.pos))
        if self.stack:
            self.stack[-1].items[-1].append(made)
        else:
            self.out.append(made)


# ---------------------------------------------------------------- captions


def _with_captions(blocks: list[m.Block | _Caption]) -> tuple[m.Block, ...]:
    """Each caption given to the figure or table before or after it (its words decide when both could
    take it); a caption with neither stays a paragraph."""
    out: list[m.Block] = []
    pending: _Caption | None = None
    for index, block in enumerate(blocks):
        if isinstance(block, _Caption):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            previous = out[-1] if out else None
            if (isinstance(previous, (m.Figure, m.Table)) and not previous.caption
                    and not (_takes(following, block) and _named_for(following, block))):
                out[-1] = _captioned(previous, block)
            elif _takes(following, block):
                pending = block
            else:
                out.append(m.Paragraph(block.inlines, pos=block.pos))
            continue
        if pending is not None and isinstance(block, (m.Figure, m.Table)):
            block = _captioned(block, pending)
        pending = None
        out.append(block)
    return tuple(out)


def _takes(block: m.Block | _Caption | None, caption: _Caption) -> bool:
    return isinstance(block, (m.Figure, m.Table)) and not block.caption


def _named_for(block: m.Block | _Caption | None, caption: _Caption) -> bool:
    pattern = _TABLE_WORD if isinstance(block, m.Table) else _FIGURE_WORD
    return bool(pattern.match(caption.text))


def _captioned(block: m.Figure | m.Table, caption: _Caption) -> m.Figure | m.Table:
    return replace(block, caption=caption.inlines)
