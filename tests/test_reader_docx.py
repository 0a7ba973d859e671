"""The Word reader: fixtures made by LibreOffice and pandoc (goldens in test_reader_goldens.py),
documents made here for one feature each, hostile files, and a .docx source through every format.

``make_docx`` writes the smallest package Word opens; each test gives it the body XML
(and the other parts) it is about, so that what is tested is written next to its test.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from publish.api import load_book
from publish.diagnostics import InputError, Reporter
from publish.model import nodes as m
from publish.model.nodes import Pos
from publish.model.walk import iter_nodes, plain_text
from publish.sources.readers import docx_package
from publish.sources.readers.docx import read
from publish.sources.readers.docx_styles import Styles
from publish.sources.resources import Resources

from .conftest import ROOT
from .test_hostile import _Server

FIXTURES = ROOT / "tests" / "docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# ---------------------------------------------------------------- helpers


def make_docx(body: str, *, styles: str = "", numbering: str = "", footnotes: str = "", comments: str = "",
              rels: tuple[tuple[str, str, str, bool], ...] = (), parts: dict[str, bytes] | None = None,
              core: str = "<dcterms:created>2025-05-01T09:00:00Z</dcterms:created>", settings_rels: str = "") -> bytes:
    """A .docx: ``body`` is the inside of ``w:body``; ``rels`` are (id, type, target, external)."""
    relations = list(rels)
    files: dict[str, bytes] = {}
    for kind, content in (("styles", styles), ("numbering", numbering), ("footnotes", footnotes),
                          ("comments", comments)):
        if content:  # the part's root element is named as its relationship type
            files[f"word/{kind}.xml"] = f"<w:{kind} {NAMESPACES}>{content}</w:{kind}>".encode()
            relations.append((f"rIdPart{kind}", kind, f"{kind}.xml", False))
    if settings_rels:
        files["word/settings.xml"] = f'<w:settings {NAMESPACES}><w:attachedTemplate r:id="rIdT"/></w:settings>'.encode()
        files["word/_rels/settings.xml.rels"] = settings_rels.encode()
        relations.append(("rIdSettings", "settings", "settings.xml", False))
    files["word/document.xml"] = f'<w:document {NAMESPACES}><w:body>{body}</w:body></w:document>'.encode()
    files["word/_rels/document.xml.rels"] = _rels(relations).encode()
    files["_rels/.rels"] = _rels([("rId1", "officeDocument", "word/document.xml", False),
                                  ("rId2", "metadata/core-properties", "docProps/core.xml", False)]).encode()
    files["docProps/core.xml"] = (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">{core}'
        "</cp:coreProperties>").encode()
    files.update(parts or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _rels(relations: list[tuple[str, str, str, bool]]) -> str:
    items = "".join(
        f'<Relationship Id="{rid}" Type="{REL}/{kind}" Target="{target}"'
        + (' TargetMode="External"' if external else "") + "/>"
        for rid, kind, target, external in relations
    )
    return f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{items}</Relationships>'


def p(content: str, style: str = "", properties: str = "") -> str:
    """A paragraph; ``content`` is runs (or a plain string, made one run)."""
    if not content.startswith("<"):
        content = r(content)
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    return f"<w:p><w:pPr>{style_xml}{properties}</w:pPr>{content}</w:p>"


def r(text: str, properties: str = "") -> str:
    return f'<w:r><w:rPr>{properties}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def style(style_id: str, name: str, *, based_on: str = "", outline: int | None = None, run: str = "",
          kind: str = "paragraph") -> str:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    level = f'<w:pPr><w:outlineLvl w:val="{outline}"/></w:pPr>' if outline is not None else ""
    return (f'<w:style w:type="{kind}" w:styleId="{style_id}"><w:name w:val="{name}"/>{based}{level}'
            f"<w:rPr>{run}</w:rPr></w:style>")


def read_docx(data: bytes, path: str = "doc.docx") -> tuple[m.Article, list[str]]:
    reporter = Reporter(stream=None)
    article = read(data, path, reporter)
    return article, [str(w) for w in reporter.warnings]


def native(blocks: tuple[m.Block, ...]) -> str:
    from publish.model.native import dump

    return "".join(dump(block) for block in blocks)


TITLE = p("A title", "Title")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f3e2"
    "c00000000049454e44ae426082"
)


def drawing(rel_id: str, alt: str, *, attribute: str = "r:embed") -> str:
    return (
        "<w:r><w:drawing><wp:inline><wp:extent cx=\"100\" cy=\"100\"/>"
        f'<wp:docPr id="1" name="Picture 1" descr="{alt}"/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:blipFill><a:blip {attribute}="{rel_id}"/></pic:blipFill></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


# ------------------------------------------------------------- headings


def test_localised_headings_are_known_by_outline_level_not_by_name() -> None:
    book = load_book(FIXTURES / "localised.docx", Reporter(stream=None))
    headings = [(n.level, plain_text(n.children)) for n in iter_nodes(book.articles[0].blocks)
                if isinstance(n, m.Heading)]
    assert headings == [(2, "Hintergrund"), (3, "Zahlen"), (2, "見通し"), (3, "日本の輸出")]
    assert any(isinstance(b, m.Quote) for b in book.articles[0].blocks)  # Zitat, based on Quote


def test_outline_level_follows_based_on_and_paragraph_overrides() -> None:
    styles = Styles(_styles_root(
        style("Gliederung", "Gliederung", outline=0)
        + style("berschrift1", "Überschrift 1", based_on="Gliederung")
        + style("1", "見出し 1", based_on="Gliederung")
        + style("Kapitel", "Überschrift 2", based_on="berschrift1", outline=1)
        + style("Fake", "Heading 1 look-alike", run="<w:b/>")
        + style("TOCHeading", "TOC Heading", based_on="Heading1", outline=9)
        + style("Heading1", "heading 1")
        + style("Loop", "Loop", based_on="Loop2") + style("Loop2", "Loop2", based_on="Loop")
    ))
    assert styles.paragraph("berschrift1").outline == 0
    assert styles.paragraph("1").outline == 0
    assert styles.paragraph("Kapitel").outline == 1
    assert styles.paragraph("Heading1").outline == 0  # the built-in id, no outline level written
    assert styles.paragraph("Fake").outline is None  # a display name proves nothing
    assert styles.paragraph("TOCHeading").outline is None and styles.paragraph("TOCHeading").role == "toc"
    assert styles.paragraph("Loop").outline is None  # a basedOn loop ends the walk


def _styles_root(xml: str) -> etree._Element:
    return etree.fromstring(f"<w:styles {NAMESPACES}>{xml}</w:styles>".encode())


def test_a_paragraph_outline_level_makes_a_heading_and_heading_bold_is_not_strong() -> None:
    styles = style("Heading1", "heading 1", run="<w:b/>") + style("Body", "Body")
    data = make_docx(TITLE + p(r("Section", "<w:b/>"), "Heading1") + p("Body text.", "Body")
                     + p("Own level", "Body", '<w:outlineLvl w:val="1"/>') + p("More."), styles=styles)
    article, _ = read_docx(data)
    assert native(article.blocks) == (
        'Heading level=2 @2 [Str "Section"]\n'
        'Paragraph @3 [Str "Body text."]\n'
        'Heading level=3 @4 [Str "Own level"]\n'
        'Paragraph @5 [Str "More."]\n'
    )


# ----------------------------------------------------------------- text


def test_runs_split_by_word_are_merged_and_formatting_nests() -> None:
    body = TITLE + p(
        '<w:r w:rsidR="00A1"><w:t xml:space="preserve">Spl</w:t></w:r><w:proofErr w:type="spellStart"/>'
        '<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:r w:rsidRPr="00B2"><w:t>it</w:t></w:r>'
        '<w:bookmarkEnd w:id="0"/><w:proofErr w:type="spellEnd"/>'
        '<w:smartTag w:element="place"><w:r><w:t xml:space="preserve"> text </w:t></w:r></w:smartTag>'
        '<w:sdt><w:sdtContent><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">bold </w:t></w:r></w:sdtContent></w:sdt>'
        + r("and", "<w:b/>") + r(" ", "<w:b/>") + r("both", "<w:b/><w:i/>") + r(" end", "")
        + r("x", '<w:vertAlign w:val="superscript"/>') + r("hidden", "<w:vanish/>")
        + r("caps", "<w:smallCaps/>") + r("gone", "<w:strike/>")
    )
    article, _ = read_docx(make_docx(body))
    assert native(article.blocks) == (
        'Paragraph @2 [Str "Split text ", Strong [Str "bold and ", Emph [Str "both"]], Str " end", '
        'Sup [Str "x"], Span "smallcaps" [Str "caps"], Strike [Str "gone"]]\n'
    )


def test_fields_keep_their_result_and_lose_their_instruction() -> None:
    def field(instruction: str, result: str) -> str:
        return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                f'<w:r><w:instrText xml:space="preserve">{instruction}</w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                f"{r(result)}"
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>')

    body = (TITLE + p(r("Figure ") + field(r" SEQ Figure \* ARABIC ", "3") + r(": a chart")) + p(
        r("See ") + field(' HYPERLINK "https://example.org/report" \\o "tip" ', "the report")
        + r(" and ") + '<w:fldSimple w:instr=" DATE "><w:r><w:t>13 November 2025</w:t></w:r></w:fldSimple>'
    )
        + p('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> TOC \\o "1-3" </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r("Contents entry 1"), "TOC1")
        + p(r("Contents entry 2") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>', "TOC1")
        + p("After the contents."))
    article, _ = read_docx(make_docx(body))
    assert native(article.blocks) == (
        'Paragraph @2 [Str "Figure 3: a chart"]\n'
        'Paragraph @3 [Str "See ", Link "https://example.org/report" [Str "the report"], Str " and 13 November 2025"]\n'
        'Paragraph @6 [Str "After the contents."]\n'
    )


def test_links_to_bookmarked_headings_become_cross_references() -> None:
    body = (TITLE + p(r("Go to ") + '<w:hyperlink w:anchor="_Toc1">' + r("the outlook") + "</w:hyperlink>"
                      + r(", or ") + '<w:hyperlink w:anchor="nowhere">' + r("nowhere") + "</w:hyperlink>"
                      + r(", or ") + '<w:hyperlink r:id="rIdJs">' + r("a script") + "</w:hyperlink>")
            + '<w:bookmarkStart w:id="1" w:name="_Toc1"/>' + p("Outlook", "Heading1") + '<w:bookmarkEnd w:id="1"/>')
    data = make_docx(body, styles=style("Heading1", "heading 1"),
                     rels=(("rIdJs", "hyperlink", "javascript:alert(1)", True),))
    article, warnings = read_docx(data, "2025-01-02-note.docx")
    assert native(article.blocks) == (
        'Paragraph @2 [Str "Go to ", Link "#docx-2025-01-02-note_toc1" [Str "the outlook"], Str ", or nowhere, '
        'or a script"]\n'
        'Heading level=2 id="docx-2025-01-02-note_toc1" @3 [Str "Outlook"]\n'
    )
    assert warnings == [
        "2025-01-02-note.docx:2:1: warning: link to bookmark 'nowhere', which marks no heading: its text is kept",
        "2025-01-02-note.docx:2:1: warning: link to javascript: removed; its text is kept",
    ]


def test_notes_point_at_the_paragraph_that_refers_to_them() -> None:
    note = ('<w:footnote w:id="-1" w:type="separator"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:id="7"><w:p><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
            + r(" A note with ") + r("emphasis", "<w:i/>") + r(".") + "</w:p></w:footnote>")
    refer = '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="{}"/></w:r>'
    table = f"<w:tbl><w:tr><w:tc>{p(r('In a cell') + refer.format(7))}</w:tc></w:tr></w:tbl>"
    body = TITLE + p("Before.") + table + p(r("Missing") + refer.format(9) + refer.format(7))
    article, warnings = read_docx(make_docx(body, footnotes=note))
    assert native(article.blocks) == (
        'Paragraph @2 [Str "Before."]\n'
        "Table @3\n  head:\n  body:\n"
        '    Row [Str "In a cell", NoteRef "1"]\n'
        'Paragraph @4 [Str "Missing", NoteRef "2", NoteRef "1"]\n'
        'FootnoteDef note_id="1" @3\n'
        '  Paragraph @3 [Str "A note with ", Emph [Str "emphasis"], Str "."]\n'
        'FootnoteDef note_id="2" @4\n'
    )
    assert warnings == ["doc.docx:4:1: warning: a footnote is referred to but missing from the document; left empty"]


# ----------------------------------------------------------------- lists


NUMBERING = (
    '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum>'
    '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
    "</w:lvl></w:abstractNum>"
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    '<w:num w:numId="3"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/>'
    "</w:lvlOverride></w:num>"
)


def numbered(text: str, num_id: int, level: int = 0) -> str:
    return p(text, "ListParagraph", f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')


def test_lists_nest_by_level_and_number_as_word_counts() -> None:
    body = (TITLE + numbered("Bullet", 1) + numbered("One", 1, 1) + numbered("Two", 1, 1)
            + p("continued under Two", "ListParagraph") + numbered("Next bullet", 1)
            + numbered("Restarted sub", 1, 1)
            + p("Interruption.") + numbered("a", 2) + numbered("b", 2) + p("Between.") + numbered("c", 2)
            + numbered("from five", 3)
            + p("Not a list", "", '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'))
    styles = style("ListParagraph", "List Paragraph")
    article, _ = read_docx(make_docx(body, numbering=NUMBERING, styles=styles))
    assert native(article.blocks) == (
        "BulletList tight=True @2\n"
        "  ListItem @2\n"
        '    Paragraph @2 [Str "Bullet"]\n'
        "    OrderedList start=1 tight=True @3\n"
        "      ListItem @3\n"
        '        Paragraph @3 [Str "One"]\n'
        "      ListItem @4\n"
        '        Paragraph @4 [Str "Two"]\n'
        '        Paragraph @5 [Str "continued under Two"]\n'
        "  ListItem @6\n"
        '    Paragraph @6 [Str "Next bullet"]\n'
        "    OrderedList start=1 tight=True @7\n"
        "      ListItem @7\n"
        '        Paragraph @7 [Str "Restarted sub"]\n'
        'Paragraph @8 [Str "Interruption."]\n'
        "OrderedList start=1 tight=True @9\n"
        "  ListItem @9\n"
        '    Paragraph @9 [Str "a"]\n'
        "  ListItem @10\n"
        '    Paragraph @10 [Str "b"]\n'
        'Paragraph @11 [Str "Between."]\n'
        "OrderedList start=3 tight=True @12\n"
        "  ListItem @12\n"
        '    Paragraph @12 [Str "c"]\n'
        "OrderedList start=5 tight=True @13\n"
        "  ListItem @13\n"
        '    Paragraph @13 [Str "from five"]\n'
        'Paragraph @14 [Str "Not a list"]\n'
    )


# ---------------------------------------------------------------- tables


def cell(text: str, properties: str = "") -> str:
    return f"<w:tc><w:tcPr>{properties}</w:tcPr>{p(text) if text else '<w:p/>'}</w:tc>"


def test_a_bold_first_row_is_a_header_and_merged_cells_warn_once_per_table() -> None:
    header = "".join(f"<w:tc>{p(r(text, '<w:b/>'))}</w:tc>" for text in ("Name", "Value", "Note"))
    first = cell("A", '<w:vMerge w:val="restart"/>') + cell("1", '<w:gridSpan w:val="2"/>')
    second = cell("", "<w:vMerge/>") + cell("2") + cell("right")
    table = ("<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
             f"<w:tr>{header}</w:tr><w:tr>{first}</w:tr><w:tr>{second}</w:tr></w:tbl>")
    article, warnings = read_docx(make_docx(TITLE + table + p("After.")))
    assert native(article.blocks) == (
        "Table @2\n"
        "  head:\n"
        '    Row [Str "Name"] | [Str "Value"] | [Str "Note"]\n'
        "  body:\n"
        '    Row [Str "A"] | [Str "1"] | []\n'
        '    Row [] | [Str "2"] | [Str "right"]\n'
        'Paragraph @10 [Str "After."]\n'
    )
    assert warnings == ["doc.docx:2:1: warning: table with merged cells (2): each merged cell's text is in its "
                        "first place and the places it covered are left empty"]


def test_a_marked_header_row_and_cell_paragraphs_as_lines() -> None:
    table = ('<w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr>' + cell("Head")
             + "</w:tr><w:tr><w:tc>" + p("first line") + p("") + p("second", "", '<w:jc w:val="center"/>')
             + "</w:tc></w:tr></w:tbl>")
    article, _ = read_docx(make_docx(TITLE + table))
    assert native(article.blocks) == (
        "Table @2\n  head:\n    Row [Str \"Head\"]\n  body:\n"
        '    Row [Str "first line", LineBreak, Str "second"]\n'
    )


# --------------------------------------------------------------- tracked


def test_tracked_changes_are_read_as_accepted_with_one_warning_that_counts_them() -> None:
    body = TITLE + p(
        r("Kept ") + '<w:ins w:id="1" w:author="A"><w:r><w:t xml:space="preserve">inserted </w:t></w:r></w:ins>'
        + '<w:del w:id="2" w:author="A"><w:r><w:delText>deleted </w:delText></w:r></w:del>'
        + '<w:moveFrom w:id="3" w:author="A"><w:r><w:t>moved away </w:t></w:r></w:moveFrom>' + r("text")
        + '<w:commentRangeStart w:id="0"/>' + r(".") + '<w:commentRangeEnd w:id="0"/>'
        + '<w:r><w:commentReference w:id="0"/></w:r>'
    )
    comments = ('<w:comment w:id="0" w:author="B"><w:p><w:r><w:t>One</w:t></w:r></w:p></w:comment>'
                '<w:comment w:id="1" w:author="C"><w:p><w:r><w:t>Two</w:t></w:r></w:p></w:comment>')
    article, warnings = read_docx(make_docx(body, comments=comments))
    assert native(article.blocks) == 'Paragraph @2 [Str "Kept inserted text."]\n'
    assert warnings == ["doc.docx:1:1: warning: 3 tracked changes read as accepted",
                        "doc.docx:1:1: warning: 2 comments dropped"]


def test_the_tracked_fixture_counts_two_changes_and_one_comment() -> None:
    _, warnings = read_docx((FIXTURES / "tracked.docx").read_bytes(), "tracked.docx")
    assert warnings == ["tracked.docx:1:1: warning: 2 tracked changes read as accepted",
                        "tracked.docx:1:1: warning: 1 comment dropped"]


# ----------------------------------------------------------- front matter


def test_front_matter_from_the_text_before_the_core_properties() -> None:
    core = ("<dc:title>Template title</dc:title><dc:creator>Microsoft Office User</dc:creator>"
            '<dcterms:created xsi:type="dcterms:W3CDTF" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">2020-01-01T00:00:00Z</dcterms:created>')
    body = (p("The Real Title", "Title") + p("A subtitle", "Subtitle") + p("By Ann Lee, Bo Chen and TANAKA Ken")
            + p("2025-11-13") + p("Body."))
    article, _ = read_docx(make_docx(body, core=core))
    meta = article.meta
    assert (meta.title, meta.subtitle, meta.date and meta.date.isoformat()) == ("The Real Title", "A subtitle",
                                                                                "2025-11-13")
    assert [(p.name, p.family_name, p.family_first) for p in meta.people] == [
        ("Ann Lee", "Lee", False), ("Bo Chen", "Chen", False), ("TANAKA Ken", "Tanaka", True)]
    assert native(article.blocks) == 'Paragraph @5 [Str "Body."]\n'


def test_core_properties_stand_in_and_a_first_heading_equal_to_the_title_goes() -> None:
    core = ('<dc:title>Core Title</dc:title><dc:creator>Ann Lee; Ken Tanaka</dc:creator>'
            '<dcterms:modified>2025-03-04T10:00:00Z</dcterms:modified>')
    body = p("Core title", "Heading1") + p("Body.")
    article, warnings = read_docx(make_docx(body, core=core, styles=style("Heading1", "heading 1")))
    assert article.meta.title == "Core Title" and article.meta.date is not None
    assert article.meta.date.isoformat() == "2025-03-04"
    assert [p.name for p in article.meta.people] == ["Ann Lee", "Ken Tanaka"]
    assert native(article.blocks) == 'Paragraph @2 [Str "Body."]\n' and warnings == []


def test_without_any_title_the_first_heading_then_the_file_name() -> None:
    article, _ = read_docx(make_docx(p("Heading title", "Heading1") + p("Body."),
                                     styles=style("Heading1", "heading 1")))
    assert article.meta.title == "Heading title"
    article, warnings = read_docx(make_docx(p("Body.")), "2025-01-02-weekly-note.docx")
    assert article.meta.title == "Weekly Note" and article.meta.date is not None
    assert warnings == ["2025-01-02-weekly-note.docx:1:1: warning: no title; using 'Weekly Note' from the file name"]


# ------------------------------------------------------------------- Q&A


def test_q_and_a_speakers_are_matched_to_the_header() -> None:
    book = load_book(FIXTURES / "seminar.docx", Reporter(stream=None))
    exchanges = [b for b in book.articles[0].blocks if isinstance(b, m.Exchange)]
    assert [[a.person_id for a in e.answers] for e in exchanges] == [
        ["person-smith-alice", "person-kato-hiroshi"], ["person-kato-hiroshi"], ["person-nakamura-yui"]]
    assert book.articles[0].meta.kind == "event"


def test_a_speaker_name_in_bold_is_cut_from_the_answer_with_its_formatting() -> None:
    styles = style("Heading1", "heading 1")
    body = (TITLE + p("Speakers: Ann LEE (Fellow, Institute)") + p("Q&amp;A", "Heading1")
            + p(r("Q: ", "<w:b/>") + r("Why?")) + p(r("LEE:", "<w:b/>") + r(" Because ") + r("it", "<w:i/>") + r(" is."))
            + p("Other section", "Heading1") + p("Q: not a question here."))
    article, _ = read_docx(make_docx(body, styles=styles))
    assert native(article.blocks[1:]) == (
        "Exchange @4\n"
        "  question:\n"
        "    Turn @4\n"
        '      Paragraph @4 [Str "Why?"]\n'
        "  answers:\n"
        '    Turn speaker="Ann LEE" @5\n'
        '      Paragraph @5 [Str "Because ", Emph [Str "it"], Str " is."]\n'
        'Heading level=2 @6 [Str "Other section"]\n'
        'Paragraph @7 [Str "Q: not a question here."]\n'
    )


# -------------------------------------------------------------- pictures


def test_a_picture_alone_is_a_figure_with_the_caption_after_it() -> None:
    body = (TITLE + p(drawing("rIdImg", "A red dot")) + p("Figure 1: the dot", "Caption")
            + p(r("Inline ") + drawing("rIdImg", "dot") + r(" here.")))
    data = make_docx(body, rels=(("rIdImg", "image", "media/dot.png", False),),
                     parts={"word/media/dot.png": PNG}, styles=style("Caption", "caption"))
    article, _ = read_docx(data, "my report.docx")
    assert native(article.blocks) == (
        'Figure image=(Image "my%20report.docx#word/media/dot.png" alt="A red dot") @2 '
        'caption=[Str "Figure 1: the dot"]\n'
        'Paragraph @4 [Str "Inline ", Image "my%20report.docx#word/media/dot.png" alt="dot", Str " here."]\n'
    )


def test_a_docx_picture_resolves_through_resources_and_is_written_out(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "my report.docx").write_bytes(make_docx(
        TITLE, parts={"word/media/dot.png": PNG, "word/media/notes.png": b"not an image"}))
    reporter = Reporter(stream=None)
    resources = Resources([content], reporter, cache_dir=tmp_path / "cache")
    pos = Pos(str(content / "my report.docx"), 3, 1)
    found = resources.fetch("my%20report.docx#word/media/dot.png", pos)
    assert found is not None and found.data == PNG and found.media_type == "image/png"
    assert found.path.parent == (tmp_path / "cache").resolve() and found.path.read_bytes() == PNG
    assert resources.fetch("my%20report.docx#word/media/notes.png", pos) is None
    assert resources.fetch("my%20report.docx#word/media/none.png", pos) is None
    outside = tmp_path / "outside.docx"
    outside.write_bytes((content / "my report.docx").read_bytes())
    assert resources.fetch("../outside.docx#word/media/dot.png", pos) is None
    messages = [w.message for w in reporter.warnings]
    assert messages == [
        "resource refused (not a PNG, JPEG, GIF, WebP or SVG image): my%20report.docx#word/media/notes.png",
        "resource refused (no part word/media/none.png in the file): my%20report.docx#word/media/none.png",
        "resource refused (outside the content folder): ../outside.docx#word/media/dot.png",
    ]


def test_a_docx_picture_over_the_size_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.sources import resources as module

    (tmp_path / "a.docx").write_bytes(make_docx(TITLE, parts={"word/media/big.png": PNG + b"\0" * 20_000}))
    monkeypatch.setattr(module, "MAX_BYTES", 8192)
    reporter = Reporter(stream=None)
    assert Resources([tmp_path], reporter).fetch("a.docx#word/media/big.png", Pos(str(tmp_path / "a.docx"))) is None
    assert [w.message for w in reporter.warnings] == [
        f"resource refused (part word/media/big.png is {len(PNG) + 20_000} bytes; the limit is 8192 bytes): "
        "a.docx#word/media/big.png"]


# ---------------------------------------------------------------- hostile


def _error(data: bytes) -> str:
    with pytest.raises(InputError) as caught:
        read(data, "bad.docx", Reporter(stream=None))
    return str(caught.value)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_not_a_zip() -> None:
    assert _error(b"Just some text, saved with the wrong name.") == (
        "bad.docx:1:1: error: not a Word document: a .docx file is a zip archive and this file is not one")


def test_a_zip_without_a_document() -> None:
    assert _error(_zip({"hello.txt": b"hi"})) == "bad.docx:1:1: error: not a Word document: the file has no word/document.xml"
    assert _error(_zip({"xl/workbook.xml": b"<x/>"})) == "bad.docx:1:1: error: this is an Excel workbook, not a Word document"


def test_encrypted_and_old_word_files() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    encrypted = ole + "EncryptionInfo".encode("utf-16-le") + b"\0" * 50 + "EncryptedPackage".encode("utf-16-le")
    assert _error(encrypted).startswith("bad.docx:1:1: error: encrypted documents cannot be read")
    assert _error(ole) == ("bad.docx:1:1: error: this is a Word 97–2003 document (.doc) named .docx: "
                           "open it in Word or LibreOffice and save it as .docx")


def test_a_zip_bomb_is_refused_before_anything_is_inflated(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = make_docx(TITLE, parts={"word/media/zeros.bin": b"\0" * (60 * 1024 * 1024)})
    ratio = make_docx(TITLE, parts={"word/media/zeros.bin": b"\0" * (4 * 1024 * 1024)})
    plain = make_docx(TITLE)

    def no_inflating(*args: object, **kwargs: object) -> None:
        raise AssertionError("a part was inflated before the checks")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflating)
    assert _error(bomb) == ("bad.docx:1:1: error: part word/media/zeros.bin would be 60 MiB uncompressed; "
                            "the limit is 50 MiB per part")
    assert _error(ratio).startswith("bad.docx:1:1: error: part word/media/zeros.bin is compressed ")
    assert _error(ratio).endswith(" to 1, as a zip bomb is; refused")
    monkeypatch.setattr(docx_package, "MAX_TOTAL_BYTES", 1000)
    assert _error(plain).startswith("bad.docx:1:1: error: the parts would be ")
    assert _error(plain).endswith(" bytes uncompressed; the limit is 1000 bytes")


def test_a_part_that_inflates_beyond_its_declared_size_is_refused() -> None:
    data = bytearray(_zip({"word/document.xml": b"<w:document/>" + b" " * 200_000}))
    # Lower the declared size in the local header and the central directory: the entry now lies.
    declared = (200_013).to_bytes(4, "little")
    data = bytearray(bytes(data).replace(declared, (100).to_bytes(4, "little")))
    # zipfile stops at the declared size, and the checksum of what it read then fails
    assert _error(bytes(data)) == ("bad.docx:1:1: error: part word/document.xml cannot be read (Bad CRC-32 for file "
                                   "'word/document.xml'): the file is damaged or forged")


def test_xml_with_a_doctype_is_refused() -> None:
    laughs = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
              f'<w:document {NAMESPACES}><w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body></w:document>')
    external = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                f'<w:document {NAMESPACES}><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')
    for document in (laughs, external):
        data = make_docx("", parts={"word/document.xml": document.encode()})
        assert _error(data) == ("bad.docx:1:1: error: part word/document.xml declares a DOCTYPE (entities), "
                                "which Word never writes; refused")


def test_malformed_xml_is_an_error_at_the_file() -> None:
    data = make_docx("", parts={"word/document.xml": b"<w:document><w:body>"})
    assert _error(data).startswith("bad.docx:1:1: error: part word/document.xml is not well-formed XML (")


def test_relationships_that_leave_the_file_are_never_followed(tmp_path: Path) -> None:
    with _Server("127.0.0.1", {"/x.png": (200, {"Content-Type": "image/png"}, PNG, 0.0)}) as server:
        body = (TITLE + p(r("Linked: ") + drawing("rIdOut", "A linked chart"))
                + p(drawing("rIdUp", "Up and out")) + p(drawing("rIdLink", "Old link", attribute="r:link")))
        rels = (("rIdOut", "image", f"{server.url}/x.png", True), ("rIdUp", "image", "../../../secret.png", False),
                ("rIdLink", "image", f"{server.url}/x.png", True))
        template = _rels([("rIdT", "attachedTemplate", f"{server.url}/template.dotm", True)])
        (tmp_path / "content").mkdir()
        (tmp_path / "content" / "linked.docx").write_bytes(make_docx(body, rels=rels, settings_rels=template))
        (tmp_path / "secret.png").write_bytes(PNG)
        result = _publish("build", "content", "-o", "out", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert server.requests == []
    assert (f"content/linked.docx:2:1: warning: picture linked from outside the document not fetched: "
            f"{server.url}/x.png; its alt text stands in its place") in result.stderr
    assert ("content/linked.docx:3:1: warning: picture rIdUp is missing from the document; "
            "its alt text stands in its place") in result.stderr
    book = load_book(tmp_path / "content" / "linked.docx", Reporter(stream=None))
    texts = [plain_text(b.children) for b in book.articles[0].blocks if isinstance(b, m.Paragraph)]
    assert texts == ["Linked: A linked chart", "Up and out", "Old link"]


def _publish(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "publish", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ}, timeout=600)


def test_hostile_files_fail_the_build_with_one_message_and_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "bad.docx").write_bytes(b"PK\x03\x04 truncated")
    result = _publish("build", "bad.docx", "-o", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "bad.docx:1:1: error: not a Word document: a .docx file is a zip archive and this file is not one")
    assert "Traceback" not in result.stderr


# ---------------------------------------------------- through every format


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docx-book")
    (folder / "content").mkdir()
    for name in ("formatting.docx", "seminar.docx"):
        (folder / "content" / name).write_bytes((FIXTURES / name).read_bytes())
    result = _publish("build", "content", "-o", "out", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder


def _members(docx: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(docx) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.startswith("word/media/")}


def test_a_picture_in_a_docx_source_is_in_the_pdf_the_epub_and_the_docx(built: Path) -> None:
    pictures = set(_members(FIXTURES / "formatting.docx").values())
    with zipfile.ZipFile(built / "out" / "content.epub") as epub:
        in_epub = {epub.read(n) for n in epub.namelist() if n.startswith("EPUB/images/") and "cover" not in n}
    with zipfile.ZipFile(built / "out" / "content.docx") as docx:
        in_docx = {docx.read(n) for n in docx.namelist() if n.startswith("word/media/")}
    assert pictures <= in_epub and pictures <= in_docx
    sizes = {(image.image.width, image.image.height) for page in PdfReader(built / "out" / "content.pdf").pages
             for image in page.images}
    assert {(80, 40), (16, 8)} <= sizes  # the chart and the inline mark, at their own pixel sizes
    with zipfile.ZipFile(built / "out" / "content.epub") as epub:
        xhtml = b"".join(epub.read(n) for n in epub.namelist() if n.endswith(".xhtml"))
    assert b'alt="Bar chart of exports by country, 2024 and 2025"' in xhtml and b'alt="Desk logo"' in xhtml


def test_publish_check_passes_on_a_book_of_docx_sources(built: Path) -> None:
    result = _publish("check", "content", "-o", "out", cwd=built)
    assert result.returncode == 0, result.stdout + result.stderr
