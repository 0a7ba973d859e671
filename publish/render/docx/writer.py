"""The Word renderer: a DOCX built from the model with python-docx.

Layout: a cover page, a contents page holding a real TOC field (its cached
result pre-filled, so it reads correctly before Word updates it), then one
section per article, so that each starts on a new page and carries its own
running head.  Everything is set through named styles (``docx_styles``) whose
fonts and colours come from the theme; a ``reference.docx`` in the styles
folder overrides them.  ``docx_package`` cleans up the package around the text.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import assert_never

import docx
from docx.enum.section import WD_HEADER_FOOTER
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.section import Section
from docx.shared import Emu, Pt, Twips
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from ...build.cache import BuildCache
from ...conventions import (
    BylineGroup,
    bio_heading,
    byline_groups,
    format_date,
    lead_image_description,
    name_separators,
    role_label,
    script_segments,
)
from ...diagnostics import Reporter
from ...model.nodes import (
    Article,
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
    Text,
    Turn,
)
from ...model.walk import iter_nodes, plain_text, section_titles
from ..context import RenderContext
from . import fonts as docx_fonts
from . import fragments, package
from . import oxml as ooxml
from .oxml import clean_text
from .styles import CELL_MARGIN, TABLE_GAP, S, StyleSheet, page_geometry

_DIV_STYLES = {"source-note": S.SOURCE_LINE, "bio": S.BIO, "standfirst": S.STANDFIRST}
_HEADING_STYLES = {2: S.HEADING2, 3: S.HEADING3, 4: S.HEADING4, 5: S.HEADING5, 6: S.HEADING6}
_ALIGNMENTS = {"left": "left", "center": "center", "right": "right"}
_TOC_LEVELS = 3
#: Text with no tab or line break: one w:t as it is.
_PLAIN_TEXT = re.compile(r"[^\t\n\r]*")
_EAST_ASIAN_DEFAULT = "ja-JP"
#: The region Word expects with a bare East Asian language tag (as a language span carries it).
_WORD_REGIONS = {"ja": "ja-JP", "zh": "zh-CN", "ko": "ko-KR"}


PEOPLE_ID, PEOPLE_TITLE = "people", "People in this briefing"
ABBREVIATIONS_ID, ABBREVIATIONS_TITLE = "abbreviations", "Abbreviations"


def render(book: Book, ctx: RenderContext) -> bytes:
    """The book as the bytes of a DOCX file, identical for identical input and build time.

    The contents field's result lists every entry as a link to its heading, with
    no page numbers: the document's own pages are known only to the program that
    lays it out (the PDF's fall elsewhere), and Word offers to fill them in on
    opening (``updateFields``).
    """
    reference = ctx.styles_dir / "reference.docx"
    from_reference = reference.is_file()
    document = docx.Document(str(reference) if from_reference else None)
    _DocxWriter(book, ctx, document, from_reference=from_reference).write()
    return package.package_bytes(document, ctx.build_time)


# --------------------------------------------------------------- small types


class _PartOwner:
    """What python-docx proxies ask their parent for: the part that holds relationships."""

    def __init__(self, part) -> None:
        self.part = part


@dataclasses.dataclass
class _Story:
    """Where blocks go: the document body or a footnote."""

    element: object
    owner: _PartOwner

    def add_paragraph(self, style_id: str) -> DocxParagraph:
        # Built directly: python-docx's property setters search the children each time.
        p = OxmlElement("w:p")
        p.append(ooxml.element("w:pPr", None, *([ooxml.element("w:pStyle", {"w:val": style_id})] if style_id else [])))
        self._append(p)
        return DocxParagraph(p, self.owner)

    def add_table(self, rows: int, cols: int, width: int) -> DocxTable:
        tbl = CT_Tbl.new_tbl(rows, cols, Emu(width))
        self._append(tbl)
        return DocxTable(tbl, self.owner)

    def _append(self, node) -> None:
        # the body's closing w:sectPr must stay its last child
        # (from the end: lxml counts children one by one, and a book's body has thousands)
        last = next(reversed(self.element), None)
        if last is not None and last.tag == qn("w:sectPr"):
            last.addprevious(node)
        else:
            self.element.append(node)


@dataclasses.dataclass(frozen=True)
class _Frame:
    """How blocks are set at the current place: paragraph style, list nesting, article."""

    article: Article
    style: str = S.BODY_TEXT
    list_depth: int = 0
    list_indent: int | None = None  # nesting level whose text a continuation paragraph lines up with
    in_note: bool = False
    #: The width a picture may take here, in EMU, where it is less than the text block's (a table cell).
    width: int | None = None


@dataclasses.dataclass(frozen=True)
class _Format:
    """Character formatting inherited by the runs of nested inlines."""

    bold: bool = False
    italic: bool = False
    strike: bool = False
    superscript: bool = False
    subscript: bool = False
    style: str = ""
    language: str = ""  # the article's language where it differs from the book's


class _Walked:
    """An article's nodes, walked once for every use the writer has for them."""

    def __init__(self, article: Article) -> None:
        self.meta = list(iter_nodes(article.meta))
        # block by block: the flow leaves out the footnote texts, which are blocks of their own
        self.blocks = [(block, list(iter_nodes(block))) for block in article.blocks]

    def everything(self, article: Article) -> Iterable:
        """As ``iter_nodes(article)`` gives them."""
        yield article
        yield from self.meta
        for _, nodes in self.blocks:
            yield from nodes
        if article.pos is not None:
            yield article.pos

    def in_blocks(self) -> Iterable:
        return (node for _, nodes in self.blocks for node in nodes)

    def in_flow(self) -> Iterable:
        return (node for block, nodes in self.blocks if not isinstance(block, FootnoteDef) for node in nodes)


@dataclasses.dataclass
class _ArticleNotes:
    """The footnotes of the article being written, and the Word notes made of them so far."""

    definitions: dict[str, FootnoteDef]
    numbers: dict[str, int] = dataclasses.field(default_factory=dict)  # note_id -> Word note id


# -------------------------------------------------------------------- writer


class _DocxWriter:
    def __init__(self, book: Book, ctx: RenderContext, document, *, from_reference: bool) -> None:
        self.book = book
        self.ctx = ctx
        self.document = document
        self.part = document.part
        self.from_reference = from_reference
        self.geometry = page_geometry(ctx.page_size)
        self.styles = StyleSheet(document, ctx.theme, book.meta.language, self.geometry,
                                 keep_existing=from_reference)
        self.numbering = ooxml.Numbering(self.part.numbering_part.element, keep_existing=from_reference,
                                         marker_font=str(ctx.theme.fonts.get("body", "")))
        self.footnotes = ooxml.add_footnotes_part(self.part)
        self.relationships = package.Relationships(self.part)
        self.body = _Story(document.element.body, _PartOwner(self.part))
        self.walked = {id(article): _Walked(article) for article in book.articles}  # the book holds them
        if from_reference:
            document.element.body.clear_content()
        self.bookmarks = self._bookmark_names()
        self.notes = _ArticleNotes({})
        self._next_bookmark = 1
        self._next_footnote = 1
        self._next_drawing = 1
        self._recording: fragments.Recording | None = None
        self._article_context: str | None = None

    # -- document ------------------------------------------------------------

    def write(self) -> None:
        package.drop_revision_ids(self.document.element)  # the template's: the text has none
        self._page_setup(self.document.element.body.get_or_add_sectPr())
        self.cover()
        self._end_section()
        self._text_paragraph(S.TOC_HEADING, "Contents")
        self.contents(list(self._toc_entries()))
        if self.book.articles:
            # a paragraph after the field ends the section (see _end_section)
            self.body.add_paragraph(self.styles.id(S.BODY_TEXT))
        # with no articles the contents page is the last section
        contents_section = self._end_section() if self.book.articles else self._last_section()
        self._running_head(contents_section, "Contents")
        self._page_footer(contents_section)
        back_matter = [part for part in (
            (PEOPLE_TITLE, self.people) if self.book.people else None,
            (ABBREVIATIONS_TITLE, self.abbreviations) if self.book.abbreviations else None,
        ) if part]
        for index, article in enumerate(self.book.articles):
            self.article(article)
            last = index == len(self.book.articles) - 1 and not back_matter
            section = self._last_section() if last else self._end_section()
            self._running_head(section, article.meta.title)
        for index, (title, write_part) in enumerate(back_matter):
            write_part()
            section = self._last_section() if index == len(back_matter) - 1 else self._end_section()
            self._running_head(section, title)
        for story in (self.document.element.body, self.footnotes.element):
            self._space_after_tables(story)
        self._package()

    def _package(self) -> None:
        package.set_core_properties(self.document, self.book, self.ctx.build_time)
        package.set_app_properties(self.document)
        package.prepare_settings(self.document.settings.element, self.book.meta.language or "en")
        if not self.from_reference:
            # a reference document's own fonts and theme are the user's choice
            package.replace_font_table(self.document, self.ctx.theme)
            package.replace_theme(self.document, self.ctx.theme)
            if docx_fonts.wanted(self.ctx.theme):
                docx_fonts.embed_fonts(self.document, self.ctx.theme, self._characters(), self.ctx.cache)
        package.drop_template_leftovers(self.document)

    def _characters(self) -> frozenset[int]:
        """Every character the document's text, notes, headers and footers show."""
        characters: set[int] = set()
        for part in self.document.part.package.iter_parts():
            root = getattr(part, "element", None)
            if root is not None and part.content_type.startswith("application/vnd.openxmlformats-officedocument.wordprocessingml"):
                for text in root.iter(qn("w:t")):
                    characters.update(map(ord, text.text or ""))
        return frozenset(characters)

    def _page_setup(self, sect_pr) -> None:
        section = Section(sect_pr, self.part)
        g = self.geometry
        section.page_width, section.page_height = Twips(g.width), Twips(g.height)
        section.left_margin = section.right_margin = Twips(g.margin)
        section.top_margin, section.bottom_margin = Twips(g.margin), Twips(g.margin)
        section.header_distance = section.footer_distance = Twips(g.header_distance)

    def _end_section(self) -> Section:
        """Close the section ending here: its properties go into its last paragraph.

        python-docx's ``add_section`` would add an empty paragraph for that,
        which can push a blank page; reuse the last paragraph instead.
        """
        body = self.document.element.body
        # the body's own w:sectPr is its last child (see _Story._append): body.sectPr
        # would search every child for it
        last_child = next(reversed(body))
        closing = copy.deepcopy(last_child if last_child.tag == qn("w:sectPr") else body.sectPr)
        for ref in closing.xpath("w:headerReference|w:footerReference"):
            closing.remove(ref)
        block_tags = (qn("w:p"), qn("w:tbl"))
        last = next((child for child in reversed(body) if child.tag in block_tags), None)
        # LibreOffice loses every later field when a section ends in a paragraph holding one
        if last is None or last.tag != qn("w:p") or last.xpath("w:pPr/w:sectPr|.//w:fldChar"):
            last = self.body.add_paragraph(self.styles.id(S.BODY_TEXT))._p
        last.set_sectPr(closing)
        return Section(closing, self.part)

    def _last_section(self) -> Section:
        return Section(self.document.element.body.sectPr, self.part)

    def _running_head(self, section: Section, title: str) -> None:
        if section._sectPr.get_headerReference(WD_HEADER_FOOTER.PRIMARY) is None:
            p = self.relationships.header_paragraph(section._sectPr)
        else:  # a reference document's own header
            p = section.header.paragraphs[0]._p
        p.get_or_add_pPr().style = self.styles.id(S.HEADER)
        marking = self.book.meta.distribution
        if marking:
            self._run(p, _Format(style=S.HEADER_MARKING), marking)
        p.append(ooxml.run(OxmlElement("w:tab")))
        self._run(p, _Format(), title)

    def _page_footer(self, section: Section) -> None:
        footer = section.footer
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]._p
        p.get_or_add_pPr().style = self.styles.id(S.FOOTER)
        p.append(self._plain_run("Page "))
        for node in ooxml.field_runs("PAGE", "1"):
            p.append(node)
        p.append(self._plain_run(" of "))
        for node in ooxml.field_runs("NUMPAGES", "1"):
            p.append(node)

    def _space_after_tables(self, story) -> None:
        """Word has no space-after for tables: the paragraph after one gets space before."""
        for table in story.iter(qn("w:tbl")):
            following = table.getnext()
            if following is None or following.tag != qn("w:p"):
                continue
            style = following.xpath("string(w:pPr/w:pStyle/@w:val)")
            if self.styles.space_before(style) < TABLE_GAP:
                DocxParagraph(following, None).paragraph_format.space_before = Pt(TABLE_GAP)

    # -- cover and contents ----------------------------------------------------

    def cover(self) -> None:
        meta = self.book.meta
        if meta.distribution:
            self._text_paragraph(S.DISTRIBUTION, meta.distribution)
        self._text_paragraph(S.TITLE, meta.title)
        if meta.subtitle:
            self._text_paragraph(S.SUBTITLE, meta.subtitle)
        if meta.date:
            self._text_paragraph(S.COVER_DETAIL, format_date(meta.date))
        if meta.prepared_by:
            self._text_paragraph(S.COVER_DETAIL, f"Prepared by {meta.prepared_by}")
        if meta.publisher and meta.publisher != meta.prepared_by:
            self._text_paragraph(S.COVER_DETAIL, meta.publisher)
        if meta.description:
            self._text_paragraph(S.COVER_NOTE, meta.description)

    def contents(self, entries: list[tuple[int, str, str]]) -> None:
        """The contents field: Word's own TOC, its result already filled in."""
        paragraphs = [self._toc_entry(level, title, node_id) for level, title, node_id in entries]
        if not paragraphs:
            return
        begin = ooxml.field_runs('TOC \\o "1-3" \\h \\z \\u')
        # begin, instruction and separate open the first entry; end closes the last
        first_pPr = paragraphs[0].pPr
        for node in reversed(begin[:3]):
            first_pPr.addnext(node)
        paragraphs[-1].append(begin[-1])

    def _toc_entry(self, level: int, title: str, node_id: str):
        """One entry as Word writes it, less its page: a link to the heading holding its text.

        No tab and no PAGEREF: an empty result would leave a dot leader pointing
        at nothing until fields update.
        """
        p = self.body.add_paragraph(self.styles.id(S.TOC[level - 1]))._p
        anchor = self.bookmarks.get(node_id, "")
        holder = ooxml.hyperlink(anchor=anchor) if anchor else p
        self._run(holder, _Format(), title)
        if anchor:
            p.append(holder)
        return p

    def _toc_entries(self) -> Iterable[tuple[int, str, str]]:
        for article in self.book.articles:
            yield 1, clean_text(article.meta.title), article.id
            for node in self.walked[id(article)].in_flow():
                if isinstance(node, Heading) and node.level <= _TOC_LEVELS:
                    yield max(node.level, 2), clean_text(plain_text(node.children)), node.id
        if self.book.people:
            yield 1, PEOPLE_TITLE, PEOPLE_ID
        if self.book.abbreviations:
            yield 1, ABBREVIATIONS_TITLE, ABBREVIATIONS_ID

    # -- articles --------------------------------------------------------------

    def article(self, article: Article) -> None:
        """The article's opening, text and bios; from the build cache when an earlier
        build wrote the same article, with the same styles, and every id it links to
        or marks still has the bookmark name it had.

        Articles with pictures are always written afresh: their image parts are not kept.
        """
        cache = self.ctx.cache
        if cache is None or any(isinstance(node, Image) for node in self.walked[id(article)].everything(article)):
            self._write_article(article)
            return
        key = cache.key(self._context_key(cache), article)
        fragment = cache.load("docx/article", key)
        if isinstance(fragment, fragments.Fragment) and all(
                self.bookmarks.get(node_id) == name for node_id, name in fragment.bookmarks):
            self._put_back(article, fragment)
        else:
            cache.store("docx/article", key, self._recorded(article))

    def _context_key(self, cache: BuildCache) -> str:
        """What an article's XML depends on besides the article (ids aside: see docx_fragments)."""
        if self._article_context is None:
            reference = self.ctx.styles_dir / "reference.docx"
            self._article_context = cache.key(
                self.book.meta.language, self.geometry, self.ctx.theme,
                self.styles.ids(), reference.read_bytes() if self.from_reference else b"")
        return self._article_context

    def _counters(self) -> fragments.Counters:
        return fragments.Counters(self._next_bookmark, self._next_footnote, self.numbering.next_num)

    def _recorded(self, article: Article) -> fragments.Fragment:
        """Write the article, and keep a copy of what it added to the document."""
        body, notes = self.document.element.body, self.footnotes.element
        sect_pr = next(reversed(body))
        body_mark, notes_mark = sect_pr.getprevious(), notes[-1]
        start, ctx = self._counters(), self.ctx
        recorder = Reporter(stream=None)
        self.ctx, self._recording = dataclasses.replace(ctx, reporter=recorder), fragments.Recording()
        try:
            self._write_article(article)
        finally:
            self.ctx, recording, self._recording = ctx, self._recording, None
        ctx.reporter.replay(recorder.warnings)
        return fragments.Fragment(
            body=fragments.serialise("w:body", fragments.following(body_mark, sect_pr)),
            notes=fragments.serialise("w:footnotes", fragments.following(notes_mark)),
            start=start, end=self._counters(), lists=tuple(recording.lists), links=tuple(recording.links),
            bookmarks=tuple(recording.bookmarks.items()), note_numbers=dict(self.notes.numbers), warnings=tuple(recorder.warnings))

    def _put_back(self, article: Article, fragment: fragments.Fragment) -> None:
        now = self._counters()
        parts = {fragments.BODY: self.part, fragments.NOTES: self.footnotes}
        body, notes = fragments.put_back(fragment, now, self.numbering.ordered_list,
                                         lambda story, url: self.relationships.external_link(parts[story], url))
        for node in body:
            self.body._append(node)
        for node in notes:
            self.footnotes.element.append(node)
        self._next_bookmark, self._next_footnote, _ = dataclasses.astuple(fragments.end_counters(fragment, now))
        # as after writing it: a bio in the back matter may cite the last article's notes
        self.notes = _ArticleNotes(self._note_definitions(article), fragments.shifted_notes(fragment, now))
        self.ctx.reporter.replay(fragment.warnings)

    def _note_definitions(self, article: Article) -> dict[str, FootnoteDef]:
        return {node.note_id: node for node in self.walked[id(article)].in_blocks() if isinstance(node, FootnoteDef)}

    def _write_article(self, article: Article) -> None:
        frame = _Frame(article)
        self.notes = _ArticleNotes(self._note_definitions(article))
        self.opening(article, frame)
        for block in article.blocks:
            self.block(block, self.body, frame)
        self.bios(article, frame)

    def opening(self, article: Article, frame: _Frame) -> None:
        meta = article.meta
        title = self.body.add_paragraph(self.styles.id(S.HEADING1))
        self._bookmarked(title._p, article.id,
                         lambda: self._run(title._p, self._format(article), meta.title))
        if meta.subtitle:
            self._text_paragraph(S.ARTICLE_SUBTITLE, meta.subtitle)
        language = meta.language or self.book.meta.language or "en"
        for group in byline_groups(meta.people):
            self.byline(group, language)
        if meta.date:
            self._text_paragraph(S.DATELINE, format_date(meta.date))
        if meta.publisher or meta.url:
            self.source_line(meta.publisher, meta.url)
        for block in meta.standfirst:
            self.block(block, self.body, dataclasses.replace(frame, style=S.STANDFIRST))
        if meta.image is not None:
            # a lead image is decoration: when it cannot be had, leave no trace but the warning
            paragraph = self.body.add_paragraph(self.styles.id(S.FIGURE))
            described = dataclasses.replace(meta.image, alt=lead_image_description(meta))
            if not self.picture(paragraph, described, article.pos or Pos("."), block=True):
                paragraph._p.getparent().remove(paragraph._p)

    def byline(self, group: BylineGroup, language: str) -> None:
        """``By A and B``, ``Speakers: A (affiliation) and B (affiliation)``: one paragraph per group."""
        p = self.body.add_paragraph(self.styles.id(S.BYLINE))._p
        if group.label:
            p.append(self._plain_run(group.label + (" " if group.by_authors else ": ")))
        several = len(group.people) > 1
        for person, after in zip(group.people, name_separators(len(group.people), language), strict=True):
            self._linked_text(p, person.id, person.name, _Format(bold=True))
            if person.affiliations:
                affiliation = "; ".join(person.affiliations)
                self._run(p, _Format(), f" ({affiliation})" if several else f", {affiliation}")
            if after:
                self._run(p, _Format(), after)

    def _linked_text(self, p, node_id: str, text: str, fmt: _Format) -> None:
        """Text that links to the bookmark of ``node_id`` (a person's entry, an article, a
        section) when the document has one, and is plain text otherwise."""
        anchor = self._bookmark(node_id) if node_id else None
        holder = ooxml.hyperlink(anchor=anchor) if anchor else p
        self._run(holder, fmt, text)
        if anchor:
            p.append(holder)

    def source_line(self, publisher: str, url: str) -> None:
        p = self.body.add_paragraph(self.styles.id(S.SOURCE_LINE))._p
        self._run(p, _Format(), "Source: " + (publisher or ""))
        if url:
            if publisher:
                p.append(self._plain_run(", "))
            link = ooxml.hyperlink(r_id=self._external_link(self.part, url))
            link.append(self._plain_run(url, style=S.HYPERLINK))
            p.append(link)

    def bios(self, article: Article, frame: _Frame) -> None:
        people = [person for person in article.meta.people if person.bio]
        if not people:
            return
        self._text_paragraph(S.BIO_HEADING, bio_heading(article.meta.people))
        for person in people:
            self.block_sequence(person.bio, self.body, dataclasses.replace(frame, style=S.BIO))

    # -- blocks ------------------------------------------------------------------

    def block_sequence(self, blocks: Iterable, story: _Story, frame: _Frame) -> None:
        for block in blocks:
            self.block(block, story, frame)

    def block(self, node, story: _Story, frame: _Frame) -> None:
        match node:
            case Heading():
                self.heading(node, story, frame)
            case Paragraph():
                self.inlines(node.children, self._paragraph(story, frame), frame)
            case BulletList() | OrderedList():
                self.list(node, story, frame)
            case Quote():
                self.block_sequence(node.blocks, story, dataclasses.replace(frame, style=S.QUOTE))
            case CodeBlock():
                self.code_block(node, story)
            case Table():
                self.table(node, story, frame)
            case Figure():
                self.figure(node, story, frame)
            case Rule():
                story.add_paragraph(self.styles.id(S.RULE))
            case FootnoteDef():
                pass  # set where it is referenced
            case Exchange():
                self.turn(node.question, story, frame, S.QUESTION, "Q")
                for answer in node.answers:
                    self.turn(answer, story, frame, S.ANSWER, "A")
            case Div():
                style = _DIV_STYLES.get(node.role, frame.style)
                self.block_sequence(node.blocks, story, dataclasses.replace(frame, style=style))
            case _:
                assert_never(node)

    def _paragraph(self, story: _Story, frame: _Frame, style: str | None = None) -> DocxParagraph:
        paragraph = story.add_paragraph(self.styles.id(style or frame.style))
        if frame.list_indent is not None:
            paragraph.paragraph_format.left_indent = Twips(ooxml.LIST_INDENT * (frame.list_indent + 1))
        return paragraph

    def heading(self, node: Heading, story: _Story, frame: _Frame) -> None:
        style = _HEADING_STYLES[min(max(node.level, 2), 6)]
        paragraph = story.add_paragraph(self.styles.id(style))
        self._bookmarked(paragraph._p, node.id, lambda: self.inlines(node.children, paragraph, frame))

    def list(self, node: BulletList | OrderedList, story: _Story, frame: _Frame) -> None:
        depth = frame.list_depth
        if isinstance(node, OrderedList):
            num_id, style = self.numbering.ordered_list(depth, node.start), S.LIST_NUMBER
            if self._recording is not None:
                self._recording.lists.append((depth, node.start))
        else:
            num_id, style = self.numbering.bullet_num, S.LIST_BULLET
        inner = dataclasses.replace(frame, list_depth=depth + 1)
        continuation = dataclasses.replace(frame, style=S.LIST_CONTINUE, list_indent=depth)
        for item in node.items:
            blocks = list(item.blocks)
            first = blocks.pop(0) if blocks and isinstance(blocks[0], Paragraph) else None
            paragraph = story.add_paragraph(self.styles.id(style))
            ooxml.number_paragraph(paragraph._p, num_id, depth)
            if not node.tight:
                # the list styles keep items together; a loose list's items have air between them
                ooxml.insert_in_order(paragraph._p.pPr, ooxml.element(
                    "w:contextualSpacing", {"w:val": "0"}), ooxml.PPR_ORDER)
            if first is not None:
                self.inlines(first.children, paragraph, frame)
            for block in blocks:
                nested = isinstance(block, (BulletList, OrderedList))
                self.block(block, story, inner if nested else continuation)

    def code_block(self, node: CodeBlock, story: _Story) -> None:
        paragraph = story.add_paragraph(self.styles.id(S.SOURCE_CODE))
        run = Run(OxmlElement("w:r"), paragraph)
        paragraph._p.append(run._r)
        run.text = ooxml.clean_block_text(node.text).rstrip("\n")  # "\n" becomes w:br, "\t" w:tab

    def table(self, node: Table, story: _Story, frame: _Frame) -> None:
        rows = [*node.head, *node.body]
        cols = max((len(row) for row in rows), default=0)
        if not rows or not cols:
            return
        if node.caption:
            caption = story.add_paragraph(self.styles.id(S.TABLE_CAPTION))
            self.inlines(node.caption, caption, frame)
        table = story.add_table(len(rows), cols, self.geometry.text_width_emu)
        in_cell = dataclasses.replace(frame, width=self.geometry.text_width_emu // cols - 2 * Twips(CELL_MARGIN))
        table._tbl.tblPr.style = self.styles.id(S.TABLE)
        for index, (row, cells) in enumerate(zip(table.rows, rows)):
            header = index < len(node.head)
            if header:
                tr_pr = row._tr.get_or_add_trPr()
                tr_pr.append(OxmlElement("w:cantSplit"))
                tr_pr.append(OxmlElement("w:tblHeader"))  # repeat on every page
            for cell, source in zip(row.cells, cells):
                paragraph = cell.paragraphs[0]
                paragraph._p.get_or_add_pPr().style = self.styles.id(
                    S.TABLE_HEADING if header else S.TABLE_TEXT)
                if source.align in _ALIGNMENTS:
                    paragraph.paragraph_format.alignment = _jc(source.align)
                self.inlines(source.children, paragraph, in_cell)

    def figure(self, node: Figure, story: _Story, frame: _Frame) -> None:
        paragraph = story.add_paragraph(self.styles.id(S.FIGURE))
        pos = node.pos or frame.article.pos or Pos(".")
        if not self.picture(paragraph, node.image, pos, block=True, width=frame.width):
            self._run(paragraph._p, _Format(italic=True), node.image.alt)
        if node.caption:
            self.inlines(node.caption, story.add_paragraph(self.styles.id(S.CAPTION)), frame)

    def turn(self, turn: Turn, story: _Story, frame: _Frame, style: str, default_label: str) -> None:
        blocks = list(turn.blocks)
        paragraph = story.add_paragraph(self.styles.id(style))
        self._linked_text(paragraph._p, turn.person_id, f"{turn.speaker or default_label}:",
                          _Format(style=S.SPEAKER))
        paragraph._p.append(self._plain_run(" "))
        if blocks and isinstance(blocks[0], Paragraph):
            self.inlines(blocks.pop(0).children, paragraph, frame)
        self.block_sequence(blocks, story, dataclasses.replace(frame, style=style))

    # -- back matter -------------------------------------------------------------

    def people(self) -> None:
        """Everyone in the book, by family name: their part in each article, affiliations and bio."""
        self._back_heading(PEOPLE_ID, PEOPLE_TITLE)
        titles = section_titles(self.book)
        homes = {a.id: a for a in self.book.articles}
        for entry in self.book.people:
            person = entry.person
            p = self.body.add_paragraph(self.styles.id(S.PERSON_NAME))._p
            self._bookmarked(p, person.id, partial(self._run, p, _Format(), person.name))
            for affiliation in person.affiliations:
                self._text_paragraph(S.PERSON_DETAIL, affiliation)
            for appearance in entry.appearances:
                p = self.body.add_paragraph(self.styles.id(S.PERSON_DETAIL))._p
                roles = role_label(appearance.roles) or "Named"
                p.append(self._plain_run(f"{roles} in ", italic=True))
                self._linked_text(p, appearance.article_id, titles.get(appearance.article_id, ""),
                                  _Format(italic=True))
            home = homes.get(entry.appearances[0].article_id) if entry.appearances else None
            if person.bio and home is not None:
                self.block_sequence(person.bio, self.body, _Frame(home, style=S.BIO))

    def _back_heading(self, node_id: str, title: str) -> None:
        heading = self.body.add_paragraph(self.styles.id(S.HEADING1))
        self._bookmarked(heading._p, node_id, lambda: self._run(heading._p, _Format(), title))

    def abbreviations(self) -> None:
        """Each abbreviation, its expansion, and a link to the section where it is first used."""
        self._back_heading(ABBREVIATIONS_ID, ABBREVIATIONS_TITLE)
        titles = section_titles(self.book)
        for entry in self.book.abbreviations:
            p = self.body.add_paragraph(self.styles.id(S.ABBREVIATION))._p
            self._run(p, _Format(bold=True), entry.short)
            p.append(ooxml.run(OxmlElement("w:tab")))
            self._run(p, _Format(), entry.expansion)
            if entry.first_use in self.bookmarks and entry.first_use in titles:
                p.append(self._plain_run(" — first used in "))
                self._linked_text(p, entry.first_use, titles[entry.first_use], _Format(italic=True))

    # -- inlines -----------------------------------------------------------------

    def inlines(self, nodes: Iterable[Inline], paragraph: DocxParagraph, frame: _Frame,
                target=None, fmt: _Format | None = None) -> None:
        target = paragraph._p if target is None else target
        fmt = self._format(frame.article) if fmt is None else fmt
        for node in nodes:
            self.inline(node, paragraph, frame, target, fmt)

    def inline(self, node: Inline, paragraph: DocxParagraph, frame: _Frame, target, fmt: _Format) -> None:
        def nested(**change) -> None:
            self.inlines(node.children, paragraph, frame, target, dataclasses.replace(fmt, **change))

        match node:
            case Text():
                self._run(target, fmt, node.text)
            case SoftBreak():
                self._run(target, fmt, " ")
            case LineBreak():
                target.append(ooxml.run(OxmlElement("w:br")))
            case Emph():
                nested(italic=not fmt.italic)
            case Strong():
                nested(bold=True)
            case Strikeout():
                nested(strike=True)
            case Superscript():
                nested(superscript=True)
            case Subscript():
                nested(subscript=True)
            case Code():
                self._run(target, dataclasses.replace(fmt, style=S.VERBATIM), node.text)
            case Link():
                self.link(node, paragraph, frame, target, fmt)
            case Image():
                pos = frame.article.pos or Pos(".")
                if not self.picture(paragraph, node, pos, block=False, target=target, width=frame.width):
                    self._run(target, dataclasses.replace(fmt, italic=True), node.alt)
            case FootnoteRef():
                self.footnote(node, frame, target)
            case Span():
                style = S.SPEAKER if node.role == "speaker" else fmt.style
                nested(style=style, language=node.lang or fmt.language)
            case _:
                assert_never(node)

    def _format(self, article: Article) -> _Format:
        language = article.meta.language
        return _Format(language=language if language and language != self.book.meta.language else "")

    def _run(self, target, fmt: _Format, value: str) -> None:
        """Append runs for ``value`` to ``target``: one per stretch of Latin or of East Asian text."""
        for segment, east_asian in script_segments(clean_text(value)):
            r = OxmlElement("w:r")
            target.append(r)
            properties = self._run_properties(fmt)
            if properties:
                r.append(ooxml.element("w:rPr", None, *properties))
            self._language(r, fmt.language, east_asian)
            if _PLAIN_TEXT.fullmatch(segment):
                r.append(ooxml.text(segment))  # python-docx's setter goes character by character
            else:
                Run(r, None).text = segment  # type: ignore[arg-type]  # tabs and breaks: w:tab, w:br

    def _run_properties(self, fmt: _Format) -> list:
        """The run properties ``fmt`` asks for, in schema order (see ooxml.RPR_ORDER)."""
        properties = []
        if fmt.style:
            properties.append(ooxml.element("w:rStyle", {"w:val": self.styles.id(fmt.style)}))
        properties += [OxmlElement(tag) for tag, wanted in (("w:b", fmt.bold), ("w:i", fmt.italic),
                                                            ("w:strike", fmt.strike)) if wanted]
        if fmt.superscript or fmt.subscript:
            properties.append(ooxml.element("w:vertAlign",
                                            {"w:val": "superscript" if fmt.superscript else "subscript"}))
        return properties

    def _language(self, r, language: str, east_asian: bool) -> None:
        """Mark a run's language: Japanese runs get their face and language whatever the template says."""
        if east_asian:
            asian = language if ooxml.is_east_asian_language(language) else _EAST_ASIAN_DEFAULT
            asian = _WORD_REGIONS.get(asian.lower(), asian)  # Word's language ids name the region
            r_pr = r.get_or_add_rPr()
            ooxml.insert_in_order(r_pr, ooxml.east_asian_fonts(self.ctx.theme.font("cjk")), ooxml.RPR_ORDER)
            ooxml.insert_in_order(r_pr, ooxml.language_element(east_asian=asian), ooxml.RPR_ORDER)
        elif language and not ooxml.is_east_asian_language(language):
            ooxml.insert_in_order(r.get_or_add_rPr(), ooxml.language_element(language), ooxml.RPR_ORDER)

    def link(self, node: Link, paragraph: DocxParagraph, frame: _Frame, target, fmt: _Format) -> None:
        if node.target.startswith("#"):
            anchor = self._bookmark(node.target[1:])
            if anchor is None:
                self.ctx.reporter.warn(frame.article.pos or Pos("."), f"link to unknown id: {node.target}")
                self.inlines(node.children, paragraph, frame, target, fmt)
                return
            element = ooxml.hyperlink(anchor=anchor)
        else:
            element = ooxml.hyperlink(r_id=self._external_link(paragraph.part, node.target))
        if node.title:
            element.set(qn("w:tooltip"), clean_text(node.title))
        target.append(element)
        style = fmt.style or S.HYPERLINK
        self.inlines(node.children, paragraph, frame, element, dataclasses.replace(fmt, style=style))

    def picture(self, paragraph: DocxParagraph, image: Image, pos: Pos, *, block: bool, target=None,
                width: int | None = None) -> bool:
        """The image as an inline picture, no wider than the text block (a third of it within a
        line of text) nor than ``width``, and no taller than two thirds of the page."""
        resource = self.ctx.resources.fetch(image.src, pos)
        if resource is None:
            return False
        r = OxmlElement("w:r")
        run = Run(r, paragraph)
        try:
            shape = run.add_picture(io.BytesIO(resource.data))
        except UnrecognizedImageError:
            self.ctx.reporter.warn(pos, f"image format not supported in DOCX ({resource.media_type}): {image.src}")
            return False
        (paragraph._p if target is None else target).append(r)
        limit_w = min(self.geometry.text_width_emu if block else self.geometry.text_width_emu // 3,
                      width or self.geometry.text_width_emu)
        limit_h = self.geometry.text_height_emu * 2 // 3 if block else Twips(600)
        scale = min(1.0, limit_w / shape.width, limit_h / shape.height)
        shape.width, shape.height = Emu(int(shape.width * scale)), Emu(int(shape.height * scale))
        ooxml.no_space_around(r.xpath(".//wp:inline")[0])
        # python-docx numbers drawings per part, so a picture in a footnote could repeat an id
        doc_pr = r.xpath(".//wp:docPr")[0]
        doc_pr.set("id", str(self._next_drawing))
        doc_pr.set("name", f"Picture {self._next_drawing}")
        self._next_drawing += 1
        doc_pr.set("descr", clean_text(image.alt))
        if image.title:
            doc_pr.set("title", clean_text(image.title))
        return True

    # -- footnotes -----------------------------------------------------------------

    def footnote(self, node: FootnoteRef, frame: _Frame, target) -> None:
        """A real Word footnote at the first reference; a NOTEREF to its number at later ones."""
        definition = self.notes.definitions.get(node.note_id)
        if definition is None or frame.in_note:
            reason = "footnote inside a footnote" if frame.in_note else "footnote without text"
            self.ctx.reporter.warn(frame.article.pos or Pos("."), f"{reason}: [^{node.note_id}]")
            return
        style_id = self.styles.id(S.FOOTNOTE_REFERENCE)
        if node.note_id in self.notes.numbers:
            # notes are numbered through the document, so the number shown is the note's id
            note_id = self.notes.numbers[node.note_id]
            for run in ooxml.note_reference_field(_note_bookmark(note_id), note_id, style_id):
                target.append(run)
            return
        note_id = self.notes.numbers[node.note_id] = self._next_footnote
        self._next_footnote += 1
        mark_id = self._new_bookmark_id()
        target.append(ooxml.bookmark_start(mark_id, _note_bookmark(note_id)))
        target.append(ooxml.footnote_reference(note_id, style_id))
        target.append(ooxml.bookmark_end(mark_id))
        self._footnote_text(definition, ooxml.new_footnote(self.footnotes, note_id), frame)

    def _footnote_text(self, definition: FootnoteDef, note, frame: _Frame) -> None:
        story = _Story(note, _PartOwner(self.footnotes))
        note_frame = _Frame(frame.article, style=S.FOOTNOTE_TEXT, in_note=True)
        self.block_sequence(definition.blocks, story, note_frame)
        first = note.find(qn("w:p"))
        if first is None or note[0] is not first:
            first = OxmlElement("w:p")
            first.get_or_add_pPr().style = self.styles.id(S.FOOTNOTE_TEXT)
            note.insert(0, first)
        first.pPr.addnext(ooxml.footnote_mark(self.styles.id(S.FOOTNOTE_REFERENCE)))
        first.pPr.getnext().addnext(self._plain_run(" "))

    # -- helpers -----------------------------------------------------------------

    def _external_link(self, part, url: str) -> str:
        r_id = self.relationships.external_link(part, url)
        if self._recording is not None:
            story = fragments.BODY if part is self.part else fragments.NOTES
            self._recording.links.append((story, url, r_id))
        return r_id

    def _text_paragraph(self, style: str, value: str) -> DocxParagraph:
        paragraph = self.body.add_paragraph(self.styles.id(style))
        self._run(paragraph._p, _Format(), value)
        return paragraph

    def _plain_run(self, value: str, style: str = "", *, bold: bool = False, italic: bool = False):
        """One run of fixed text, such as a label; text from the sources goes through :meth:`_run`."""
        r = OxmlElement("w:r")
        run = Run(r, None)  # type: ignore[arg-type]  # text and formatting need no part
        if style:
            r.get_or_add_rPr().style = self.styles.id(style)
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        run.text = clean_text(value)
        return r

    def _bookmarked(self, p, node_id: str, fill: Callable[[], None]) -> None:
        name = self._bookmark(node_id)
        if not name:
            fill()
            return
        mark_id = self._new_bookmark_id()
        p.append(ooxml.bookmark_start(mark_id, name))
        fill()
        p.append(ooxml.bookmark_end(mark_id))

    def _bookmark(self, node_id: str) -> str | None:
        """The bookmark name of an id (None: no such place), recorded for the article being kept."""
        name = self.bookmarks.get(node_id)
        if self._recording is not None:
            self._recording.bookmarks[node_id] = name
        return name

    def _new_bookmark_id(self) -> int:
        mark_id = self._next_bookmark
        self._next_bookmark += 1
        return mark_id

    def _bookmark_names(self) -> dict[str, str]:
        """Bookmark names for every article and heading id, unique even where ids differ
        only in characters Word refuses (the later one, in book order, gets a hash)."""
        names: dict[str, str] = {}
        taken: set[str] = set()
        ids = [n.id for a in self.book.articles for n in self.walked[id(a)].everything(a)
               if isinstance(n, (Article, Heading))]
        ids += [entry.person.id for entry in self.book.people]
        ids += [PEOPLE_ID] if self.book.people else []
        ids += [ABBREVIATIONS_ID] if self.book.abbreviations else []
        for node_id in ids:
            if not node_id or node_id in names:
                continue
            name = ooxml.bookmark_name(node_id)
            if name in taken:
                name = ooxml.bookmark_name(node_id, hashed=True)
            names[node_id] = name
            taken.add(name)
        return names


# ----------------------------------------------------------------- utilities


def _note_bookmark(note_id: int) -> str:
    """The hidden bookmark (a leading ``_`` hides it in Word) around a note's first reference."""
    return f"_RefNote{note_id}"


def _jc(align: str):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    return {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
