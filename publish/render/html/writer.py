"""The article's nodes as markup: one dispatch per node level, for print and for EPUB.

Everything is emitted as XHTML-compatible markup (void elements self-closed,
no named entities), which html5lib reads for WeasyPrint and XML parsers read
for EPUB.  The two targets differ in three ways only, all carried by
:class:`Target`: how an image source becomes a URL, how an in-book ``#id``
link becomes an href (another file in EPUB), and where footnotes go (at the
call site for ``float: footnote`` in print, as EPUB 3 asides after the text
in EPUB).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, assert_never

from markupsafe import Markup, escape

from ...conventions import NOTES_TITLE, cross_reference, direction_text, questioner, turn_speaker
from ...diagnostics import Reporter
from ...model.nodes import (
    Article,
    Block,
    BulletList,
    Code,
    CodeBlock,
    DefinitionList,
    Direction,
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
    Timestamp,
    Turn,
)
from ...model.walk import nodes, plain_text
from .markup import css_class, tag, void

Mode = Literal["print", "epub"]

#: Classes for a numbered list's delimiter when it is not a full stop (the stylesheets set the marker).
_DELIMITER_CLASSES = {")": "delimiter-paren", "()": "delimiter-parens"}


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
            case Direction():
                return tag("i", direction_text(node.text), class_="direction")
            case Timestamp():
                # the space keeps the mark apart from the words after it, in text that is copied too
                return tag("span", node.text, class_="timestamp") + Markup(" ")
            case _:
                assert_never(node)

    def link(self, node: Link) -> Markup:
        """A cross-reference or a web address: the ``links`` transform has made every other
        link a span (``conventions.is_live_address``)."""
        content = self.inlines(node.children)
        anchor = cross_reference(node.target)
        if anchor:
            href = self.target.href_for_id(anchor)
            # a handout holds one article: a link to elsewhere in the book keeps its text only
            if not href:
                return content
            return tag("a", content, href=href, class_="internal", data_page=self.target.page_of(anchor))
        # Print shows the address after the text, unless the text already is it.
        target = node.target.strip()
        shown = plain_text(node.children).strip()
        bare = shown in (target, target.removeprefix("mailto:"))
        return tag("a", content, href=target, title=node.title, class_="external bare" if bare else "external")

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
        """Blocks in order; consecutive turns and Q&A exchanges are grouped in one section."""
        out: list[Markup] = []
        spoken: list[Exchange | Turn] = []
        for block in blocks:
            if isinstance(block, Exchange | Turn):
                spoken.append(block)
                continue
            if spoken:
                out.append(self.qa(spoken))
                spoken = []
            out.append(self.block(block))
        if spoken:
            out.append(self.qa(spoken))
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
                numbered = [] if node.style == "decimal" else [css_class(node.style)]
                numbered += [] if node.delimiter == "." else [_DELIMITER_CLASSES.get(node.delimiter, "")]
                return tag("ol", self.list_items(node.items, node.tight),
                           start=str(node.start) if node.start != 1 else None,
                           style=f"counter-reset: list-item {node.start - 1}" if start else None,
                           class_=" ".join(["tight" if node.tight else "loose", *numbered]))
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
            case Exchange() | Turn():
                return self.qa([node])
            case Div():
                return self.div(node)
            case DefinitionList():
                return self.definition_list(node)
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
        element = "aside" if role in ("bio", "note", "source-note", "sidebar", "callout", "warning") else "div"
        return tag(element, self.blocks(node.blocks), class_=role)

    def definition_list(self, node: DefinitionList) -> Markup:
        parts: list[Markup] = []
        for item in node.items:
            parts += [tag("dt", self.inlines(term)) for term in item.terms]
            parts += [tag("dd", self.blocks(definition)) for definition in item.definitions]
        return tag("dl", Markup("\n").join(parts))

    # -- Q&A

    def qa(self, spoken: Sequence[Exchange | Turn]) -> Markup:
        """A conversation: exchanges of question and answers, and turns standing alone (a
        transcript's remarks), in order."""
        parts = [self.exchange(block) if isinstance(block, Exchange) else self.answer(block, "turn")
                 for block in spoken]
        return tag("section", Markup("\n").join(parts), class_="qa")

    def exchange(self, node: Exchange) -> Markup:
        parts = [self.question(node.question)]
        parts.extend(self.answer(turn) for turn in node.answers)
        return tag("div", Markup("\n").join(parts), class_="exchange")

    def question(self, turn: Turn) -> Markup:
        label = tag("span", tag("abbr", "Q", title="Question"), class_="label")
        name = questioner(turn, self.people)
        if name:
            label += Markup(" ") + self.speaker(turn, name)
        return tag("div", label + tag("div", self.blocks(turn.blocks), class_="turn-text"),
                   class_="question")

    def answer(self, turn: Turn, role: str = "answer") -> Markup:
        speaker = self.speaker(turn, turn_speaker(turn, self.people))
        return tag("div", speaker + tag("div", self.blocks(turn.blocks), class_="turn-text"), class_=role)

    def speaker(self, turn: Turn, name: str) -> Markup:
        """The name a turn is said by, linked to the person's entry when the book has one."""
        if turn.person_id in self.indexed_people:
            return tag("a", name, class_="speaker", href=self.target.href_for_id(turn.person_id))
        return tag("span", name, class_="speaker")

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
        heading = tag("h2", NOTES_TITLE, class_="notes-title")
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


