"""Source to model: every line of a source is in the model, or left out by a rule with a name.

``publish check`` compares the outputs with the model; this compares the model
with the sources, so that a reader that loses a line, or folds it into the
wrong place, is found even when every output agrees with the (wrong) model.

A reader accounts for its source with ``read_accounted``: the article, and the
lines it left out (``Dropped``: front matter, a header line consumed into the
metadata, page furniture, an HTML comment...), or the part of a line it left out
(``Text <!-- a note``: the rest of the line is compared).  Every other line's words must be found in the
model's text, in order: the title, the standfirst, the blocks (a turn's label
included, a link's target after its text), the bios.  A line whose words are
all in the metadata (people, affiliations, extra fields) is accounted for too.
Words are compared case-blind, letters and digits only, and each CJK character
on its own (Japanese is not written with spaces); markup — list numbers, HTML
tags and entities, emphasis marks — is not a word.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import assert_never

from ..diagnostics import Diagnostic, Reporter
from ..model import nodes as m
from ..sources.ingest import decode, source_bytes
from ..sources.manifest import Manifest
from ..sources.readers import Dropped, accounted_reader_for, reads_bytes

#: Letters and digits, or one CJK character (kana, kanji, full-width forms).
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff10-\uff19\uff21-\uff5a]|[^\W_]+")
_TAG = re.compile(r"<[^<>]*>")
#: The label of a reference link (``[text][label]``): the target stands in the model.
_LABEL = re.compile(r"\]\[[^\]]*\]")
#: Template and attribute markup inside a line whose text stays: Liquid, kramdown attribute lists,
#: header ids.
_MARKUP = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{:[^{}]*\}|\{#[\w:-]+\}")
#: List markers at the start of a line: "1.", "a)", "(1)", "-", "*", "+".
_MARKER = re.compile(r"^\s*(?:(?:\d{1,3}[.)]|[a-zA-Z][.)]|\(\w{1,3}\)|[-*+•])\s+"
                     r"|[\uff10-\uff19]{1,3}\uff0e\s*|\uff08[\uff10-\uff19\w]{1,3}\uff09\s*)")
#: How far ahead, in words of the model, the next word of a line may be (a note call, a
#: link's target, a label may come between two words of a line).
LOOKAHEAD = 40


@dataclass(frozen=True)
class Unplaced:
    """A line of a source whose words the model does not have."""

    line: int
    text: str


def words(text: str) -> list[str]:
    text = _MARKUP.sub(" ", text)
    text = _MARKER.sub("", html.unescape(_TAG.sub(" ", _LABEL.sub("] ", text))))
    return [word.casefold() for word in _WORD.findall(text)]


def unplaced_lines(text: str, article: m.Article, dropped: Iterable[Dropped]) -> list[Unplaced]:
    """The lines of ``text`` that are neither left out by a rule nor in ``article``."""
    left_out: set[int] = set()
    parts: dict[int, list[tuple[int, int | None]]] = {}  # line -> the parts of it left out
    for drop in dropped:
        for number in range(drop.line, drop.last + 1):
            if drop.whole(number):
                left_out.add(number)
            else:
                start = drop.column - 1 if number == drop.line and drop.column else 0
                end = drop.end_column - 1 if number == drop.last and drop.end_column else None
                parts.setdefault(number, []).append((start, end))
    stream = list(_words_of(_flow(article)))
    metadata = set(_words_of(_metadata(article)))
    at = 0
    found: list[Unplaced] = []
    for number, line in enumerate(text.split("\n"), 1):
        wanted = words(_without(line, parts.get(number, ())))
        if number in left_out or not wanted:
            continue
        end = _match(wanted, stream, at)
        if end is not None:
            at = end
        elif not set(wanted) <= metadata:
            found.append(Unplaced(number, line.strip()))
    return found


def _without(line: str, parts: Iterable[tuple[int, int | None]]) -> str:
    """``line`` with the parts a reader left out blanked (``end`` None: to the end of the line)."""
    for start, end in parts:
        stop = len(line) if end is None else min(end, len(line))
        line = line[:start] + " " * max(0, stop - start) + line[stop:]
    return line


def _match(wanted: list[str], stream: list[str], at: int) -> int | None:
    """Where the stream is after ``wanted`` in order from ``at`` (each word near the one before),
    or None.  The first word may be anywhere ahead: the lines before may have been left out."""
    position = at
    for index, word in enumerate(wanted):
        limit = len(stream) if index == 0 else min(len(stream), position + LOOKAHEAD)
        try:
            position = stream.index(word, position, limit) + 1
        except ValueError:
            return None
    return position


def _words_of(texts: Iterable[str]) -> Iterator[str]:
    for text in texts:
        yield from words(text)


# ------------------------------------------------------------------ the model's text


def _flow(article: m.Article) -> Iterator[str]:
    """The model's text in reading order."""
    meta = article.meta
    yield meta.title
    yield meta.subtitle
    for block in meta.standfirst:
        yield from _block(block)
    for block in article.blocks:
        yield from _block(block)
    for person in meta.people:
        if person.bio:
            yield person.name
        for block in person.bio:
            yield from _block(block)


def _metadata(article: m.Article) -> Iterator[str]:
    meta = article.meta
    yield from (meta.title, meta.subtitle, meta.description, meta.publisher, meta.url, meta.marking, meta.kind)
    yield from meta.tags
    yield from meta.categories
    for key, value in (*meta.extra, *meta.abbreviations):
        yield key
        yield value
    for person in meta.people:
        yield from (person.name, person.honorific, person.ref, *person.roles, *person.affiliations)
    if meta.image is not None:
        yield from (meta.image.src, meta.image.alt, meta.image.title)


def _block(node: m.Block) -> Iterator[str]:
    match node:
        case m.Heading() | m.Paragraph():
            yield from _inlines(node.children)
        case m.BulletList() | m.OrderedList():
            for item in node.items:
                for block in item.blocks:
                    yield from _block(block)
        case m.Quote() | m.Div():
            for block in node.blocks:
                yield from _block(block)
        case m.CodeBlock():
            yield node.language
            yield node.text
        case m.Table():
            yield from _inlines(node.caption)
            for row in (*node.head, *node.body):
                for cell in row:
                    yield from _inlines(cell.children)
        case m.Figure():
            yield from _inlines((node.image,))
            yield from _inlines(node.caption)
        case m.Rule():
            pass
        case m.FootnoteDef():
            yield node.note_id
            for block in node.blocks:
                yield from _block(block)
        case m.Exchange():
            for turn in (node.question, *node.answers):
                yield from _block(turn)
        case m.Turn():
            yield from _opening_marks(node)  # a time mark comes before the label in a transcript
            yield from (node.speaker, node.asker, node.asker_affiliation)
            for block in node.blocks:
                yield from _block(block)
        case m.DefinitionList():
            for entry in node.items:
                for term in entry.terms:
                    yield from _inlines(term)
                for definition in entry.definitions:
                    for block in definition:
                        yield from _block(block)
        case _:
            assert_never(node)


def _opening_marks(turn: m.Turn) -> Iterator[str]:
    first = turn.blocks[0] if turn.blocks else None
    if isinstance(first, m.Paragraph):
        for node in first.children:
            if not isinstance(node, m.Timestamp):
                break
            yield node.text


def _inlines(nodes: Iterable[m.Inline]) -> Iterator[str]:
    for node in nodes:
        match node:
            case m.Text() | m.Code() | m.Direction() | m.Timestamp():
                yield node.text
            case m.SoftBreak() | m.LineBreak():
                pass
            case m.Emph() | m.Strong() | m.Strikeout() | m.Superscript() | m.Subscript() | m.Span():
                yield from _inlines(node.children)
            case m.Link():
                yield from _inlines(node.children)
                yield node.target
                yield node.title
            case m.Image():
                yield from (node.alt, node.src, node.title)
            case m.FootnoteRef():
                yield node.note_id
            case _:
                assert_never(node)


# ------------------------------------------------------------------ publish check


def check_sources(manifest: Manifest) -> list[Diagnostic]:
    """Every source of a book read again with its reader: each line it lost, as an error there."""
    found: list[Diagnostic] = []
    for entry in manifest.sources:
        shown = os.path.relpath(entry.path) if not entry.path.is_absolute() else str(entry.path)
        found += check_source(entry.path, shown)
    return found


def check_source(path: Path, shown: str) -> list[Diagnostic]:
    """``path`` read again with its reader: each line it lost, as an error at that line."""
    reader = accounted_reader_for(path.name)
    if reader is None or reads_bytes(path.name):
        return []  # a Word document has no lines to account for
    text = decode(source_bytes(path, shown), shown)
    article, dropped = reader(text, shown, Reporter(stream=None))
    return [Diagnostic("error", m.Pos(shown, line.line, 1), f"text not in the model: “{_short(line.text)}”")
            for line in unplaced_lines(text, article, dropped)]


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[:length] + "…"
