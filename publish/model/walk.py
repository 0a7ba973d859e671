"""Generic traversal of the model: rebuild a tree bottom-up, or iterate its nodes."""

from __future__ import annotations

import dataclasses
import functools
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar, cast

from .nodes import Book, Code, Heading, Image, Inline, LineBreak, Pos, SoftBreak, Text

N = TypeVar("N")
T = TypeVar("T")


def rebuild(node: N, visit: Callable[[Any], Any]) -> N:
    """Apply ``visit`` to every node below and including ``node``, children first.

    ``visit`` returns the node to use instead (or the same node).  A visitor
    that returns a tuple for a node inside a tuple splices it in, so a block
    may be replaced by several blocks or removed (empty tuple).
    """
    if isinstance(node, tuple):
        return cast(N, _rebuild_value(node, visit))
    return cast(N, visit(_rebuild_children(node, visit)))


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def node_fields(cls: type) -> tuple[str, ...] | None:
    """The field names of a node class; None for anything that is not a node.

    Asked once per class: ``dataclasses.fields`` on every node of a long book
    was the larger part of a walk's time.
    """
    try:
        return _FIELDS[cls]
    except KeyError:
        names = None if not dataclasses.is_dataclass(cls) or issubclass(cls, Pos) else \
            tuple(f.name for f in dataclasses.fields(cls))
        _FIELDS[cls] = names
        return names


def _rebuild_children(node: Any, visit: Callable[[Any], Any]) -> Any:
    names = node_fields(type(node))
    if names is None:
        return node
    changes = {}
    for name in names:
        value = getattr(node, name)
        new = _rebuild_value(value, visit)
        if new is not value:
            changes[name] = new
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
    if node_fields(type(value)) is not None:
        return rebuild(value, visit)
    return value


def iter_nodes(node: Any) -> Iterator[Any]:
    """Every node below and including ``node``, in document order (pre-order)."""
    # A stack rather than nested generators: each level of those costs every node above it.
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            stack.extend(reversed(item))
            continue
        names = node_fields(type(item))
        if names is None:
            continue
        yield item
        stack.extend(getattr(item, name) for name in reversed(names))


def by_identity(compute: Callable[[Any], T], kept: int = 4096) -> Callable[[Any], T]:
    """``compute``, remembered for the last ``kept`` objects it was given.

    The model is immutable, so a result worked out for an article holds for as long as
    the article lives: the renderers, the lint and the transforms that look at the same
    article need not walk it again.  Objects are told apart by identity (comparing
    equal ones would cost a walk); each entry holds its object, so that its id is not
    reused while the entry lives.
    """
    results: OrderedDict[int, tuple[Any, T]] = OrderedDict()

    @functools.wraps(compute)
    def remembered(obj: Any) -> T:
        key = id(obj)
        entry = results.get(key)
        if entry is not None and entry[0] is obj:
            results.move_to_end(key)
            return entry[1]
        value = compute(obj)
        results[key] = (obj, value)
        if len(results) > kept:
            results.popitem(last=False)
        return value

    return remembered


@by_identity
def nodes(node: Any) -> tuple[Any, ...]:
    """``tuple(iter_nodes(node))``, walked once for the same object."""
    return tuple(iter_nodes(node))


def plain_text(inlines: Any) -> str:
    """The text of inlines (or of any node) with markup dropped; breaks become spaces."""
    parts: list[str] = []
    for node in iter_nodes(inlines):
        if isinstance(node, (Text, Code)):
            parts.append(node.text)
        elif isinstance(node, (SoftBreak, LineBreak)):
            parts.append(" ")
        elif isinstance(node, Image):
            parts.append(node.alt)
    return "".join(parts)


def merge_text(inlines: Iterable[Inline]) -> tuple[Inline, ...]:
    """Adjacent Text nodes as one, as a reader of the source would see them."""
    out: list[Inline] = []
    for node in inlines:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        else:
            out.append(node)
    return tuple(out)


def section_titles(book: Book) -> dict[str, str]:
    """The title of every place in a book a link can lead to: each article and each heading, by id."""
    titles = {a.id: a.meta.title for a in book.articles}
    titles.update({n.id: plain_text(n.children) for a in book.articles for n in nodes(a.blocks)
                   if isinstance(n, Heading) and n.id})
    return titles
