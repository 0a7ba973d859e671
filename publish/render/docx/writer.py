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
from collections.abc import Iterable
from functools import partial

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_HEADER_FOOTER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.section import CT_SectPr
from docx.oxml.text.paragraph import CT_P
from docx.section import Section
from docx.shared import Pt, Twips
from docx.text.parfmt import ParagraphFormat
from lxml import etree

from ...build.cache import DOCX_ARTICLE, BuildCache
from ...conventions import (
    ABBREVIATIONS_ID,
    ABBREVIATIONS_TITLE,
    CONTENTS_DEPTH,
    CONTENTS_TITLE,
    PEOPLE_ID,
    PEOPLE_TITLE,
    BylineGroup,
    bio_heading,
    byline_groups,
    format_date,
    is_japanese,
    lead_image_description,
    name_separators,
    role_label,
)
from ...diagnostics import Reporter
from ...model.nodes import (
    Article,
    Book,
    FootnoteDef,
    Heading,
    Image,
    Pos,
)
from ...model.walk import plain_text, section_titles
from ..context import RenderContext
from . import fonts as docx_fonts
from . import fragments, package
from . import oxml as ooxml
from .oxml import clean_text
from .story import ArticleNotes, Frame, RunFormat
from .styles import TABLE_GAP, S
from .text import TextWriter


def render(book: Book, ctx: RenderContext) -> bytes:
    """The book as the bytes of a DOCX file, identical for identical input and build time.

    The contents field's result lists every entry as a link to its heading, with
    no page numbers: the document's own pages are known only to the program that
    lays it out (the PDF's fall elsewhere), and Word offers to fill them in on
    opening (``updateFields``).
    """
    reference = ctx.style_file("reference.docx")
    from_reference = reference is not None
    document = docx.Document(io.BytesIO(reference) if reference is not None else None)
    _DocxWriter(book, ctx, document, from_reference=from_reference).write()
    return package.package_bytes(document, ctx.build_time)


class _DocxWriter(TextWriter):
    """The whole document: cover, contents, one section per article, back matter, package."""

    def __init__(self, book: Book, ctx: RenderContext, document: DocxDocument, *, from_reference: bool) -> None:
        super().__init__(book, ctx, document, from_reference=from_reference)
        #: The key of what every article's XML depends on besides the article (see _context_key).
        self._article_context: str | None = None

    # -- document ------------------------------------------------------------

    def write(self) -> None:
        package.drop_revision_ids(self.document.element)  # the template's: the text has none
        self._page_setup(self.document.element.body.get_or_add_sectPr())
        self.cover()
        self._end_section()
        self._text_paragraph(S.TOC_HEADING, CONTENTS_TITLE)
        self.contents(list(self._toc_entries()))
        if self.book.articles:
            # a paragraph after the field ends the section (see _end_section)
            self.body.add_paragraph(self.styles.id(S.BODY_TEXT))
        # with no articles the contents page is the last section
        contents_section = self._end_section() if self.book.articles else self._last_section()
        self._running_head(contents_section, CONTENTS_TITLE)
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
            if root is not None and part.content_type.startswith(
                    "application/vnd.openxmlformats-officedocument.wordprocessingml"):
                for text in root.iter(qn("w:t")):
                    characters.update(map(ord, text.text or ""))
        return frozenset(characters)

    def _page_setup(self, sect_pr: CT_SectPr) -> None:
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
        # the body's own w:sectPr is its last child (see Story._append): body.sectPr
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
            self._run(p, RunFormat(style=S.HEADER_MARKING), marking)
        p.append(ooxml.run(OxmlElement("w:tab")))
        self._run(p, RunFormat(), title)

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

    def _space_after_tables(self, story: etree._Element) -> None:
        """Word has no space-after for tables: the paragraph after one gets space before."""
        for table in story.iter(qn("w:tbl")):
            following = table.getnext()
            if not isinstance(following, CT_P):  # (every w:p python-docx parses or makes is one)
                continue
            style = following.xpath("string(w:pPr/w:pStyle/@w:val)")
            if self.styles.space_before(style) < TABLE_GAP:
                ParagraphFormat(following).space_before = Pt(TABLE_GAP)  # a Paragraph's paragraph_format

    # -- cover and contents ----------------------------------------------------

    def cover(self) -> None:
        meta = self.book.meta
        if meta.distribution:
            self._text_paragraph(S.DISTRIBUTION, meta.distribution)
        self._text_paragraph(S.TITLE, meta.title)
        if meta.subtitle:
            self._text_paragraph(S.SUBTITLE, meta.subtitle)
        if meta.date:
            self._text_paragraph(S.COVER_DETAIL, format_date(meta.date, meta.language))
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
        begin = ooxml.field_runs(f'TOC \\o "1-{CONTENTS_DEPTH}" \\h \\z \\u')
        # begin, instruction and separate open the first entry; end closes the last
        first_pPr = paragraphs[0].get_or_add_pPr()  # (Story.add_paragraph gave it one)
        for node in reversed(begin[:3]):
            first_pPr.addnext(node)
        paragraphs[-1].append(begin[-1])

    def _toc_entry(self, level: int, title: str, node_id: str) -> CT_P:
        """One entry as Word writes it, less its page: a link to the heading holding its text.

        No tab and no PAGEREF: an empty result would leave a dot leader pointing
        at nothing until fields update.
        """
        p = self.body.add_paragraph(self.styles.id(S.TOC[level - 1]))._p
        anchor = self.bookmarks.get(node_id, "")
        holder = ooxml.hyperlink(anchor=anchor) if anchor else p
        self._run(holder, RunFormat(), title)
        if anchor:
            p.append(holder)
        return p

    def _toc_entries(self) -> Iterable[tuple[int, str, str]]:
        for article in self.book.articles:
            yield 1, clean_text(article.meta.title), article.id
            for node in self.walked[id(article)].in_flow():
                if isinstance(node, Heading) and node.level <= CONTENTS_DEPTH:
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
        fragment = cache.load(DOCX_ARTICLE, key)
        if isinstance(fragment, fragments.Fragment) and all(
                self.bookmarks.get(node_id) == name for node_id, name in fragment.bookmarks) and all(
                self._anchors.get((path, line), -1) + 1 == first for path, line, first, _ in fragment.anchors):
            self._put_back(article, fragment)
        else:
            cache.store(DOCX_ARTICLE, key, self._recorded(article))

    def _context_key(self, cache: BuildCache) -> str:
        """What an article's XML depends on besides the article (ids aside: see docx_fragments)."""
        if self._article_context is None:
            self._article_context = cache.key(
                self.book.meta.language, self.geometry, self.ctx.theme,
                self.styles.ids(), self.ctx.style_file("reference.docx") or b"")
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
            bookmarks=tuple(recording.bookmarks.items()), note_numbers=dict(self.notes.numbers),
            warnings=tuple(recorder.warnings),
            anchors=tuple((path, line, first, last) for (path, line), (first, last) in recording.anchors.items()))

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
        for path, line, _, last in fragment.anchors:  # as writing it would have counted them
            self._anchors[(path, line)] = last
        # as after writing it: a bio in the back matter may cite the last article's notes
        self.notes = ArticleNotes(self._note_definitions(article), fragments.shifted_notes(fragment, now))
        self.ctx.reporter.replay(fragment.warnings)

    def _note_definitions(self, article: Article) -> dict[str, FootnoteDef]:
        return {node.note_id: node for node in self.walked[id(article)].in_blocks() if isinstance(node, FootnoteDef)}

    def _write_article(self, article: Article) -> None:
        frame = Frame(article)
        self.notes = ArticleNotes(self._note_definitions(article))
        self.opening(article, frame)
        for block in article.blocks:
            self.block(block, self.body, frame)
        self.bios(article, frame)

    # -- back matter -------------------------------------------------------------


    def opening(self, article: Article, frame: Frame) -> None:
        meta = article.meta
        if meta.marking:
            self._text_paragraph(S.ARTICLE_MARKING, meta.marking)
        title = self.body.add_paragraph(self.styles.id(S.HEADING1))
        self._bookmarked(title._p, article.id,
                         lambda: self._run(title._p, self._format(article), meta.title))
        if meta.subtitle:
            self._text_paragraph(S.ARTICLE_SUBTITLE, meta.subtitle)
        language = meta.language or self.book.meta.language or "en"
        for group in byline_groups(meta.people):
            self.byline(group, language)
        if meta.date:
            self._text_paragraph(S.DATELINE, format_date(meta.date, language))
        if meta.publisher or meta.url:
            self.source_line(meta.publisher, meta.url)
        for block in meta.standfirst:
            self.block(block, self.body, dataclasses.replace(frame, style=S.STANDFIRST))
        if meta.image is not None:
            # a lead image is decoration: when it cannot be had, leave no trace but the warning
            paragraph = self.body.add_paragraph(self.styles.id(S.FIGURE))
            described = dataclasses.replace(meta.image, alt=lead_image_description(meta))
            if not self.picture(paragraph, described, article.pos or Pos("."), block=True):
                body = paragraph._p.getparent()
                assert body is not None  # the paragraph was just added to the body
                body.remove(paragraph._p)

    def byline(self, group: BylineGroup, language: str) -> None:
        """``By A and B``, ``Speakers: A (affiliation) and B (affiliation)``: one paragraph per group."""
        p = self.body.add_paragraph(self.styles.id(S.BYLINE))._p
        label = group.label(language)
        if label:
            p.append(self._plain_run(label + (" " if label == "By" else "：" if is_japanese(language) else ": ")))
        several = len(group.people) > 1
        for person, after in zip(group.people, name_separators(len(group.people), language), strict=True):
            self._linked_text(p, person.id, person.name, RunFormat(bold=True))
            if person.affiliations:
                affiliation = "; ".join(person.affiliations)
                self._run(p, RunFormat(), f" ({affiliation})" if several else f", {affiliation}")
            if after:
                self._run(p, RunFormat(), after)

    def source_line(self, publisher: str, url: str) -> None:
        p = self.body.add_paragraph(self.styles.id(S.SOURCE_LINE))._p
        self._run(p, RunFormat(), "Source: " + (publisher or ""))
        if url:
            if publisher:
                p.append(self._plain_run(", "))
            link = ooxml.hyperlink(r_id=self._external_link(self.part, url))
            link.append(self._plain_run(url, style=S.HYPERLINK))
            p.append(link)

    def bios(self, article: Article, frame: Frame) -> None:
        people = [person for person in article.meta.people if person.bio]
        if not people:
            return
        self._text_paragraph(S.BIO_HEADING, bio_heading(article.meta.people))
        for person in people:
            self.block_sequence(person.bio, self.body, dataclasses.replace(frame, style=S.BIO))

    def people(self) -> None:
        """Everyone in the book, by family name: their part in each article, affiliations and bio."""
        self._back_heading(PEOPLE_ID, PEOPLE_TITLE)
        titles = section_titles(self.book)
        homes = {a.id: a for a in self.book.articles}
        for entry in self.book.people:
            person = entry.person
            p = self.body.add_paragraph(self.styles.id(S.PERSON_NAME))._p
            self._bookmarked(p, person.id, partial(self._run, p, RunFormat(), person.name))
            for affiliation in person.affiliations:
                self._text_paragraph(S.PERSON_DETAIL, affiliation)
            for appearance in entry.appearances:
                p = self.body.add_paragraph(self.styles.id(S.PERSON_DETAIL))._p
                roles = role_label(appearance.roles) or "Named"
                p.append(self._plain_run(f"{roles} in ", italic=True))
                self._linked_text(p, appearance.article_id, titles.get(appearance.article_id, ""),
                                  RunFormat(italic=True))
            home = homes.get(entry.appearances[0].article_id) if entry.appearances else None
            if person.bio and home is not None:
                self.block_sequence(person.bio, self.body, Frame(home, style=S.BIO))

    def _back_heading(self, node_id: str, title: str) -> None:
        heading = self.body.add_paragraph(self.styles.id(S.HEADING1))
        self._bookmarked(heading._p, node_id, lambda: self._run(heading._p, RunFormat(), title))

    def abbreviations(self) -> None:
        """Each abbreviation, its expansion, and a link to the section where it is first used."""
        self._back_heading(ABBREVIATIONS_ID, ABBREVIATIONS_TITLE)
        titles = section_titles(self.book)
        for entry in self.book.abbreviations:
            p = self.body.add_paragraph(self.styles.id(S.ABBREVIATION))._p
            self._run(p, RunFormat(bold=True), entry.short)
            p.append(ooxml.run(OxmlElement("w:tab")))
            self._run(p, RunFormat(), entry.expansion)
            if entry.first_use in self.bookmarks and entry.first_use in titles:
                p.append(self._plain_run(" — first used in "))
                self._linked_text(p, entry.first_use, titles[entry.first_use], RunFormat(italic=True))
