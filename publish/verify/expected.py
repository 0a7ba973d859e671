"""What the model says each output must contain, as flat sequences of items with source positions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import assert_never

from ..conventions import ANONYMOUS_SPEAKERS, CONTENTS_DEPTH, is_live_address, questioner, turn_speaker
from ..model import nodes as m
from ..model.walk import iter_nodes, plain_text, section_titles
from .normalise import letters

#: Room an output may take for a footnote call mark inside a paragraph.
NOTE_MARK = 6
#: Letters of "(p. 1234)" after a cross-reference in print.
PAGE_REFERENCE = 6


@dataclass(frozen=True)
class Gap:
    """A place inside an item where an output may add up to ``size`` letters (a note call, a URL)."""

    size: int


@dataclass(frozen=True)
class Item:
    kind: str            # "heading", "paragraph", "table cell", "footnote", "link", ...
    text: str            # as the model has it, for messages
    pos: m.Pos
    key: str             # the normalised text
    pattern: re.Pattern[str]
    level: int = 0       # headings and contents entries


@dataclass
class ArticleExpected:
    title: str
    pos: m.Pos
    flow: list[Item] = field(default_factory=list)
    notes: list[Item] = field(default_factory=list)
    links: list[Item] = field(default_factory=list)
    #: Cross-references inside the book: each Item's text is the title of the place it leads to.
    internal_links: list[Item] = field(default_factory=list)
    images: list[Item] = field(default_factory=list)
    #: May appear without being required: the lead image and the source URL are decorations.
    optional_images: set[str] = field(default_factory=set)
    optional_links: set[str] = field(default_factory=set)
    #: Metadata an output may show in its own words (byline, dateline, publisher).
    metadata: list[str] = field(default_factory=list)


@dataclass
class BookExpected:
    language: str
    articles: list[ArticleExpected]
    contents: list[Item]
    #: Headings too deep for the contents: an output may still list them.
    deeper_headings: set[str] = field(default_factory=set)


def item(kind: str, parts: Iterable[str | Gap], pos: m.Pos, level: int = 0) -> Item:
    """An item from text with gaps; the pattern finds it in a normalised stream."""
    pieces: list[str] = []
    text: list[str] = []
    gap = 0
    for part in parts:
        if isinstance(part, Gap):
            gap += part.size
            continue
        key = letters(part)
        text.append(part)
        if not key:
            continue
        if gap and pieces:
            pieces.append(f".{{0,{gap}}}?")
        gap = 0
        pieces.append(re.escape(key))
    return Item(kind, "".join(text).strip(), pos, letters("".join(text)), re.compile("".join(pieces)), level)


def plain(kind: str, text: str, pos: m.Pos, level: int = 0) -> Item:
    return item(kind, [text], pos, level)


def inline_parts(inlines: Iterable[m.Inline]) -> Iterator[str | Gap]:
    """The text of inlines, with gaps where an output may add a call mark or show a URL."""
    for node in inlines:
        match node:
            case m.Text(text=text) | m.Code(text=text) | m.Direction(text=text) | m.Timestamp(text=text):
                yield text
            case m.SoftBreak() | m.LineBreak():
                yield " "
            case m.FootnoteRef():
                yield Gap(NOTE_MARK)
            case m.Link(children=children, target=target):
                yield from inline_parts(children)
                if is_live_address(target):
                    yield Gap(len(letters(target)) + 4)  # print shows the address after the text
                elif target.startswith("#"):
                    yield Gap(PAGE_REFERENCE)  # print gives the page of a cross-reference: "(p. 12)"
            case m.Image(alt=alt):
                yield Gap(len(letters(alt)) + 8)  # a picture, or its alt text when it could not be used
            case m.Emph() | m.Strong() | m.Strikeout() | m.Superscript() | m.Subscript() | m.Span():
                yield from inline_parts(node.children)
            case _:
                assert_never(node)


def expected_book(book: m.Book) -> BookExpected:
    titles = section_titles(book)
    articles = [expected_article(a, titles) for a in book.articles]
    contents: list[Item] = []
    deeper: set[str] = set()
    for article in book.articles:
        pos = article.pos or m.Pos(article.id)
        contents.append(plain("contents entry", article.meta.title, pos, 1))
        for block in article.blocks:
            if isinstance(block, m.Heading) and block.level <= CONTENTS_DEPTH:
                contents.append(plain("contents entry", plain_text(block.children), block.pos or pos,
                                      heading_level(block)))
            elif isinstance(block, m.Heading):
                deeper.add(letters(plain_text(block.children)))
    return BookExpected(book.meta.language or "en", articles, contents, deeper)


def heading_level(heading: m.Heading) -> int:
    # Level 1 is the article's title: a stray level-1 heading in a body is a section.
    return min(max(heading.level, 2), 6)


class _ArticleWalk:
    def __init__(self, article: m.Article, titles: dict[str, str]) -> None:
        self.article = article
        self.titles = titles
        self.pos = article.pos or m.Pos(article.id)
        meta = article.meta
        self.out = ArticleExpected(meta.title, self.pos)
        self.people = {p.id: p for p in meta.people if p.id}
        self.note_ids: list[str] = []

    def run(self) -> ArticleExpected:
        meta = self.article.meta
        self.out.flow.append(plain("heading", meta.title, self.pos, 1))
        if meta.subtitle:
            self.out.flow.append(plain("subtitle", meta.subtitle, self.pos))
        self.blocks(meta.standfirst, self.pos)
        self.blocks(self.article.blocks, self.pos)
        for person in meta.people:
            self.blocks(person.bio, self.pos)
        self.order_notes()
        self.links_and_images()
        if meta.image is not None and meta.image.alt:
            self.out.optional_images.add(letters(meta.image.alt))
        if is_live_address(meta.url):
            self.out.optional_links.add(meta.url.strip())
        self.out.metadata = [meta.title, meta.subtitle, meta.publisher, meta.url, meta.description,
                             *(t for p in meta.people for t in (p.name, *p.roles, *p.affiliations))]
        return self.out

    def blocks(self, blocks: Iterable[m.Block], pos: m.Pos) -> None:
        for block in blocks:
            self.block(block, getattr(block, "pos", None) or pos)

    def block(self, node: m.Block, pos: m.Pos) -> None:
        flow = self.out.flow
        match node:
            case m.Heading():
                flow.append(item("heading", inline_parts(node.children), pos, heading_level(node)))
            case m.Paragraph():
                flow.append(item("paragraph", inline_parts(node.children), pos))
            case m.BulletList() | m.OrderedList():
                for entry in node.items:
                    self.blocks(entry.blocks, entry.pos or pos)
            case m.Quote() | m.Div():
                self.blocks(node.blocks, pos)
            case m.CodeBlock():
                flow.append(plain("code block", node.text, pos))
            case m.Table():
                if node.caption:
                    flow.append(item("table caption", inline_parts(node.caption), pos))
                for row in (*node.head, *node.body):
                    for cell in row:
                        flow.append(item("table cell", inline_parts(cell.children), pos))
            case m.Figure():
                if node.caption:
                    flow.append(item("caption", inline_parts(node.caption), pos))
            case m.FootnoteDef():
                self.note_ids.append(node.note_id)
                self.out.notes.append(self.note(node, pos))
            case m.Exchange():
                self.turn(node.question, node.question.pos or pos, questioner(node.question, self.people))
                for turn in node.answers:
                    self.turn(turn, turn.pos or pos)
            case m.Turn():
                self.turn(node, pos)
            case m.DefinitionList():
                for definition_item in node.items:
                    for term in definition_item.terms:
                        flow.append(item("term", inline_parts(term), definition_item.pos or pos))
                    for definition in definition_item.definitions:
                        self.blocks(definition, definition_item.pos or pos)
            case m.Rule():
                pass
            case _:
                assert_never(node)

    def note(self, node: m.FootnoteDef, pos: m.Pos) -> Item:
        parts: list[str | Gap] = []
        for block in node.blocks:
            if isinstance(block, m.Paragraph):
                parts.extend(inline_parts(block.children))
            else:
                parts.append(plain_text(block))
            parts.append(" ")
        return item("footnote", parts, pos)

    def order_notes(self) -> None:
        """Notes in the order of their first call, as every output numbers them; uncalled ones last."""
        meta = self.article.meta
        calls = [n.note_id for n in iter_nodes((*meta.standfirst, *self.article.blocks))
                 if isinstance(n, m.FootnoteRef)]
        first_call = {note_id: calls.index(note_id) if note_id in calls else len(calls) for note_id in self.note_ids}
        pairs = sorted(zip(self.note_ids, self.out.notes, strict=True), key=lambda pair: first_call[pair[0]])
        self.out.notes = [note for _, note in pairs]

    def turn(self, turn: m.Turn, pos: m.Pos, name: str | None = None) -> None:
        """Who speaks, as every format names them (``conventions``), then what they say."""
        speaker = turn_speaker(turn, self.people) if name is None else name
        if speaker and speaker.lower() not in ANONYMOUS_SPEAKERS:
            self.out.flow.append(plain("speaker", speaker, pos))
        self.blocks(turn.blocks, pos)

    def links_and_images(self) -> None:
        meta = self.article.meta
        containers = [*meta.standfirst, *self.article.blocks, *(b for p in meta.people for b in p.bio)]
        for block in containers:
            pos = getattr(block, "pos", None) or self.pos
            for node in iter_nodes(block):
                inner = getattr(node, "pos", None)
                if isinstance(inner, m.Pos):
                    pos = inner
                if isinstance(node, m.Link) and is_live_address(node.target):
                    target = node.target.strip()
                    self.out.links.append(Item("link", target, pos, target, re.compile(re.escape(target))))
                elif isinstance(node, m.Link) and node.target.startswith("#") and not isinstance(block, m.FootnoteDef):
                    title = self.titles.get(node.target[1:])
                    if title:
                        self.out.internal_links.append(plain("cross-reference", title, pos))
                elif isinstance(node, m.Image) and node.src:
                    self.out.images.append(plain("image", node.alt, pos))


def expected_article(article: m.Article, titles: dict[str, str] | None = None) -> ArticleExpected:
    return _ArticleWalk(article, titles or {}).run()
