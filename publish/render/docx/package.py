"""The package around the Word text: properties, settings, fonts, theme and a reproducible zip.

python-docx starts every document from its own template, which carries its
name, 2013 dates, a thumbnail, custom XML, Office's theme and fonts, and
revision ids.  Everything here replaces or removes those, so that nothing of
the template's reaches the reader and the same sources give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from docx.document import Document as DocxDocument
from docx.enum.section import WD_HEADER_FOOTER
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.opc.pkgwriter import PackageWriter
from docx.opc.rel import Relationships as PartRelationships
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsmap, qn
from docx.oxml.section import CT_SectPr
from docx.oxml.text.paragraph import CT_P
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.parts.document import DocumentPart
from docx.parts.hdrftr import HeaderPart
from lxml import etree

from ...model.nodes import Book
from ...theme import Theme
from ..archive import reproducible_zip
from .oxml import element, insert_in_order

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_UNWANTED_TEMPLATE_PARTS = (
    RT.THUMBNAIL, RT.CUSTOM_XML,
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
)

# -------------------------------------------------------------- relationships


class Relationships:
    """New header parts and hyperlink relationships, named as python-docx names them.

    python-docx names a new part, and picks a relationship id, by scanning every
    part and relationship of the package: quadratic in a book's hundred sections
    and hundreds of links.  This keeps counters instead, and gives the same
    names and ids: the lowest free number, as nothing is removed while the text
    is written.
    """

    def __init__(self, document_part: DocumentPart) -> None:
        self._document_part = document_part
        taken = {str(part.partname) for part in document_part.package.iter_parts()}
        self._header_numbers = (n for n in itertools.count(1) if f"/word/header{n}.xml" not in taken)
        self._header_xml = HeaderPart._default_header_xml()
        self._lowest_free: dict[int, int] = {}  # id(part) -> no smaller rId number is free
        self._links: dict[int, dict[str, str]] = {}  # id(part) -> url -> rId

    def header_paragraph(self, sect_pr: CT_SectPr) -> CT_P:
        """The one paragraph of a new header part, the primary header of ``sect_pr``."""
        partname = PackURI(f"/word/header{next(self._header_numbers)}.xml")
        header = HeaderPart(partname, CT.WML_HEADER, parse_xml(self._header_xml), self._document_part.package)
        sect_pr.add_headerReference(WD_HEADER_FOOTER.PRIMARY, self._add(self._document_part, RT.HEADER, header))
        return header.element.p_lst[0]

    def external_link(self, part: Part, url: str) -> str:
        """The id of the hyperlink relationship from ``part`` to ``url``, added the first time."""
        links = self._links.get(id(part))
        if links is None:
            links = self._links[id(part)] = {rel.target_ref: r_id for r_id, rel in part.rels.items()
                                             if rel.is_external and rel.reltype == RT.HYPERLINK}
        if url not in links:
            links[url] = self._add(part, RT.HYPERLINK, url, is_external=True)
        return links[url]

    def _add(self, part: Part, reltype: str, target: Part | str, is_external: bool = False) -> str:
        rels = part.rels
        number = self._lowest_free.get(id(part), 1)
        while f"rId{number}" in rels:
            number += 1
        self._lowest_free[id(part)] = number + 1
        rels.add_relationship(reltype, target, f"rId{number}", is_external)
        return f"rId{number}"


# ------------------------------------------------------------ core properties


def set_core_properties(document: DocxDocument, book: Book, when: dt.datetime) -> None:
    """Title, author, subject, keywords, language and dates from the manifest and build time."""
    meta = book.meta
    props = document.core_properties
    for child in list(props._element):
        props._element.remove(child)  # nothing of the template's may survive
    people = _unique(person.name for article in book.articles for person in article.meta.people)
    author = meta.prepared_by or meta.publisher or "; ".join(people)
    keywords = _unique(tag for article in book.articles
                       for tag in (*article.meta.tags, *article.meta.categories))
    values = {
        "title": meta.title, "subject": meta.subtitle or meta.description, "author": author,
        "last_modified_by": author, "keywords": ", ".join(keywords),
        "comments": meta.description, "language": meta.language, "identifier": meta.identifier,
    }
    for name, value in values.items():
        if value:
            setattr(props, name, _property(value))
    props.created = props.modified = _utc_naive(when)
    props.revision = 1


APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>publish</Application><DocSecurity>0</DocSecurity>"
    b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    b"<HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


def set_app_properties(document: DocxDocument) -> None:
    """Replace the template's extended properties (which name its application and template)."""
    document.part.package.part_related_by(RT.EXTENDED_PROPERTIES)._blob = APP_XML


# ------------------------------------------------------------------ settings

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

#: Word 2013 and later lay out in this mode; older modes imitate old Word's quirks.
_COMPATIBILITY_MODE = "15"


def prepare_settings(settings: BaseOxmlElement, language: str, east_asian_language: str = "ja-JP") -> None:
    """Ask Word to refresh fields on opening, name the separator footnotes, set the languages.

    Also drops what belongs to the template (revision ids, a document id, a
    proofing state, a preview picture that is not there, maths settings).
    """
    for tag in ("w:rsids", "w:savePreviewPicture", "w:proofState"):
        for node in settings.findall(qn(tag)):
            settings.remove(node)
    # w14:docId and w15:docId identify the template; its maths settings name Office's Cambria Math
    for node in settings.xpath("*[local-name()='docId' or local-name()='mathPr']"):
        settings.remove(node)
    for mode in settings.xpath("w:compat/w:compatSetting[@w:name='compatibilityMode']"):
        mode.set(qn("w:val"), _COMPATIBILITY_MODE)
    insert_in_order(settings, element("w:updateFields", {"w:val": "true"}), SETTINGS_ORDER)
    insert_in_order(settings, footnote_properties(), SETTINGS_ORDER)
    insert_in_order(settings, element(
        "w:themeFontLang", {"w:val": language, "w:eastAsia": east_asian_language},
    ), SETTINGS_ORDER)


def footnote_properties() -> etree._Element:
    """Document-wide ``w:footnotePr`` naming the two separator notes.

    Notes are numbered through the whole document, as Word does by default:
    LibreOffice 7 ignores a restart asked for here and misnumbers one asked for
    in each section, and the two should show the same numbers.
    """
    return element(
        "w:footnotePr", None,
        element("w:footnote", {"w:id": "-1"}),
        element("w:footnote", {"w:id": "0"}),
    )


# --------------------------------------------------------------------- fonts

#: How a reader without the font picks a substitute: the font's generic family and pitch.
_FONT_CLASSES = {
    "body": ("roman", "variable", "00"),
    "heading": ("swiss", "variable", "00"),
    "mono": ("modern", "fixed", "00"),
    "cjk": ("swiss", "variable", "80"),  # 80: the Shift-JIS character set, i.e. Japanese
}


def font_table(theme: Theme) -> etree._Element:
    """``w:fonts`` listing the theme's fonts (not the template's Calibri and Cambria).

    Word and LibreOffice substitute a missing font by its family and pitch, so
    a machine without Source Serif 4 sets the body in a serif, not a sans.
    """
    # r: declared on the root for the embedded fonts' relationship ids (docx_fonts)
    fonts = OxmlElement("w:fonts", nsdecls={"w": nsmap["w"], "r": nsmap["r"]})
    seen: set[str] = set()
    for role, (family, pitch, charset) in _FONT_CLASSES.items():
        name = theme.fonts.get(role, "")
        if not name or name in seen:
            continue
        seen.add(name)
        fonts.append(element(
            "w:font", {"w:name": name},
            element("w:charset", {"w:val": charset}),
            element("w:family", {"w:val": family}),
            element("w:pitch", {"w:val": pitch}),
        ))
    return fonts


def replace_font_table(document: DocxDocument, theme: Theme) -> None:
    part = document.part.part_related_by(RT.FONT_TABLE)
    part._blob = xml_bytes(font_table(theme))


# --------------------------------------------------------------------- theme


def theme_xml(theme: Theme) -> bytes:
    """A DrawingML theme whose colours and fonts are the briefing's.

    Word's colour and font pickers offer these, so text a user adds in the
    "theme" colours and fonts still matches the briefing.
    """
    c = {role: colour.lstrip("#").upper() for role, colour in theme.colours.items()}
    colours = [
        ("dk1", c["text"]), ("lt1", "FFFFFF"), ("dk2", c["accent"]), ("lt2", c["shade"]),
        ("accent1", c["accent"]), ("accent2", c["marking"]), ("accent3", c["muted"]),
        ("accent4", c["rule"]), ("accent5", c["accent"]), ("accent6", c["muted"]),
        ("hlink", c["accent"]), ("folHlink", c["muted"]),
    ]
    scheme = "".join(f'<a:{name}><a:srgbClr val="{value}"/></a:{name}>' for name, value in colours)

    def font_group(tag: str, latin: str) -> str:
        return (f'<a:{tag}><a:latin typeface="{_attr(latin)}"/><a:ea typeface=""/><a:cs typeface=""/>'
                f'<a:font script="Jpan" typeface="{_attr(theme.font("cjk"))}"/></a:{tag}>')

    three = lambda item: item * 3  # noqa: E731  (the schema wants at least three of each)
    solid = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="6350">{solid}</a:ln>'
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Briefing">'
        f'<a:themeElements><a:clrScheme name="Briefing">{scheme}</a:clrScheme>'
        f'<a:fontScheme name="Briefing">{font_group("majorFont", theme.font("heading"))}'
        f'{font_group("minorFont", theme.font("body"))}</a:fontScheme>'
        f'<a:fmtScheme name="Briefing"><a:fillStyleLst>{three(solid)}</a:fillStyleLst>'
        f'<a:lnStyleLst>{three(line)}</a:lnStyleLst>'
        f'<a:effectStyleLst>{three("<a:effectStyle><a:effectLst/></a:effectStyle>")}</a:effectStyleLst>'
        f'<a:bgFillStyleLst>{three(solid)}</a:bgFillStyleLst></a:fmtScheme></a:themeElements>'
        "<a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"
    ).encode()


def replace_theme(document: DocxDocument, theme: Theme) -> None:
    document.part.part_related_by(RT.THEME)._blob = theme_xml(theme)


# ------------------------------------------------------------------ cleanup


def drop_template_leftovers(document: DocxDocument) -> None:
    """Revision ids in the styles and settings, and the thumbnail, custom XML and
    stylesWithEffects parts.  (The document's own come from the template alone: they
    are dropped before the text is written, see :func:`drop_revision_ids`.)"""
    for root in (document.styles.element, document.settings.element):
        drop_revision_ids(root)
    drop_relationships(document.part.package.rels, _UNWANTED_TEMPLATE_PARTS)
    drop_relationships(document.part.rels, _UNWANTED_TEMPLATE_PARTS)


def drop_revision_ids(root: etree._Element) -> None:
    """Remove revision-session ids (``w:rsid*``): editing history, not content."""
    for node in list(root.iter(qn("w:rsid"))):
        parent = node.getparent()
        assert parent is not None  # w:rsid lives inside w:rsids, never at a part's root
        parent.remove(node)
    for node in root.iter():
        # lxml-stubs type attribute names as str | bytes; lxml gives str
        for name in [name for name in node.attrib if name.startswith(f"{{{_W}}}rsid")]:  # type: ignore[arg-type]
            del node.attrib[name]


def drop_relationships(rels: PartRelationships, reltypes: Iterable[str]) -> None:
    """Remove relationships of the given types (e.g. the template's thumbnail)."""
    unwanted = set(reltypes)
    for r_id, rel in list(rels.items()):
        if rel.reltype in unwanted:
            del rels[r_id]


# ---------------------------------------------------------------------- zip


def package_bytes(document: DocxDocument, when: dt.datetime) -> bytes:
    """The document as a reproducible DOCX: python-docx's parts, zipped once.

    ``Document.save`` would deflate every part, only for the reproducible zip to
    inflate and deflate them again; this hands python-docx's package writer a
    sink that keeps each part's bytes instead of a zip file.
    """
    opc_package = document.part.package
    for part in opc_package.parts:
        part.before_marshal()
    entries: dict[str, bytes] = {}

    class Sink:  # what PackageWriter writes through: a zip file's write()
        @staticmethod
        def write(pack_uri: PackURI, blob: bytes) -> None:
            entries[pack_uri.membername] = blob

    PackageWriter._write_content_types_stream(Sink, opc_package.parts)
    PackageWriter._write_pkg_rels(Sink, opc_package.rels)
    # python-docx annotates the writer as its zip writer's factory; any object with write() serves
    PackageWriter._write_parts(Sink, opc_package.parts)  # type: ignore[arg-type]
    # [Content_Types].xml first (some readers sniff it there), then the other entries by name
    order = sorted(entries, key=lambda name: (name != "[Content_Types].xml", name))
    return reproducible_zip(((name, entries[name]) for name in order), when)


# ------------------------------------------------------------------ helpers


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def _utc_naive(when: dt.datetime) -> dt.datetime:
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when


def _property(value: str) -> str:
    """Core properties hold one line of at most 255 characters."""
    from .oxml import clean_text

    return clean_text(value)[:255]


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def xml_bytes(node: etree._Element) -> bytes:
    from lxml import etree

    return etree.tostring(node, xml_declaration=True, encoding="UTF-8", standalone=True)
