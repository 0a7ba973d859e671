"""What a reader found in one output, in the same shape for every format."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Unit:
    """A block of text as the output sets it: a paragraph, a heading (``heading`` = its level), a cell."""

    text: str
    heading: int = 0


@dataclass
class ArticleObserved:
    units: list[Unit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    #: The titles that the output's links inside the book lead to.
    internal_links: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ContentsEntry:
    text: str
    depth: int


@dataclass
class Observed:
    articles: list[ArticleObserved] = field(default_factory=list)
    contents: list[ContentsEntry] = field(default_factory=list)


def add_text(units: list[Unit], key: object, keys: list[object], text: str, heading: int = 0) -> None:
    """Append text to the unit named ``key``, opening a new unit when the key changes."""
    if not text:
        return
    if keys and keys[-1] == key:
        units[-1].text += text
    else:
        keys.append(key)
        units.append(Unit(text, heading))
