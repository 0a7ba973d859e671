"""Plain prose: a text file with no header, turns or memo fields.

Paragraphs are the text between blank lines; a heading is a short line standing
alone (``Grid connection queues``, ``NEXT STEPS``), never a line that ends a sentence or
introduces a list (``Three points stand out:``); lines opening with ``-`` or ``1.`` are
lists.  The first paragraph is the standfirst, as in a Jekyll post.  The title is a
first line standing alone as a title, else the file name's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ....model import nodes as m
from .blocks import looks_like_heading, text_blocks
from .sheet import Chunk, Sheet

#: A first line is the title when it is this short and stands alone.
_TITLE_WORDS = 15


@dataclass
class Prose:
    title: str = ""
    standfirst: list[m.Block] = field(default_factory=list)
    blocks: list[m.Block] = field(default_factory=list)


def read_prose(sheet: Sheet, chunks: list[Chunk]) -> Prose:
    prose = Prose()
    if len(chunks) > 1 and len(chunks[0].lines) == 1 and _titled(chunks[0].first):
        prose.title = " ".join(chunks[0].first.split())
        chunks = chunks[1:]
    for index, chunk in enumerate(chunks):
        if len(chunk.lines) == 1 and looks_like_heading(chunk.first, index + 1 < len(chunks)):
            prose.blocks.append(m.Heading(2, (m.Text(" ".join(chunk.first.split())),), pos=sheet.pos(chunk.line)))
            continue
        blocks = text_blocks(chunk, sheet.path)
        if index == 0 and len(blocks) == 1 and isinstance(blocks[0], m.Paragraph):
            prose.standfirst = blocks
        else:
            prose.blocks.extend(blocks)
    return prose


def _titled(text: str) -> bool:
    return len(text.split()) <= _TITLE_WORDS and not text.endswith((".", ",", ";", ":", "。"))
