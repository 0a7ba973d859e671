"""The book as HTML: one document for print, one XHTML document per part for EPUB.

Both come from the same node dispatch (this module) and the same Jinja2
macros (``publish/templates/parts.html.j2``), so the PDF and the EPUB say the
same thing in the same markup.  Everything is emitted as XHTML-compatible
markup (void elements self-closed, no named entities), which html5lib reads
for WeasyPrint and XML parsers read for EPUB.

The two targets differ in three ways only, all carried by :class:`Target`:
how an image source becomes a URL, how an in-book ``#id`` link becomes an
href (another file in EPUB), and where footnotes go (at the call site for
``float: footnote`` in print, as EPUB 3 asides after the text in EPUB).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, assert_never

import jinja2
from markupsafe import Markup, escape

from ...build.cache import BuildCache
from ...conventions import (
    bio_heading,
    byline_groups,
    format_date,
    lead_image_description,
    name_separators,
    role_label,
)
from ...diagnostics import Diagnostic, Reporter
from ...model.nodes import (
    Article,
    Block,
    Book,
    BulletList,
    Code,
    CodeBlock,
    Div,
    Emph,
    Exchange,
    Figure,
    FootnoteDef,
    FootnoteRef,
    Heading,
    Image,
    Inline,
    LineBreak,
    Link,
    ListItem,
    OrderedList,
    Paragraph,
    Person,
    Pos,
    Quote,
    Rule,
    SoftBreak,
    Span,
    Strikeout,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    Text,
    Turn,
)
from ...model.walk import nodes, plain_text, section_titles
from ...theme import Theme

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


#: Section headings deeper than this stay out of the contents and the EPUB nav.
TOC_DEPTH = 3
RUNNING_TITLE_MAX = 60
SAFE_SCHEMES = ("http:", "https:", "mailto:")
#: Speaker names that only say "a question" and so need no name next to the Q label.
QUESTION_LABELS = frozenset({"", "q", "question", "audience", "participant"})

Mode = Literal["print", "epub"]


@dataclass(frozen=True)
class Target:
    """What differs between print and EPUB output."""

    mode: Mode
    #: The URL to use for an image, or None when the resource is refused (already warned).
    image_url: Callable[[Image, Pos], str | None]
    #: The href for an in-book id (``"theatre"`` -> ``"#theatre"`` or ``"02-x.xhtml#theatre"``).
    href_for_id: Callable[[str], str]
    #: The printed page number of an in-book id, written into the markup when the book is
    #: typeset in parts (``pdf_parts``); "" leaves it to the stylesheet's target-counter().
    page_of: Callable[[str], str] = lambda anchor: ""


# ----------------------------------------------------------------- markup helpers


# Built with escape() and f-strings: Markup.format() goes through string.Formatter,
# which made these two a third of the time spent writing a book's markup.


def tag(name: str, content: object = "", /, **attrs: object) -> Markup:
    """``<name attrs>content</name>``; content is escaped unless it is Markup."""
    return Markup(f"<{name}{_attrs(attrs)}>{escape(content)}</{name}>")


def void(name: str, /, **attrs: object) -> Markup:
    """A self-closed void element, well-formed for XML parsers too."""
    return Markup(f"<{name}{_attrs(attrs)}/>")


def _attrs(attrs: dict[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None or value is False or value == "":
            continue
        # class_ -> class, epub__type -> epub:type, aria_label -> aria-label
        name = key.rstrip("_").replace("__", ":").replace("_", "-")
        parts.append(f' {name}="{escape(value)}"')
    return "".join(parts)


def css_class(role: str) -> str:
    """A role name made safe to use as a class token."""
    return re.sub(r"[^a-z0-9-]+", "-", role.lower()).strip("-") or "div"


def iso_date(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def running_title(title: str) -> str:
    """A title short enough for a running head, cut at a word boundary."""
    if len(title) <= RUNNING_TITLE_MAX:
        return title
    cut = title[:RUNNING_TITLE_MAX].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut + "…"


def is_external(target: str) -> bool:
    return target.lower().startswith(SAFE_SCHEMES)


# ------------------------------------------------------------------- view models


@dataclass(frozen=True)
class TocEntry:
    """A heading reachable from the contents: ``href`` is filled in per target."""

    id: str
    title: str
    level: int
    href: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class PersonView:
    name: str
    roles: str
    affiliations: tuple[str, ...]
    #: Where the person's entry in "People in this briefing" is ("" when the book has none).
    href: str = ""


@dataclass(frozen=True)
class BylineView:
    """One byline: its label (``By``, ``Speakers``) and its people, each followed by its separator."""

    label: str
    people: tuple[tuple[PersonView, str], ...]


@dataclass(frozen=True)
class BioView:
    name: str
    body: Markup


@dataclass(frozen=True)
class ArticleView:
    """An article ready for the templates: plain strings are escaped there, Markup is not."""

    id: str
    href: str
    lang: str
    title: str
    running_title: str
    subtitle: str
    people: tuple[PersonView, ...]
    bylines: tuple[BylineView, ...]
    names: str
    date: str
    date_iso: str
    publisher: str
    url: str
    standfirst: Markup
    summary: Markup
    lead_image: Markup
    body: Markup
    notes: Markup
    bios: tuple[BioView, ...]
    bio_heading: str
    sections: tuple[TocEntry, ...]


@dataclass(frozen=True)
class ContributorView:
    """An entry of "People in this briefing": one person, their part in each article, and bio."""

    id: str
    name: str
    roles: str
    affiliations: tuple[str, ...]
    appearances: tuple[tuple[str, str, str], ...]  # (roles, article title, href)
    bio: Markup


@dataclass(frozen=True)
class AbbreviationView:
    short: str
    expansion: str
    #: The place of first use: its href and the title of its section or article.
    href: str
    where: str


@dataclass(frozen=True)
class BookView:
    title: str
    subtitle: str
    lang: str
    date: str
    date_iso: str
    prepared_by: str
    publisher: str
    distribution: str
    description: str
    authors: tuple[str, ...]
    keywords: tuple[str, ...]
    created: str
    articles: tuple[ArticleView, ...]
    contributors: tuple[ContributorView, ...]
    abbreviations: tuple[AbbreviationView, ...]
    #: The printed cover's image, when the manifest names one that can be had.
    cover_photo: str = ""
    #: The printed page of an id when it is written into the markup (see Target.page_of).
    page_of: Callable[[str], str] = lambda anchor: ""


# ----------------------------------------------------------------- node rendering


@dataclass
class _Footnotes:
    """The footnotes of one article, numbered in order of first reference."""

    defs: dict[str, FootnoteDef]
    numbers: dict[str, int] = field(default_factory=dict)
    ref_counts: dict[str, int] = field(default_factory=dict)

    def number(self, note_id: str) -> int:
        if note_id not in self.numbers:
            self.numbers[note_id] = len(self.numbers) + 1
        return self.numbers[note_id]


class ArticleWriter:
    """Turns the blocks and inlines of one article into markup for one target."""

    def __init__(self, article: Article, target: Target, reporter: Reporter,
                 indexed_people: frozenset[str] = frozenset()) -> None:
        self.article = article
        self.target = target
        self.reporter = reporter
        #: People with an entry in "People in this briefing": their names link there.
        self.indexed_people = indexed_people
        self.pos = article.pos or Pos(article.id)
        self.people = {p.id: p for p in article.meta.people if p.id}
        self.notes = _Footnotes(
            {n.note_id: n for n in nodes(article.blocks) if isinstance(n, FootnoteDef)}
        )

    # -- ids: prefixed with the article id, so they are unique in the whole book

    def note_id(self, note_id: str) -> str:
        return f"fn-{self.article.id}-{css_class(note_id)}"

    def ref_id(self, note_id: str, occurrence: int) -> str:
        suffix = "" if occurrence == 1 else f"-{occurrence}"
        return f"fnref-{self.article.id}-{css_class(note_id)}{suffix}"

    # -- inlines

    def inlines(self, nodes: Iterable[Inline]) -> Markup:
        return Markup("").join(self.inline(node) for node in nodes)

    def inline(self, node: Inline) -> Markup:
        match node:
            case Text():
                return escape(node.text)
            case SoftBreak():
                return Markup("\n")
            case LineBreak():
                return void("br")
            case Emph():
                return tag("em", self.inlines(node.children))
            case Strong():
                return tag("strong", self.inlines(node.children))
            case Strikeout():
                return tag("s", self.inlines(node.children))
            case Superscript():
                return tag("sup", self.inlines(node.children))
            case Subscript():
                return tag("sub", self.inlines(node.children))
            case Code():
                return tag("code", node.text)
            case Link():
                return self.link(node)
            case Image():
                return self.image(node, self.pos, class_="inline")
            case FootnoteRef():
                return self.footnote_ref(node.note_id)
            case Span():
                language = node.lang or None
                return tag("span", self.inlines(node.children), class_=css_class(node.role), lang=language,
                           xml__lang=language if self.target.mode == "epub" else None)
            case _:
                assert_never(node)

    def link(self, node: Link) -> Markup:
        content = self.inlines(node.children)
        target = node.target.strip()
        if target.startswith("#") and len(target) > 1:
            href = self.target.href_for_id(target[1:])
            # a handout holds one article: a link to elsewhere in the book keeps its text only
            if not href:
                return content
            return tag("a", content, href=href, class_="internal", data_page=self.target.page_of(target[1:]))
        if is_external(target):
            # Print shows the address after the text, unless the text already is it.
            shown = plain_text(node.children).strip()
            bare = shown in (target, target.removeprefix("mailto:"))
            return tag("a", content, href=target, title=node.title,
                       class_="external bare" if bare else "external")
        self.reporter.warn(self.pos, f"link target not allowed, kept as text: {target}")
        return tag("span", content, class_="link-dropped")

    def image(self, node: Image, pos: Pos, *, class_: str = "") -> Markup:
        url = self.target.image_url(node, pos)
        if url is None:
            # Refused or missing (the resource layer has warned): keep the text equivalent.
            return tag("span", f"[{node.alt or 'image'}]", class_="image-missing")
        return void("img", src=url, alt=node.alt, title=node.title, class_=class_)

    def footnote_ref(self, note_id: str) -> Markup:
        definition = self.notes.defs.get(note_id)
        if definition is None:
            self.reporter.warn(self.pos, f"footnote reference without a definition: [^{note_id}]")
            return tag("sup", f"[{note_id}]", class_="footnote-missing")
        number = self.notes.number(note_id)
        occurrence = self.notes.ref_counts[note_id] = self.notes.ref_counts.get(note_id, 0) + 1
        if self.target.mode == "print":
            if occurrence == 1:
                # WeasyPrint moves the span to the page foot and leaves a call mark here.
                return tag("span", self.flat_blocks(definition.blocks), class_="footnote",
                           id=self.note_id(note_id), data_n=str(number))
            return tag("a", tag("sup", str(number)), href=f"#{self.note_id(note_id)}",
                       class_="footnote-again")
        return tag(
            "a", str(number),
            href=f"#{self.note_id(note_id)}",
            id=self.ref_id(note_id, occurrence),
            class_="noteref",
            epub__type="noteref",
            role="doc-noteref",
        )

    def flat_blocks(self, blocks: Sequence[Block]) -> Markup:
        """Blocks as phrasing content: a print footnote lives inside a paragraph."""
        parts = []
        for block in blocks:
            if isinstance(block, Paragraph):
                parts.append(self.inlines(block.children))
            elif isinstance(block, (BulletList, OrderedList)):
                parts.append(Markup("; ").join(self.flat_blocks(item.blocks) for item in block.items))
            else:
                parts.append(escape(plain_text(block)))
        return Markup(" ").join(parts)

    # -- blocks

    def body(self, blocks: Sequence[Block]) -> Markup:
        """Top-level blocks, with each heading opening a ``<section>`` nested by level."""
        out: list[Markup] = []
        open_levels: list[int] = []
        run: list[Block] = []
        for block in blocks:
            if isinstance(block, Heading):
                out.append(self.blocks(run))
                run = []
                level = self.heading_level(block)
                while open_levels and open_levels[-1] >= level:
                    open_levels.pop()
                    out.append(Markup("</section>"))
                out.append(Markup('<section class="level{0}">').format(level))
                open_levels.append(level)
                out.append(self.heading(block))
            else:
                run.append(block)
        out.append(self.blocks(run))
        out.extend(Markup("</section>") for _ in open_levels)
        return Markup("\n").join(part for part in out if part)

    def blocks(self, blocks: Sequence[Block]) -> Markup:
        """Blocks in order; consecutive Q&A exchanges are grouped in one section."""
        out: list[Markup] = []
        exchanges: list[Exchange] = []
        for block in blocks:
            if isinstance(block, Exchange):
                exchanges.append(block)
                continue
            if exchanges:
                out.append(self.qa(exchanges))
                exchanges = []
            out.append(self.block(block))
        if exchanges:
            out.append(self.qa(exchanges))
        return Markup("\n").join(part for part in out if part)

    def block(self, node: Block) -> Markup:
        match node:
            case Heading():
                return self.heading(node)
            case Paragraph():
                return tag("p", self.inlines(node.children))
            case BulletList():
                return tag("ul", self.list_items(node.items, node.tight),
                           class_="tight" if node.tight else "loose")
            case OrderedList():
                # WeasyPrint ignores the start attribute; the counter reset says the same.
                start = node.start != 1 and self.target.mode == "print"
                return tag("ol", self.list_items(node.items, node.tight),
                           start=str(node.start) if node.start != 1 else None,
                           style=f"counter-reset: list-item {node.start - 1}" if start else None,
                           class_="tight" if node.tight else "loose")
            case Quote():
                return tag("blockquote", self.blocks(node.blocks))
            case CodeBlock():
                language = css_class(node.language) if node.language else ""
                code = tag("code", node.text.rstrip("\n"),
                           class_=f"language-{language}" if language else "")
                return tag("pre", code)
            case Table():
                return self.table(node)
            case Figure():
                return self.figure(node)
            case Rule():
                return void("hr")
            case FootnoteDef():
                return Markup("")  # placed by footnote_ref (print) or endnotes (EPUB)
            case Exchange():
                return self.qa([node])
            case Div():
                return self.div(node)
            case _:
                assert_never(node)

    def heading_level(self, node: Heading) -> int:
        # Level 1 is the article title: a stray one in the body becomes a section.
        return min(max(node.level, 2), 6)

    def heading(self, node: Heading) -> Markup:
        level = self.heading_level(node)
        return tag(f"h{level}", self.inlines(node.children), id=node.id or None)

    def list_items(self, items: Sequence[ListItem], tight: bool) -> Markup:
        rendered = []
        for item in items:
            if tight and len(item.blocks) == 1 and isinstance(item.blocks[0], Paragraph):
                # Tight items hold their text directly, without paragraph spacing.
                rendered.append(tag("li", self.inlines(item.blocks[0].children)))
            else:
                rendered.append(tag("li", self.blocks(item.blocks)))
        return Markup("\n").join(rendered)

    def table(self, node: Table) -> Markup:
        parts = []
        if node.caption:
            parts.append(tag("caption", self.inlines(node.caption)))
        if node.head:
            rows = (self.table_row(row, "th") for row in node.head)
            parts.append(tag("thead", Markup("\n").join(rows)))
        rows = (self.table_row(row, "td") for row in node.body)
        parts.append(tag("tbody", Markup("\n").join(rows)))
        return tag("div", tag("table", Markup("\n").join(parts)), class_="table-wrap")

    def table_row(self, cells: Sequence[TableCell], cell_tag: str) -> Markup:
        rendered = (
            tag(cell_tag, self.inlines(cell.children),
                scope="col" if cell_tag == "th" else None,
                class_=f"align-{cell.align}" if cell.align else None)
            for cell in cells
        )
        return tag("tr", Markup("").join(rendered))

    def figure(self, node: Figure) -> Markup:
        image = self.image(node.image, node.pos or self.pos)
        caption = tag("figcaption", self.inlines(node.caption)) if node.caption else Markup("")
        return tag("figure", image + caption)

    def div(self, node: Div) -> Markup:
        role = css_class(node.role)
        element = "aside" if role in ("bio", "note", "source-note", "sidebar") else "div"
        return tag(element, self.blocks(node.blocks), class_=role)

    # -- Q&A

    def qa(self, exchanges: Sequence[Exchange]) -> Markup:
        return tag("section", Markup("\n").join(self.exchange(e) for e in exchanges), class_="qa")

    def exchange(self, node: Exchange) -> Markup:
        parts = [self.question(node.question)]
        parts.extend(self.answer(turn) for turn in node.answers)
        return tag("div", Markup("\n").join(parts), class_="exchange")

    def question(self, turn: Turn) -> Markup:
        label = tag("span", tag("abbr", "Q", title="Question"), class_="label")
        speaker = self.speaker_name(turn)
        if speaker.lower() not in QUESTION_LABELS:
            label += Markup(" ") + tag("span", speaker, class_="speaker")
        return tag("div", label + tag("div", self.blocks(turn.blocks), class_="turn-text"),
                   class_="question")

    def answer(self, turn: Turn) -> Markup:
        name = self.speaker_name(turn)
        if turn.person_id in self.indexed_people:
            speaker = tag("a", name, class_="speaker", href=self.target.href_for_id(turn.person_id))
        else:
            speaker = tag("span", name, class_="speaker")
        return tag("div", speaker + tag("div", self.blocks(turn.blocks), class_="turn-text"),
                   class_="answer")

    def speaker_name(self, turn: Turn) -> str:
        person = self.people.get(turn.person_id)
        return person.name if person else turn.speaker.strip()

    # -- notes after the text

    def endnotes(self) -> Markup:
        """EPUB: every referenced note as an aside with a back link.  Both targets:
        notes nobody references, so that their text is not lost."""
        parts = []
        if self.target.mode == "epub":
            for note_id, number in self.notes.numbers.items():
                parts.append(self.note_aside(self.notes.defs[note_id], number))
        unreferenced = [d for key, d in self.notes.defs.items() if key not in self.notes.numbers]
        for definition in unreferenced:
            self.reporter.warn(definition.pos or self.pos,
                               f"footnote [^{definition.note_id}] is never referenced")
            parts.append(self.note_aside(definition, self.notes.number(definition.note_id),
                                         back_link=False))
        if not parts:
            return Markup("")
        heading = tag("h2", "Notes", class_="notes-title")
        epub = self.target.mode == "epub"
        return tag("section", heading + Markup("\n").join(parts), class_="footnotes",
                   epub__type="endnotes" if epub else None, role="doc-endnotes" if epub else None)

    def note_aside(self, definition: FootnoteDef, number: int, *, back_link: bool = True) -> Markup:
        note_id = definition.note_id
        if back_link and self.target.mode == "epub":
            marker = tag("a", f"{number}.", href=f"#{self.ref_id(note_id, 1)}",
                         class_="note-number", role="doc-backlink")
        else:
            marker = tag("span", f"{number}.", class_="note-number")
        epub = self.target.mode == "epub"
        return tag("aside", marker + Markup(" ") + self.blocks(definition.blocks),
                   id=self.note_id(note_id), class_="footnote-text",
                   epub__type="footnote" if epub else None, role="doc-footnote" if epub else None)


# ------------------------------------------------------------------- view building


def article_view(article: Article, book: Book, target: Target, href: str,
                 reporter: Reporter, *, with_body: bool = True) -> ArticleView:
    """The article for the templates; without its body (and notes and bios) where only
    its title, people, summary and sections are shown: the contents, the people index."""
    writer = ArticleWriter(article, target, reporter, frozenset(c.person.id for c in book.people))
    meta = article.meta
    # Body first: it numbers the footnotes that the endnotes then list.
    body = writer.body(article.blocks) if with_body else Markup("")
    lead_image = Markup("")
    if meta.image is not None:
        described = replace(meta.image, alt=lead_image_description(meta))
        lead_image = tag("figure", writer.image(described, writer.pos), class_="lead-image")
        if "image-missing" in lead_image:
            lead_image = Markup("")  # a missing decoration is not worth a placeholder
    standfirst = writer.blocks(meta.standfirst) if meta.standfirst else Markup("")
    summary = standfirst or (tag("p", meta.description) if meta.description else Markup(""))
    return ArticleView(
        id=article.id,
        href=href,
        lang=meta.language or book.meta.language or "en",
        title=meta.title,
        running_title=running_title(meta.title),
        subtitle=meta.subtitle,
        people=tuple(person_view(p, target, book) for p in meta.people),
        bylines=byline_views(article, target, book),
        names=", ".join(p.name for p in meta.people),
        date=format_date(meta.date),
        date_iso=iso_date(meta.date),
        publisher=meta.publisher,
        url=meta.url if is_external(meta.url) else "",
        standfirst=standfirst,
        summary=summary,
        lead_image=lead_image,
        body=body,
        notes=writer.endnotes() if with_body else Markup(""),
        bios=tuple(BioView(p.name, writer.blocks(p.bio)) for p in meta.people if p.bio and with_body),
        bio_heading=bio_heading(meta.people),
        sections=section_entries(article, target),
    )


def byline_views(article: Article, target: Target, book: Book) -> tuple[BylineView, ...]:
    language = article.meta.language or book.meta.language or "en"
    views = []
    for group in byline_groups(article.meta.people):
        people = [person_view(p, target, book) for p in group.people]
        views.append(BylineView(group.label, tuple(zip(people, name_separators(len(people), language), strict=True))))
    return tuple(views)


def person_view(person: Person, target: Target, book: Book) -> PersonView:
    indexed = any(c.person.id == person.id for c in book.people) and bool(person.id)
    href = target.href_for_id(person.id) if indexed else ""
    return PersonView(person.name, role_label(person.roles), person.affiliations, href)


def section_entries(article: Article, target: Target) -> tuple[TocEntry, ...]:
    """The article's headings (level 2..TOC_DEPTH) as a tree."""
    roots: list[TocEntry] = []
    stack: list[tuple[int, list[TocEntry], TocEntry]] = []
    children_of: dict[int, list[TocEntry]] = {}
    for block in article.blocks:
        if not isinstance(block, Heading) or not block.id or block.level > TOC_DEPTH:
            continue
        level = max(block.level, 2)
        entry = TocEntry(block.id, plain_text(block.children).strip(), level,
                         target.href_for_id(block.id))
        while stack and stack[-1][0] >= level:
            stack.pop()
        siblings = stack[-1][1] if stack else roots
        siblings.append(entry)
        children: list[TocEntry] = []
        children_of[id(entry)] = children
        stack.append((level, children, entry))
    return tuple(_freeze(entry, children_of) for entry in roots)


def _freeze(entry: TocEntry, children_of: dict[int, list[TocEntry]]) -> TocEntry:
    children = tuple(_freeze(c, children_of) for c in children_of.get(id(entry), []))
    return replace(entry, children=children)


def book_view(book: Book, articles: Sequence[ArticleView], build_time: dt.datetime, target: Target,
              reporter: Reporter) -> BookView:
    meta = book.meta
    authors = tuple(dict.fromkeys(
        p.name for a in book.articles for p in a.meta.people if p.name
    ))
    keywords = tuple(dict.fromkeys(t for a in book.articles for t in a.meta.tags if t))
    return BookView(
        title=meta.title,
        subtitle=meta.subtitle,
        lang=meta.language or "en",
        date=format_date(meta.date),
        date_iso=iso_date(meta.date),
        prepared_by=meta.prepared_by,
        publisher=meta.publisher,
        distribution=meta.distribution,
        description=meta.description or meta.subtitle,
        authors=authors,
        keywords=keywords,
        created=w3c_datetime(build_time),
        articles=tuple(articles),
        contributors=contributor_views(book, articles, target, reporter),
        abbreviations=abbreviation_views(book, target),
        page_of=target.page_of,
    )


def contributor_views(book: Book, articles: Sequence[ArticleView], target: Target,
                      reporter: Reporter) -> tuple[ContributorView, ...]:
    """The book's people index, in the model's order (by family name), with their parts and bios."""
    views_by_id = {a.id: view for a, view in zip(book.articles, articles, strict=True)}
    out = []
    for entry in book.people:
        person = entry.person
        appearances = tuple(
            (role_label(a.roles), views_by_id[a.article_id].title, views_by_id[a.article_id].href)
            for a in entry.appearances if a.article_id in views_by_id
        )
        home = next((a for a in book.articles if a.id == entry.appearances[0].article_id), None) \
            if entry.appearances else None
        bio = Markup("")
        if person.bio and home is not None:
            bio = ArticleWriter(home, target, reporter).blocks(person.bio)
        out.append(ContributorView(person.id, person.name, role_label(person.roles), person.affiliations,
                                   appearances, bio))
    return tuple(out)


def abbreviation_views(book: Book, target: Target) -> tuple[AbbreviationView, ...]:
    titles = section_titles(book)
    return tuple(
        AbbreviationView(a.short, a.expansion,
                         target.href_for_id(a.first_use) if a.first_use in titles else "",
                         titles.get(a.first_use, ""))
        for a in book.abbreviations
    )


def w3c_datetime(moment: dt.datetime) -> str:
    """UTC, to the second, with a Z: the form PDF and EPUB metadata both accept."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc)
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


# --------------------------------------------------------------------- templates


def environment() -> jinja2.Environment:
    # Autoescape on for every template name (.j2 and .xhtml are not matched by
    # select_autoescape), and StrictUndefined so a misspelt name fails loudly.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


_ENV: jinja2.Environment | None = None


def _env() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = environment()
    return _ENV


def render_template(name: str, **values: object) -> str:
    return _env().get_template(name).render(**values)


# ---------------------------------------------------------------------- print


@dataclass(frozen=True)
class PrintPart:
    """A run of the print book that WeasyPrint can typeset on its own: the front matter
    (cover, contents, at a glance), some articles, the back matter (people, abbreviations)."""

    front: bool = False
    articles: range = range(0)
    back: bool = False


def print_document(book: Book, build_time: dt.datetime, image_url: Callable[[Image, Pos], str | None],
                   reporter: Reporter) -> str:
    """The whole book as one HTML document for WeasyPrint."""
    return PrintBook(book, build_time, image_url, reporter).document(reporter)


class PrintBook:
    """The print HTML of one book, whole or one part at a time (``pdf_parts``): what
    every part needs (the ids a link may lead to) is worked out once."""

    def __init__(self, book: Book, build_time: dt.datetime, image_url: Callable[[Image, Pos], str | None],
                 reporter: Reporter) -> None:
        self.book = book
        self.build_time = build_time
        self.image_url = image_url
        self.known_ids = _known_ids(book, reporter)

    def document(self, reporter: Reporter, part: PrintPart | None = None,
                 page_of: Callable[[str], str] = lambda anchor: "") -> str:
        """One part of the book (the whole book by default) as an HTML document.

        ``page_of`` gives the printed page of an id, written into the links that show
        one (contents, cross-references) when a part cannot count pages it does not hold.
        """
        book = self.book

        def href_for_id(anchor: str) -> str:
            if anchor not in self.known_ids:
                reporter.warn(Pos("book"), f"link to an unknown id: #{anchor}")
            return f"#{anchor}"

        target = Target("print", self.image_url, href_for_id, page_of)
        part = part or PrintPart(front=True, articles=range(len(book.articles)), back=True)
        if part.front or part.back:
            # The contents and the people index name every article, without its body if not shown.
            articles = [article_view(a, book, target, f"#{a.id}", reporter, with_body=index in part.articles)
                        for index, a in enumerate(book.articles)]
            view = _with_cover_photo(book_view(book, articles, self.build_time, target, reporter), book,
                                     self.image_url)
            shown = view.articles[part.articles.start:part.articles.stop]
        else:
            # Articles alone: their book view needs only them.
            chosen = book.articles[part.articles.start:part.articles.stop]
            shown = tuple(article_view(a, book, target, f"#{a.id}", reporter) for a in chosen)
            view = book_view(replace(book, articles=chosen, people=(), abbreviations=()), shown,
                             self.build_time, target, reporter)
        return render_template("book.html.j2", book=view, front=part.front, articles=shown, back=part.back,
                               first_article=book.articles[0].id if book.articles else "")


def _with_cover_photo(view: BookView, book: Book, image_url: Callable[[Image, Pos], str | None]) -> BookView:
    if not book.meta.cover_image:
        return view
    path = Path(book.meta.cover_image)
    return replace(view, cover_photo=image_url(Image(path.name), Pos(str(path))) or "")


#: The "article index" of ids that live in the people section, not in an article.
PEOPLE_INDEX = -2


def handout_documents(book: Book, build_time: dt.datetime, image_url: Callable[[Image, Pos], str | None],
                      reporter: Reporter) -> list[tuple[Article, str]]:
    """Each article alone, as an HTML document for a handout PDF.

    Links to other articles and to the people section have no target in a
    handout, so they keep their text and lose the link.
    """
    out = []
    for article in book.articles:
        own = {article.id} | {n.id for n in nodes(article.blocks) if isinstance(n, Heading) and n.id}

        def href_for_id(anchor: str, own: set[str] = own) -> str:
            return f"#{anchor}" if anchor in own else ""

        target = Target("print", image_url, href_for_id)
        single = replace(book, articles=(article,), people=())
        view = article_view(article, single, target, f"#{article.id}", reporter)
        out.append((article, render_template("handout.html.j2", book=book_view(single, [view], build_time,
                                                                                 target, reporter),
                                              article=view)))
    return out


def _known_ids(book: Book, reporter: Reporter) -> dict[str, int]:
    """Every article, heading and person id, mapped to its article's index; duplicates are reported."""
    ids: dict[str, int] = {c.person.id: PEOPLE_INDEX for c in book.people if c.person.id}
    for index, article in enumerate(book.articles):
        candidates = [(article.id, article.pos)]
        candidates += [(b.id, b.pos) for b in nodes(article.blocks)
                       if isinstance(b, Heading) and b.id]
        for anchor, pos in candidates:
            if anchor in ids:
                reporter.warn(pos or Pos(article.id), f"duplicate id in the book: {anchor}")
            ids.setdefault(anchor, index)
    return ids


# ----------------------------------------------------------------------- EPUB


@dataclass(frozen=True)
class EpubDocument:
    file_name: str
    title: str
    xhtml: str


@dataclass(frozen=True)
class EpubDocuments:
    book: BookView
    cover: EpubDocument
    glance: EpubDocument
    articles: tuple[EpubDocument, ...]
    #: Contributors and abbreviations, when the book has any.
    back: tuple[EpubDocument, ...]


COVER_FILE = "cover.xhtml"
GLANCE_FILE = "glance.xhtml"
PEOPLE_FILE = "people.xhtml"
PEOPLE_TITLE = "People in this briefing"
ABBREVIATIONS_FILE = "abbreviations.xhtml"


def article_file_name(index: int, article: Article) -> str:
    return f"{index + 1:02d}-{css_class(article.id)[:48]}.xhtml"


@dataclass(frozen=True)
class _ArticlePage:
    """An article's EPUB document as a build wrote it, with what it took from the rest of
    the book (the hrefs of the ids it links to) and the warnings it gave."""

    xhtml: str
    hrefs: tuple[tuple[str, str], ...]
    warnings: tuple[Diagnostic, ...]


def epub_documents(book: Book, build_time: dt.datetime, image_url: Callable[[Image, Pos], str | None],
                   reporter: Reporter, cover_image: str, stylesheet: str,
                   cache: BuildCache | None = None) -> EpubDocuments:
    """The cover, the at-a-glance page and one XHTML document per article.

    With a build cache, an article's document is kept with the hrefs it used; a later
    build takes it as it is when the article and those hrefs are unchanged.  (Articles
    with pictures are written afresh: their images must be added to the package.)
    """
    known_ids = _known_ids(book, reporter)
    files = [article_file_name(i, a) for i, a in enumerate(book.articles)]
    current: list[int] = [0]
    warn_to: list[Reporter] = [reporter]

    def href(anchor: str) -> str | None:
        index = known_ids.get(anchor)
        if index is None:
            return None
        if index == PEOPLE_INDEX:
            return f"{PEOPLE_FILE}#{anchor}"
        if index == current[0]:
            return f"#{anchor}"
        return f"{files[index]}#{anchor}"

    def href_for_id(anchor: str) -> str:
        found = href(anchor)
        if found is None:
            warn_to[0].warn(Pos("book"), f"link to an unknown id: #{anchor}")
        return found or f"#{anchor}"

    target = Target("epub", image_url, href_for_id)
    people = frozenset(c.person.id for c in book.people)
    views, pages = [], []
    for index, article in enumerate(book.articles):
        current[0] = index
        key = None
        if cache is not None and not any(isinstance(n, Image) for n in nodes(article)):
            # of the people index, only whether this article's people and speakers are in it
            asked = {p.id for p in article.meta.people} | {n.person_id for n in nodes(article) if isinstance(n, Turn)}
            key = cache.key(article, files[index], book.meta.language, sorted(people & asked), stylesheet)
        kept = cache.load("epub/article", key) if key else None
        if isinstance(kept, _ArticlePage) and all((href(a) or f"#{a}") == h for a, h in kept.hrefs):
            # the page as it is; its view only for the contents, the glance page and the nav
            warn_to[0] = Reporter(stream=None)
            views.append(article_view(article, book, target, files[index], warn_to[0], with_body=False))
            reporter.replay(kept.warnings)
            pages.append(kept.xhtml)
            warn_to[0] = reporter
            continue
        used: list[tuple[str, str]] = []
        recorder = warn_to[0] = Reporter(stream=None)

        def recording_href(anchor: str) -> str:
            used.append((anchor, href_for_id(anchor)))
            return used[-1][1]

        view = article_view(article, book, replace(target, href_for_id=recording_href), files[index], recorder)
        warn_to[0] = reporter
        reporter.replay(recorder.warnings)
        xhtml = _epub_page(stylesheet, view.title, view.lang, "article", article=view)
        if key:
            cache.store("epub/article", key, _ArticlePage(xhtml, tuple(dict.fromkeys(used)),
                                                          tuple(recorder.warnings)))
        views.append(view)
        pages.append(xhtml)
    # Section hrefs in the nav and the glance page point from outside each article.
    current[0] = -1
    views = [_with_outside_hrefs(view, files[i]) for i, view in enumerate(views)]
    view = book_view(book, views, build_time, target, reporter)

    def page(file_name: str, title: str, lang: str, content_template: str, **values: object) -> EpubDocument:
        return EpubDocument(file_name, title, _epub_page(stylesheet, title, lang, content_template,
                                                         book=view, **values))

    cover = page(COVER_FILE, view.title, view.lang, "cover", cover_image=cover_image)
    glance = page(GLANCE_FILE, "At a glance", view.lang, "glance")
    articles = tuple(EpubDocument(a.href, a.title, xhtml) for a, xhtml in zip(views, pages, strict=True))
    back = []
    if view.contributors:
        back.append(page(PEOPLE_FILE, PEOPLE_TITLE, view.lang, "contributors"))
    if view.abbreviations:
        back.append(page(ABBREVIATIONS_FILE, "Abbreviations", view.lang, "abbreviations"))
    return EpubDocuments(view, cover, glance, articles, tuple(back))


def _epub_page(stylesheet: str, title: str, lang: str, content_template: str, **values: object) -> str:
    values.setdefault("book", None)
    return render_template("epub_page.xhtml.j2", title=title, lang=lang, stylesheet=stylesheet,
                           content_template=content_template, **values)


def _with_outside_hrefs(view: ArticleView, file_name: str) -> ArticleView:
    def fix(entry: TocEntry) -> TocEntry:
        href = entry.href if not entry.href.startswith("#") else f"{file_name}{entry.href}"
        return TocEntry(entry.id, entry.title, entry.level, href, tuple(fix(c) for c in entry.children))

    return replace(view, sections=tuple(fix(s) for s in view.sections))


# ------------------------------------------------------------------ theme → CSS

CSS_FONT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _-]{0,63}")
CSS_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
GENERIC_FAMILIES = {"body": "serif", "heading": "sans-serif", "mono": "monospace", "cjk": "sans-serif"}


def theme_properties(theme: Theme, reporter: Reporter, pos: Pos, *, size_unit: str = "pt",
                     first_fonts: dict[str, str] | None = None) -> str:
    """The theme as CSS custom properties, every value checked so none can break out of CSS.

    ``size_unit`` is ``pt`` for print; EPUB passes ``em`` and gets sizes
    relative to the body size, so that the reader's font setting still rules.
    ``first_fonts`` puts a family (an embedded face) before the theme's for a role.
    """
    lines = []
    cjk = _font_name(theme, "cjk", reporter, pos)
    for role, generic in GENERIC_FAMILIES.items():
        name = _font_name(theme, role, reporter, pos)
        first = (first_fonts or {}).get(role, "")
        first_cjk = (first_fonts or {}).get("cjk", "")
        stack = [f'"{n}"' for n in dict.fromkeys(x for x in (first, name, first_cjk, cjk) if x)]
        lines.append(f"  --font-{role}: {', '.join(stack + [generic])};")
    for role, value in sorted(theme.colours.items()):
        if CSS_COLOUR.fullmatch(str(value)) and re.fullmatch(r"[a-z0-9_-]+", role):
            lines.append(f"  --colour-{role.replace('_', '-')}: {value};")
        else:
            reporter.warn(pos, f"theme colour {role} ignored: {value!r} is not #rgb or #rrggbb")
    body = _number(theme.sizes.get("body", 10.5))
    for role, value in sorted(theme.sizes.items()):
        number = _number(value)
        if number is None or not re.fullmatch(r"[a-z0-9_]+", role):
            reporter.warn(pos, f"theme size {role} ignored: {value!r} is not a number")
            continue
        name = role.replace("_", "-")
        if role == "line_height":
            lines.append(f"  --{name}: {number:g};")
        elif size_unit == "em" and body:
            lines.append(f"  --size-{name}: {number / body:.4g}em;")
        else:
            lines.append(f"  --size-{name}: {number:g}{size_unit};")
    return ":root {\n" + "\n".join(lines) + "\n}\n"


def _font_name(theme: Theme, role: str, reporter: Reporter, pos: Pos) -> str:
    name = str(theme.fonts.get(role, ""))
    if name and not CSS_FONT_NAME.fullmatch(name):
        reporter.warn(pos, f"theme font {role} ignored: {name!r}")
        return ""
    return name


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None
