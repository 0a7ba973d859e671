"""The Word renderer: a DOCX built from the model with python-docx.

Layout: a cover page, a contents page holding a real TOC field (its cached
result pre-filled, so it reads correctly before Word updates it), then one
section per article, so that each starts on a new page and carries its own
running head.  Everything is set through named styles whose fonts and colours
come from the theme; a ``reference.docx`` in the styles folder overrides them.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import assert_never

import docx
from docx.image.exceptions import UnrecognizedImageError
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Emu, Twips
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from ..model import (
    Article, Book, BulletList, Code, CodeBlock, Div, Emph, Exchange, Figure, FootnoteDef,
    FootnoteRef, Heading, Image, Inline, LineBreak, Link, OrderedList, Paragraph, Person, Pos,
    Quote, Rule, SoftBreak, Span, Strikeout, Strong, Subscript, Superscript, Table, Text, Turn,
)
from ..walk import iter_nodes
from . import ooxml
from .context import RenderContext

class S:
    """Style names as Word spells them, so that Word and LibreOffice map them to their own."""

    NORMAL = "Normal"
    BODY_TEXT = "Body Text"
    TITLE = "Title"
    SUBTITLE = "Subtitle"
    COVER_DETAIL = "Cover Detail"
    COVER_NOTE = "Cover Note"
    DISTRIBUTION = "Distribution Marking"
    TOC_HEADING = "TOC Heading"
    TOC = ("toc 1", "toc 2", "toc 3")
    HEADING1 = "heading 1"
    HEADING2 = "heading 2"
    HEADING3 = "heading 3"
    HEADING4 = "heading 4"
    HEADING5 = "heading 5"
    HEADING6 = "heading 6"
    ARTICLE_SUBTITLE = "Article Subtitle"
    BYLINE = "Byline"
    DATELINE = "Dateline"
    SOURCE_LINE = "Source Line"
    STANDFIRST = "Standfirst"
    QUOTE = "Quote"
    LIST_BULLET = "List Bullet"
    LIST_NUMBER = "List Number"
    LIST_CONTINUE = "List Continue"
    QUESTION = "Q&A Question"
    ANSWER = "Q&A Answer"
    CAPTION = "caption"
    TABLE_CAPTION = "Table Caption"
    FIGURE = "Figure"
    FOOTNOTE_TEXT = "footnote text"
    SOURCE_CODE = "Source Code"
    TABLE_TEXT = "Table Text"
    TABLE_HEADING = "Table Heading"
    RULE = "Horizontal Rule"
    BIO_HEADING = "Bio Heading"
    BIO = "Bio"
    HEADER = "header"
    FOOTER = "footer"
    # character styles
    HYPERLINK = "Hyperlink"
    FOOTNOTE_REFERENCE = "footnote reference"
    SPEAKER = "Speaker"
    VERBATIM = "Verbatim Char"
    HEADER_MARKING = "Header Marking"
    # table style
    TABLE = "Briefing Table"


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_END = re.compile(r"\r\n?|\n")
_DIV_STYLES = {"source-note": S.SOURCE_LINE, "bio": S.BIO, "standfirst": S.STANDFIRST}
_HEADING_STYLES = {2: S.HEADING2, 3: S.HEADING3, 4: S.HEADING4, 5: S.HEADING5, 6: S.HEADING6}
_ALIGNMENTS = {"left": "left", "center": "center", "right": "right"}
_TOC_LEVELS = 3
_UNWANTED_TEMPLATE_PARTS = (
    RT.THUMBNAIL, RT.CUSTOM_XML, "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
)


def render(book: Book, ctx: RenderContext) -> bytes:
    """The book as the bytes of a DOCX file, identical for identical input and build time."""
    reference = ctx.styles_dir / "reference.docx"
    document = docx.Document(str(reference) if reference.is_file() else None)
    _DocxWriter(book, ctx, document, from_reference=reference.is_file()).write()
    saved = io.BytesIO()
    document.save(saved)
    return ooxml.reproducible_zip(saved.getvalue(), ctx.build_time)


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
        p = OxmlElement("w:p")
        p.get_or_add_pPr().style = style_id
        self._append(p)
        return DocxParagraph(p, self.owner)

    def add_table(self, rows: int, cols: int, width: int) -> DocxTable:
        from docx.oxml.table import CT_Tbl

        tbl = CT_Tbl.new_tbl(rows, cols, Emu(width))
        self._append(tbl)
        return DocxTable(tbl, self.owner)

    def _append(self, node) -> None:
        # the body's closing w:sectPr must stay its last child
        last = self.element[-1] if len(self.element) else None
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


@dataclasses.dataclass(frozen=True)
class _Format:
    """Character formatting inherited by the runs of nested inlines."""

    bold: bool = False
    italic: bool = False
    strike: bool = False
    superscript: bool = False
    subscript: bool = False
    style: str = ""


# -------------------------------------------------------------------- writer


class _DocxWriter:
    def __init__(self, book: Book, ctx: RenderContext, document, *, from_reference: bool) -> None:
        self.book = book
        self.ctx = ctx
        self.document = document
        self.part = document.part
        self.geometry = page_geometry(ctx.page_size)
        self.styles = StyleSheet(document, ctx.theme, book.meta.language, self.geometry,
                                 keep_existing=from_reference)
        self.numbering = ooxml.Numbering(self.part.numbering_part.element, keep_existing=from_reference)
        self.footnotes = ooxml.add_footnotes_part(self.part)
        self.body = _Story(document.element.body, _PartOwner(self.part))
        if from_reference:
            document.element.body.clear_content()
        self.bookmarks = self._bookmark_names()
        self._next_bookmark = 1
        self._next_footnote = 1

    # -- document ------------------------------------------------------------

    def write(self) -> None:
        self._page_setup(self.document.element.body.get_or_add_sectPr())
        self.cover()
        self._end_section()
        self.contents()
        # with no articles the contents page is the last section
        contents_section = self._end_section() if self.book.articles else self._last_section()
        self._running_head(contents_section, "Contents")
        self._page_footer(contents_section)
        for index, article in enumerate(self.book.articles):
            self.article(article)
            last = index == len(self.book.articles) - 1
            section = self._last_section() if last else self._end_section()
            self._running_head(section, article.meta.title)
        self._properties()
        self._settings()
        self._drop_template_leftovers()

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
        closing = copy.deepcopy(body.sectPr)
        for ref in closing.xpath("w:headerReference|w:footerReference"):
            closing.remove(ref)
        blocks = [child for child in body if child.tag in (qn("w:p"), qn("w:tbl"))]
        last = blocks[-1] if blocks else None
        # LibreOffice loses every later field when a section ends in a paragraph holding one
        if last is None or last.tag != qn("w:p") or last.xpath("w:pPr/w:sectPr|.//w:fldChar"):
            last = self.body.add_paragraph(S.BODY_TEXT)._p
        last.set_sectPr(closing)
        return Section(closing, self.part)

    def _last_section(self) -> Section:
        return Section(self.document.element.body.sectPr, self.part)

    def _running_head(self, section: Section, title: str) -> None:
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph._p.get_or_add_pPr().style = self.styles.id(S.HEADER)
        marking = self.book.meta.distribution
        if marking:
            paragraph._p.append(self._plain_run(marking, S.HEADER_MARKING))
        paragraph._p.append(ooxml.run(OxmlElement("w:tab")))
        paragraph._p.append(self._plain_run(title))

    def _page_footer(self, section: Section) -> None:
        footer = section.footer
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph._p.get_or_add_pPr().style = self.styles.id(S.FOOTER)
        p = paragraph._p
        p.append(self._plain_run("Page "))
        for node in ooxml.field_runs("PAGE", "1"):
            p.append(node)
        p.append(self._plain_run(" of "))
        for node in ooxml.field_runs("NUMPAGES", "1"):
            p.append(node)

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

    def contents(self) -> None:
        self._text_paragraph(S.TOC_HEADING, "Contents")
        entries = list(self._toc_entries())
        if not entries:
            return
        paragraphs = []
        for level, title, node_id in entries:
            p = self.body.add_paragraph(self.styles.id(S.TOC[level - 1]))._p
            anchor = self.bookmarks.get(node_id, "")
            link = ooxml.hyperlink(anchor=anchor) if anchor else p
            link.append(self._plain_run(title))
            if anchor:
                # no page numbers yet: Word fills them in when it updates the field on opening
                p.append(link)
            paragraphs.append(p)
        begin = ooxml.field_runs('TOC \\o "1-3" \\h \\z \\u')
        # begin, instruction and separate open the first entry; end closes the last
        first_pPr = paragraphs[0].pPr
        for node in reversed(begin[:3]):
            first_pPr.addnext(node)
        paragraphs[-1].append(begin[-1])

    def _toc_entries(self) -> Iterable[tuple[int, str, str]]:
        for article in self.book.articles:
            yield 1, clean_text(article.meta.title), article.id
            for node in _body_nodes(article.blocks):
                if isinstance(node, Heading) and node.level <= _TOC_LEVELS:
                    yield max(node.level, 2), clean_text(_plain(node.children)), node.id

    # -- articles --------------------------------------------------------------

    def article(self, article: Article) -> None:
        frame = _Frame(article)
        self.notes = {node.note_id: node for node in iter_nodes(article.blocks)
                      if isinstance(node, FootnoteDef)}
        self.opening(article, frame)
        for block in article.blocks:
            self.block(block, self.body, frame)
        self.bios(article, frame)

    def opening(self, article: Article, frame: _Frame) -> None:
        meta = article.meta
        title = self.body.add_paragraph(self.styles.id(S.HEADING1))
        self._bookmarked(title._p, article.id, lambda: title._p.append(self._plain_run(meta.title)))
        if meta.subtitle:
            self._text_paragraph(S.ARTICLE_SUBTITLE, meta.subtitle)
        for person in meta.people:
            self.byline(person)
        if meta.date:
            self._text_paragraph(S.DATELINE, format_date(meta.date))
        if meta.publisher or meta.url:
            self.source_line(meta.publisher, meta.url)
        for block in meta.standfirst:
            self.block(block, self.body, dataclasses.replace(frame, style=S.STANDFIRST))
        if meta.image is not None:
            # a lead image is decoration: when it cannot be had, leave no trace but the warning
            paragraph = self.body.add_paragraph(self.styles.id(S.FIGURE))
            if not self.picture(paragraph, meta.image, article.pos or Pos("."), block=True):
                paragraph._p.getparent().remove(paragraph._p)

    def byline(self, person: Person) -> None:
        p = self.body.add_paragraph(self.styles.id(S.BYLINE))._p
        roles = [role for role in person.roles if role]
        if roles and all(role.lower() == "author" for role in roles):
            p.append(self._plain_run("By "))
        elif roles:
            p.append(self._plain_run(" & ".join(_capitalised(role) for role in roles) + ": "))
        p.append(self._plain_run(person.name, bold=True))
        if person.affiliations:
            p.append(self._plain_run(", " + "; ".join(person.affiliations)))

    def source_line(self, publisher: str, url: str) -> None:
        paragraph = self.body.add_paragraph(self.styles.id(S.SOURCE_LINE))
        p = paragraph._p
        p.append(self._plain_run("Source: " + (publisher or "")))
        if url:
            if publisher:
                p.append(self._plain_run(", "))
            link = ooxml.hyperlink(r_id=ooxml.external_link_id(self.part, url))
            link.append(self._plain_run(url, style=S.HYPERLINK))
            p.append(link)

    def bios(self, article: Article, frame: _Frame) -> None:
        people = [person for person in article.meta.people if person.bio]
        if not people:
            return
        heading = "About the author" if len(people) == 1 else "About the contributors"
        self._text_paragraph(S.BIO_HEADING, heading)
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
        else:
            num_id, style = self.numbering.bullet_num, S.LIST_BULLET
        inner = dataclasses.replace(frame, list_depth=depth + 1)
        continuation = dataclasses.replace(frame, style=S.LIST_CONTINUE, list_indent=depth)
        for item in node.items:
            blocks = list(item.blocks)
            first = blocks.pop(0) if blocks and isinstance(blocks[0], Paragraph) else None
            paragraph = story.add_paragraph(self.styles.id(style))
            ooxml.number_paragraph(paragraph._p, num_id, depth)
            if first is not None:
                self.inlines(first.children, paragraph, frame)
            for block in blocks:
                nested = isinstance(block, (BulletList, OrderedList))
                self.block(block, story, inner if nested else continuation)

    def code_block(self, node: CodeBlock, story: _Story) -> None:
        paragraph = story.add_paragraph(self.styles.id(S.SOURCE_CODE))
        code = _LINE_END.sub("\n", _CONTROL.sub("", node.text)).rstrip("\n")
        run = Run(OxmlElement("w:r"), paragraph)
        paragraph._p.append(run._r)
        run.text = code  # python-docx turns "\n" into w:br and "\t" into w:tab

    def table(self, node: Table, story: _Story, frame: _Frame) -> None:
        rows = [*node.head, *node.body]
        cols = max((len(row) for row in rows), default=0)
        if not rows or not cols:
            return
        if node.caption:
            caption = story.add_paragraph(self.styles.id(S.TABLE_CAPTION))
            self.inlines(node.caption, caption, frame)
        table = story.add_table(len(rows), cols, self.geometry.text_width_emu)
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
                    paragraph._p.get_or_add_pPr().jc_val = _jc(source.align)
                self.inlines(source.children, paragraph, frame)

    def figure(self, node: Figure, story: _Story, frame: _Frame) -> None:
        paragraph = story.add_paragraph(self.styles.id(S.FIGURE))
        pos = node.pos or frame.article.pos or Pos(".")
        if not self.picture(paragraph, node.image, pos, block=True):
            paragraph._p.append(self._plain_run(node.image.alt, italic=True))
        if node.caption:
            self.inlines(node.caption, story.add_paragraph(self.styles.id(S.CAPTION)), frame)

    def turn(self, turn: Turn, story: _Story, frame: _Frame, style: str, default_label: str) -> None:
        blocks = list(turn.blocks)
        paragraph = story.add_paragraph(self.styles.id(style))
        paragraph._p.append(self._plain_run(f"{turn.speaker or default_label}:", S.SPEAKER))
        paragraph._p.append(self._plain_run(" "))
        if blocks and isinstance(blocks[0], Paragraph):
            self.inlines(blocks.pop(0).children, paragraph, frame)
        self.block_sequence(blocks, story, dataclasses.replace(frame, style=style))

    # -- inlines -----------------------------------------------------------------

    def inlines(self, nodes: Iterable[Inline], paragraph: DocxParagraph, frame: _Frame,
                target=None, fmt: _Format = _Format()) -> None:
        target = paragraph._p if target is None else target
        for node in nodes:
            self.inline(node, paragraph, frame, target, fmt)

    def inline(self, node: Inline, paragraph: DocxParagraph, frame: _Frame, target, fmt: _Format) -> None:
        def nested(**change) -> None:
            self.inlines(node.children, paragraph, frame, target, dataclasses.replace(fmt, **change))

        match node:
            case Text():
                self._run(paragraph, target, fmt, clean_text(node.text))
            case SoftBreak():
                self._run(paragraph, target, fmt, " ")
            case LineBreak():
                self._run(paragraph, target, fmt, "").add_break()
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
                self._run(paragraph, target, dataclasses.replace(fmt, style=S.VERBATIM), clean_text(node.text))
            case Link():
                self.link(node, paragraph, frame, target, fmt)
            case Image():
                pos = frame.article.pos or Pos(".")
                if not self.picture(paragraph, node, pos, block=False, target=target):
                    self._run(paragraph, target, dataclasses.replace(fmt, italic=True), clean_text(node.alt))
            case FootnoteRef():
                self.footnote(node, paragraph, frame, target)
            case Span():
                style = S.SPEAKER if node.role == "speaker" else fmt.style
                nested(style=style)
            case _:
                assert_never(node)

    def _run(self, paragraph: DocxParagraph, target, fmt: _Format, value: str) -> Run:
        r = OxmlElement("w:r")
        target.append(r)
        run = Run(r, paragraph)
        if fmt.style:
            r.get_or_add_rPr().style = self.styles.id(fmt.style)
        if fmt.bold:
            run.bold = True
        if fmt.italic:
            run.italic = True
        if fmt.strike:
            run.font.strike = True
        if fmt.superscript:
            run.font.superscript = True
        elif fmt.subscript:
            run.font.subscript = True
        if value:
            run.text = value
        return run

    def link(self, node: Link, paragraph: DocxParagraph, frame: _Frame, target, fmt: _Format) -> None:
        if node.target.startswith("#"):
            anchor = self.bookmarks.get(node.target[1:])
            if anchor is None:
                self.ctx.reporter.warn(frame.article.pos or Pos("."), f"link to unknown id: {node.target}")
                self.inlines(node.children, paragraph, frame, target, fmt)
                return
            element = ooxml.hyperlink(anchor=anchor)
        else:
            element = ooxml.hyperlink(r_id=ooxml.external_link_id(paragraph.part, node.target))
        if node.title:
            element.set(qn("w:tooltip"), clean_text(node.title))
        target.append(element)
        style = fmt.style or S.HYPERLINK
        self.inlines(node.children, paragraph, frame, element, dataclasses.replace(fmt, style=style))

    def picture(self, paragraph: DocxParagraph, image: Image, pos: Pos, *, block: bool, target=None) -> bool:
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
        limit_w = self.geometry.text_width_emu if block else self.geometry.text_width_emu // 3
        limit_h = self.geometry.text_height_emu * 2 // 3 if block else Twips(600)
        scale = min(1.0, limit_w / shape.width, limit_h / shape.height)
        shape.width, shape.height = Emu(int(shape.width * scale)), Emu(int(shape.height * scale))
        doc_pr = r.xpath(".//wp:docPr")[0]
        doc_pr.set("descr", clean_text(image.alt))
        if image.title:
            doc_pr.set("title", clean_text(image.title))
        return True

    def footnote(self, node: FootnoteRef, paragraph: DocxParagraph, frame: _Frame, target) -> None:
        definition = self.notes.get(node.note_id)
        if definition is None or frame.in_note:
            reason = "footnote inside a footnote" if frame.in_note else "footnote without text"
            self.ctx.reporter.warn(frame.article.pos or Pos("."), f"{reason}: [^{node.note_id}]")
            return
        note_id = self._next_footnote
        self._next_footnote += 1
        target.append(ooxml.footnote_reference(note_id, self.styles.id(S.FOOTNOTE_REFERENCE)))
        note = ooxml.new_footnote(self.footnotes, note_id)
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

    def _text_paragraph(self, style: str, value: str) -> DocxParagraph:
        paragraph = self.body.add_paragraph(self.styles.id(style))
        paragraph._p.append(self._plain_run(value))
        return paragraph

    def _plain_run(self, value: str, style: str = "", *, bold: bool = False, italic: bool = False):
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
        name = self.bookmarks.get(node_id)
        if not name:
            fill()
            return
        mark_id = self._next_bookmark
        self._next_bookmark += 1
        p.append(ooxml.bookmark_start(mark_id, name))
        fill()
        p.append(ooxml.bookmark_end(mark_id))

    def _bookmark_names(self) -> dict[str, str]:
        """Bookmark names for every article and heading id, unique even where ids differ
        only in characters Word refuses (the later one, in book order, gets a hash)."""
        names: dict[str, str] = {}
        taken: set[str] = set()
        for node in iter_nodes(self.book.articles):
            if not isinstance(node, (Article, Heading)) or not node.id or node.id in names:
                continue
            name = ooxml.bookmark_name(node.id)
            if name in taken:
                name = ooxml.bookmark_name(node.id, hashed=True)
            names[node.id] = name
            taken.add(name)
        return names

    # -- package -------------------------------------------------------------------

    def _properties(self) -> None:
        meta = self.book.meta
        props = self.document.core_properties
        for child in list(props._element):
            props._element.remove(child)  # nothing of the template's may survive
        people = _unique(person.name for article in self.book.articles for person in article.meta.people)
        author = meta.prepared_by or meta.publisher or "; ".join(people)
        keywords = _unique(tag for article in self.book.articles
                           for tag in (*article.meta.tags, *article.meta.categories))
        when = _utc_naive(self.ctx.build_time)
        props.title = _property(meta.title)
        props.subject = _property(meta.subtitle or meta.description)
        props.author = _property(author)
        props.last_modified_by = _property(author)
        props.keywords = _property(", ".join(keywords))
        props.comments = _property(meta.description)
        props.language = _property(meta.language)
        props.identifier = _property(meta.identifier)
        props.created = props.modified = when
        props.revision = 1
        app = self.part.package.part_related_by(RT.EXTENDED_PROPERTIES)
        app._blob = ooxml.APP_XML

    def _settings(self) -> None:
        ooxml.prepare_settings(self.document.settings.element, "ja-JP", self.book.meta.language or "en")

    def _drop_template_leftovers(self) -> None:
        for root in (self.document.styles.element, self.document.element):
            ooxml.drop_revision_ids(root)
        ooxml.drop_package_relationships(self.part.package.rels, _UNWANTED_TEMPLATE_PARTS)
        ooxml.drop_package_relationships(self.part.rels, _UNWANTED_TEMPLATE_PARTS)


# ----------------------------------------------------------------- utilities


def format_date(date: dt.date) -> str:
    """``23 October 2025``: unambiguous everywhere, and independent of the locale."""
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


def clean_text(value: str) -> str:
    """Text safe for a run: no control characters, line ends as spaces."""
    return _LINE_END.sub(" ", _CONTROL.sub("", value))


def _plain(inlines) -> str:
    from ..walk import plain_text

    return plain_text(inlines)


def _body_nodes(blocks) -> Iterable:
    """The nodes of an article's flow, leaving out footnote texts."""
    for block in blocks:
        if isinstance(block, FootnoteDef):
            continue
        yield from iter_nodes(block)


def _capitalised(role: str) -> str:
    return role[:1].upper() + role[1:]


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def _utc_naive(when: dt.datetime) -> dt.datetime:
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return when


def _property(value: str) -> str:
    """Core properties are limited to 255 characters."""
    return clean_text(value)[:255]


def _jc(align: str):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    return {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]




# -------------------------------------------------------------------- styles


_A4 = (11906, 16838)
_LETTER = (12240, 15840)


@dataclasses.dataclass(frozen=True)
class PageGeometry:
    """Page and margins in twips."""

    width: int
    height: int
    margin: int = 1418  # 25 mm
    header_distance: int = 680  # 12 mm

    @property
    def text_width(self) -> int:
        return self.width - 2 * self.margin

    @property
    def text_width_emu(self) -> int:
        return self.text_width * 635

    @property
    def text_height_emu(self) -> int:
        return (self.height - 2 * self.margin) * 635


def page_geometry(page_size: str) -> PageGeometry:
    width, height = _LETTER if page_size.lower() == "letter" else _A4
    return PageGeometry(width, height)


def style_specs(theme, geometry: PageGeometry) -> list[ooxml.StyleSpec]:
    """Every style the renderer uses, with fonts, colours and sizes from the theme."""
    Spec, Border = ooxml.StyleSpec, ooxml.Border
    body, sans, mono = theme.font("body"), theme.font("heading"), theme.font("mono")
    text, accent, muted = theme.colour("text"), theme.colour("accent"), theme.colour("muted")
    rule, marking, shade = theme.colour("rule"), theme.colour("marking"), theme.colour("shade")
    size, small, line = theme.size("body"), theme.size("small"), theme.size("line_height")
    right_tab = ("right", geometry.text_width, "none")
    toc_tab = ("right", geometry.text_width, "dot")
    heading = dict(font=sans, bold=True, keep_next=True, keep_lines=True, line=1.1, builtin=True,
                   priority=9, next_style="BodyText")
    return [
        Spec("Normal", S.NORMAL, font=body, size=size, colour=text, line=line, space_after=0,
             builtin=True, default=True),
        Spec("BodyText", S.BODY_TEXT, based_on="Normal", space_after=7, builtin=True),
        Spec("Title", S.TITLE, based_on="Normal", font=sans, size=30, bold=True, colour=accent,
             line=1.05, space_before=150, space_after=14, builtin=True, priority=10),
        Spec("Subtitle", S.SUBTITLE, based_on="Normal", font=sans, size=16, colour=muted,
             line=1.15, space_after=36, builtin=True, priority=11),
        Spec("CoverDetail", S.COVER_DETAIL, based_on="Normal", font=sans, size=11, space_after=4),
        Spec("CoverNote", S.COVER_NOTE, based_on="Normal", font=body, size=size, italic=True,
             colour=muted, space_before=24, indent_right=geometry.text_width // 4),
        Spec("DistributionMarking", S.DISTRIBUTION, based_on="Normal", font=sans, size=small,
             bold=True, caps=True, letter_spacing=1, colour=marking, align="center",
             borders=(("top", Border(marking, 6, 4)), ("bottom", Border(marking, 6, 4))),
             space_after=12),
        Spec("TOCHeading", S.TOC_HEADING, based_on="Normal", font=sans, size=theme.size("heading1"),
             bold=True, colour=accent, space_after=18, builtin=True, priority=39),
        Spec("TOC1", S.TOC[0], based_on="Normal", next_style="Normal", font=sans, size=11,
             bold=True, tabs=(toc_tab,), space_before=8, space_after=2, builtin=True, priority=39),
        Spec("TOC2", S.TOC[1], based_on="Normal", next_style="Normal", font=sans, size=size - 0.5,
             tabs=(toc_tab,), indent_left=360, space_after=2, builtin=True, priority=39),
        Spec("TOC3", S.TOC[2], based_on="Normal", next_style="Normal", font=sans, size=small + 0.5,
             colour=muted, tabs=(toc_tab,), indent_left=720, space_after=1, builtin=True,
             priority=39),
        Spec("Heading1", S.HEADING1, based_on="Normal", size=theme.size("heading1"), colour=accent,
             space_after=8, outline_level=0, **heading),
        Spec("Heading2", S.HEADING2, based_on="Normal", size=theme.size("heading2"), colour=accent,
             space_before=16, space_after=5, outline_level=1, **heading),
        Spec("Heading3", S.HEADING3, based_on="Normal", size=theme.size("heading3"),
             space_before=12, space_after=4, outline_level=2, **heading),
        *(Spec(f"Heading{n}", f"heading {n}", based_on="Normal", size=size, italic=True,
               space_before=10, space_after=3, outline_level=n - 1, **heading) for n in (4, 5, 6)),
        Spec("ArticleSubtitle", S.ARTICLE_SUBTITLE, based_on="Normal", font=sans, size=14,
             colour=muted, line=1.15, space_after=12),
        Spec("Byline", S.BYLINE, based_on="Normal", font=sans, size=size - 1, space_after=2),
        Spec("Dateline", S.DATELINE, based_on="Normal", font=sans, size=size - 1, colour=muted,
             space_after=2),
        Spec("SourceLine", S.SOURCE_LINE, based_on="Normal", font=sans, size=small, colour=muted,
             space_after=6),
        Spec("Standfirst", S.STANDFIRST, based_on="Normal", size=size + 2, line=1.3,
             space_before=10, space_after=14,
             borders=(("bottom", Border(rule, 6, 10)),)),
        Spec("Quote", S.QUOTE, based_on="BodyText", colour=muted, indent_left=567, indent_right=567,
             borders=(("left", Border(accent, 12, 10)),), builtin=True, priority=29),
        Spec("ListBullet", S.LIST_BULLET, based_on="BodyText", space_after=3, builtin=True),
        Spec("ListNumber", S.LIST_NUMBER, based_on="BodyText", space_after=3, builtin=True),
        Spec("ListContinue", S.LIST_CONTINUE, based_on="BodyText", space_after=3, builtin=True),
        Spec("QAQuestion", S.QUESTION, based_on="BodyText", next_style="QAAnswer", font=sans,
             keep_next=True, space_before=10, space_after=4),
        Spec("QAAnswer", S.ANSWER, based_on="BodyText", indent_left=360),
        Spec("Caption", S.CAPTION, based_on="Normal", font=sans, size=small, italic=True,
             colour=muted, space_before=3, space_after=10, builtin=True, priority=35),
        Spec("TableCaption", S.TABLE_CAPTION, based_on="Caption", keep_next=True, italic=False,
             bold=True, space_before=8, space_after=4),
        Spec("Figure", S.FIGURE, based_on="Normal", align="center", keep_next=True, line=1.0,
             space_before=6, space_after=2),
        Spec("FootnoteText", S.FOOTNOTE_TEXT, based_on="Normal", size=small, line=1.15,
             space_after=2, builtin=True, priority=99),
        Spec("SourceCode", S.SOURCE_CODE, based_on="Normal", font=mono, size=small, line=1.1,
             shade=shade, no_proof=True, space_after=7, indent_left=113, indent_right=113,
             borders=(("top", Border(shade, 4, 4)), ("bottom", Border(shade, 4, 4)))),
        Spec("TableText", S.TABLE_TEXT, based_on="Normal", font=sans, size=size - 1.5, line=1.1),
        Spec("TableHeading", S.TABLE_HEADING, based_on="TableText", bold=True, keep_next=True),
        Spec("HorizontalRule", S.RULE, based_on="Normal", size=4, line=1.0,
             borders=(("bottom", Border(rule, 6, 1)),), space_before=6, space_after=14,
             indent_left=geometry.text_width // 3, indent_right=geometry.text_width // 3),
        Spec("BioHeading", S.BIO_HEADING, based_on="Normal", font=sans, size=size, bold=True,
             colour=accent, keep_next=True, space_before=22, space_after=4,
             borders=(("top", Border(rule, 6, 8)),)),
        Spec("Bio", S.BIO, based_on="BodyText", size=size - 1, colour=muted),
        Spec("Header", S.HEADER, based_on="Normal", font=sans, size=small, colour=muted,
             tabs=(right_tab,), builtin=True, priority=99),
        Spec("Footer", S.FOOTER, based_on="Normal", font=sans, size=small, colour=muted,
             align="center", builtin=True, priority=99),
        Spec("Hyperlink", S.HYPERLINK, kind="character", colour=accent, underline=True,
             builtin=True, priority=99, quick=False),
        Spec("FootnoteReference", S.FOOTNOTE_REFERENCE, kind="character", superscript=True,
             builtin=True, priority=99, quick=False),
        Spec("Speaker", S.SPEAKER, kind="character", font=sans, bold=True, colour=accent),
        Spec("VerbatimChar", S.VERBATIM, kind="character", font=mono, size=size - 1.5,
             no_proof=True),
        Spec("HeaderMarking", S.HEADER_MARKING, kind="character", bold=True, caps=True,
             colour=marking),
    ]


class StyleSheet:
    """Installs the styles and answers which style id a style name has in this document.

    With a reference document its styles win: only the styles it lacks are
    added.  Otherwise the template's versions are replaced outright, since
    they name theme fonts and colours that would override the theme's.
    """

    def __init__(self, document, theme, language: str, geometry: PageGeometry, *,
                 keep_existing: bool) -> None:
        self.root = document.styles.element
        self._ids: dict[str, str] = {}
        existing = {_style_name(style).lower(): style
                    for style in self.root.iterchildren(qn("w:style"))}
        if not keep_existing:
            self._set_defaults(theme, language)
        specs = style_specs(theme, geometry)
        table = ooxml.table_style_element(
            "BriefingTable", S.TABLE, font=theme.font("heading"), size=theme.size("body") - 1.5,
            rule=theme.colour("rule"), head_rule=theme.colour("accent"), head_shade=theme.colour("shade"))
        for name, new in [(spec.name, ooxml.style_element(spec)) for spec in specs] + [(S.TABLE, table)]:
            old = existing.get(name.lower())
            if old is not None and keep_existing:
                self._ids[name] = old.get(qn("w:styleId"))
                continue
            for same_id in self.root.xpath(f"w:style[@w:styleId='{new.get(qn('w:styleId'))}']"):
                self.root.remove(same_id)
            if old is not None and old.getparent() is not None:
                self.root.remove(old)
            self.root.append(new)
            self._ids[name] = new.get(qn("w:styleId"))

    def id(self, name: str) -> str:
        return self._ids[name]

    def _set_defaults(self, theme, language: str) -> None:
        """Document defaults naming the theme's fonts (Japanese text in its CJK font)."""
        defaults = self.root.find(qn("w:docDefaults"))
        if defaults is not None:
            self.root.remove(defaults)
        size = str(round(theme.size("body") * 2))
        defaults = ooxml.element(
            "w:docDefaults", None,
            ooxml.element("w:rPrDefault", None, ooxml.element(
                "w:rPr", None,
                ooxml.fonts(theme.font("body"), theme.font("cjk")),
                ooxml.element("w:sz", {"w:val": size}),
                ooxml.element("w:szCs", {"w:val": size}),
                ooxml.element("w:lang", {"w:val": language or "en", "w:eastAsia": "ja-JP",
                                         "w:bidi": "ar-SA"}),
            )),
            ooxml.element("w:pPrDefault", None, ooxml.element(
                "w:pPr", None, ooxml.element("w:spacing", {"w:after": "0", "w:line": "240",
                                                           "w:lineRule": "auto"}),
            )),
        )
        self.root.insert(0, defaults)


def _style_name(style) -> str:
    name = style.find(qn("w:name"))
    return name.get(qn("w:val")) if name is not None else ""
