"""The content model: a closed set of immutable, format-neutral node types.

Readers build it, transforms rewrite it (``Book -> Book``), renderers consume
it.  Nothing here knows about HTML, EPUB or Word.  Every block and article may
carry a :class:`Pos` saying where in which source it came from, so that later
errors and checks can point back at the source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import TypeGuard, get_args


@dataclass(frozen=True, slots=True)
class Pos:
    """A place in a source file: path as given to the reader, 1-based line and column."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


def _pos() -> Pos | None:
    # the same field for every block: not compared, so that equal text from other lines is equal
    return field(default=None, kw_only=True, compare=False)


# --------------------------------------------------------------------- inlines


@dataclass(frozen=True, slots=True)
class Text:
    """A run of plain text."""

    text: str


@dataclass(frozen=True, slots=True)
class SoftBreak:
    """A line end inside a paragraph: a space to every renderer."""


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A hard line break."""


@dataclass(frozen=True, slots=True)
class Emph:
    """Emphasis (italics)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Strong:
    """Strong importance (bold)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Strikeout:
    """Struck-through text."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Superscript:
    """Superscript text."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Subscript:
    """Subscript text."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Code:
    """Inline code, set verbatim."""

    text: str


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink; ``target`` is a URL or ``#id`` of a heading or article in the book."""

    children: tuple[Inline, ...]
    target: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class Image:
    """An image inside running text; ``alt`` is its text equivalent."""

    src: str
    alt: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class FootnoteRef:
    """A reference to the :class:`FootnoteDef` with the same ``note_id`` in the same article."""

    note_id: str


@dataclass(frozen=True, slots=True)
class Direction:
    """What a transcript notes of the room, not words anyone said: ``(Laughter.)``, ``（拍手）``.

    ``text`` is the note without its brackets (``Laughter.``); renderers set it apart
    (italics, brackets), and the lint does not read it as part of a sentence.
    """

    text: str


@dataclass(frozen=True, slots=True)
class Timestamp:
    """A recording's time mark where a transcript gives one (``00:14:52``)."""

    text: str


@dataclass(frozen=True, slots=True)
class Span:
    """A generic inline container with a semantic role (e.g. ``speaker``, ``abbr``, ``language``).

    ``lang`` is the BCP 47 language of the span's text where it differs from the
    article's (a run of Japanese in English text: ``Span("language", ..., lang="ja")``).
    """

    role: str
    children: tuple[Inline, ...]
    lang: str = ""


Inline = (
    Text | SoftBreak | LineBreak | Emph | Strong | Strikeout | Superscript | Subscript
    | Code | Link | Image | FootnoteRef | Span | Direction | Timestamp
)
INLINE_TYPES: tuple[type, ...] = get_args(Inline)


def is_inline(value: object) -> TypeGuard[Inline]:
    return isinstance(value, INLINE_TYPES)


# ---------------------------------------------------------------------- blocks


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading. Level 1 is the article title; sections start at 2."""

    level: int
    children: tuple[Inline, ...]
    id: str = ""
    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of running text."""

    children: tuple[Inline, ...]
    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class ListItem:
    """One item of a list: a sequence of blocks."""

    blocks: tuple[Block, ...]
    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class BulletList:
    """An unordered list; ``tight`` lists have no space between items."""

    items: tuple[ListItem, ...]
    tight: bool = True
    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class OrderedList:
    """A numbered list starting at ``start``, numbered in ``style`` (``decimal``, ``lower-alpha``,
    ``upper-alpha``, ``lower-roman``, ``upper-roman``) with ``delimiter`` after the number
    (``.``, ``)``) or around it (``()``), as the source numbers it (a memo's ``a.``, ``(1)``)."""

    items: tuple[ListItem, ...]
    start: int = 1
    tight: bool = True
    style: str = "decimal"
    delimiter: str = "."
    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class DefinitionItem:
    """One or more terms and their definitions."""

    terms: tuple[tuple[Inline, ...], ...]
    definitions: tuple[tuple[Block, ...], ...]
    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class DefinitionList:
    """Terms and what they mean (kramdown's ``Term`` / ``: definition``)."""

    items: tuple[DefinitionItem, ...]
    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class Quote:
    """A block quotation."""

    blocks: tuple[Block, ...]
    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """Preformatted text, optionally tagged with a language."""

    text: str
    language: str = ""
    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class TableCell:
    """A table cell; ``align`` is ``""``, ``left``, ``center`` or ``right``."""

    children: tuple[Inline, ...]
    align: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    """A table with header rows and body rows, optionally captioned."""

    head: tuple[tuple[TableCell, ...], ...]
    body: tuple[tuple[TableCell, ...], ...]
    caption: tuple[Inline, ...] = ()
    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class Figure:
    """An image standing alone, with a caption."""

    image: Image
    caption: tuple[Inline, ...] = ()
    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class Rule:
    """A thematic break."""

    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class FootnoteDef:
    """The text of a footnote, referenced by :class:`FootnoteRef` with the same ``note_id``."""

    note_id: str
    blocks: tuple[Block, ...]
    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class Turn:
    """One turn of a conversation: who speaks and what they say.

    ``speaker`` is the label as the source writes it (``MS. OKAFOR``, ``Q``, ``質問``);
    ``person_id`` the header person it was matched to ("" when none: a question from
    the floor, or a label that matches nobody, which the reader reports).  A question
    from the floor names its ``asker`` and ``asker_affiliation`` where the text gives
    them; a question put to named people lists their names in ``addressed_to``.
    A turn stands alone as a block (a transcript's remarks) or is part of an Exchange.
    """

    speaker: str
    blocks: tuple[Block, ...]
    person_id: str = ""
    asker: str = ""
    asker_affiliation: str = ""
    addressed_to: tuple[str, ...] = ()
    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class Exchange:
    """A Q&A exchange: one question and the answers given to it, in order."""

    question: Turn
    answers: tuple[Turn, ...]
    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class Div:
    """A generic container with a role, e.g. ``source-note`` or ``bio``."""

    role: str
    blocks: tuple[Block, ...]
    pos: Pos | None = _pos()


Block = (
    Heading | Paragraph | BulletList | OrderedList | Quote | CodeBlock | Table | Figure
    | Rule | FootnoteDef | Exchange | Div | Turn | DefinitionList
)
BLOCK_TYPES: tuple[type, ...] = get_args(Block)


def is_block(value: object) -> TypeGuard[Block]:
    return isinstance(value, BLOCK_TYPES)


# -------------------------------------------------------------------- metadata


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who wrote, spoke or moderated.

    ``name`` is as the source writes it (``TOMIURA Eiichi``); ``family_name`` and
    ``given_name`` are in normal case; ``family_first`` records the name order.
    """

    name: str
    family_name: str = ""
    given_name: str = ""
    family_first: bool = False
    roles: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    bio: tuple[Block, ...] = ()
    id: str = ""
    #: ``Dr.``, ``Amb.``: as the source writes it before the name.
    honorific: str = ""
    #: A body, not a person (a working group, an editorial desk, a ministry): no name parts.
    organisation: bool = False
    #: An author key (``author: ktanaka``) for the manifest's ``[people.ktanaka]`` record.
    ref: str = ""


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """What is known about one source document."""

    title: str
    subtitle: str = ""
    people: tuple[Person, ...] = ()
    date: dt.date | None = None
    timestamp: dt.datetime | None = None
    publisher: str = ""
    url: str = ""
    language: str = ""
    description: str = ""
    standfirst: tuple[Block, ...] = ()
    image: Image | None = None
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    kind: str = ""
    extra: tuple[tuple[str, str], ...] = ()
    #: A marking the source carries (a memo's classification), shown with the article.
    marking: str = ""
    #: Abbreviations the source defines apart from its text (kramdown's ``*[FOIP]: ...``).
    abbreviations: tuple[tuple[str, str], ...] = ()
    #: Not published yet (``draft: true``, ``published: false``): left out of a book unless asked for.
    draft: bool = False


@dataclass(frozen=True, slots=True)
class Article:
    """One source document in the book."""

    id: str
    meta: ArticleMeta
    blocks: tuple[Block, ...]
    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class BookMeta:
    """The briefing as a whole, from the manifest."""

    title: str
    subtitle: str = ""
    date: dt.date | None = None
    prepared_by: str = ""
    distribution: str = ""
    language: str = "en"
    page_size: str = "A4"
    slug: str = "briefing"
    identifier: str = ""
    publisher: str = ""
    description: str = ""
    glossary: tuple[tuple[str, str], ...] = ()
    #: An image for the printed cover: its path as the manifest names it, from the working folder.
    cover_image: str = ""
    #: Drafts are in the book (the manifest's ``drafts = true`` or ``--drafts``).
    drafts: bool = False
    #: A transcript's time marks are kept (the manifest's ``timestamps = false`` drops them).
    timestamps: bool = True
    #: The manifest's ``[people.KEY]`` records, for the authors a post names by key.
    people: tuple[tuple[str, Person], ...] = ()


@dataclass(frozen=True, slots=True)
class Appearance:
    """Where a person takes part in the book: an article and their roles in it."""

    article_id: str
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Contributor:
    """An entry of the book's people index: one person merged across all articles."""

    person: Person
    appearances: tuple[Appearance, ...]


@dataclass(frozen=True, slots=True)
class Abbreviation:
    """An abbreviation, its expansion, and the id of the article or section where it is first used.

    ``origin`` is ``text`` for a definition found in the sources (``pos`` says
    where) and ``glossary`` for one the manifest gives.
    """

    short: str
    expansion: str
    first_use: str = ""
    origin: str = "text"
    pos: Pos | None = _pos()


@dataclass(frozen=True, slots=True)
class Book:
    """The briefing book: metadata, articles in reading order, and the apparatus built from them."""

    meta: BookMeta
    articles: tuple[Article, ...]
    people: tuple[Contributor, ...] = ()
    abbreviations: tuple[Abbreviation, ...] = ()


NODE_TYPES: tuple[type, ...] = tuple(dict.fromkeys((
    Pos, *INLINE_TYPES, *BLOCK_TYPES, ListItem, DefinitionItem, TableCell, Turn, Person,
    ArticleMeta, Article, BookMeta, Appearance, Contributor, Abbreviation, Book,
)))


def _pickled_by_field_order(cls: type) -> None:
    """Pickle a node as the tuple of its field values.

    The state methods ``dataclass(slots=True)`` adds look the fields up again for
    every node, which made pickling (build cache, worker processes) twice as slow.
    """
    names = tuple(f.name for f in fields(cls))

    def __getstate__(self: object) -> tuple[object, ...]:
        return tuple([getattr(self, name) for name in names])

    def __setstate__(self: object, state: tuple[object, ...]) -> None:
        for name, value in zip(names, state, strict=True):
            object.__setattr__(self, name, value)

    # set on the class after it is made: slotted dataclasses cannot be given methods later any other way
    setattr(cls, "__getstate__", __getstate__)  # noqa: B010
    setattr(cls, "__setstate__", __setstate__)  # noqa: B010


for _node_type in NODE_TYPES:
    _pickled_by_field_order(_node_type)
