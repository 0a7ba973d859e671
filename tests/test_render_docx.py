"""The DOCX renderer, checked through readers it does not share code with.

python-docx reopens the file, lxml reads the raw parts, pandoc reads the
document back, and LibreOffice (where installed, always in CI) turns it into
a PDF.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from publish.diagnostics import Reporter
from publish.model import (
    Article, ArticleMeta, Book, BookMeta, Heading, ListItem, OrderedList, Paragraph, Pos, Text,
)
from publish.renderers import ooxml
from publish.renderers.docx import render
from tests.samplebook import BUILD_TIME, sample_book, sample_context

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R}
REL_NS = {"rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


@pytest.fixture(scope="module")
def rendered() -> tuple[bytes, Reporter]:
    reporter = Reporter(stream=None)
    return render(sample_book(), sample_context(reporter=reporter)), reporter


@pytest.fixture(scope="module")
def data(rendered) -> bytes:
    return rendered[0]


@pytest.fixture(scope="module")
def docx_path(data, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "sample.docx"
    path.write_bytes(data)
    return path


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def part_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.namelist()


def all_text(element) -> str:
    return "".join(element.xpath(".//w:t/text()", namespaces=NS))


def small_book(*blocks, title: str = "Small") -> Book:
    article = Article("small", ArticleMeta(title=title), tuple(blocks), pos=Pos("small.md"))
    return Book(BookMeta(title="Book"), (article,))


# ------------------------------------------------------------------ styles


def test_named_styles_exist_and_are_used(docx_path):
    document = docx.Document(str(docx_path))
    names = {style.name for style in document.styles}
    wanted = {
        "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Body Text", "Standfirst",
        "Byline", "Source Line", "Quote", "List Bullet", "List Number", "Q&A Question",
        "Q&A Answer", "Speaker", "Caption", "footnote text", "footnote reference", "toc 1",
        "toc 2", "toc 3", "Distribution Marking", "Bio", "Source Code", "Verbatim Char",
        "Hyperlink", "Briefing Table",
    }
    assert wanted <= names
    used = {paragraph.style.name for paragraph in document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3", "Body Text", "Standfirst", "Byline",
            "Q&A Question", "Q&A Answer", "List Bullet", "List Number", "Quote", "Source Code",
            "Caption", "Bio", "toc 1", "toc 2", "Distribution Marking"} <= used
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["US-Japan Bilateral Stability",
                        "US-Japan Relations for a New Japanese Government and for a New Era"]


def test_fonts_and_colours_come_from_the_theme(data):
    styles = part(data, "word/styles.xml")
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    fonts = defaults.find("w:rFonts", NS)
    assert fonts.get(f"{{{W}}}ascii") == "Source Serif 4"
    assert fonts.get(f"{{{W}}}eastAsia") == "Noto Sans CJK JP"
    assert defaults.find("w:lang", NS).get(f"{{{W}}}eastAsia") == "ja-JP"
    heading = styles.xpath("w:style[@w:styleId='Heading1']", namespaces=NS)[0]
    assert heading.find("w:rPr/w:rFonts", NS).get(f"{{{W}}}ascii") == "Source Sans 3"
    assert heading.find("w:rPr/w:color", NS).get(f"{{{W}}}val") == "1F3A5F"
    # theme font attributes would override the named fonts
    assert not styles.xpath("//w:rFonts[@w:asciiTheme]", namespaces=NS) or all(
        style.get(f"{{{W}}}styleId") not in {"Normal", "Heading1", "BodyText"}
        for style in styles.xpath("//w:rFonts[@w:asciiTheme]/ancestor::w:style", namespaces=NS)
    )


def test_reference_docx_styles_win(tmp_path):
    reference = docx.Document()
    reference.styles["Heading 1"].font.name = "Reference Font"
    styles_dir = tmp_path / "styles"
    styles_dir.mkdir()
    reference.save(str(styles_dir / "reference.docx"))
    ctx = dataclasses.replace(sample_context(), styles_dir=styles_dir)
    document = docx.Document(io.BytesIO(render(sample_book(), ctx)))
    assert document.styles["Heading 1"].font.name == "Reference Font"
    assert "Q&A Question" in {style.name for style in document.styles}  # missing ones are added
    assert document.paragraphs[0].text == "For internal use only"  # the reference's body is gone


# --------------------------------------------------------------- properties


def test_core_properties_are_exact(docx_path):
    props = docx.Document(str(docx_path)).core_properties
    assert props.title == "US–Japan Relations: Trade & Security"
    assert props.subject == "Briefing for the November 2025 roundtable"
    assert props.author == "Policy Research Unit"
    assert props.last_modified_by == "Policy Research Unit"
    assert props.keywords == "US-Japan, economic security, analysis, Q&A"
    assert props.language == "en"
    assert props.created == BUILD_TIME and props.modified == BUILD_TIME
    assert props.revision == 1


def test_no_template_defaults_leak(data):
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = package.namelist()
        blob = b"".join(package.read(name) for name in names)
    for leak in (b"python-docx", b"2013-12-23", b"Microsoft Macintosh Word", b"Normal.dotm",
                 b"w:rsid", b"thumbnail", b"customXml", b"stylesWithEffects"):
        assert leak not in blob, leak
    assert not [name for name in names if "thumbnail" in name or name.startswith("customXml")]
    app = part(data, "docProps/app.xml")
    assert app.findtext("{*}Application") == "publish"


# ---------------------------------------------------------------- footnotes


def test_footnotes_part_holds_real_footnotes(data):
    footnotes = part(data, "word/footnotes.xml")
    notes = footnotes.findall("w:footnote", NS)
    types = [note.get(f"{{{W}}}type") for note in notes[:2]]
    assert types == ["separator", "continuationSeparator"]
    real = notes[2:]
    assert [note.get(f"{{{W}}}id") for note in real] == ["1", "2", "3"][: len(real)]
    texts = [all_text(note).strip() for note in real]
    assert texts == ["The visit ran from 27 to 29 October 2025.",
                     "Reciprocal tariffs, as agreed in July 2025; see the framework."]
    for note in real:
        assert note.xpath(".//w:footnoteRef", namespaces=NS)
    document = part(data, "word/document.xml")
    refs = document.xpath("//w:footnoteReference/@w:id", namespaces=NS)
    assert refs == ["1", "2"]
    content_types = part(data, "[Content_Types].xml")
    overrides = {o.get("PartName"): o.get("ContentType") for o in content_types}
    assert overrides["/word/footnotes.xml"] == ooxml.FOOTNOTES_CONTENT_TYPE
    rels = part(data, "word/_rels/document.xml.rels")
    assert rels.xpath("rel:Relationship[@Target='footnotes.xml']", namespaces=REL_NS)


def test_links_in_footnotes_have_their_own_relationship(data):
    rels = part(data, "word/_rels/footnotes.xml.rels")
    targets = {r.get("Target"): r.get("TargetMode") for r in rels}
    assert targets == {"https://example.org/framework": "External"}


# --------------------------------------------------------------- hyperlinks


def test_external_links_resolve_to_external_relationships(data):
    document = part(data, "word/document.xml")
    rels = {r.get("Id"): r for r in part(data, "word/_rels/document.xml.rels")}
    targets = []
    for link in document.xpath("//w:hyperlink[@r:id]", namespaces=NS):
        rel = rels[link.get(f"{{{R}}}id")]
        assert rel.get("TargetMode") == "External"
        targets.append(rel.get("Target"))
    assert "https://www.whitehouse.gov/fact-sheets/" in targets
    assert "https://www.rieti.go.jp/en/events/" in targets
    styled = document.xpath("//w:hyperlink[@r:id]//w:rStyle/@w:val", namespaces=NS)
    assert set(styled) == {"Hyperlink"}


def test_internal_links_point_at_bookmarks(data):
    document = part(data, "word/document.xml")
    bookmarks = set(document.xpath("//w:bookmarkStart/@w:name", namespaces=NS))
    anchors = document.xpath("//w:hyperlink/@w:anchor", namespaces=NS)
    assert "outlook" in anchors
    assert set(anchors) <= bookmarks
    starts = document.xpath("//w:bookmarkStart/@w:id", namespaces=NS)
    ends = document.xpath("//w:bookmarkEnd/@w:id", namespaces=NS)
    assert sorted(starts) == sorted(ends) and len(set(starts)) == len(starts)


@pytest.mark.parametrize("node_id", [
    "outlook", "us-japan-bilateral-stability", "1-intro", "a" * 60, "日本語", "q&a",
])
def test_bookmark_names_follow_word_rules(node_id):
    name = ooxml.bookmark_name(node_id)
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", name)
    assert name == ooxml.bookmark_name(node_id)
    assert ooxml.bookmark_name(node_id, hashed=True) != name or len(node_id) > 40


def test_ids_differing_only_in_refused_characters_get_distinct_bookmarks():
    book = small_book(
        Heading(2, (Text("One"),), id="a-b"),
        Heading(2, (Text("Two"),), id="a_b"),
    )
    document = part(render(book, sample_context()), "word/document.xml")
    names = document.xpath("//w:bookmarkStart/@w:name", namespaces=NS)
    assert len(names) == len(set(names)) == 3


# ---------------------------------------------------------------------- TOC


def test_toc_field_is_prefilled_and_updated_on_opening(data):
    document = part(data, "word/document.xml")
    instructions = [t.strip() for t in document.xpath("//w:instrText/text()", namespaces=NS)]
    assert 'TOC \\o "1-3" \\h \\z \\u' in instructions
    entries = document.xpath("//w:p[w:pPr/w:pStyle/@w:val='TOC1' or w:pPr/w:pStyle/@w:val='TOC2'"
                                  " or w:pPr/w:pStyle/@w:val='TOC3']", namespaces=NS)
    listed = [(e.find("w:pPr/w:pStyle", NS).get(f"{{{W}}}val"), all_text(e)) for e in entries]
    assert listed == [
        ("TOC1", "US-Japan Bilateral Stability"), ("TOC2", "Theatre & Substance"),
        ("TOC3", "Projects listed"), ("TOC2", "Outlook"),
        ("TOC1", "US-Japan Relations for a New Japanese Government and for a New Era"),
        ("TOC2", "Summary"), ("TOC2", "Q&A"),
    ]
    kinds = [c.get(f"{{{W}}}fldCharType") for e in entries
             for c in e.xpath(".//w:fldChar", namespaces=NS)]
    assert kinds == ["begin", "separate", "end"]
    settings = part(data, "word/settings.xml")
    assert settings.find("w:updateFields", NS).get(f"{{{W}}}val") == "true"


# ---------------------------------------------------------------- numbering


def test_each_ordered_list_restarts_its_numbering():
    def ordered(start: int) -> OrderedList:
        return OrderedList((ListItem((Paragraph((Text("item"),)),)),), start=start)

    book = small_book(ordered(3), Paragraph((Text("between"),)), ordered(1))
    data = render(book, sample_context())
    document = part(data, "word/document.xml")
    num_ids = document.xpath("//w:p[w:pPr/w:pStyle/@w:val='ListNumber']//w:numId/@w:val",
                             namespaces=NS)
    assert len(num_ids) == 2 and num_ids[0] != num_ids[1]
    numbering = part(data, "word/numbering.xml")
    starts = []
    for num_id in num_ids:
        num = numbering.xpath(f"w:num[@w:numId='{num_id}']", namespaces=NS)[0]
        starts.append(num.xpath("w:lvlOverride/w:startOverride/@w:val", namespaces=NS))
        abstract = num.find("w:abstractNumId", NS).get(f"{{{W}}}val")
        fmt = numbering.xpath(f"w:abstractNum[@w:abstractNumId='{abstract}']/w:lvl[@w:ilvl='0']"
                              "/w:numFmt/@w:val", namespaces=NS)
        assert fmt == ["decimal"]
    assert starts == [["3"], ["1"]]
    # every abstractNum precedes every num, as the schema requires
    tags = [etree.QName(child).localname for child in numbering]
    assert tags == sorted(tags, key=lambda tag: tag != "abstractNum")


def test_nested_list_items_use_deeper_levels(data):
    document = part(data, "word/document.xml")
    levels = document.xpath("//w:numPr/w:ilvl/@w:val", namespaces=NS)
    assert set(levels) == {"0"}  # the sample has no nesting; a nested book below
    from publish.model import BulletList
    inner = BulletList((ListItem((Paragraph((Text("inner"),)),)),))
    outer = BulletList((ListItem((Paragraph((Text("outer"),)), inner)),))
    nested = part(render(small_book(outer), sample_context()), "word/document.xml")
    assert nested.xpath("//w:numPr/w:ilvl/@w:val", namespaces=NS) == ["0", "1"]


# ---------------------------------------------------------- tables, images


def test_table_header_row_repeats(data):
    document = part(data, "word/document.xml")
    table = document.find(".//w:tbl", NS)
    assert table.find("w:tblPr/w:tblStyle", NS).get(f"{{{W}}}val") == "BriefingTable"
    rows = table.findall("w:tr", NS)
    assert [bool(r.xpath("w:trPr/w:tblHeader", namespaces=NS)) for r in rows] == [True, False, False, False]
    assert [all_text(c) for c in rows[1].findall("w:tc", NS)] == ["Semiconductors", "6", "interest"]
    assert rows[1].findall("w:tc", NS)[1].find(".//w:jc", NS).get(f"{{{W}}}val") == "right"


def test_images_carry_alt_text(data, rendered):
    document = part(data, "word/document.xml")
    descriptions = document.xpath("//*[local-name()='docPr']/@descr")
    assert descriptions == ["Bar chart of investment pledges by sector",
                            "Bar chart of five investment sectors", "small chart"]
    assert [n for n in part_names(data) if n.startswith("word/media/")] == ["word/media/image1.png"]
    assert rendered[1].warnings == []


def test_missing_image_warns_and_keeps_alt_text():
    from publish.model import Figure, Image

    reporter = Reporter(stream=None)
    book = small_book(Figure(Image("images/missing.png", alt="A missing chart"), pos=Pos(
        str(Path(__file__).parent / "fixtures" / "x.md"), 3)))
    document = docx.Document(io.BytesIO(render(book, sample_context(reporter=reporter))))
    assert "A missing chart" in [p.text for p in document.paragraphs]
    assert [w.message for w in reporter.warnings] == ["resource not found: images/missing.png"]


def test_control_characters_do_not_reach_python_docx():
    book = small_book(Paragraph((Text("bell\x07 and\x0bvertical\x00 tab"),)), title="T\x01itle")
    document = docx.Document(io.BytesIO(render(book, sample_context())))
    texts = [p.text for p in document.paragraphs]
    assert "bell andvertical tab" in texts and "Title" in texts


# ------------------------------------------------------ sections and pages


def test_articles_start_sections_with_their_own_running_heads(docx_path):
    document = docx.Document(str(docx_path))
    sections = document.sections
    assert len(sections) == 4  # cover, contents, two articles
    assert all(s.start_type == 2 for s in sections[1:])  # WD_SECTION.NEW_PAGE
    heads = [" ".join(p.text for p in s.header.paragraphs) for s in sections[1:]]
    assert heads == [
        "For internal use only\tContents",
        "For internal use only\tUS-Japan Bilateral Stability",
        "For internal use only\tUS-Japan Relations for a New Japanese Government and for a New Era",
    ]
    assert sections[0].header.is_linked_to_previous  # the cover has no running head
    assert round(sections[0].page_width.mm) == 210 and round(sections[0].page_height.mm) == 297


def test_footer_counts_pages_with_fields(data):
    footers = [n for n in part_names(data) if n.startswith("word/footer")]
    assert len(footers) == 1  # set once, inherited by every later section
    footer = part(data, footers[0])
    instructions = [t.strip() for t in footer.xpath("//w:instrText/text()", namespaces=NS)]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert all_text(footer).startswith("Page ")


def test_letter_page_size():
    ctx = sample_context(page_size="Letter")
    document = docx.Document(io.BytesIO(render(sample_book(), ctx)))
    assert round(document.sections[-1].page_width.inches, 2) == 8.5


# ------------------------------------------------------------ reproducible


def test_two_renders_are_byte_identical(data):
    assert render(sample_book(), sample_context()) == data


def test_zip_entries_are_stamped_with_the_build_time(data):
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        infos = package.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(2025, 11, 20, 9, 30, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o644}


def test_build_times_before_1980_are_clamped():
    early = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    assert ooxml.zip_timestamp(early) == (1980, 1, 1, 0, 0, 0)


# ------------------------------------------------------- independent readers


def test_pandoc_reads_headings_footnotes_and_text(docx_path):
    pypandoc = pytest.importorskip("pypandoc")
    import json

    tree = json.loads(pypandoc.convert_file(str(docx_path), "json"))
    headers = [(b["c"][0], _pandoc_text(b["c"][2])) for b in tree["blocks"] if b["t"] == "Header"]
    assert headers == [
        (1, "US-Japan Bilateral Stability"), (2, "Theatre & Substance"), (3, "Projects listed"),
        (2, "Outlook"),
        (1, "US-Japan Relations for a New Japanese Government and for a New Era"),
        (2, "Summary"), (2, "Q&A"),
    ]
    markdown = pypandoc.convert_file(str(docx_path), "markdown", extra_args=["--wrap=none"])
    assert markdown.count("[^") == 4  # two references, two definitions
    assert "[^1]: The visit ran from 27 to 29 October 2025." in markdown
    assert "Tariffs were capped at 15^%^ and CO~2~ targets were ~~abandoned~~ deferred" in markdown
    assert "`reciprocal_tariff`" in markdown
    assert "**William CHOU:** Rebalancing is measured by burden sharing." in markdown
    assert "    tariff_cap = 0.15\n" in markdown  # Source Code is read as a code block


def _pandoc_text(inlines) -> str:
    out = []
    for inline in inlines:
        if inline["t"] == "Str":
            out.append(inline["c"])
        elif inline["t"] == "Space":
            out.append(" ")
        elif inline["t"] in ("Span", "Emph", "Strong"):
            out.append(_pandoc_text(inline["c"][-1] if inline["t"] == "Span" else inline["c"]))
    return "".join(out)


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("LibreOffice is required in CI (apt-get install libreoffice-writer-nogui)")
    return found


def test_libreoffice_converts_to_pdf(docx_path, tmp_path):
    soffice = _soffice()
    if soffice is None:
        pytest.skip("LibreOffice not installed")
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = tmp_path / "sample.pdf"
    assert pdf.stat().st_size > 10_000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                              capture_output=True, text=True).stdout
        assert re.search(r"Page 3 of \d+", text)  # fields in the footer survive
        assert "Theatre & Substance" in text and "The visit ran from 27 to 29 October 2025." in text
