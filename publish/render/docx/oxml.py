"""Hand-built WordprocessingML that python-docx has no API for.

Text and languages, fields, bookmarks, hyperlinks, the footnotes part and list
numbering.  Each function builds one small piece of XML with its children in
schema order, so that Word opens the result without "unreadable content"
complaints.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import cast

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.parts.document import DocumentPart
from docx.parts.story import StoryPart
from lxml import etree

from ...conventions import LIST_STYLES, list_label

# ------------------------------------------------------------------ elements

# Most tags built here have no python-docx class (w:lang, w:fldChar, w:footnote): OxmlElement
# makes them plain lxml elements, so that is the type these builders promise.


def element(tag: str, attrs: dict[str, str] | None = None, *children: etree._Element) -> etree._Element:
    """``<tag attrs...>children</tag>``; attribute names are prefixed like ``w:val``."""
    node = OxmlElement(tag)
    for name, value in (attrs or {}).items():
        node.set(qn(name), value)
    for child in children:
        node.append(child)
    return node


def insert_in_order(parent: etree._Element, child: etree._Element, order: Sequence[str]) -> None:
    """Insert ``child`` into ``parent`` before the first sibling that the schema puts after it.

    ``order`` is the parent's child sequence as prefixed tag names.  An existing
    child of the same tag is replaced, so that calling twice is harmless.
    """
    tag = child.tag
    for old in parent.findall(tag):
        parent.remove(old)
    names = [qn(name) for name in order]
    later = set(names[names.index(tag) + 1:])
    for sibling in parent:
        if sibling.tag in later:
            sibling.addprevious(child)
            return
    parent.append(child)


def run(*children: etree._Element, style_id: str = "") -> CT_R:
    """A ``w:r`` holding ``children``, optionally in a character style."""
    r = new_run()
    if style_id:
        r.append(element("w:rPr", None, element("w:rStyle", {"w:val": style_id})))
    for child in children:
        r.append(child)
    return r


def new_run() -> CT_R:
    """An empty ``w:r`` (python-docx registers CT_R for the tag)."""
    return cast(CT_R, OxmlElement("w:r"))


def new_paragraph() -> CT_P:
    """An empty ``w:p`` (python-docx registers CT_P for the tag)."""
    return cast(CT_P, OxmlElement("w:p"))


def text(value: str) -> etree._Element:
    t = OxmlElement("w:t")
    t.text = value
    if value != value.strip():
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return t


# ------------------------------------------------------- text and languages

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_END = re.compile(r"\r\n?|\n")
_EAST_ASIAN_LANGUAGES = ("ja", "zh", "ko")


def clean_text(value: str) -> str:
    """Text safe for a run: no control characters (python-docx refuses them), line ends as spaces."""
    return _LINE_END.sub(" ", _CONTROL.sub("", value))


def clean_block_text(value: str) -> str:
    """Like :func:`clean_text`, but keeping line ends (as ``\\n``) for preformatted text."""
    return _LINE_END.sub("\n", _CONTROL.sub("", value))


def is_east_asian_language(tag: str) -> bool:
    return tag.split("-")[0].lower() in _EAST_ASIAN_LANGUAGES


def language_element(language: str = "", east_asian: str = "") -> etree._Element:
    """``w:lang``: ``language`` for Latin text, ``east_asian`` for kana and kanji."""
    attrs = {}
    if language:
        attrs["w:val"] = language
    if east_asian:
        attrs["w:eastAsia"] = east_asian
    return element("w:lang", attrs)


def east_asian_fonts(font: str) -> etree._Element:
    """``w:rFonts`` for a run of kana and kanji: the East Asian face, and the hint that
    characters shared with Latin text (brackets, spaces) take that face too."""
    return element("w:rFonts", {"w:eastAsia": font, "w:hint": "eastAsia"})


# Children of ``w:pPr`` in the order CT_PPr prescribes (ECMA-376 Part 1, 17.3.1.26).
PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
    "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
    "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
    "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)

# Children of ``w:rPr`` in the order CT_RPr prescribes (ECMA-376 Part 1, 17.3.2.28).
RPR_ORDER = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps",
    "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof",
    "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern",
    "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
    "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)


# -------------------------------------------------------------------- fields


def field_runs(instruction: str, cached: str = "", style_id: str = "") -> list[CT_R]:
    """The runs of a complex field: begin, instruction, separate, cached result, end."""
    instr = OxmlElement("w:instrText")
    instr.text = f" {instruction} "
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    runs = [
        field_char("begin", style_id),
        run(instr, style_id=style_id),
        field_char("separate", style_id),
    ]
    if cached:
        runs.append(run(text(cached), style_id=style_id))
    runs.append(field_char("end", style_id))
    return runs


def note_reference_field(bookmark: str, number: int, style_id: str) -> list[CT_R]:
    """A second reference to a footnote: Word's cross-reference to the note's number.

    A footnote has exactly one ``w:footnoteReference``; further references are
    ``NOTEREF`` fields (``\\f``: formatted as a note mark, ``\\h``: a link) to a
    bookmark around the first one.
    """
    return field_runs(f"NOTEREF {bookmark} \\f \\h", str(number), style_id)


def field_char(kind: str, style_id: str = "") -> CT_R:
    """A run with ``w:fldChar`` of type ``begin``, ``separate`` or ``end``."""
    return run(element("w:fldChar", {"w:fldCharType": kind}), style_id=style_id)


# ---------------------------------------------------- bookmarks, hyperlinks

_BOOKMARK_MAX = 40
_NOT_BOOKMARK_CHAR = re.compile(r"[^A-Za-z0-9_]")


def bookmark_name(node_id: str, *, hashed: bool = False) -> str:
    """A Word bookmark name for an id: letters, digits and ``_``, a letter first, at most 40 chars.

    Deterministic; ``hashed`` appends a digest of the id, for the rare id whose
    plain name another id took already (``a-b`` and ``a_b``).
    """
    cleaned = _NOT_BOOKMARK_CHAR.sub("_", node_id)
    if not cleaned[:1].isalpha():
        cleaned = "b" + cleaned
    if not hashed and len(cleaned) <= _BOOKMARK_MAX:
        return cleaned
    digest = hashlib.sha1(node_id.encode("utf-8")).hexdigest()[:8]
    return f"{cleaned[:_BOOKMARK_MAX - 9]}_{digest}"


def bookmark_start(mark_id: int, name: str) -> etree._Element:
    return element("w:bookmarkStart", {"w:id": str(mark_id), "w:name": name})


def bookmark_end(mark_id: int) -> etree._Element:
    return element("w:bookmarkEnd", {"w:id": str(mark_id)})


def hyperlink(*, r_id: str = "", anchor: str = "") -> etree._Element:
    """An empty ``w:hyperlink`` to an external relationship or to a bookmark."""
    attrs = {"w:history": "1"}
    if r_id:
        attrs["r:id"] = r_id
    if anchor:
        attrs["w:anchor"] = anchor
    return element("w:hyperlink", attrs)


# ----------------------------------------------------------------- footnotes

FOOTNOTES_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

_FOOTNOTES_XML = (
    f"<w:footnotes {nsdecls('w', 'r', 'wp', 'a', 'pic')}>\n"
    '  <w:footnote w:type="separator" w:id="-1"><w:p><w:pPr>'
    '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:separator/></w:r></w:p></w:footnote>\n"
    '  <w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
    '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>\n"
    "</w:footnotes>"
)


class FootnotesPart(StoryPart):
    """``word/footnotes.xml``: a story part, so that links and images inside notes get their own relationships."""


def add_footnotes_part(document_part: DocumentPart) -> FootnotesPart:
    """Create the footnotes part with its two separators and relate it to the document."""
    part = FootnotesPart(
        PackURI("/word/footnotes.xml"), FOOTNOTES_CONTENT_TYPE,
        parse_xml(_FOOTNOTES_XML), document_part.package,
    )
    document_part.relate_to(part, RT.FOOTNOTES)
    return part


def new_footnote(part: FootnotesPart, note_id: int) -> etree._Element:
    """Append an empty ``w:footnote`` with ``note_id`` to the part and return it."""
    note = element("w:footnote", {"w:id": str(note_id)})
    part.element.append(note)
    return note


def footnote_reference(note_id: int, style_id: str) -> CT_R:
    """The run in the text that refers to footnote ``note_id`` (Word numbers it)."""
    return run(element("w:footnoteReference", {"w:id": str(note_id)}), style_id=style_id)


def footnote_mark(style_id: str) -> CT_R:
    """The run at the start of a footnote that shows its number."""
    return run(OxmlElement("w:footnoteRef"), style_id=style_id)


# ----------------------------------------------------------------- numbering

_BULLETS = ("\u2022", "\u2013", "\u25e6")

LIST_INDENT = 360  # twips per nesting level, and the hanging indent of the marker


def abstract_num(abstract_id: int, ordered: bool, marker_font: str = "") -> etree._Element:
    """A nine-level list definition: bullets, or numbers ``1.`` at every level (a list numbered
    otherwise says so in its own ``w:num``, as the source numbers it).

    ``marker_font`` sets the markers in the text's face: Word takes the paragraph's,
    LibreOffice its default font, which the document does not embed.
    """
    node = element(
        "w:abstractNum", {"w:abstractNumId": str(abstract_id)},
        element("w:multiLevelType", {"w:val": "hybridMultilevel"}),
    )
    for level in range(9):
        if ordered:
            node.append(list_level(level, 1, "decimal", f"%{level + 1}.", marker_font))
        else:
            node.append(list_level(level, 1, "bullet", _BULLETS[level % 3], marker_font))
    return node


def list_level(level: int, start: int, fmt: str, label: str, marker_font: str = "") -> etree._Element:
    """One level of a list definition: its numbers (``fmt``, ``label``), start and indent."""
    return element(
        "w:lvl", {"w:ilvl": str(level)},
        element("w:start", {"w:val": str(start)}),
        element("w:numFmt", {"w:val": fmt}),
        element("w:lvlText", {"w:val": label}),
        element("w:lvlJc", {"w:val": "left"}),
        element("w:pPr", None, element("w:ind", {
            "w:left": str(LIST_INDENT * (level + 1)), "w:hanging": str(LIST_INDENT),
        })),
        *([element("w:rPr", None, element("w:rFonts", {"w:ascii": marker_font, "w:hAnsi": marker_font}))]
          if marker_font else []),
    )


def num(num_id: int, abstract_id: int, level: int = 0, start: int | None = None,
        numbered: etree._Element | None = None) -> etree._Element:
    """A list instance; ``start`` restarts numbering at ``level`` for this list alone, and
    ``numbered`` (a ``w:lvl``) numbers that level otherwise than the definition."""
    node = element(
        "w:num", {"w:numId": str(num_id)},
        element("w:abstractNumId", {"w:val": str(abstract_id)}),
    )
    if start is not None:
        node.append(element(
            "w:lvlOverride", {"w:ilvl": str(level)},
            element("w:startOverride", {"w:val": str(start)}),
            *([numbered] if numbered is not None else []),
        ))
    return node


class Numbering:
    """Allocates list definitions in ``word/numbering.xml``: one ``w:num`` per ordered list."""

    def __init__(self, numbering_element: etree._Element, *, keep_existing: bool, marker_font: str = "") -> None:
        self.marker_font = marker_font
        self.root = numbering_element
        if not keep_existing:
            for child in list(self.root):
                self.root.remove(child)
        abstract_ids = [_id_number(a, "w:abstractNumId") for a in self.root.iterchildren(qn("w:abstractNum"))]
        num_ids = [_id_number(n, "w:numId") for n in self.root.iterchildren(qn("w:num"))]
        self._next_abstract = max(abstract_ids, default=-1) + 1
        self._next_num = max(num_ids, default=0) + 1
        self.bullet_abstract = self._add_abstract(ordered=False)
        self.ordered_abstract = self._add_abstract(ordered=True)
        self.bullet_num = self.add_num(self.bullet_abstract)

    def _add_abstract(self, ordered: bool) -> int:
        abstract_id = self._next_abstract
        self._next_abstract += 1
        node = abstract_num(abstract_id, ordered, self.marker_font)
        # every w:abstractNum comes before every w:num
        first_num = self.root.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(node)
        else:
            self.root.append(node)
        return abstract_id

    def add_num(self, abstract_id: int, level: int = 0, start: int | None = None,
                numbered: etree._Element | None = None) -> int:
        num_id = self._next_num
        self._next_num += 1
        node = num(num_id, abstract_id, level, start, numbered)
        later = self.root.find(qn("w:numIdMacAtCleanup"))
        if later is not None:
            later.addprevious(node)
        else:
            self.root.append(node)
        return num_id

    @property
    def next_num(self) -> int:
        return self._next_num

    def ordered_list(self, level: int, start: int, style: str = "decimal", delimiter: str = ".") -> int:
        """A new numbering instance, so that this list counts from ``start`` again, numbered
        in ``style`` with ``delimiter`` as the source numbers it (``a.``, ``(1)``)."""
        numbered = None
        if (style, delimiter) != ("decimal", "."):
            fmt = LIST_STYLES.get(style, LIST_STYLES["decimal"])[1]
            numbered = list_level(level, start, fmt, list_label(delimiter, f"%{level + 1}"), self.marker_font)
        return self.add_num(self.ordered_abstract, level, start, numbered)


def _id_number(node: etree._Element, attribute: str) -> int:
    """The id the schema requires of a list definition (a reference document could lack it)."""
    value = node.get(qn(attribute))
    if value is None:
        raise ValueError(f"numbering: a {node.tag} without {attribute}")
    return int(value)


def number_paragraph(p: CT_P, num_id: int, level: int) -> None:
    """Attach list numbering to paragraph ``p`` (python-docx keeps pPr children in order)."""
    # python-docx generates get_or_add_numPr (and w:numPr's own) at run time but declares none
    num_pr = p.get_or_add_pPr().get_or_add_numPr()  # type: ignore[attr-defined]
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id
