"""Hand-built WordprocessingML that python-docx has no API for.

Fields, bookmarks, hyperlinks, the footnotes part, list numbering, settings
and a reproducible package.  Each function builds one small piece of XML with
its children in schema order, so that Word opens the result without
"unreadable content" complaints.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.story import StoryPart

# ------------------------------------------------------------------ elements


def element(tag: str, attrs: dict[str, str] | None = None, *children) -> OxmlElement:
    """``<tag attrs...>children</tag>``; attribute names are prefixed like ``w:val``."""
    node = OxmlElement(tag)
    for name, value in (attrs or {}).items():
        node.set(qn(name), value)
    for child in children:
        node.append(child)
    return node


def insert_in_order(parent, child, order: Sequence[str]) -> None:
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


def run(*children, style_id: str = "") -> OxmlElement:
    """A ``w:r`` holding ``children``, optionally in a character style."""
    r = OxmlElement("w:r")
    if style_id:
        r.append(element("w:rPr", None, element("w:rStyle", {"w:val": style_id})))
    for child in children:
        r.append(child)
    return r


def text(value: str) -> OxmlElement:
    t = OxmlElement("w:t")
    t.text = value
    if value != value.strip():
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return t


# -------------------------------------------------------------------- fields


def field_runs(instruction: str, cached: str = "", style_id: str = "") -> list:
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


def field_char(kind: str, style_id: str = "") -> OxmlElement:
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


def bookmark_start(mark_id: int, name: str) -> OxmlElement:
    return element("w:bookmarkStart", {"w:id": str(mark_id), "w:name": name})


def bookmark_end(mark_id: int) -> OxmlElement:
    return element("w:bookmarkEnd", {"w:id": str(mark_id)})


def hyperlink(*, r_id: str = "", anchor: str = "") -> OxmlElement:
    """An empty ``w:hyperlink`` to an external relationship or to a bookmark."""
    attrs = {"w:history": "1"}
    if r_id:
        attrs["r:id"] = r_id
    if anchor:
        attrs["w:anchor"] = anchor
    return element("w:hyperlink", attrs)


def external_link_id(part, url: str) -> str:
    """The id of an external hyperlink relationship from ``part`` to ``url``."""
    return part.relate_to(url, RT.HYPERLINK, is_external=True)


# ----------------------------------------------------------------- footnotes

FOOTNOTES_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

_FOOTNOTES_XML = f"""<w:footnotes {nsdecls('w', 'r', 'wp', 'a', 'pic')}>
  <w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>
  <w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
</w:footnotes>"""


class FootnotesPart(StoryPart):
    """``word/footnotes.xml``: a story part, so that links and images inside notes get their own relationships."""


def add_footnotes_part(document_part) -> FootnotesPart:
    """Create the footnotes part with its two separators and relate it to the document."""
    part = FootnotesPart(
        PackURI("/word/footnotes.xml"), FOOTNOTES_CONTENT_TYPE,
        parse_xml(_FOOTNOTES_XML), document_part.package,
    )
    document_part.relate_to(part, RT.FOOTNOTES)
    return part


def new_footnote(part: FootnotesPart, note_id: int) -> OxmlElement:
    """Append an empty ``w:footnote`` with ``note_id`` to the part and return it."""
    note = element("w:footnote", {"w:id": str(note_id)})
    part.element.append(note)
    return note


def footnote_reference(note_id: int, style_id: str) -> OxmlElement:
    """The run in the text that refers to footnote ``note_id`` (Word numbers it)."""
    return run(element("w:footnoteReference", {"w:id": str(note_id)}), style_id=style_id)


def footnote_mark(style_id: str) -> OxmlElement:
    """The run at the start of a footnote that shows its number."""
    return run(OxmlElement("w:footnoteRef"), style_id=style_id)


# ----------------------------------------------------------------- numbering

_BULLETS = ("\u2022", "\u2013", "\u25e6")
_ORDERED_FORMATS = ("decimal", "lowerLetter", "lowerRoman")
LIST_INDENT = 360  # twips per nesting level, and the hanging indent of the marker


def abstract_num(abstract_id: int, ordered: bool) -> OxmlElement:
    """A nine-level list definition: bullets, or decimal / letter / roman numbers."""
    node = element(
        "w:abstractNum", {"w:abstractNumId": str(abstract_id)},
        element("w:multiLevelType", {"w:val": "hybridMultilevel"}),
    )
    for level in range(9):
        if ordered:
            fmt, label = _ORDERED_FORMATS[level % 3], f"%{level + 1}."
        else:
            fmt, label = "bullet", _BULLETS[level % 3]
        node.append(element(
            "w:lvl", {"w:ilvl": str(level)},
            element("w:start", {"w:val": "1"}),
            element("w:numFmt", {"w:val": fmt}),
            element("w:lvlText", {"w:val": label}),
            element("w:lvlJc", {"w:val": "left"}),
            element("w:pPr", None, element("w:ind", {
                "w:left": str(LIST_INDENT * (level + 1)), "w:hanging": str(LIST_INDENT),
            })),
        ))
    return node


def num(num_id: int, abstract_id: int, level: int = 0, start: int | None = None) -> OxmlElement:
    """A list instance; ``start`` restarts numbering at ``level`` for this list alone."""
    node = element(
        "w:num", {"w:numId": str(num_id)},
        element("w:abstractNumId", {"w:val": str(abstract_id)}),
    )
    if start is not None:
        node.append(element(
            "w:lvlOverride", {"w:ilvl": str(level)},
            element("w:startOverride", {"w:val": str(start)}),
        ))
    return node


class Numbering:
    """Allocates list definitions in ``word/numbering.xml``: one ``w:num`` per ordered list."""

    def __init__(self, numbering_element, *, keep_existing: bool) -> None:
        self.root = numbering_element
        if not keep_existing:
            for child in list(self.root):
                self.root.remove(child)
        abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in self.root.iterchildren(qn("w:abstractNum"))]
        num_ids = [int(n.get(qn("w:numId"))) for n in self.root.iterchildren(qn("w:num"))]
        self._next_abstract = max(abstract_ids, default=-1) + 1
        self._next_num = max(num_ids, default=0) + 1
        self.bullet_abstract = self._add_abstract(ordered=False)
        self.ordered_abstract = self._add_abstract(ordered=True)
        self.bullet_num = self.add_num(self.bullet_abstract)

    def _add_abstract(self, ordered: bool) -> int:
        abstract_id = self._next_abstract
        self._next_abstract += 1
        node = abstract_num(abstract_id, ordered)
        # every w:abstractNum comes before every w:num
        first_num = self.root.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(node)
        else:
            self.root.append(node)
        return abstract_id

    def add_num(self, abstract_id: int, level: int = 0, start: int | None = None) -> int:
        num_id = self._next_num
        self._next_num += 1
        node = num(num_id, abstract_id, level, start)
        later = self.root.find(qn("w:numIdMacAtCleanup"))
        if later is not None:
            later.addprevious(node)
        else:
            self.root.append(node)
        return num_id

    def ordered_list(self, level: int, start: int) -> int:
        """A new numbering instance, so that this list counts from ``start`` again."""
        return self.add_num(self.ordered_abstract, level, start)


def number_paragraph(p, num_id: int, level: int) -> None:
    """Attach list numbering to paragraph ``p`` (python-docx keeps pPr children in order)."""
    num_pr = p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


# ------------------------------------------------------------------ settings

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

SETTINGS_ORDER = (
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation",
    "w:removeDateAndTime", "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape",
    "w:printPostScriptOverText", "w:printFractionalCharacterWidth", "w:printFormsData",
    "w:embedTrueTypeFonts", "w:embedSystemFonts", "w:saveSubsetFonts", "w:saveFormsData",
    "w:mirrorMargins", "w:alignBordersAndEdges", "w:bordersDoNotSurroundHeader",
    "w:bordersDoNotSurroundFooter", "w:gutterAtTop", "w:hideSpellingErrors",
    "w:hideGrammaticalErrors", "w:activeWritingStyle", "w:proofState", "w:formsDesign",
    "w:attachedTemplate", "w:linkStyles", "w:stylePaneFormatFilter",
    "w:stylePaneSortMethod", "w:documentType", "w:mailMerge", "w:revisionView",
    "w:trackRevisions", "w:doNotTrackMoves", "w:doNotTrackFormatting",
    "w:documentProtection", "w:autoFormatOverride", "w:styleLockTheme",
    "w:styleLockQFSet", "w:defaultTabStop", "w:autoHyphenation",
    "w:consecutiveHyphenLimit", "w:hyphenationZone", "w:doNotHyphenateCaps",
    "w:showEnvelope", "w:summaryLength", "w:clickAndTypeStyle", "w:defaultTableStyle",
    "w:evenAndOddHeaders", "w:bookFoldRevPrinting", "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets", "w:drawingGridHorizontalSpacing",
    "w:drawingGridVerticalSpacing", "w:displayHorizontalDrawingGridEvery",
    "w:displayVerticalDrawingGridEvery", "w:doNotUseMarginsForDrawingGridOrigin",
    "w:drawingGridHorizontalOrigin", "w:drawingGridVerticalOrigin",
    "w:doNotShadeFormData", "w:noPunctuationKerning", "w:characterSpacingControl",
    "w:printTwoOnOne", "w:strictFirstAndLastChars", "w:noLineBreaksAfter",
    "w:noLineBreaksBefore", "w:savePreviewPicture", "w:doNotValidateAgainstSchema",
    "w:saveInvalidXml", "w:ignoreMixedContent", "w:alwaysShowPlaceholderText",
    "w:doNotDemarcateInvalidXml", "w:saveXmlDataOnly", "w:useXSLTWhenSaving",
    "w:saveThroughXslt", "w:showXMLTags", "w:alwaysMergeEmptyNamespace",
    "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat",
    "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
    "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
    "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
    "w:listSeparator",
)


def drop_revision_ids(root) -> None:
    """Remove the template's revision-session ids (``w:rsid*``): editing history, not content."""
    for node in root.iter(qn("w:rsid")):
        node.getparent().remove(node)
    for node in root.iter():
        for name in [name for name in node.attrib if name.startswith(f"{{{_W}}}rsid")]:
            del node.attrib[name]


def prepare_settings(settings, east_asian_language: str, language: str) -> None:
    """Ask Word to refresh fields on opening, name the separator footnotes, set the languages.

    Also drops what identifies the template's editing history (revision ids,
    a fixed document id, a preview picture that is not there).
    """
    for tag in ("w:rsids", "w:savePreviewPicture"):
        for node in settings.findall(qn(tag)):
            settings.remove(node)
    for node in settings.findall(qn("w14:docId")):
        settings.remove(node)
    insert_in_order(settings, element("w:updateFields", {"w:val": "true"}), SETTINGS_ORDER)
    insert_in_order(settings, element(
        "w:footnotePr", None,
        element("w:footnote", {"w:id": "-1"}), element("w:footnote", {"w:id": "0"}),
    ), SETTINGS_ORDER)
    insert_in_order(settings, element(
        "w:themeFontLang", {"w:val": language, "w:eastAsia": east_asian_language},
    ), SETTINGS_ORDER)


# ------------------------------------------------------------------- package

APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>publish</Application><DocSecurity>0</DocSecurity>"
    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
).encode("utf-8")

_ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)


def zip_timestamp(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """``when`` in UTC as a zip date, clamped to 1980 (zip cannot store earlier dates)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    when = max(when.astimezone(dt.timezone.utc), _ZIP_EPOCH)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)


def reproducible_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite a zip with fixed timestamps, permissions and entry order.

    ``[Content_Types].xml`` comes first (some readers sniff it there), then the
    other entries by name.
    """
    stamp = zip_timestamp(when)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    order = sorted(entries, key=lambda name: (name != "[Content_Types].xml", name))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so that the permissions below mean the same everywhere
            info.external_attr = 0o644 << 16
            target.writestr(info, entries[name], compresslevel=9)
    return out.getvalue()


def drop_package_relationships(rels, reltypes: Iterable[str]) -> None:
    """Remove relationships of the given types (e.g. the template's thumbnail)."""
    unwanted = set(reltypes)
    for r_id, rel in list(rels.items()):
        if rel.reltype in unwanted:
            del rels[r_id]


# -------------------------------------------------------------------- styles


@dataclass(frozen=True)
class Border:
    colour: str
    eighths: int = 4  # line width in eighths of a point
    space: int = 1  # gap to the text in points


@dataclass(frozen=True)
class StyleSpec:
    """A paragraph or character style; sizes and spacing in points, indents in twips."""

    style_id: str
    name: str
    kind: str = "paragraph"
    based_on: str = ""
    next_style: str = ""
    font: str = ""
    east_asian_font: str = ""
    size: float = 0
    colour: str = ""
    bold: bool | None = None
    italic: bool | None = None
    caps: bool = False
    underline: bool = False
    superscript: bool = False
    letter_spacing: float = 0
    no_proof: bool = False
    keep_next: bool = False
    keep_lines: bool = False
    borders: tuple[tuple[str, Border], ...] = ()
    shade: str = ""
    tabs: tuple[tuple[str, int, str], ...] = ()  # (alignment, position, leader)
    space_before: float | None = None
    space_after: float | None = None
    line: float | None = None  # multiple of single spacing
    indent_left: int = 0
    indent_right: int = 0
    hanging: int = 0
    contextual: bool = False
    align: str = ""
    outline_level: int | None = None
    priority: int = 0
    quick: bool = True
    builtin: bool = False  # one of Word's own styles (which Word and LibreOffice know by name)
    default: bool = False  # the style of paragraphs that name none


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def _points(value: float, per_point: int) -> str:
    return str(round(value * per_point))


def style_element(spec: StyleSpec) -> OxmlElement:
    """A ``w:style`` with its pPr and rPr children in schema order."""
    attrs = {"w:type": spec.kind, "w:styleId": spec.style_id}
    if spec.default:
        attrs["w:default"] = "1"
    if not spec.builtin:
        attrs["w:customStyle"] = "1"
    node = element("w:style", attrs, element("w:name", {"w:val": spec.name}))
    if spec.based_on:
        node.append(element("w:basedOn", {"w:val": spec.based_on}))
    if spec.next_style:
        node.append(element("w:next", {"w:val": spec.next_style}))
    if spec.priority:
        node.append(element("w:uiPriority", {"w:val": str(spec.priority)}))
    if spec.quick:
        node.append(element("w:qFormat"))
    if spec.kind == "paragraph":
        p_pr = paragraph_properties(spec)
        if len(p_pr):
            node.append(p_pr)
    r_pr = run_properties(spec)
    if len(r_pr):
        node.append(r_pr)
    return node


def paragraph_properties(spec: StyleSpec) -> OxmlElement:
    p_pr = element("w:pPr")
    if spec.keep_next:
        p_pr.append(element("w:keepNext"))
    if spec.keep_lines:
        p_pr.append(element("w:keepLines"))
    if spec.borders:
        order = ("top", "left", "bottom", "right", "between")
        sides = sorted(spec.borders, key=lambda side: order.index(side[0]))
        p_pr.append(element("w:pBdr", None, *(
            element(f"w:{side}", {"w:val": "single", "w:sz": str(b.eighths),
                                  "w:space": str(b.space), "w:color": _hex(b.colour)})
            for side, b in sides
        )))
    if spec.shade:
        p_pr.append(element("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": _hex(spec.shade)}))
    if spec.tabs:
        p_pr.append(element("w:tabs", None, *(
            element("w:tab", {"w:val": kind, "w:leader": leader, "w:pos": str(pos)})
            for kind, pos, leader in spec.tabs
        )))
    spacing = {}
    if spec.space_before is not None:
        spacing["w:before"] = _points(spec.space_before, 20)
    if spec.space_after is not None:
        spacing["w:after"] = _points(spec.space_after, 20)
    if spec.line is not None:
        spacing["w:line"], spacing["w:lineRule"] = str(round(spec.line * 240)), "auto"
    if spacing:
        p_pr.append(element("w:spacing", spacing))
    if spec.indent_left or spec.indent_right or spec.hanging:
        ind = {"w:left": str(spec.indent_left), "w:right": str(spec.indent_right)}
        if spec.hanging:
            ind["w:hanging"] = str(spec.hanging)
        p_pr.append(element("w:ind", ind))
    if spec.contextual:
        p_pr.append(element("w:contextualSpacing"))
    if spec.align:
        p_pr.append(element("w:jc", {"w:val": spec.align}))
    if spec.outline_level is not None:
        p_pr.append(element("w:outlineLvl", {"w:val": str(spec.outline_level)}))
    return p_pr


def run_properties(spec: StyleSpec) -> OxmlElement:
    r_pr = element("w:rPr")
    if spec.font or spec.east_asian_font:
        r_pr.append(fonts(spec.font, spec.east_asian_font))
    for flag, tags in ((spec.bold, ("w:b", "w:bCs")), (spec.italic, ("w:i", "w:iCs"))):
        for tag in tags if flag is not None else ():
            r_pr.append(element(tag, None if flag else {"w:val": "0"}))
    if spec.caps:
        r_pr.append(element("w:caps"))
    if spec.no_proof:
        r_pr.append(element("w:noProof"))
    if spec.colour:
        r_pr.append(element("w:color", {"w:val": _hex(spec.colour)}))
    if spec.letter_spacing:
        r_pr.append(element("w:spacing", {"w:val": _points(spec.letter_spacing, 20)}))
    if spec.size:
        r_pr.append(element("w:sz", {"w:val": _points(spec.size, 2)}))
        r_pr.append(element("w:szCs", {"w:val": _points(spec.size, 2)}))
    if spec.underline:
        r_pr.append(element("w:u", {"w:val": "single"}))
    if spec.superscript:
        r_pr.append(element("w:vertAlign", {"w:val": "superscript"}))
    return r_pr


def fonts(latin: str, east_asian: str = "") -> OxmlElement:
    """``w:rFonts`` naming fonts outright: theme font attributes would win over them."""
    attrs = {}
    if latin:
        attrs.update({"w:ascii": latin, "w:hAnsi": latin, "w:cs": latin})
    if east_asian:
        attrs["w:eastAsia"] = east_asian
    return element("w:rFonts", attrs)


def table_style_element(style_id: str, name: str, *, font: str, size: float, rule: str,
                        head_rule: str, head_shade: str) -> OxmlElement:
    """A quiet table style: horizontal rules only, a shaded and underlined header row."""
    def border(tag: str, colour: str, eighths: int) -> OxmlElement:
        return element(tag, {"w:val": "single", "w:sz": str(eighths), "w:space": "0",
                             "w:color": _hex(colour)})

    def margin(tag: str, twips: int) -> OxmlElement:
        return element(tag, {"w:w": str(twips), "w:type": "dxa"})

    return element(
        "w:style", {"w:type": "table", "w:styleId": style_id, "w:customStyle": "1"},
        element("w:name", {"w:val": name}),
        element("w:basedOn", {"w:val": "TableNormal"}),
        element("w:uiPriority", {"w:val": "59"}),
        element("w:pPr", None, element("w:spacing", {"w:before": "0", "w:after": "0"})),
        element("w:rPr", None, fonts(font), element("w:sz", {"w:val": _points(size, 2)})),
        element(
            "w:tblPr", None,
            element("w:tblBorders", None,
                    border("w:top", head_rule, 8), border("w:bottom", head_rule, 8),
                    border("w:insideH", rule, 4)),
            element("w:tblCellMar", None,
                    margin("w:top", 57), margin("w:left", 85),
                    margin("w:bottom", 57), margin("w:right", 85)),
        ),
        element(
            "w:tblStylePr", {"w:type": "firstRow"},
            element("w:rPr", None, element("w:b"), element("w:bCs")),
            element("w:tcPr", None,
                    element("w:tcBorders", None, border("w:bottom", head_rule, 8)),
                    element("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": _hex(head_shade)})),
        ),
    )
