"""The article's text as WordprocessingML: one dispatch per node level, every paragraph in a named style."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from typing import Any, assert_never

from docx.document import Document as DocxDocument
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.parts.story import StoryPart
from docx.shared import Twips
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run
from lxml import etree

from ...conventions import (
    cross_reference,
    direction_text,
    question_label,
    script_segments,
    source_anchor,
    turn_speaker,
)
from ...model.nodes import (
    Article,
    Block,
    Book,
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
    Timestamp,
    Turn,
)
from ..context import RenderContext
from . import fragments, package, pictures
from . import oxml as ooxml
from .oxml import clean_text
from .story import ArticleNotes, Frame, PartOwner, RunFormat, Story, Walked, bookmark_names
from .styles import CELL_MARGIN, S, StyleSheet

_DIV_STYLES = {"source-note": S.SOURCE_LINE, "bio": S.BIO, "standfirst": S.STANDFIRST, "lead": S.STANDFIRST,
               "callout": S.CALLOUT, "note": S.CALLOUT, "warning": S.CALLOUT}
_HEADING_STYLES = {2: S.HEADING2, 3: S.HEADING3, 4: S.HEADING4, 5: S.HEADING5, 6: S.HEADING6}
_ALIGNMENTS = {"left": "left", "center": "center", "right": "right"}
#: Text with no tab or line break: one w:t as it is.
_PLAIN_TEXT = re.compile(r"[^\t\n\r]*")
_EAST_ASIAN_DEFAULT = "ja-JP"
#: The region Word expects with a bare East Asian language tag (as a language span carries it).
_WORD_REGIONS = {"ja": "ja-JP", "zh": "zh-CN", "ko": "ko-KR"}


class TextWriter:
    """Writes an article's blocks and inlines into a story (the body or a footnote): paragraphs
    in their styles, runs, links, pictures, footnotes and bookmarks."""

    def __init__(self, book: Book, ctx: RenderContext, document: DocxDocument, *, from_reference: bool) -> None:
        self.book = book
        self.ctx = ctx
        self.document = document
        self.part = document.part
        self.from_reference = from_reference
        self.geometry = ctx.page
        self.styles = StyleSheet(document, ctx.theme, book.meta.language, self.geometry,
                                 keep_existing=from_reference)
        self.numbering = ooxml.Numbering(self.part.numbering_part.element, keep_existing=from_reference,
                                         marker_font=str(ctx.theme.fonts.get("body", "")))
        self.footnotes = ooxml.add_footnotes_part(self.part)
        self.relationships = package.Relationships(self.part)
        self.body = Story(document.element.body, PartOwner(self.part))
        self.walked = {id(article): Walked(article) for article in book.articles}  # the book holds them
        if from_reference:
            document.element.body.clear_content()
        self.bookmarks = bookmark_names(book, self.walked)
        self.notes = ArticleNotes({})
        self._next_bookmark = 1
        self._next_footnote = 1
        self._next_drawing = 1
        self._recording: fragments.Recording | None = None
        #: How many paragraphs each source line has given so far (their anchors' ordinals).
        self._anchors: dict[tuple[str, int], int] = {}

    def _linked_text(self, p: etree._Element, node_id: str, text: str, fmt: RunFormat) -> None:
        """Text that links to the bookmark of ``node_id`` (a person's entry, an article, a
        section) when the document has one, and is plain text otherwise."""
        anchor = self._bookmark(node_id) if node_id else None
        holder = ooxml.hyperlink(anchor=anchor) if anchor else p
        self._run(holder, fmt, text)
        if anchor:
            p.append(holder)

    # -- blocks ------------------------------------------------------------------

    def block_sequence(self, blocks: Iterable[Block], story: Story, frame: Frame) -> None:
        for block in blocks:
            self.block(block, story, frame)

    def block(self, node: Block, story: Story, frame: Frame) -> None:
        match node:
            case Heading():
                self.heading(node, story, frame)
            case Paragraph():
                paragraph = self._paragraph(story, frame)
                self.inlines(node.children, paragraph, frame)
                self._anchor(paragraph._p, node.pos)
            case BulletList() | OrderedList():
                self.list_block(node, story, frame)
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
                people = {p.id: p for p in frame.article.meta.people if p.id}
                self.turn(node.question, story, frame, S.QUESTION, question_label(node.question, people))
                for answer in node.answers:
                    self.turn(answer, story, frame, S.ANSWER, turn_speaker(answer, people) or "A")
            case Turn():
                people = {p.id: p for p in frame.article.meta.people if p.id}
                self.turn(node, story, frame, S.ANSWER, turn_speaker(node, people) or "A")
            case DefinitionList():
                for item in node.items:
                    for term in item.terms:
                        self.inlines(term, story.add_paragraph(self.styles.id(S.DEFINITION_TERM)), frame)
                    for definition in item.definitions:
                        self.block_sequence(definition, story, dataclasses.replace(frame, style=S.DEFINITION))
            case Div():
                style = _DIV_STYLES.get(node.role, frame.style)
                self.block_sequence(node.blocks, story, dataclasses.replace(frame, style=style))
            case _:
                assert_never(node)

    def _paragraph(self, story: Story, frame: Frame, style: str | None = None) -> DocxParagraph:
        paragraph = story.add_paragraph(self.styles.id(style or frame.style))
        if frame.list_indent is not None:
            paragraph.paragraph_format.left_indent = Twips(ooxml.LIST_INDENT * (frame.list_indent + 1))
        return paragraph

    def heading(self, node: Heading, story: Story, frame: Frame) -> None:
        style = _HEADING_STYLES[min(max(node.level, 2), 6)]
        paragraph = story.add_paragraph(self.styles.id(style))
        self._bookmarked(paragraph._p, node.id, lambda: self.inlines(node.children, paragraph, frame))
        self._anchor(paragraph._p, node.pos)

    def list_block(self, node: BulletList | OrderedList, story: Story, frame: Frame) -> None:
        depth = frame.list_depth
        if isinstance(node, OrderedList):
            numbered = (depth, node.start, node.style, node.delimiter)
            num_id, style = self.numbering.ordered_list(*numbered), S.LIST_NUMBER
            if self._recording is not None:
                self._recording.lists.append(numbered)
        else:
            num_id, style = self.numbering.bullet_num, S.LIST_BULLET
        inner = dataclasses.replace(frame, list_depth=depth + 1)
        continuation = dataclasses.replace(frame, style=S.LIST_CONTINUE, list_indent=depth)
        for item in node.items:
            blocks = list(item.blocks)
            first = blocks[0] if blocks and isinstance(blocks[0], Paragraph) else None
            if first is not None:
                blocks.pop(0)
            paragraph = story.add_paragraph(self.styles.id(style))
            ooxml.number_paragraph(paragraph._p, num_id, depth)
            if not node.tight:
                # the list styles keep items together; a loose list's items have air between them
                ooxml.insert_in_order(paragraph._p.get_or_add_pPr(), ooxml.element(
                    "w:contextualSpacing", {"w:val": "0"}), ooxml.PPR_ORDER)
            if first is not None:
                self.inlines(first.children, paragraph, frame)
            self._anchor(paragraph._p, first.pos if first is not None and first.pos else item.pos)
            for block in blocks:
                nested = isinstance(block, (BulletList, OrderedList))
                self.block(block, story, inner if nested else continuation)

    def code_block(self, node: CodeBlock, story: Story) -> None:
        paragraph = story.add_paragraph(self.styles.id(S.SOURCE_CODE))
        run = Run(ooxml.new_run(), paragraph)
        paragraph._p.append(run._r)
        run.text = ooxml.clean_block_text(node.text).rstrip("\n")  # "\n" becomes w:br, "\t" w:tab

    def table(self, node: Table, story: Story, frame: Frame) -> None:
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
        for index, (row, cells) in enumerate(zip(table.rows, rows, strict=True)):  # a table row per row
            header = index < len(node.head)
            if header:
                tr_pr = row._tr.get_or_add_trPr()
                tr_pr.append(OxmlElement("w:cantSplit"))
                tr_pr.append(OxmlElement("w:tblHeader"))  # repeat on every page
            for cell, source in zip(row.cells, cells, strict=False):  # a short row leaves cells empty
                paragraph = cell.paragraphs[0]
                paragraph._p.get_or_add_pPr().style = self.styles.id(
                    S.TABLE_HEADING if header else S.TABLE_TEXT)
                if source.align in _ALIGNMENTS:
                    paragraph.paragraph_format.alignment = _jc(source.align)
                self.inlines(source.children, paragraph, in_cell)

    def figure(self, node: Figure, story: Story, frame: Frame) -> None:
        paragraph = story.add_paragraph(self.styles.id(S.FIGURE))
        pos = node.pos or frame.article.pos or Pos(".")
        if not self.picture(paragraph, node.image, pos, block=True, width=frame.width):
            self._run(paragraph._p, RunFormat(italic=True), node.image.alt)
        if node.caption:
            self.inlines(node.caption, story.add_paragraph(self.styles.id(S.CAPTION)), frame)

    def turn(self, turn: Turn, story: Story, frame: Frame, style: str, label: str) -> None:
        """A turn as a paragraph that opens with who speaks (``label``), in the Speaker style."""
        blocks = list(turn.blocks)
        paragraph = story.add_paragraph(self.styles.id(style))
        self._linked_text(paragraph._p, turn.person_id, f"{label}:", RunFormat(style=S.SPEAKER))
        paragraph._p.append(self._plain_run(" "))
        first = blocks[0] if blocks and isinstance(blocks[0], Paragraph) else None
        if first is not None:
            blocks.pop(0)
            self.inlines(first.children, paragraph, frame)
        self._anchor(paragraph._p, first.pos if first is not None and first.pos else turn.pos)
        self.block_sequence(blocks, story, dataclasses.replace(frame, style=style))

    # -- inlines -----------------------------------------------------------------

    def inlines(self, nodes: Iterable[Inline], paragraph: DocxParagraph, frame: Frame,
                target: etree._Element | None = None, fmt: RunFormat | None = None) -> None:
        target = paragraph._p if target is None else target
        fmt = self._format(frame.article) if fmt is None else fmt
        for node in nodes:
            self.inline(node, paragraph, frame, target, fmt)

    def inline(self, node: Inline, paragraph: DocxParagraph, frame: Frame, target: etree._Element,
               fmt: RunFormat) -> None:
        def nested(children: Iterable[Inline], **change: Any) -> None:
            self.inlines(children, paragraph, frame, target, dataclasses.replace(fmt, **change))

        match node:
            case Text():
                self._run(target, fmt, node.text)
            case SoftBreak():
                self._run(target, fmt, " ")
            case LineBreak():
                target.append(ooxml.run(OxmlElement("w:br")))
            case Emph():
                nested(node.children, italic=not fmt.italic)
            case Strong():
                nested(node.children, bold=True)
            case Strikeout():
                nested(node.children, strike=True)
            case Superscript():
                nested(node.children, superscript=True)
            case Subscript():
                nested(node.children, subscript=True)
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
                nested(node.children, style=style, language=node.lang or fmt.language,
                       small_caps=fmt.small_caps or node.role == "smallcaps")
            case Direction():
                self._run(target, dataclasses.replace(fmt, style=S.DIRECTION), direction_text(node.text))
            case Timestamp():
                self._run(target, dataclasses.replace(fmt, style=S.TIMESTAMP), node.text)
                self._run(target, fmt, " ")
            case _:
                assert_never(node)

    def _format(self, article: Article) -> RunFormat:
        language = article.meta.language
        return RunFormat(language=language if language and language != self.book.meta.language else "")

    def _run(self, target: etree._Element, fmt: RunFormat, value: str) -> None:
        """Append runs for ``value`` to ``target``: one per stretch of Latin or of East Asian text."""
        for segment, east_asian in script_segments(clean_text(value)):
            r = ooxml.new_run()
            target.append(r)
            properties = self._run_properties(fmt)
            if properties:
                r.append(ooxml.element("w:rPr", None, *properties))
            self._language(r, fmt.language, east_asian)
            if _PLAIN_TEXT.fullmatch(segment):
                r.append(ooxml.text(segment))  # python-docx's setter goes character by character
            else:
                Run(r, None).text = segment  # type: ignore[arg-type]  # tabs and breaks: w:tab, w:br

    def _run_properties(self, fmt: RunFormat) -> list[etree._Element]:
        """The run properties ``fmt`` asks for, in schema order (see ooxml.RPR_ORDER)."""
        properties: list[etree._Element] = []
        if fmt.style:
            properties.append(ooxml.element("w:rStyle", {"w:val": self.styles.id(fmt.style)}))
        properties += [OxmlElement(tag) for tag, wanted in (("w:b", fmt.bold), ("w:i", fmt.italic),
                                                            ("w:smallCaps", fmt.small_caps),
                                                            ("w:strike", fmt.strike)) if wanted]
        if fmt.superscript or fmt.subscript:
            properties.append(ooxml.element("w:vertAlign",
                                            {"w:val": "superscript" if fmt.superscript else "subscript"}))
        return properties

    def _language(self, r: CT_R, language: str, east_asian: bool) -> None:
        """Mark a run's language: Japanese runs get their face and language whatever the template says."""
        if east_asian:
            asian = language if ooxml.is_east_asian_language(language) else _EAST_ASIAN_DEFAULT
            asian = _WORD_REGIONS.get(asian.lower(), asian)  # Word's language ids name the region
            r_pr = r.get_or_add_rPr()
            ooxml.insert_in_order(r_pr, ooxml.east_asian_fonts(self.ctx.theme.font("cjk")), ooxml.RPR_ORDER)
            ooxml.insert_in_order(r_pr, ooxml.language_element(east_asian=asian), ooxml.RPR_ORDER)
        elif language and not ooxml.is_east_asian_language(language):
            ooxml.insert_in_order(r.get_or_add_rPr(), ooxml.language_element(language), ooxml.RPR_ORDER)

    def link(self, node: Link, paragraph: DocxParagraph, frame: Frame, target: etree._Element,
             fmt: RunFormat) -> None:
        place = cross_reference(node.target)
        if place:
            anchor = self._bookmark(place)
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

    def picture(self, paragraph: DocxParagraph, image: Image, pos: Pos, *, block: bool,
                target: etree._Element | None = None, width: int | None = None) -> bool:
        """The image as an inline picture, no wider than the text block (a third of it within a
        line of text) nor than ``width``, and no taller than two thirds of the page."""
        resource = self.ctx.resources.fetch(image.src, pos)
        if resource is None:
            return False
        limit_w = min(self.geometry.text_width_emu if block else self.geometry.text_width_emu // 3,
                      width or self.geometry.text_width_emu)
        limit_h = self.geometry.text_height_emu * 2 // 3 if block else Twips(600)
        try:
            r = pictures.picture_run(paragraph, resource.data, max_width=limit_w, max_height=limit_h)
        except UnrecognizedImageError:
            self.ctx.reporter.warn(pos, f"image format not supported in DOCX ({resource.media_type}): {image.src}")
            return False
        (paragraph._p if target is None else target).append(r)
        pictures.describe(r, self._next_drawing, image.alt, image.title)
        self._next_drawing += 1
        return True

    # -- footnotes -----------------------------------------------------------------

    def footnote(self, node: FootnoteRef, frame: Frame, target: etree._Element) -> None:
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

    def _footnote_text(self, definition: FootnoteDef, note: etree._Element, frame: Frame) -> None:
        story = Story(note, PartOwner(self.footnotes))
        note_frame = Frame(frame.article, style=S.FOOTNOTE_TEXT, in_note=True)
        self.block_sequence(definition.blocks, story, note_frame)
        first = note.find(qn("w:p"))
        if not isinstance(first, CT_P) or note[0] is not first:
            first = ooxml.new_paragraph()
            first.get_or_add_pPr().style = self.styles.id(S.FOOTNOTE_TEXT)
            note.insert(0, first)
        p_pr = first.pPr
        assert p_pr is not None  # every paragraph a Story adds, and the one above, has a w:pPr
        p_pr.addnext(ooxml.footnote_mark(self.styles.id(S.FOOTNOTE_REFERENCE)))
        mark = p_pr.getnext()
        assert mark is not None  # the mark just added
        mark.addnext(self._plain_run(" "))

    # -- helpers -----------------------------------------------------------------

    def _external_link(self, part: StoryPart, url: str) -> str:
        r_id = self.relationships.external_link(part, url)
        if self._recording is not None:
            story = fragments.BODY if part is self.part else fragments.NOTES
            self._recording.links.append((story, url, r_id))
        return r_id

    def _text_paragraph(self, style: str, value: str) -> DocxParagraph:
        paragraph = self.body.add_paragraph(self.styles.id(style))
        self._run(paragraph._p, RunFormat(), value)
        return paragraph

    def _plain_run(self, value: str, style: str = "", *, bold: bool = False, italic: bool = False) -> CT_R:
        """One run of fixed text, such as a label; text from the sources goes through :meth:`_run`."""
        r = ooxml.new_run()
        run = Run(r, None)  # type: ignore[arg-type]  # text and formatting need no part
        if style:
            r.get_or_add_rPr().style = self.styles.id(style)
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        run.text = clean_text(value)
        return r

    def _bookmarked(self, p: etree._Element, node_id: str, fill: Callable[[], None]) -> None:
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

    def _anchor(self, p: etree._Element, pos: Pos | None) -> None:
        """Mark a paragraph with the source line it comes from (``conventions.source_anchor``):
        a hidden bookmark around its content, which Word and LibreOffice keep through edits."""
        if pos is None:
            return
        key = (pos.path, pos.line)
        ordinal = self._anchors[key] = self._anchors.get(key, -1) + 1
        if self._recording is not None:
            first, _ = self._recording.anchors.get(key, (ordinal, ordinal))
            self._recording.anchors[key] = (first, ordinal)
        mark_id = self._new_bookmark_id()
        properties = p.find(qn("w:pPr"))
        start = ooxml.bookmark_start(mark_id, source_anchor(pos.path, pos.line, ordinal))
        if properties is not None:
            properties.addnext(start)
        else:
            p.insert(0, start)
        p.append(ooxml.bookmark_end(mark_id))

    def _new_bookmark_id(self) -> int:
        mark_id = self._next_bookmark
        self._next_bookmark += 1
        return mark_id



# ----------------------------------------------------------------- utilities


def _note_bookmark(note_id: int) -> str:
    """The hidden bookmark (a leading ``_`` hides it in Word) around a note's first reference."""
    return f"_RefNote{note_id}"


def _jc(align: str) -> WD_PARAGRAPH_ALIGNMENT:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    return {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
