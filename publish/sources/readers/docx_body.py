"""The body of a Word document as a flat sequence of paragraphs and tables, each with its position.

Grouping paragraphs into lists, quotations and figures is left to
:mod:`.docx_blocks`; the front matter is taken off the top by
:mod:`.docx_front`.  A paragraph's position is its 1-based index among the
body's paragraphs in document order, table cells and content controls
included, so that a message can say "paragraph 12"; a note's paragraphs all
take the position of the paragraph that refers to the note.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from lxml import etree

from ...model import nodes as m
from ...model.nodes import Pos
from ...model.walk import plain_text
from ..slug import IdAllocator, slugify
from .docx_inlines import DocumentState, InlineReader
from .docx_styles import ParagraphStyle, Styles, numbering_of, on, with_outline

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ALIGN = {"center": "center", "right": "right", "end": "right"}
_ANCHOR_IN_FIELD = re.compile(r'\\l\s+"?([^"\s]+)|\bREF\s+"?([^"\s\\]+)')


@dataclass(frozen=True)
class Para:
    """One paragraph as read, before it is grouped into blocks."""

    pos: Pos
    inlines: tuple[m.Inline, ...]
    text: str
    style: ParagraphStyle
    numbering: tuple[str, int] | None
    picture: m.Image | None
    all_bold: bool
    #: The id of the heading, when a link in the document leads to it (by a bookmark).
    heading_id: str = ""


Item = Para | m.Table


class BodyReader:
    """Reads block-level content; ``fixed`` gives every paragraph one position (a note's)."""

    def __init__(self, state: DocumentState, inlines: InlineReader, fixed: Pos | None = None) -> None:
        self.state = state
        self.inlines = inlines
        self.fixed = fixed
        self.count = 0

    def read(self, container: etree._Element) -> list[Item]:
        items: list[Item] = []
        bookmarks: list[str] = []  # bookmarks standing between paragraphs belong to the next one
        for child in _block_level(container):
            if child.tag == f"{W}bookmarkStart":
                bookmarks.append(child.get(f"{W}name", ""))
            elif child.tag == f"{W}p":
                items.append(self.paragraph(child, bookmarks))
                bookmarks = []
            elif child.tag == f"{W}tbl":
                items.append(self.table(child))
                bookmarks = []
            elif child.tag == f"{W}altChunk":
                self.state.reporter.warn(self._peek(), "an embedded document (altChunk) is dropped")
        return items

    def _next_pos(self) -> Pos:
        if self.fixed is not None:
            return self.fixed
        self.count += 1
        return Pos(self.state.path, self.count, 1)

    def _peek(self) -> Pos:
        return self.fixed or Pos(self.state.path, self.count + 1, 1)

    # ------------------------------------------------------------ paragraphs

    def paragraph(self, p: etree._Element, bookmarks: list[str] | None = None) -> Para:
        pos = self._next_pos()
        p_pr = p.find(f"{W}pPr")
        style_ref = p_pr.find(f"{W}pStyle") if p_pr is not None else None
        style = self.state.styles.paragraph(style_ref.get(f"{W}val", "") if style_ref is not None else "")
        style = with_outline(style, p_pr)
        read = self.inlines.paragraph(p, style, pos)
        heading_id = ""
        if style.outline is not None:
            names = [*(bookmarks or []), *(b.get(f"{W}name", "") for b in p.iter(f"{W}bookmarkStart"))]
            heading_id = next((self.state.anchors[n] for n in names if n in self.state.anchors), "")
        return Para(pos, read.inlines, plain_text(read.inlines).strip(), style,
                    numbering_of(p_pr) or style.numbering, read.picture, read.all_bold, heading_id)

    # ---------------------------------------------------------------- tables

    def table(self, tbl: etree._Element) -> m.Table:
        pos = self._peek()
        rows: list[tuple[list[m.TableCell], bool, bool]] = []  # cells, marked header, all bold
        merged = 0
        for tr in _children(tbl, "tr"):
            tr_pr = tr.find(f"{W}trPr")
            changed = tr_pr is not None and (tr_pr.find(f"{W}del") is not None or tr_pr.find(f"{W}ins") is not None)
            self.state.tracked += changed
            cells, bold, spans = self._row(tr)
            merged += spans
            if tr_pr is not None and tr_pr.find(f"{W}del") is not None:
                continue  # a deleted row, read as accepted
            header = tr_pr is not None and bool(on(tr_pr.find(f"{W}tblHeader")))
            rows.append((cells, header, bold))
        if merged:
            self.state.reporter.warn(pos, f"table with merged cells ({merged}): each merged cell's text is in its "
                                          "first place and the places it covered are left empty")
        return _table(rows, pos)

    def _row(self, tr: etree._Element) -> tuple[list[m.TableCell], bool, int]:
        """The row's cells, laid on the grid, whether every cell with text is bold, and its merged cells."""
        tr_pr = tr.find(f"{W}trPr")
        cells: list[m.TableCell] = [m.TableCell(())] * _grid(tr_pr, "gridBefore")
        bold, merged = True, 0
        for tc in _children(tr, "tc"):
            tc_pr = tc.find(f"{W}tcPr")
            span = max(1, _grid(tc_pr, "gridSpan"))
            inlines, align, cell_bold = self._cell(tc)
            covered = _continues(tc_pr, "vMerge") or _continues(tc_pr, "hMerge")
            merged += span > 1 or covered
            cells.append(m.TableCell(() if covered else inlines, align))
            cells.extend([m.TableCell(())] * (span - 1))
            bold = bold and (cell_bold or not inlines or covered)
        cells.extend([m.TableCell(())] * _grid(tr_pr, "gridAfter"))
        return cells, bold, merged

    def _cell(self, tc: etree._Element) -> tuple[tuple[m.Inline, ...], str, bool]:
        """A cell's paragraphs as lines of one cell (the model's cells hold inlines), its alignment, its boldness."""
        lines: list[tuple[m.Inline, ...]] = []
        bold = True
        for item in self.read(tc):
            if isinstance(item, m.Table):
                self.state.reporter.warn(item.pos or self._peek(), "a table inside a table cell is read as its text")
                lines.extend(cell.children for row in (*item.head, *item.body) for cell in row if cell.children)
                continue
            if not item.inlines:
                continue
            lines.append(item.inlines)
            bold = bold and item.all_bold
        joined: list[m.Inline] = []
        for line in lines:
            joined.extend([m.LineBreak(), *line] if joined else line)
        return tuple(joined), _cell_align(tc), bold and bool(lines)


def _cell_align(tc: etree._Element) -> str:
    """The alignment of the cell's first paragraph with text ("": the default, start or left)."""
    for p in tc.iter(f"{W}p"):
        if "".join(t.text or "" for t in p.iter(f"{W}t")).strip():
            jc = p.find(f"{W}pPr/{W}jc")
            return _ALIGN.get(jc.get(f"{W}val", ""), "") if jc is not None else ""
    return ""


def _table(rows: list[tuple[list[m.TableCell], bool, bool]], pos: Pos) -> m.Table:
    """Rows padded to the widest; header rows are those marked so, else a first row typed in bold."""
    width = max((len(cells) for cells, _, _ in rows), default=0)
    grid = [(tuple(cells + [m.TableCell(())] * (width - len(cells))), header, bold) for cells, header, bold in rows]
    marked = next((i for i, (_, header, _) in enumerate(grid) if not header), len(grid))
    if marked == 0 and len(grid) > 1 and grid[0][2]:
        marked = 1  # header cells are set bold by every renderer: the typed bold goes
        grid[0] = (tuple(m.TableCell(_unbold(c.children), c.align) for c in grid[0][0]), True, True)
    head = tuple(cells for cells, _, _ in grid[:marked])
    body = tuple(cells for cells, _, _ in grid[marked:])
    return m.Table(head, body, pos=pos)


def _unbold(inlines: tuple[m.Inline, ...]) -> tuple[m.Inline, ...]:
    out: list[m.Inline] = []
    for node in inlines:
        out.extend(node.children if isinstance(node, m.Strong) else (node,))
    return tuple(out)


def _grid(properties: etree._Element | None, name: str) -> int:
    element = properties.find(f"{W}{name}") if properties is not None else None
    try:
        return int(element.get(f"{W}val", "0")) if element is not None else 0
    except ValueError:
        return 0


def _continues(tc_pr: etree._Element | None, name: str) -> bool:
    """A cell that continues a merge (``w:vMerge`` without ``restart``): its text belongs to the cell it extends."""
    element = tc_pr.find(f"{W}{name}") if tc_pr is not None else None
    return element is not None and element.get(f"{W}val", "continue") != "restart"


def _children(parent: etree._Element, name: str) -> Iterator[etree._Element]:
    """Children named ``name``, also inside content controls and custom XML around them."""
    for child in _block_level(parent):
        if child.tag == f"{W}{name}":
            yield child


def _block_level(parent: etree._Element) -> Iterator[etree._Element]:
    """The children of a container, content controls and custom XML unwrapped."""
    for child in parent:
        if child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _block_level(content)
        elif child.tag == f"{W}customXml":
            yield from _block_level(child)
        else:
            yield child


# ------------------------------------------------------------- heading ids


def heading_anchors(body: etree._Element, parts: list[etree._Element], styles: Styles, path: str) -> dict[str, str]:
    """Bookmarks that mark a heading and that some link in ``parts`` leads to, each with an id for that heading.

    The id is made from the file name and the bookmark, and has an underscore, which the ids made from
    text never have: it cannot take another heading's id.
    """
    targets = _link_anchors(parts)
    allocator = IdAllocator()
    stem = slugify(PurePosixPath(path.replace("\\", "/")).stem, 24) or "docx"
    stem = stem if stem[0].isalpha() else f"docx-{stem}"
    anchors: dict[str, str] = {}
    pending: list[str] = []
    for child in _block_level(body):
        if child.tag == f"{W}bookmarkStart":
            pending.append(child.get(f"{W}name", ""))
            continue
        if child.tag == f"{W}p" and _is_heading(child, styles):
            names = [*pending, *(b.get(f"{W}name", "") for b in child.iter(f"{W}bookmarkStart"))]
            for name in names:
                if name in targets and name not in anchors:
                    anchors[name] = allocator.take(f"{stem}_{slugify(name) or 'bookmark'}")
        pending = []
    return anchors


def _is_heading(p: etree._Element, styles: Styles) -> bool:
    p_pr = p.find(f"{W}pPr")
    style_ref = p_pr.find(f"{W}pStyle") if p_pr is not None else None
    style = styles.paragraph(style_ref.get(f"{W}val", "") if style_ref is not None else "")
    return with_outline(style, p_pr).outline is not None


def _link_anchors(parts: list[etree._Element]) -> set[str]:
    """Every bookmark a hyperlink or a HYPERLINK or REF field in the parts leads to."""
    found: set[str] = set()
    for root in parts:
        found.update(link.get(f"{W}anchor", "") for link in root.iter(f"{W}hyperlink"))
        instructions = [simple.get(f"{W}instr", "") for simple in root.iter(f"{W}fldSimple")]
        # an instruction may be split over several runs of one paragraph
        instructions += ["".join(i.text or "" for i in p.iter(f"{W}instrText")) for p in root.iter(f"{W}p")]
        for instruction in instructions:
            found.update(a or b for a, b in _ANCHOR_IN_FIELD.findall(instruction))
    found.discard("")
    return found
