"""The text of a Word paragraph as model inlines: text compared and merged, never runs.

Word splits text into runs at will (spelling marks, revision ids, bookmarks,
smart tags, content controls, fields), so a paragraph is first flattened
into pieces, each a leaf (text, line break, note reference, picture) with
the formatting the model can express, then nested again: adjacent text with
the same formatting is one node however many runs it came from.  Formatting
a paragraph style gives all its text (a heading's bold, a quotation's
italics) is the style's look, not emphasis, and is left out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from lxml import etree

from ...diagnostics import Reporter
from ...model import nodes as m
from ...model.nodes import Pos
from .docx_package import R_NS, W_NS, Package, Relationship
from .docx_pieces import Fmt, Piece, nest, settled
from .docx_styles import ParagraphStyle, RunProps, Styles, on, run_props
from .rawhtml import safe_link

W = f"{{{W_NS}}}"
R = f"{{{R_NS}}}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
VML_O = "{urn:schemas-microsoft-com:office:office}"
MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"

# Characters no source may hold (see ingest.decode); XML allows DEL, the model does not.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FIELD_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
#: Fields whose result is generated apparatus the book makes its own of.
_HIDDEN_FIELDS = {"TOC", "INDEX", "TOA", "BIBLIOGRAPHY"}
_CONTAINERS = {f"{W}smartTag", f"{W}customXml", f"{W}dir", f"{W}bdo"}
_ACCEPTED = {f"{W}ins", f"{W}moveTo"}
_REJECTED = {f"{W}del", f"{W}moveFrom"}

#: Reads the children of an element (with the link they are in) as pieces.
_Reader = Callable[[etree._Element, str], Iterator[Piece]]


@dataclass
class DocumentState:
    """What the reading of one document shares across its parts."""

    path: str
    reporter: Reporter
    package: Package
    styles: Styles
    #: The src of a picture is this, "#", and the part name: ``report.docx#word/media/image1.png``.
    src_prefix: str
    #: Bookmark names that mark a heading, and that heading's id.
    anchors: dict[str, str] = field(default_factory=dict)
    #: Note references in order of first use: (kind, id in the notes part) -> label.
    notes: dict[tuple[str, str], tuple[str, Pos]] = field(default_factory=dict)
    note_counts: dict[str, int] = field(default_factory=dict)
    tracked: int = 0
    dropped_drawings: int = 0
    equations: int = 0

    def note_label(self, kind: str, note_id: str, pos: Pos) -> str:
        key = (kind, note_id)
        if key not in self.notes:
            count = self.note_counts[kind] = self.note_counts.get(kind, 0) + 1
            self.notes[key] = (str(count) if kind == "footnote" else f"e{count}", pos)
        return self.notes[key][0]


@dataclass
class _Field:
    """A complex field being read: its instruction until ``separate``, then its result."""

    instruction: list[str] = field(default_factory=list)
    showing: bool = False
    hidden: bool = False
    link: str = ""


@dataclass(frozen=True)
class ReadParagraph:
    inlines: tuple[m.Inline, ...]
    #: Every letter of it is bold, as it shows (a header row typed in bold).
    all_bold: bool
    #: The picture when it stands alone in the paragraph (a figure), else None.
    picture: m.Image | None


class InlineReader:
    """Reads the paragraphs of one part (the body, the footnotes, the endnotes)."""

    def __init__(self, state: DocumentState, rels: dict[str, Relationship]) -> None:
        self.state = state
        self.rels = rels
        self.fields: list[_Field] = []  # fields may span paragraphs: a table of contents does
        self.pos = Pos(state.path, 1, 1)
        self.base = RunProps()

    def paragraph(self, p: etree._Element, style: ParagraphStyle, pos: Pos) -> ReadParagraph:
        self.pos, self.base = pos, style.run
        pieces = settled(list(self._children(p, "")))
        texts = [piece for piece in pieces if isinstance(piece.node, m.Text) and piece.node.text.strip()]
        all_bold = bool(texts) and all(piece.bold for piece in texts)
        images = [piece.node for piece in pieces if isinstance(piece.node, m.Image)]
        alone = len(images) == 1 and all(isinstance(piece.node, (m.Image, m.Text)) for piece in pieces) and not texts
        return ReadParagraph(nest(pieces), all_bold, images[0] if alone else None)

    # ------------------------------------------------------------ containers

    def _children(self, parent: etree._Element, link: str) -> Iterator[Piece]:
        for child in parent:
            tag = child.tag
            if tag == f"{W}r":
                yield from self._run(child, link)
            elif tag == f"{W}hyperlink":
                yield from self._children(child, self._hyperlink(child) or link)
            elif tag in _ACCEPTED:
                self.state.tracked += 1
                yield from self._children(child, link)
            elif tag in _REJECTED:
                self.state.tracked += 1
            elif tag in _CONTAINERS:
                yield from self._children(child, link)
            elif tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    yield from self._children(content, link)
            elif tag == f"{W}fldSimple":
                yield from self._simple_field(child, link)
            elif tag == f"{MC}AlternateContent":
                yield from self._alternate(child, link, self._children)
            elif tag in (f"{MATH}oMath", f"{MATH}oMathPara"):
                yield from self._equation(child, link)

    def _simple_field(self, element: etree._Element, link: str) -> Iterator[Piece]:
        kind, target = self._field_meaning(element.get(f"{W}instr", ""))
        if kind not in _HIDDEN_FIELDS:
            yield from self._children(element, target or link)

    def _alternate(self, element: etree._Element, link: str, read: _Reader) -> Iterator[Piece]:
        """Markup compatibility: the first choice that gives something, else the fallback."""
        dropped = self.state.dropped_drawings
        for option in [*element.findall(f"{MC}Choice"), *element.findall(f"{MC}Fallback")]:
            self.state.dropped_drawings = dropped
            pieces = list(read(option, link))
            if pieces:
                yield from pieces
                return
        self.state.dropped_drawings = dropped + 1

    def _equation(self, element: etree._Element, link: str) -> Iterator[Piece]:
        self.state.equations += 1
        text = "".join(t.text or "" for t in element.iter(f"{MATH}t"))
        if text:
            yield Piece(Fmt(link=link), m.Text(_clean(text)))

    # ------------------------------------------------------------------ runs

    def _run(self, run: etree._Element, link: str) -> Iterator[Piece]:
        r_pr = run.find(f"{W}rPr")
        style = r_pr.find(f"{W}rStyle") if r_pr is not None else None
        character = self.state.styles.character(style.get(f"{W}val", "")) if style is not None else RunProps()
        props = run_props(r_pr).over(character.over(self.base))
        if r_pr is not None and on(r_pr.find(f"{W}vanish")):
            return  # hidden text is not part of the document as read
        fmt = _fmt(props, self.base, link)
        yield from self._run_content(run, fmt, bool(props.bold))

    def _run_content(self, parent: etree._Element, fmt: Fmt, bold: bool) -> Iterator[Piece]:
        for child in parent:
            tag = child.tag
            if tag in (f"{W}fldChar", f"{W}instrText"):
                self._field_part(child)
            elif not self._showing():
                continue
            elif tag == f"{W}t":
                yield Piece(replace(fmt, link=self._field_link() or fmt.link), m.Text(_clean(child.text or "")), bold)
            elif tag in (f"{W}tab", f"{W}ptab"):
                yield Piece(fmt, m.Text(" "), bold)
            elif (tag == f"{W}br" and child.get(f"{W}type", "textWrapping") == "textWrapping") or tag == f"{W}cr":
                yield Piece(fmt, m.LineBreak(), bold)
            elif tag == f"{W}noBreakHyphen":
                yield Piece(fmt, m.Text("\u2011"), bold)
            elif tag in (f"{W}footnoteReference", f"{W}endnoteReference"):
                kind = "footnote" if tag == f"{W}footnoteReference" else "endnote"
                label = self.state.note_label(kind, child.get(f"{W}id", ""), self.pos)
                yield Piece(Fmt(), m.FootnoteRef(label))
            elif tag == f"{W}drawing":
                yield from self._drawing(child, fmt.link)
            elif tag == f"{W}pict":
                yield from self._vml(child, fmt.link)
            elif tag == f"{W}object":
                self.state.dropped_drawings += 1
            elif tag == f"{MC}AlternateContent":
                yield from self._alternate(child, fmt.link, lambda option, link: self._run_content(option, fmt, bold))
            elif tag == f"{W}ruby":
                base = child.find(f"{W}rubyBase")  # the text; the reading aid above it is left out
                if base is not None:
                    yield from self._children(base, fmt.link)

    # ---------------------------------------------------------------- fields

    def _field_part(self, element: etree._Element) -> None:
        if element.tag == f"{W}instrText":
            if self.fields and not self.fields[-1].showing:
                self.fields[-1].instruction.append(element.text or "")
            return
        kind = element.get(f"{W}fldCharType", "")
        if kind == "begin":
            self.fields.append(_Field())
        elif kind == "separate" and self.fields:
            current = self.fields[-1]
            name, current.link = self._field_meaning("".join(current.instruction))
            current.showing, current.hidden = True, name in _HIDDEN_FIELDS
        elif kind == "end" and self.fields:
            self.fields.pop()

    def _showing(self) -> bool:
        """Text is shown outside fields and in the result of every field it is in, unless one is hidden."""
        return all(f.showing and not f.hidden for f in self.fields)

    def _field_link(self) -> str:
        return next((f.link for f in reversed(self.fields) if f.link), "")

    def _field_meaning(self, instruction: str) -> tuple[str, str]:
        """The field's name, and the link target of a HYPERLINK or REF ... \\h field ("" for others)."""
        tokens = [plain or quoted for quoted, plain in _FIELD_TOKEN.findall(instruction)]
        if not tokens:
            return "", ""
        name, args = tokens[0].upper(), tokens[1:]
        if name == "HYPERLINK":
            anchor = args[args.index("\\l") + 1] if "\\l" in args[:-1] else ""
            switches = {i for i, a in enumerate(args) if a.startswith("\\")}
            values = [a for i, a in enumerate(args) if i not in switches and i - 1 not in switches]
            return name, self._target(values[0] if values else "", anchor)
        if name == "REF" and "\\h" in args and args:
            return name, self._target("", args[0])
        return name, ""

    # ----------------------------------------------------------------- links

    def _hyperlink(self, element: etree._Element) -> str:
        rel = self.rels.get(element.get(f"{R}id", "")) if element.get(f"{R}id") else None
        return self._target(rel.target if rel is not None else "", element.get(f"{W}anchor", ""))

    def _target(self, url: str, anchor: str) -> str:
        """A link's target in the model: the URL, or ``#id`` of the heading a bookmark marks; "" keeps the text only."""
        if url:
            if not safe_link(url):
                self.state.reporter.warn(self.pos, f"link to {url.split(':', 1)[0]}: removed; its text is kept")
                return ""
            return f"{url}#{anchor}" if anchor else url
        if not anchor or anchor == "_top":
            return ""
        heading = self.state.anchors.get(anchor)
        if heading is None:
            self.state.reporter.warn(self.pos, f"link to bookmark '{anchor}', which marks no heading: its text is kept")
            return ""
        return f"#{heading}"

    # -------------------------------------------------------------- pictures

    def _drawing(self, drawing: etree._Element, link: str) -> Iterator[Piece]:
        doc_pr = drawing.find(f".//{WP}docPr")
        alt = _clean(doc_pr.get("descr", "")) if doc_pr is not None else ""
        title = _clean(doc_pr.get("title", "")) if doc_pr is not None else ""
        blip = drawing.find(f".//{A}graphicData[@uri='http://schemas.openxmlformats.org/drawingml/2006/picture']"
                            f"//{A}blip")
        if blip is None:  # a chart, a shape, a text box, SmartArt
            self.state.dropped_drawings += 1
            return
        yield from self._picture(blip.get(f"{R}embed", ""), blip.get(f"{R}link", ""), alt, title, link)

    def _vml(self, pict: etree._Element, link: str) -> Iterator[Piece]:
        """A picture as older Word and LibreOffice's fallbacks write it."""
        data = pict.find(f".//{V}imagedata")
        shape = data.getparent() if data is not None else None
        if data is None or shape is None:
            self.state.dropped_drawings += 1
            return
        rel_id = data.get(f"{R}id") or data.get(f"{VML_O}relid") or ""
        yield from self._picture(rel_id, "", _clean(shape.get("alt", "")), _clean(data.get(f"{VML_O}title", "")), link)

    def _picture(self, embed: str, linked: str, alt: str, title: str, link: str) -> Iterator[Piece]:
        rel = self.rels.get(embed) if embed else None
        outside = rel if rel is not None and rel.external else self.rels.get(linked) if linked else None
        if outside is not None and outside.external:
            self.state.reporter.warn(self.pos, f"picture linked from outside the document not fetched: "
                                               f"{outside.target}; its alt text stands in its place")
        elif rel is None or rel.target not in self.state.package.names:
            self.state.reporter.warn(self.pos, f"picture {embed or linked or '?'} is missing from the document; "
                                               "its alt text stands in its place")
        else:
            yield Piece(Fmt(link=link), m.Image(f"{self.state.src_prefix}#{quote(rel.target)}", alt, title))
            return
        if alt:
            yield Piece(Fmt(link=link), m.Text(alt))


def picture_src_prefix(path: str) -> str:
    """The file name as a relative URL: a picture's src is relative to the source that names it."""
    return quote(path.replace("\\", "/").rsplit("/", 1)[-1])


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", _CONTROL.sub("", text))


def _fmt(props: RunProps, base: RunProps, link: str) -> Fmt:
    """What the run adds to its paragraph style's look."""

    def added(name: str) -> bool:
        return bool(getattr(props, name)) and not bool(getattr(base, name))

    vert = props.vert if props.vert != base.vert else None
    return Fmt(strong=added("bold"), emph=added("italic"), strike=added("strike"), smallcaps=added("smallcaps"),
               sup=vert == "superscript", sub=vert == "subscript", code=added("code"), link=link)
