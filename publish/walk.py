"""Generic traversal of the model: rebuild a tree bottom-up, or iterate its nodes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from .model import Pos

N = TypeVar("N")


def rebuild(node: N, visit: Callable[[Any], Any]) -> N:
    """Apply ``visit`` to every node below and including ``node``, children first.

    ``visit`` returns the node to use instead (or the same node).  A visitor
    that returns a tuple for a node inside a tuple splices it in, so a block
    may be replaced by several blocks or removed (empty tuple).
    """
    if isinstance(node, tuple):
        return _rebuild_value(node, visit)
    return visit(_rebuild_children(node, visit))


def _rebuild_children(node: Any, visit: Callable[[Any], Any]) -> Any:
    if not dataclasses.is_dataclass(node) or isinstance(node, Pos):
        return node
    changes = {}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        new = _rebuild_value(value, visit)
        if new is not value:
            changes[f.name] = new
    return dataclasses.replace(node, **changes) if changes else node


def _rebuild_value(value: Any, visit: Callable[[Any], Any]) -> Any:
    if isinstance(value, tuple):
        out: list[Any] = []
        changed = False
        for item in value:
            new = _rebuild_value(item, visit)
            if isinstance(new, tuple) and not isinstance(item, tuple):
                out.extend(new)
                changed = True
            else:
                out.append(new)
                changed = changed or new is not item
        return tuple(out) if changed else value
    if dataclasses.is_dataclass(value) and not isinstance(value, Pos):
        return rebuild(value, visit)
    return value


def iter_nodes(node: Any) -> Iterator[Any]:
    """Every node below and including ``node``, in document order (pre-order)."""
    if isinstance(node, tuple):
        for item in node:
            yield from iter_nodes(item)
        return
    if not dataclasses.is_dataclass(node) or isinstance(node, Pos):
        return
    yield node
    for f in dataclasses.fields(node):
        yield from iter_nodes(getattr(node, f.name))


def plain_text(inlines: Any) -> str:
    """The text of inlines (or of any node) with markup dropped; breaks become spaces."""
    from .model import Code, Image, LineBreak, SoftBreak, Text

    parts: list[str] = []
    for node in iter_nodes(inlines):
        if isinstance(node, (Text, Code)):
            parts.append(node.text)
        elif isinstance(node, (SoftBreak, LineBreak)):
            parts.append(" ")
        elif isinstance(node, Image):
            parts.append(node.alt)
    return "".join(parts)


def merge_text(inlines: Any) -> tuple:
    """Adjacent Text nodes as one, as a reader of the source would see them."""
    from .model import Text

    out: list[Any] = []
    for node in inlines:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        else:
            out.append(node)
    return tuple(out)


def section_titles(book: Any) -> dict[str, str]:
    """The title of every place in a book a link can lead to: each article and each heading, by id."""
    from .model import Heading

    titles = {a.id: a.meta.title for a in book.articles}
    titles.update({n.id: plain_text(n.children) for a in book.articles for n in iter_nodes(a.blocks)
                   if isinstance(n, Heading) and n.id})
    return titles
