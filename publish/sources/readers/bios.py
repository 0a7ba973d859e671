"""An author's bio at the end of a post: ``**Ann Lee** is a fellow ...`` after a closing rule."""

from __future__ import annotations

import re
from dataclasses import replace

from ...model import nodes as m
from ...model.walk import plain_text
from ..authors import without_honorific
from ..names import name_key

_BIO_VERB = re.compile(r"^[\s,]*(is|was|serves|has|holds|leads|directs|teaches|writes)\b")


def take_bios(blocks: tuple[m.Block, ...], people: list[m.Person]) -> tuple[tuple[m.Block, ...], list[m.Person], int]:
    """The closing paragraphs that open with an author's name in bold and say who they are,
    taken into that author's ``bio``; and the line of the rule above them (0 when none).

    A bold name that is no author's is nobody's bio: it stays a paragraph, and so do
    the paragraphs above it.  Footnote texts, which the parser gathers at the end,
    stay where they are.
    """
    notes = len(blocks)
    while notes > 0 and isinstance(blocks[notes - 1], m.FootnoteDef):
        notes -= 1
    authors = {name_key(without_honorific(p.name)) for p in people}
    bios: dict[str, list[m.Block]] = {}
    index = notes
    while index > 0:
        name = _bio_name(blocks[index - 1])
        if name is None or name_key(without_honorific(name)) not in authors:
            break
        bios.setdefault(name_key(without_honorific(name)), []).insert(0, blocks[index - 1])
        index -= 1
    if index == notes:
        return blocks, people, 0
    rule_line = 0
    if index > 0 and isinstance(blocks[index - 1], m.Rule):
        index -= 1
        rule = blocks[index]
        rule_line = rule.pos.line if rule.pos else 0
    updated = [replace(p, bio=tuple(bios.get(name_key(without_honorific(p.name)), p.bio))) for p in people]
    return blocks[:index] + blocks[notes:], updated, rule_line


def _bio_name(block: m.Block) -> str | None:
    if not isinstance(block, m.Paragraph) or len(block.children) < 2:
        return None
    first, second = block.children[0], block.children[1]
    if not isinstance(first, (m.Strong, m.Emph)) or not isinstance(second, m.Text):
        return None
    name = plain_text(first.children).strip()
    if not name or len(name.split()) > 6 or not _BIO_VERB.match(second.text):
        return None
    return name
