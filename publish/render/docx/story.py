"""Where the Word text goes and how it is set: stories, frames, run formats and the article's walked nodes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.parts.story import StoryPart
from docx.shared import Emu
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from ...conventions import ABBREVIATIONS_ID, PEOPLE_ID
from ...model.nodes import Article, Book, FootnoteDef, Heading
from ...model.walk import iter_nodes
from . import oxml as ooxml
from .styles import S


class PartOwner:
    """What python-docx proxies ask their parent for: the part that holds relationships."""

    def __init__(self, part: StoryPart) -> None:
        self.part = part


@dataclasses.dataclass
class Story:
    """Where blocks go: the document body or a footnote."""

    element: etree._Element  # w:body, or a w:footnote
    owner: PartOwner

    def add_paragraph(self, style_id: str) -> DocxParagraph:
        # Built directly: python-docx's property setters search the children each time.
        p = ooxml.new_paragraph()
        p.append(ooxml.element("w:pPr", None, *([ooxml.element("w:pStyle", {"w:val": style_id})] if style_id else [])))
        self._append(p)
        return DocxParagraph(p, self.owner)

    def add_table(self, rows: int, cols: int, width: int) -> DocxTable:
        tbl = CT_Tbl.new_tbl(rows, cols, Emu(width))
        self._append(tbl)
        return DocxTable(tbl, self.owner)

    def _append(self, node: etree._Element) -> None:
        # the body's closing w:sectPr must stay its last child
        # (from the end: lxml counts children one by one, and a book's body has thousands)
        last = next(reversed(self.element), None)
        if last is not None and last.tag == qn("w:sectPr"):
            last.addprevious(node)
        else:
            self.element.append(node)


@dataclasses.dataclass(frozen=True)
class Frame:
    """How blocks are set at the current place: paragraph style, list nesting, article."""

    article: Article
    style: str = S.BODY_TEXT
    list_depth: int = 0
    list_indent: int | None = None  # nesting level whose text a continuation paragraph lines up with
    in_note: bool = False
    #: The width a picture may take here, in EMU, where it is less than the text block's (a table cell).
    width: int | None = None


@dataclasses.dataclass(frozen=True)
class RunFormat:
    """Character formatting inherited by the runs of nested inlines."""

    bold: bool = False
    italic: bool = False
    strike: bool = False
    superscript: bool = False
    subscript: bool = False
    small_caps: bool = False
    style: str = ""
    language: str = ""  # the article's language where it differs from the book's


class Walked:
    """An article's nodes, walked once for every use the writer has for them."""

    def __init__(self, article: Article) -> None:
        self.meta = list(iter_nodes(article.meta))
        # block by block: the flow leaves out the footnote texts, which are blocks of their own
        self.blocks = [(block, list(iter_nodes(block))) for block in article.blocks]

    def everything(self, article: Article) -> Iterator[object]:
        """As ``iter_nodes(article)`` gives them."""
        yield article
        yield from self.meta
        for _, nodes in self.blocks:
            yield from nodes
        if article.pos is not None:
            yield article.pos

    def in_blocks(self) -> Iterator[object]:
        return (node for _, nodes in self.blocks for node in nodes)

    def in_flow(self) -> Iterator[object]:
        return (node for block, nodes in self.blocks if not isinstance(block, FootnoteDef) for node in nodes)


@dataclasses.dataclass
class ArticleNotes:
    """The footnotes of the article being written, and the Word notes made of them so far."""

    definitions: dict[str, FootnoteDef]
    numbers: dict[str, int] = dataclasses.field(default_factory=dict)  # note_id -> Word note id




def bookmark_names(book: Book, walked: dict[int, Walked]) -> dict[str, str]:
    """Bookmark names for every id a link may lead to (articles, headings, people, the back
    matter), unique even where ids differ only in characters Word refuses (the later one,
    in book order, gets a hash)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    ids = [n.id for a in book.articles for n in walked[id(a)].everything(a) if isinstance(n, (Article, Heading))]
    ids += [entry.person.id for entry in book.people]
    ids += [PEOPLE_ID] if book.people else []
    ids += [ABBREVIATIONS_ID] if book.abbreviations else []
    for node_id in ids:
        if not node_id or node_id in names:
            continue
        name = ooxml.bookmark_name(node_id)
        if name in taken:
            name = ooxml.bookmark_name(node_id, hashed=True)
        names[node_id] = name
        taken.add(name)
    return names
