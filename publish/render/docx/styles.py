"""The Word styles of the briefing: names, specifications and the ``styles.xml`` they become.

Every paragraph and run the renderer writes names one of these styles, and
every font, colour and size here comes from the theme (``styles/theme.toml``),
so that the Word document matches the PDF and a user restyles it in one place.
A ``reference.docx`` in the styles folder wins over them (see README).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from lxml import etree

from ...conventions import PageGeometry
from ...theme import Theme
from .oxml import element


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
    PERSON_NAME = "Person Name"
    PERSON_DETAIL = "Person Detail"
    ABBREVIATION = "Abbreviation Entry"
    DEFINITION_TERM = "Definition Term"
    DEFINITION = "Definition"
    CALLOUT = "Callout"
    ARTICLE_MARKING = "Article Marking"
    HEADER = "header"
    FOOTER = "footer"
    # character styles
    HYPERLINK = "Hyperlink"
    FOOTNOTE_REFERENCE = "footnote reference"
    SPEAKER = "Speaker"
    VERBATIM = "Verbatim Char"
    HEADER_MARKING = "Header Marking"
    DIRECTION = "Stage Direction"
    TIMESTAMP = "Timestamp"
    # table style
    TABLE = "Briefing Table"


#: Styles every Word document has, which the renderer's own styles build on.
_FOUNDATION = ("Normal", "DefaultParagraphFont", "TableNormal", "NoList")

#: Space kept between a table and what follows it, in points (Word has no table property for it).
TABLE_GAP = 10


#: The table cells' left and right margins, in twips.
CELL_MARGIN = 85


# -------------------------------------------------------------- style specs


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
    indent_hanging: int = 0  # the first line starts this much left of indent_left
    contextual: bool = False  # no space between paragraphs of this same style (tight lists)
    align: str = ""
    outline_level: int | None = None
    priority: int = 0
    quick: bool = True
    builtin: bool = False  # one of Word's own styles (which Word and LibreOffice know by name)
    default: bool = False  # the style of paragraphs that name none


def style_specs(theme: Theme, geometry: PageGeometry) -> list[StyleSpec]:
    """Every style the renderer uses, with fonts, colours and sizes from the theme."""
    Spec = StyleSpec
    body, sans, mono = theme.font("body"), theme.font("heading"), theme.font("mono")
    text, accent, muted = theme.colour("text"), theme.colour("accent"), theme.colour("muted")
    rule, marking, shade = theme.colour("rule"), theme.colour("marking"), theme.colour("shade")
    size, small, line = theme.size("body"), theme.size("small"), theme.size("line_height")
    right_tab = ("right", geometry.text_width, "none")
    toc_tab = ("right", geometry.text_width, "dot")
    # keywords several specs share (StyleSpec checks them when it is called)
    heading: dict[str, Any] = {"font": sans, "bold": True, "keep_next": True, "keep_lines": True, "line": 1.1,
                               "builtin": True, "priority": 9, "next_style": "BodyText"}
    toc: dict[str, Any] = {"based_on": "Normal", "next_style": "Normal", "font": sans, "tabs": (toc_tab,),
                           "builtin": True, "priority": 39}
    listed: dict[str, Any] = {"based_on": "BodyText", "contextual": True, "builtin": True}
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
        Spec("TOC1", S.TOC[0], size=11, bold=True, keep_next=True, space_before=10, space_after=3,
             **toc),
        Spec("TOC2", S.TOC[1], size=size - 0.5, indent_left=360, space_after=2, **toc),
        Spec("TOC3", S.TOC[2], size=small + 0.5, colour=muted, indent_left=720, space_after=1,
             **toc),
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
        # Items of a tight list sit close; a loose list turns contextual spacing off per paragraph.
        Spec("ListBullet", S.LIST_BULLET, **listed),
        Spec("ListNumber", S.LIST_NUMBER, **listed),
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
        Spec("DefinitionTerm", S.DEFINITION_TERM, based_on="BodyText", bold=True, keep_next=True,
             space_after=1),
        Spec("Definition", S.DEFINITION, based_on="BodyText", indent_left=567),
        Spec("Callout", S.CALLOUT, based_on="BodyText", shade=shade, indent_left=113, indent_right=113,
             borders=(("left", Border(accent, 18, 6)),)),
        Spec("ArticleMarking", S.ARTICLE_MARKING, based_on="Normal", font=sans, size=small, bold=True,
             caps=True, letter_spacing=1, colour=marking, space_after=6),
        # "People in this briefing" and "Abbreviations", the back matter
        Spec("PersonName", S.PERSON_NAME, based_on="Normal", font=sans, size=size + 1, bold=True,
             colour=accent, keep_next=True, space_before=14, space_after=2,
             borders=(("top", Border(rule, 4, 8)),)),
        Spec("PersonDetail", S.PERSON_DETAIL, based_on="Normal", font=sans, size=size - 1,
             keep_next=True, space_after=1),
        Spec("AbbreviationEntry", S.ABBREVIATION, based_on="Normal", size=size - 0.5,
             indent_left=1418, indent_hanging=1418, tabs=(("left", 1418, "none"),), space_after=3),
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
        Spec("StageDirection", S.DIRECTION, kind="character", italic=True, colour=muted),
        Spec("Timestamp", S.TIMESTAMP, kind="character", font=sans, size=small, colour=muted),
    ]


# ------------------------------------------------------------- style sheet


class StyleSheet:
    """Installs the styles and answers which style id a style name has in this document.

    With a reference document its styles win: only the styles it lacks are
    added.  Otherwise the template's styles are replaced outright (they name
    theme fonts and colours that would override the theme's), and its unused
    ones are dropped, so that the style pane lists the briefing's styles only.
    """

    def __init__(self, document: DocxDocument, theme: Theme, language: str, geometry: PageGeometry, *,
                 keep_existing: bool) -> None:
        self.root = document.styles.element
        self._ids: dict[str, str] = {}
        self._space_before: dict[str, float] = {}
        if not keep_existing:
            self._drop_template_styles()
            self.root.insert(0, doc_defaults(theme, language))
        existing = {_style_name(style).lower(): style
                    for style in self.root.iterchildren(qn("w:style"))}
        table = table_style_element(
            "BriefingTable", S.TABLE, font=theme.font("heading"), size=theme.size("body") - 1.5,
            rule=theme.colour("rule"), head_rule=theme.colour("accent"),
            head_shade=theme.colour("shade"))
        specs = style_specs(theme, geometry)
        for spec in specs:
            self._space_before[spec.style_id] = spec.space_before or 0
        for name, new in [(spec.name, style_element(spec)) for spec in specs] + [(S.TABLE, table)]:
            old = existing.get(name.lower())
            if old is not None and keep_existing:
                self._ids[name] = old.get(qn("w:styleId"))
                continue
            new_id = new.get(qn("w:styleId"))
            assert new_id is not None  # style_element and table_style_element always set one
            for same_id in self.root.xpath(f"w:style[@w:styleId='{new_id}']"):
                self.root.remove(same_id)
            if old is not None and old.getparent() is not None:
                self.root.remove(old)
            self.root.append(new)
            self._ids[name] = new_id

    def id(self, name: str) -> str:
        return self._ids[name]

    def ids(self) -> dict[str, str]:
        """Every style's id, by the renderer's name for it."""
        return dict(self._ids)

    def space_before(self, style_id: str) -> float:
        """The space a style of the renderer's sets before a paragraph, in points (0 if unknown)."""
        return self._space_before.get(style_id, 0)

    def _drop_template_styles(self) -> None:
        for child in list(self.root):
            if child.tag == qn("w:docDefaults") or (
                    child.tag == qn("w:style") and child.get(qn("w:styleId")) not in _FOUNDATION):
                self.root.remove(child)


def doc_defaults(theme: Theme, language: str) -> etree._Element:
    """Document defaults naming the theme's fonts, with Japanese text in its CJK font."""
    size = str(round(theme.size("body") * 2))
    return element(
        "w:docDefaults", None,
        element("w:rPrDefault", None, element(
            "w:rPr", None,
            fonts(theme.font("body"), theme.font("cjk")),
            element("w:sz", {"w:val": size}),
            element("w:szCs", {"w:val": size}),
            element("w:lang", {"w:val": language or "en", "w:eastAsia": "ja-JP", "w:bidi": "ar-SA"}),
        )),
        element("w:pPrDefault", None, element(
            "w:pPr", None,
            element("w:spacing", {"w:after": "0", "w:line": "240", "w:lineRule": "auto"}),
        )),
    )


def _style_name(style: etree._Element) -> str:
    name = style.find(qn("w:name"))
    return name.get(qn("w:val"), "") if name is not None else ""


# ------------------------------------------------------------- style XML


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def _points(value: float, per_point: int) -> str:
    return str(round(value * per_point))


def style_element(spec: StyleSpec) -> etree._Element:
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


def paragraph_properties(spec: StyleSpec) -> etree._Element:
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
    if spec.indent_left or spec.indent_right or spec.indent_hanging:
        indent = {"w:left": str(spec.indent_left), "w:right": str(spec.indent_right)}
        if spec.indent_hanging:
            indent["w:hanging"] = str(spec.indent_hanging)
        p_pr.append(element("w:ind", indent))
    if spec.contextual:
        p_pr.append(element("w:contextualSpacing"))
    if spec.align:
        p_pr.append(element("w:jc", {"w:val": spec.align}))
    if spec.outline_level is not None:
        p_pr.append(element("w:outlineLvl", {"w:val": str(spec.outline_level)}))
    return p_pr


def run_properties(spec: StyleSpec) -> etree._Element:
    r_pr = element("w:rPr")
    if spec.font:
        r_pr.append(fonts(spec.font))
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


def fonts(latin: str, east_asian: str = "") -> etree._Element:
    """``w:rFonts`` naming fonts outright: theme font attributes would win over them."""
    attrs = {}
    if latin:
        attrs.update({"w:ascii": latin, "w:hAnsi": latin, "w:cs": latin})
    if east_asian:
        attrs["w:eastAsia"] = east_asian
    return element("w:rFonts", attrs)


def table_style_element(style_id: str, name: str, *, font: str, size: float, rule: str,
                        head_rule: str, head_shade: str) -> etree._Element:
    """A quiet table style: horizontal rules only, a shaded and underlined header row."""
    def border(tag: str, colour: str, eighths: int) -> etree._Element:
        return element(tag, {"w:val": "single", "w:sz": str(eighths), "w:space": "0",
                             "w:color": _hex(colour)})

    def margin(tag: str, twips: int) -> etree._Element:
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
                    margin("w:top", 57), margin("w:left", CELL_MARGIN),
                    margin("w:bottom", 57), margin("w:right", CELL_MARGIN)),
        ),
        element(
            "w:tblStylePr", {"w:type": "firstRow"},
            element("w:rPr", None, element("w:b"), element("w:bCs")),
            element("w:tcPr", None,
                    element("w:tcBorders", None, border("w:bottom", head_rule, 8)),
                    element("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": _hex(head_shade)})),
        ),
    )
