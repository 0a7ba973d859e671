"""Pieces of a paragraph (leaves with the formatting the model expresses) nested into model inlines.

The inline reader flattens Word's runs into pieces; here spaces are settled
(a space between two bold words stays bold, one at the edge of bold text does
not) and the pieces are nested again, each formatting one wrapper around the
longest stretch that has it, with the text of adjacent pieces joined once.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, fields, replace

from ...model import nodes as m


@dataclass(frozen=True)
class Fmt:
    """The formatting of a piece that the model expresses; ``link`` is a target or ""."""

    strong: bool = False
    emph: bool = False
    strike: bool = False
    smallcaps: bool = False
    sup: bool = False
    sub: bool = False
    code: bool = False
    link: str = ""

    def shared_with(self, other: Fmt) -> Fmt:
        return Fmt(*(getattr(self, f.name) if getattr(self, f.name) == getattr(other, f.name)
                     else type(getattr(self, f.name))() for f in fields(self)))


@dataclass(frozen=True)
class Piece:
    """A leaf of a paragraph with its formatting; ``bold`` is the run's bold, its style's included."""

    fmt: Fmt
    node: m.Inline
    bold: bool = False


def settled(pieces: list[Piece]) -> list[Piece]:
    """Spaces settled and none left at either end of the paragraph."""
    return _trimmed(_settle_spaces(pieces))


def _is_space(piece: Piece) -> bool:
    return isinstance(piece.node, m.LineBreak) or (isinstance(piece.node, m.Text) and not piece.node.text.strip())


def _settle_spaces(pieces: list[Piece]) -> list[Piece]:
    """Spaces at the edge of formatted text moved out of it; a space between two pieces takes
    only the formatting both share, so ``**a** **b**`` is one strong span, ``**a** b`` is not."""
    split: list[Piece] = []
    for piece in pieces:
        if isinstance(piece.node, m.Text) and piece.fmt != Fmt(link=piece.fmt.link) and piece.node.text.strip():
            text = piece.node.text
            core = text.strip()
            start = text.index(core)
            for part in (text[:start], core, text[start + len(core):]):
                if part:
                    split.append(replace(piece, node=m.Text(part)))
        else:
            split.append(piece)
    # the formatting of the nearest piece that is not a space, on each side, in two linear passes
    before: list[Fmt | None] = []
    last: Fmt | None = None
    for piece in split:
        before.append(last)
        last = last if _is_space(piece) else piece.fmt
    out: list[Piece] = []
    following: Fmt | None = None
    for piece, previous in zip(reversed(split), reversed(before), strict=True):
        if _is_space(piece):
            shared = previous.shared_with(following) if previous and following else Fmt()
            out.append(replace(piece, fmt=shared))
        else:
            out.append(piece)
            following = piece.fmt
    return out[::-1]


def _trimmed(pieces: list[Piece]) -> list[Piece]:
    """No space at the start or end of a paragraph."""
    start, end = 0, len(pieces)
    while start < end and isinstance(pieces[start].node, m.Text) and _is_space(pieces[start]):
        start += 1
    while end > start and _is_space(pieces[end - 1]):
        end -= 1
    pieces = pieces[start:end]
    if pieces and isinstance(pieces[0].node, m.Text):
        pieces[0] = replace(pieces[0], node=m.Text(pieces[0].node.text.lstrip()))
    if pieces and isinstance(pieces[-1].node, m.Text):
        pieces[-1] = replace(pieces[-1], node=m.Text(pieces[-1].node.text.rstrip()))
    return pieces


_NESTING = ("link", "strong", "emph", "strike", "smallcaps", "sup", "sub")


def nest(pieces: list[Piece], depth: int = 0) -> tuple[m.Inline, ...]:
    """Pieces as model inlines: each formatting one wrapper around the longest stretch that has it."""
    if depth == len(_NESTING):
        return _leaves(pieces)
    name = _NESTING[depth]
    out: list[m.Inline] = []
    for value, group in itertools.groupby(pieces, key=lambda piece: getattr(piece.fmt, name)):
        inner = nest(list(group), depth + 1)
        out.extend([_wrap(name, value, inner)] if value and inner else inner)
    return tuple(out)


def _wrap(name: str, value: str | bool, children: tuple[m.Inline, ...]) -> m.Inline:
    match name:
        case "link":
            return m.Link(children, str(value))
        case "smallcaps":
            return m.Span("smallcaps", children)
        case "strong":
            return m.Strong(children)
        case "emph":
            return m.Emph(children)
        case "strike":
            return m.Strikeout(children)
        case "sup":
            return m.Superscript(children)
        case _:
            return m.Subscript(children)


def _leaves(pieces: list[Piece]) -> tuple[m.Inline, ...]:
    out: list[m.Inline] = []
    for (code, is_text), group in itertools.groupby(
            pieces, key=lambda piece: (piece.fmt.code, isinstance(piece.node, m.Text))):
        nodes = [piece.node for piece in group]
        if is_text:  # one node for the text of however many runs, joined once
            text = "".join(node.text for node in nodes if isinstance(node, m.Text))
            out.append(m.Code(text) if code else m.Text(text))
        else:
            out.extend(nodes)
    return tuple(out)
