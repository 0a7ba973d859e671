"""The DOCX renderer, checked through readers it does not share code with.

Each book is rendered once per module.  python-docx reopens the file, lxml
reads the raw parts (schema order included), pandoc reads the document back as
JSON and plain text, and LibreOffice (required in CI) turns it into a PDF whose
text must hold every paragraph of the model.  Expectations come from the model
itself, for the sample book and for the briefing in ``content/``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import json
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path

import docx
import pypandoc
import pytest
from lxml import etree

from publish.api import build_time, load_book
from publish.conventions import page_geometry, script_segments
from publish.diagnostics import Reporter
from publish.model.nodes import (
    Article,
    ArticleMeta,
    Book,
    BookMeta,
    BulletList,
    Code,
    Figure,
    FootnoteDef,
    FootnoteRef,
    Heading,
    Image,
    LineBreak,
    Link,
    ListItem,
    OrderedList,
    Paragraph,
    Pos,
    SoftBreak,
    Table,
    Text,
)
from publish.model.walk import iter_nodes
from publish.render.archive import zip_time
from publish.render.context import RenderContext
from publish.render.docx import oxml as ooxml
from publish.render.docx import package
from publish.render.docx.writer import render
from publish.sources.manifest import locate
from publish.sources.resources import Resources
from publish.theme import load_theme
from tests.libreoffice import to_pdf
from tests.pdftools import page_texts
from tests.samplebook import BUILD_TIME, FIXTURES_DIR, sample_book, sample_context

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R}
REL_NS = {"rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
WORD_PARTS = ("word/document.xml", "word/styles.xml", "word/numbering.xml", "word/footnotes.xml",
              "word/settings.xml")


# ------------------------------------------------------------------ fixtures


@dataclasses.dataclass
class Rendered:
    book: Book
    data: bytes
    path: Path
    reporter: Reporter
    context: RenderContext


def content_context(book: Book, reporter: Reporter) -> RenderContext:
    """The context ``publish build content`` renders with."""
    styles = ROOT / "styles"
    return RenderContext(
        styles_dir=styles, build_time=build_time(book), theme=load_theme(styles),
        resources=Resources([locate(CONTENT).root, styles], reporter),
        page=page_geometry(book.meta.page_size),
        reporter=reporter,
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("docx")


@pytest.fixture(scope="module")
def sample(folder) -> Rendered:
    reporter = Reporter(stream=None)
    ctx = sample_context(reporter=reporter)
    book = sample_book()
    data = render(book, ctx)
    (folder / "sample.docx").write_bytes(data)
    return Rendered(book, data, folder / "sample.docx", reporter, ctx)


@pytest.fixture(scope="module")
def briefing(folder) -> Rendered:
    reporter = Reporter(stream=None)
    book = load_book(CONTENT, reporter)
    ctx = content_context(book, reporter)
    data = render(book, ctx)
    (folder / "briefing.docx").write_bytes(data)
    return Rendered(book, data, folder / "briefing.docx", reporter, ctx)


@pytest.fixture(scope="module", params=["sample", "briefing"])
def both(request) -> Rendered:
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def data(sample) -> bytes:
    return sample.data


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package_zip:
        return etree.fromstring(package_zip.read(name))


def part_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package_zip:
        return package_zip.namelist()


def all_text(element) -> str:
    return "".join(element.xpath(".//w:t/text()", namespaces=NS))


def attr(node, name: str) -> str | None:
    return node.get(f"{{{W}}}{name}")


def small_book(*blocks, title: str = "Small", language: str = "", more: tuple[Article, ...] = ()) -> Book:
    article = Article("small", ArticleMeta(title=title, language=language), tuple(blocks),
                      pos=Pos(str(FIXTURES_DIR / "small.md")))
    return Book(BookMeta(title="Book"), (article, *more))


def render_small(book: Book, **kwargs) -> bytes:
    return render(book, sample_context(), **kwargs)


# ------------------------------------------------------- what the model says


def squash(text: str) -> str:
    """Text compared without whitespace and hyphens: line breaks, wrapping and raised marks
    differ by reader, and pdftotext drops the hyphen of a compound broken at a line end."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\u00ad\u2010\u2011-]+", "", text)


def segments(inlines) -> list[str]:
    """The visible text of inlines, cut where a note mark or a picture sits (readers put marks there)."""
    pieces: list[str] = [""]

    def walk(nodes) -> None:
        for node in nodes:
            if isinstance(node, (Text, Code)):
                pieces[-1] += node.text
            elif isinstance(node, (SoftBreak, LineBreak)):
                pieces[-1] += " "
            elif isinstance(node, (FootnoteRef, Image)):
                pieces.append("")
            elif hasattr(node, "children"):
                walk(node.children)

    walk(inlines)
    return [" ".join(piece.split()) for piece in pieces if piece.strip()]


def text_of(inlines) -> str:
    return " ".join(" ".join(segments(inlines)).split())


def model_headings(book: Book) -> list[tuple[int, str]]:
    """Article titles at level 1, then the headings of each article's flow (Word sets 2 to 6)."""
    out = []
    for article in book.articles:
        out.append((1, " ".join(article.meta.title.split())))
        for block in article.blocks:
            if isinstance(block, FootnoteDef):
                continue
            out += [(min(max(n.level, 2), 6), text_of(n.children))
                    for n in iter_nodes(block) if isinstance(n, Heading)]
    # the back matter the book's apparatus gives rise to
    if book.people:
        out.append((1, "People in this briefing"))
    if book.abbreviations:
        out.append((1, "Abbreviations"))
    return out


def model_footnotes(book: Book) -> list[str]:
    """Footnote texts in the order of their first reference, article by article."""
    out = []
    for article in book.articles:
        notes = {n.note_id: n for n in iter_nodes(article.blocks) if isinstance(n, FootnoteDef)}
        seen: list[str] = []
        for block in article.blocks:
            if isinstance(block, FootnoteDef):
                continue
            seen += [n.note_id for n in iter_nodes(block)
                     if isinstance(n, FootnoteRef) and n.note_id in notes and n.note_id not in seen]
        out += [" ".join(text_of(p.children) for p in iter_nodes(notes[i].blocks)
                         if isinstance(p, Paragraph)) for i in seen]
    return out


def model_links(book: Book, *, notes: bool = False) -> list[tuple[str, str]]:
    """(text, target) of every link in the articles' flow (and ``notes``), and each source URL."""
    out = []
    for article in book.articles:
        if article.meta.url:
            out.append((article.meta.url, article.meta.url))
        for block in (*article.meta.standfirst, *article.blocks):
            if isinstance(block, FootnoteDef) and not notes:
                continue
            out += [(text_of(n.children), n.target) for n in iter_nodes(block) if isinstance(n, Link)]
    return out


def model_cells(book: Book) -> list[list[list[str]]]:
    return [[[text_of(cell.children) for cell in row] for row in (*table.head, *table.body)]
            for table in iter_nodes(book.articles) if isinstance(table, Table)]


def model_paragraphs(book: Book) -> list[tuple[Paragraph, list[str]]]:
    """Every paragraph anywhere in the book (flow, standfirst, notes, Q&A, bios) with its text."""
    return [(node, segments(node.children)) for node in iter_nodes(book.articles)
            if isinstance(node, Paragraph) and segments(node.children)]


# ---------------------------------------------------------- schema order

# Child sequences from ECMA-376 Part 1 (transitional), for the elements the renderer builds.
PPR = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
       "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
       "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
       "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
       "rPr sectPr pPrChange").split()
RPR = ("rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
       "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
       "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath").split()
SECTPR = ("headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders "
          "lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi "
          "rtlGutter docGrid printerSettings sectPrChange").split()
TBLPR = ("tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
         "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption "
         "tblDescription tblPrChange").split()
TCPR = ("cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText "
        "vAlign hideMark headers cellIns cellDel cellMerge tcPrChange").split()
STYLE = ("name aliases basedOn next link autoRedefine hidden uiPriority semiHidden unhideWhenUsed "
         "qFormat locked personal personalCompose personalReply rsid pPr rPr tblPr trPr tcPr "
         "tblStylePr").split()
LVL = "start numFmt lvlRestart pStyle isLgl suff lvlText lvlPicBulletId legacy lvlJc pPr rPr".split()
ORDERS = {
    "pPr": PPR, "rPr": RPR, "sectPr": SECTPR, "tblPr": TBLPR, "tcPr": TCPR, "style": STYLE,
    "lvl": LVL,
    "abstractNum": "nsid multiLevelType tmpl name styleLink numStyleLink lvl".split(),
    "num": "abstractNumId lvlOverride".split(),
    "numbering": "numPicBullet abstractNum num numIdMacAtCleanup".split(),
    "styles": "docDefaults latentStyles style".split(),
    "tbl": "tblPr tblGrid tr".split(),
    "tr": "tblPrEx trPr tc".split(),
    "footnotePr": "pos numFmt numStart numRestart footnote".split(),
    "numPr": "ilvl numId numberingChange ins".split(),
}
FIRST_CHILD = {"p": "pPr", "r": "rPr", "tc": "tcPr", "hyperlink": None}


def order_errors(root) -> list[str]:
    """Where children of the elements in ORDERS stray from the schema's sequence."""
    errors = []
    for node in root.iter(f"{{{W}}}*"):
        local = etree.QName(node).localname
        children = [etree.QName(c).localname for c in node if etree.QName(c).namespace == W]
        if local in ORDERS:
            sequence = ORDERS[local]
            unknown = [c for c in children if c not in sequence]
            positions = [sequence.index(c) for c in children if c in sequence]
            if unknown or positions != sorted(positions):
                errors.append(f"{local}: {children}")
        elif local in FIRST_CHILD and FIRST_CHILD[local] in children[1:]:
            errors.append(f"{local}: {FIRST_CHILD[local]} not first in {children}")
    body = root.find("w:body", NS)
    if body is not None and body[-1].tag != f"{{{W}}}sectPr":
        errors.append("body: sectPr is not last")
    return errors


def test_order_checker_catches_a_misplaced_child():
    p_pr = etree.fromstring(f'<w:pPr xmlns:w="{W}"><w:jc w:val="left"/><w:spacing/></w:pPr>')
    assert order_errors(p_pr) == ["pPr: ['jc', 'spacing']"]


def test_children_follow_schema_order(both):
    names = [n for n in part_names(both.data)
             if n in WORD_PARTS or re.fullmatch(r"word/(header|footer)\d+\.xml", n)]
    for name in names:
        assert order_errors(part(both.data, name)) == [], name


def test_every_table_cell_ends_in_a_paragraph_and_ids_are_unique(both):
    parts = {n: part(both.data, n) for n in part_names(both.data) if n.endswith(".xml")
             and n.startswith("word/") and "/_rels/" not in n}
    for root in parts.values():
        for cell in root.iter(f"{{{W}}}tc"):
            assert cell[-1].tag == f"{{{W}}}p"
    drawing_ids = [i for root in parts.values() for i in root.xpath("//*[local-name()='docPr']/@id")]
    assert len(drawing_ids) == len(set(drawing_ids))
    for name in part_names(both.data):
        if name.endswith(".rels"):
            ids = [r.get("Id") for r in part(both.data, name)]
            assert len(ids) == len(set(ids)), name
    document = parts["word/document.xml"]
    starts = document.xpath("//w:bookmarkStart/@w:id", namespaces=NS)
    assert sorted(starts) == sorted(document.xpath("//w:bookmarkEnd/@w:id", namespaces=NS))
    assert len(set(starts)) == len(starts)


# ------------------------------------------------------------------ styles


def test_named_styles_exist_and_are_used(sample):
    document = docx.Document(str(sample.path))
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
    # no direct character formatting stands in for a style: runs name the style
    document_xml = part(sample.data, "word/document.xml")
    assert not document_xml.xpath("//w:r/w:rPr/w:color | //w:r/w:rPr/w:sz", namespaces=NS)


def test_only_the_briefings_styles_are_left(sample):
    styles = part(sample.data, "word/styles.xml")
    ids = styles.xpath("w:style/@w:styleId", namespaces=NS)
    template = [i for i in ids if re.match(r"(Light|Medium|Dark|Colorful)", i)]
    assert template == []
    assert "TableGrid" not in ids and "ListParagraph" not in ids
    assert {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"} <= set(ids)


def test_fonts_and_colours_come_from_the_theme(data):
    styles = part(data, "word/styles.xml")
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    fonts = defaults.find("w:rFonts", NS)
    assert attr(fonts, "ascii") == "Source Serif 4"
    assert attr(fonts, "eastAsia") == "Noto Sans CJK JP"
    assert attr(defaults.find("w:lang", NS), "eastAsia") == "ja-JP"
    heading = styles.xpath("w:style[@w:styleId='Heading1']", namespaces=NS)[0]
    assert attr(heading.find("w:rPr/w:rFonts", NS), "ascii") == "Source Sans 3"
    assert attr(heading.find("w:rPr/w:color", NS), "val") == "1F3A5F"
    assert not styles.xpath("//w:rFonts[@w:asciiTheme]", namespaces=NS)


def test_font_table_and_theme_name_the_briefings_fonts(data):
    fonts = part(data, "word/fontTable.xml")
    listed = {attr(f, "name"): attr(f.find("w:family", NS), "val") for f in fonts}
    assert listed == {"Source Serif 4": "roman", "Source Sans 3": "swiss",
                      "Source Code Pro": "modern", "Noto Sans CJK JP": "swiss"}
    theme = part(data, "word/theme/theme1.xml")
    assert theme.get("name") == "Briefing"
    typefaces = theme.xpath("//*[local-name()='latin']/@typeface")
    assert typefaces == ["Source Sans 3", "Source Serif 4"]
    assert "1F3A5F" in theme.xpath("//*[local-name()='accent1']/*/@val")


def test_reference_docx_styles_win(tmp_path):
    reference = docx.Document()
    reference.styles["Heading 1"].font.name = "Reference Font"
    styles_dir = tmp_path / "styles"
    styles_dir.mkdir()
    shutil.copy(ROOT / "styles" / "theme.toml", styles_dir / "theme.toml")
    reference.save(str(styles_dir / "reference.docx"))
    ctx = dataclasses.replace(sample_context(), styles_dir=styles_dir)
    data = render(sample_book(), ctx)
    document = docx.Document(io.BytesIO(data))
    assert document.styles["Heading 1"].font.name == "Reference Font"
    assert "Q&A Question" in {style.name for style in document.styles}  # missing ones are added
    assert document.paragraphs[0].text == "For internal use only"  # the reference's body is gone
    assert b"python-docx" not in b"".join(zipfile.ZipFile(io.BytesIO(data)).read(n)
                                          for n in part_names(data))


# --------------------------------------------------------------- properties


def test_core_properties_are_exact(sample):
    props = docx.Document(str(sample.path)).core_properties
    assert props.title == "US–Japan Relations: Trade & Security"
    assert props.subject == "Briefing for the November 2025 roundtable"
    assert props.author == "Policy Research Unit"
    assert props.last_modified_by == "Policy Research Unit"
    assert props.keywords == "US-Japan, economic security, analysis, Q&A"
    assert props.language == "en"
    assert props.created == BUILD_TIME.replace(tzinfo=None) or props.created == BUILD_TIME
    assert props.modified == props.created
    assert props.revision == 1


def test_briefing_properties_come_from_the_manifest(briefing):
    props = docx.Document(str(briefing.path)).core_properties
    assert props.title == briefing.book.meta.title
    assert props.language == "en-GB"
    assert props.created.date() == dt.date(2025, 11, 20)  # SOURCE_DATE_EPOCH, set by conftest


def test_no_template_defaults_leak(both):
    names = part_names(both.data)
    with zipfile.ZipFile(io.BytesIO(both.data)) as package_zip:
        blob = b"".join(package_zip.read(name) for name in names)
    for leak in (b"python-docx", b"2013-", b"2012-", b"Microsoft Macintosh Word", b"Normal.dotm",
                 b"w:rsid", b"thumbnail", b"customXml", b"stylesWithEffects", b"docId",
                 b"proofState", b"Calibri", b"Cambria", b"Office Theme", b"Word Document"):
        assert leak not in blob, leak
    assert not [name for name in names if "thumbnail" in name or name.startswith(("customXml", "docProps/custom"))]
    app = part(both.data, "docProps/app.xml")
    assert app.findtext("{*}Application") == "publish"
    core = part(both.data, "docProps/core.xml")
    assert all((child.text or "").strip() for child in core)  # nothing empty, nothing left over
    settings = part(both.data, "word/settings.xml")
    mode = settings.xpath("w:compat/w:compatSetting[@w:name='compatibilityMode']/@w:val",
                          namespaces=NS)
    assert mode == ["15"]


# ---------------------------------------------- python-docx reads it back


def test_python_docx_reads_the_models_headings(both):
    document = docx.Document(str(both.path))
    headings = [(int(p.style.name.split()[-1]), " ".join(p.text.split()))
                for p in document.paragraphs if re.fullmatch(r"Heading \d", p.style.name)]
    assert headings == model_headings(both.book)


def test_python_docx_finds_the_models_footnotes(both):
    document = docx.Document(str(both.path))
    footnotes = next((rel.target_part for rel in document.part.rels.values()
                      if rel.reltype.endswith("/footnotes")), None)
    assert footnotes is not None
    notes = etree.fromstring(footnotes.blob).xpath("w:footnote[not(@w:type)]", namespaces=NS)
    assert [" ".join(all_text(n).split()) for n in notes] == model_footnotes(both.book)


BACK_MATTER_STYLES = ("Person Detail", "Abbreviation Entry")


def test_names_link_to_the_people_section(both):
    document = docx.Document(str(both.path))
    people = {ooxml.bookmark_name(c.person.id): c.person.name for c in both.book.people}
    linked = {(link.fragment, link.text.rstrip(":")) for p in document.paragraphs for link in p.hyperlinks
              if link.fragment in people}
    # every person in a byline or Q&A of the model is linked from the text to their entry
    assert {name for _, name in linked} == {c.person.name for c in both.book.people}
    assert all(people[fragment] == name for fragment, name in linked)
    entries = [p.text for p in document.paragraphs if p.style.name == "Person Name"]
    assert entries == [c.person.name for c in both.book.people]
    abbreviations = [p.text.split("\t")[0] for p in document.paragraphs if p.style.name == "Abbreviation Entry"]
    assert abbreviations == [a.short for a in both.book.abbreviations]


def test_python_docx_finds_the_models_links(both):
    document = docx.Document(str(both.path))
    bookmarks = {ooxml.bookmark_name(n.id): n.id for n in iter_nodes(both.book.articles)
                 if isinstance(n, (Article, Heading)) and n.id}
    # names linking to "People in this briefing", and the back matter's own links, are apparatus
    people = {ooxml.bookmark_name(c.person.id) for c in both.book.people}
    found = []
    paragraphs = list(document.paragraphs) + [p for t in document.tables for row in t.rows
                                              for cell in row.cells for p in cell.paragraphs]
    for paragraph in paragraphs:
        if paragraph.style.name.startswith("toc") or paragraph.style.name in BACK_MATTER_STYLES:
            continue
        for link in paragraph.hyperlinks:
            if link.fragment in people:
                continue
            target = link.address or "#" + bookmarks[link.fragment]
            found.append((" ".join(link.text.split()), target))
    assert sorted(found) == sorted(model_links(both.book))


# ---------------------------------------------------------------- footnotes


def test_footnotes_part_holds_real_footnotes(data):
    footnotes = part(data, "word/footnotes.xml")
    notes = footnotes.findall("w:footnote", NS)
    assert [attr(note, "type") for note in notes[:2]] == ["separator", "continuationSeparator"]
    real = notes[2:]
    assert [attr(note, "id") for note in real] == ["1", "2"]
    for note in real:
        assert note.xpath(".//w:footnoteRef", namespaces=NS)
        assert note.xpath("w:p/w:pPr/w:pStyle/@w:val", namespaces=NS)[0] == "FootnoteText"
    document = part(data, "word/document.xml")
    assert document.xpath("//w:footnoteReference/@w:id", namespaces=NS) == ["1", "2"]
    content_types = part(data, "[Content_Types].xml")
    overrides = {o.get("PartName"): o.get("ContentType") for o in content_types}
    assert overrides["/word/footnotes.xml"] == ooxml.FOOTNOTES_CONTENT_TYPE
    settings = part(data, "word/settings.xml")
    assert settings.xpath("w:footnotePr/w:footnote/@w:id", namespaces=NS) == ["-1", "0"]


def test_links_in_footnotes_have_their_own_relationship(data):
    rels = part(data, "word/_rels/footnotes.xml.rels")
    targets = {r.get("Target"): r.get("TargetMode") for r in rels}
    assert targets == {"https://example.org/framework": "External"}


NOTES_BOOK = small_book(
    Paragraph((Text("First"), FootnoteRef("a"), Text(" and again"), FootnoteRef("a"),
               Text(", then"), FootnoteRef("b"), Text("."))),
    Figure(Image("images/chart.png", alt="A chart in the text")),
    FootnoteDef("a", (Paragraph((Text("Note A with "), Image("images/chart.png", alt="tiny"))),)),
    FootnoteDef("b", (Paragraph((Text("Note B"),)),)),
    more=(Article("second", ArticleMeta(title="Second"), (
        Paragraph((Text("Later"), FootnoteRef("a"), Text("."))),
        FootnoteDef("a", (Paragraph((Text("Second article's note"),)),)),
    ), pos=Pos(str(FIXTURES_DIR / "second.md"))),),
)


@pytest.fixture(scope="module")
def notes_data() -> bytes:
    return render_small(NOTES_BOOK)


def test_a_note_referenced_twice_is_one_footnote_and_a_noteref(notes_data):
    footnotes = part(notes_data, "word/footnotes.xml")
    texts = [" ".join(all_text(n).split()) for n in
             footnotes.xpath("w:footnote[not(@w:type)]", namespaces=NS)]
    assert texts == ["Note A with", "Note B", "Second article's note"]
    document = part(notes_data, "word/document.xml")
    assert document.xpath("//w:footnoteReference/@w:id", namespaces=NS) == ["1", "2", "3"]
    instructions = [t.strip() for t in document.xpath("//w:instrText/text()", namespaces=NS)]
    noterefs = [i for i in instructions if i.startswith("NOTEREF")]
    assert noterefs == ["NOTEREF _RefNote1 \\f \\h"]
    bookmark = document.xpath("//w:bookmarkStart[@w:name='_RefNote1']", namespaces=NS)[0]
    assert bookmark.getnext().xpath("w:footnoteReference/@w:id", namespaces=NS) == ["1"]
    # the cached result is the number the note shows (notes count through the document)
    field = document.xpath("//w:r[w:instrText[starts-with(normalize-space(), 'NOTEREF')]]",
                           namespaces=NS)[0]
    cached = field.getnext().getnext()
    assert all_text(cached) == "1"


def test_pictures_in_footnotes_get_ids_of_their_own(notes_data):
    ids = []
    for name in ("word/document.xml", "word/footnotes.xml"):
        ids += part(notes_data, name).xpath("//*[local-name()='docPr']/@id")
    assert sorted(ids) == ["1", "2"]
    rels = part(notes_data, "word/_rels/footnotes.xml.rels")
    assert [r.get("Target") for r in rels] == ["media/image1.png"]


# --------------------------------------------------------------- hyperlinks


def test_external_links_resolve_to_external_relationships(data):
    document = part(data, "word/document.xml")
    rels = {r.get("Id"): r for r in part(data, "word/_rels/document.xml.rels")}
    for link in document.xpath("//w:hyperlink[@r:id]", namespaces=NS):
        assert rels[link.get(f"{{{R}}}id")].get("TargetMode") == "External"
    styled = document.xpath("//w:hyperlink[@r:id]//w:rStyle/@w:val", namespaces=NS)
    assert set(styled) == {"Hyperlink"}


def test_internal_links_point_at_bookmarks(data):
    document = part(data, "word/document.xml")
    bookmarks = set(document.xpath("//w:bookmarkStart/@w:name", namespaces=NS))
    anchors = document.xpath("//w:hyperlink/@w:anchor", namespaces=NS)
    assert "outlook" in anchors
    assert set(anchors) <= bookmarks


@pytest.mark.parametrize("node_id", [
    "outlook", "us-japan-bilateral-stability", "1-intro", "a" * 60, "日本語", "q&a",
])
def test_bookmark_names_follow_word_rules(node_id):
    name = ooxml.bookmark_name(node_id)
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", name)
    assert name == ooxml.bookmark_name(node_id)
    assert ooxml.bookmark_name(node_id, hashed=True) != name or len(node_id) > 40


def test_ids_differing_only_in_refused_characters_get_distinct_bookmarks():
    book = small_book(Heading(2, (Text("One"),), id="a-b"), Heading(2, (Text("Two"),), id="a_b"))
    document = part(render_small(book), "word/document.xml")
    names = document.xpath("//w:bookmarkStart/@w:name", namespaces=NS)
    assert len(names) == len(set(names)) == 3  # the article's and the two headings


# ---------------------------------------------------------------------- TOC


def toc_entries(data: bytes) -> list:
    document = part(data, "word/document.xml")
    return document.xpath("//w:p[w:pPr/w:pStyle[@w:val='TOC1' or @w:val='TOC2' or @w:val='TOC3']]",
                          namespaces=NS)


def test_toc_field_is_prefilled_and_updated_on_opening(both):
    entries = toc_entries(both.data)
    document = part(both.data, "word/document.xml")
    instructions = [t.strip() for t in document.xpath("//w:instrText/text()", namespaces=NS)]
    assert 'TOC \\o "1-3" \\h \\z \\u' in instructions
    listed = [(int(e.find("w:pPr/w:pStyle", NS).get(f"{{{W}}}val")[-1]), " ".join(all_text(e).split()))
              for e in entries]
    assert listed == [(level, text) for level, text in model_headings(both.book) if level <= 3]
    kinds = [attr(c, "fldCharType") for e in entries for c in e.xpath(".//w:fldChar", namespaces=NS)]
    assert kinds == ["begin", "separate", "end"]  # no page numbers without the PDF's
    settings = part(both.data, "word/settings.xml")
    assert attr(settings.find("w:updateFields", NS), "val") == "true"


def test_toc_entries_link_to_their_headings_and_show_no_page_numbers():
    """The document's own page numbers are Word's to fill in; the PDF's fall elsewhere."""
    book = small_book(Heading(2, (Text("Later"),), id="later"), Heading(2, (Text("Next"),), id="x"))
    data = render_small(book)
    entries = toc_entries(data)
    assert [all_text(e) for e in entries] == ["Small", "Later", "Next"]
    assert not [t for e in entries for t in e.xpath(".//w:instrText/text()", namespaces=NS)
                if "PAGEREF" in t]
    assert not [tab for e in entries for tab in e.xpath(".//w:r/w:tab", namespaces=NS)]
    document = part(data, "word/document.xml")
    marks = set(document.xpath("//w:bookmarkStart/@w:name", namespaces=NS))
    anchors = [e.xpath("w:hyperlink/@w:anchor", namespaces=NS) for e in entries]
    assert all(len(a) == 1 and a[0] in marks for a in anchors), anchors


# ---------------------------------------------------------------- numbering


def test_each_ordered_list_restarts_its_numbering():
    def ordered(start: int) -> OrderedList:
        return OrderedList((ListItem((Paragraph((Text("item"),)),)),), start=start)

    data = render_small(small_book(ordered(3), Paragraph((Text("between"),)), ordered(1)))
    document = part(data, "word/document.xml")
    num_ids = document.xpath("//w:p[w:pPr/w:pStyle/@w:val='ListNumber']//w:numId/@w:val",
                             namespaces=NS)
    assert len(num_ids) == 2 and num_ids[0] != num_ids[1]
    numbering = part(data, "word/numbering.xml")
    starts = []
    for num_id in num_ids:
        num = numbering.xpath(f"w:num[@w:numId='{num_id}']", namespaces=NS)[0]
        starts.append(num.xpath("w:lvlOverride/w:startOverride/@w:val", namespaces=NS))
        abstract = attr(num.find("w:abstractNumId", NS), "val")
        fmt = numbering.xpath(f"w:abstractNum[@w:abstractNumId='{abstract}']/w:lvl[@w:ilvl='0']"
                              "/w:numFmt/@w:val", namespaces=NS)
        assert fmt == ["decimal"]
    assert starts == [["3"], ["1"]]


def test_nested_list_items_use_deeper_levels():
    inner = BulletList((ListItem((Paragraph((Text("inner"),)),)),))
    outer = BulletList((ListItem((Paragraph((Text("outer"),)), inner)),))
    nested = part(render_small(small_book(outer)), "word/document.xml")
    assert nested.xpath("//w:numPr/w:ilvl/@w:val", namespaces=NS) == ["0", "1"]


def test_tight_lists_sit_close_and_loose_lists_breathe():
    def bullets(tight: bool) -> BulletList:
        return BulletList(tuple(ListItem((Paragraph((Text(f"{tight} {n}"),)),)) for n in range(2)),
                          tight=tight)

    data = render_small(small_book(bullets(True), bullets(False)))
    document = part(data, "word/document.xml")
    items = document.xpath("//w:p[w:pPr/w:pStyle/@w:val='ListBullet']", namespaces=NS)
    overrides = [p.xpath("w:pPr/w:contextualSpacing/@w:val", namespaces=NS) for p in items]
    assert overrides == [[], [], ["0"], ["0"]]
    styles = part(data, "word/styles.xml")
    assert styles.xpath("w:style[@w:styleId='ListBullet']/w:pPr/w:contextualSpacing", namespaces=NS)


# ---------------------------------------------------------- tables, images


def test_table_header_row_repeats(data):
    document = part(data, "word/document.xml")
    table = document.find(".//w:tbl", NS)
    assert attr(table.find("w:tblPr/w:tblStyle", NS), "val") == "BriefingTable"
    rows = table.findall("w:tr", NS)
    assert [bool(r.xpath("w:trPr/w:tblHeader", namespaces=NS)) for r in rows] == [True, False, False, False]
    assert [all_text(c) for c in rows[1].findall("w:tc", NS)] == ["Semiconductors", "6", "interest"]
    assert attr(rows[1].findall("w:tc", NS)[1].find(".//w:jc", NS), "val") == "right"


def test_paragraph_after_a_table_keeps_its_distance(data):
    document = part(data, "word/document.xml")
    following = document.find(".//w:tbl", NS).getnext()
    assert attr(following.find("w:pPr/w:spacing", NS), "before") == "200"  # 10 pt


def test_images_carry_alt_text(sample):
    document = part(sample.data, "word/document.xml")
    descriptions = document.xpath("//*[local-name()='docPr']/@descr")
    assert descriptions == ["Bar chart of investment pledges by sector",
                            "Bar chart of five investment sectors", "small chart"]
    assert [n for n in part_names(sample.data) if n.startswith("word/media/")] == ["word/media/image1.png"]
    assert sample.reporter.warnings == []


def test_missing_image_warns_and_keeps_alt_text():
    reporter = Reporter(stream=None)
    book = small_book(Figure(Image("images/missing.png", alt="A missing chart"), pos=Pos(
        str(FIXTURES_DIR / "x.md"), 3)))
    document = docx.Document(io.BytesIO(render(book, sample_context(reporter=reporter))))
    assert "A missing chart" in [p.text for p in document.paragraphs]
    assert [w.message for w in reporter.warnings] == ["resource not found: images/missing.png"]


def test_control_characters_do_not_reach_python_docx():
    book = small_book(Paragraph((Text("bell\x07 and\x0bvertical\x00 tab"),)), title="T\x01itle")
    document = docx.Document(io.BytesIO(render_small(book)))
    texts = [p.text for p in document.paragraphs]
    assert "bell andvertical tab" in texts and "Title" in texts


# ------------------------------------------------------------- languages


def test_japanese_text_gets_its_face_and_language():
    book = small_book(Paragraph((Text("Moderated by TOMIURA Eiichi (冨浦英一)."),)))
    document = part(render_small(book), "word/document.xml")
    run = document.xpath("//w:r[w:t='冨浦英一']", namespaces=NS)[0]
    fonts, lang = run.find("w:rPr/w:rFonts", NS), run.find("w:rPr/w:lang", NS)
    assert (attr(fonts, "eastAsia"), attr(fonts, "hint")) == ("Noto Sans CJK JP", "eastAsia")
    assert attr(lang, "eastAsia") == "ja-JP"
    latin = document.xpath("//w:r[starts-with(w:t, 'Moderated')]", namespaces=NS)[0]
    assert latin.find("w:rPr", NS) is None  # Latin text keeps the style's fonts


def test_japanese_in_the_sample_bio_is_marked(data):
    document = part(data, "word/document.xml")
    runs = document.xpath("//w:r[contains(w:t, '冨浦')]", namespaces=NS)
    assert runs and all(attr(r.find("w:rPr/w:lang", NS), "eastAsia") == "ja-JP" for r in runs)


def test_an_articles_own_language_marks_its_runs():
    book = small_book(Paragraph((Text("Une phrase en français."),)), language="fr-FR")
    document = part(render_small(book), "word/document.xml")
    run = document.xpath("//w:r[w:t='Une phrase en français.']", namespaces=NS)[0]
    assert attr(run.find("w:rPr/w:lang", NS), "val") == "fr-FR"
    assert not part(render_small(small_book(Paragraph((Text("Plain"),)), language="en"))
                    , "word/document.xml").xpath("//w:lang", namespaces=NS)


def test_script_segments_cut_at_east_asian_text():
    assert script_segments("TOMIURA (冨浦英一) says「はい」.") == [
        ("TOMIURA (", False), ("冨浦英一", True), (") says", False), ("「はい」", True), (".", False)]
    assert script_segments("") == []


# ------------------------------------------------------ sections and pages


def test_articles_start_sections_with_their_own_running_heads(sample):
    sections = docx.Document(str(sample.path)).sections
    assert len(sections) == 6  # cover, contents, two articles, people, abbreviations
    assert all(s.start_type == 2 for s in sections[1:])  # WD_SECTION.NEW_PAGE
    heads = [" ".join(p.text for p in s.header.paragraphs) for s in sections[1:]]
    assert heads == [
        "For internal use only\tContents",
        "For internal use only\tUS-Japan Bilateral Stability",
        "For internal use only\tUS-Japan Relations for a New Japanese Government and for a New Era",
        "For internal use only\tPeople in this briefing",
        "For internal use only\tAbbreviations",
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
    document = docx.Document(io.BytesIO(render(small_book(Paragraph((Text("x"),))), ctx)))
    assert round(document.sections[-1].page_width.inches, 2) == 8.5


# ------------------------------------------------------------ reproducible


def test_two_renders_are_byte_identical(both):
    assert render(both.book, both.context) == both.data


def test_zip_entries_are_stamped_with_the_build_time(data):
    with zipfile.ZipFile(io.BytesIO(data)) as package_zip:
        infos = package_zip.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(2025, 11, 20, 9, 30, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o644}


def test_build_times_before_1980_are_clamped():
    early = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    assert zip_time(early) == (1980, 1, 1, 0, 0, 0)


# ------------------------------------------------------------------ pandoc


def pandoc_text(node, notes: list | None = None) -> str:
    """The text of a pandoc JSON node; notes go to ``notes`` instead of the text."""
    if isinstance(node, list):
        return "".join(pandoc_text(item, notes) for item in node)
    if not isinstance(node, dict):
        return ""
    kind, content = node.get("t"), node.get("c")
    if kind == "Str":
        return content
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind == "Note":
        if notes is not None:
            notes.append(" ".join(pandoc_text(content).split()))
        return ""
    if kind in ("Code", "Math"):
        return content[-1]
    if kind in ("Link", "Image"):
        return pandoc_text(content[1], notes)
    if kind in ("Span", "Div", "Quoted", "Cite"):
        return pandoc_text(content[-1], notes)
    return pandoc_text(content, notes)


def pandoc_walk(node):
    if isinstance(node, list):
        for item in node:
            yield from pandoc_walk(item)
    elif isinstance(node, dict):
        yield node
        yield from pandoc_walk(node.get("c"))


def pandoc_cells(table: dict) -> list[list[str]]:
    """Rows of cell texts of a pandoc Table: head rows, then each body's rows."""
    _, _, _, head, bodies, _ = table["c"]
    rows = list(head[1])
    for body in bodies:
        rows += body[2] + body[3]
    return [[" ".join(pandoc_text(cell[4]).split()) for cell in row[1]] for row in rows]


@pytest.fixture(scope="module")
def pandoc_json(both) -> dict:
    return json.loads(pypandoc.convert_file(str(both.path), "json"))


def test_pandoc_reads_the_models_headings(both, pandoc_json):
    headers = [(b["c"][0], " ".join(pandoc_text(b["c"][2]).split()))
               for b in pandoc_json["blocks"] if b["t"] == "Header"]
    assert headers == model_headings(both.book)


def test_pandoc_reads_the_models_footnotes_links_and_cells(both, pandoc_json):
    notes: list[str] = []
    pandoc_text(pandoc_json["blocks"], notes)
    assert notes == model_footnotes(both.book)
    urls = [n["c"][2][0] for n in pandoc_walk(pandoc_json["blocks"]) if n.get("t") == "Link"]
    links = model_links(both.book, notes=True)
    external = [target for _, target in links if not target.startswith("#")]
    assert sorted(u for u in urls if not u.startswith("#")) == sorted(external)
    internal = [ooxml.bookmark_name(t[1:]) for _, t in links if t.startswith("#")]
    assert set(internal) <= {u[1:] for u in urls if u.startswith("#")}
    tables = [pandoc_cells(n) for n in pandoc_walk(pandoc_json["blocks"]) if n.get("t") == "Table"]
    assert tables == model_cells(both.book)


def test_pandoc_text_holds_every_paragraph(both, pandoc_json):
    text = squash(pandoc_text(pandoc_json["blocks"], []))
    notes: list[str] = []
    pandoc_text(pandoc_json["blocks"], notes)
    text += squash(" ".join(notes))
    missing = [piece for _, pieces in model_paragraphs(both.book) for piece in pieces
               if squash(piece) not in text]
    assert missing == []


def test_pandoc_plain_text_holds_every_plain_paragraph(both):
    plain = squash(pypandoc.convert_file(str(both.path), "plain", extra_args=["--wrap=none"]))
    # plain output marks super- and subscripts and strike-outs (^(%), ₂, ~~x~~): those are
    # compared through the JSON above
    marked = ("Superscript", "Subscript", "Strikeout")
    missing = [piece for paragraph, pieces in model_paragraphs(both.book)
               if not any(type(n).__name__ in marked for n in iter_nodes(paragraph.children))
               for piece in pieces if squash(piece) not in plain]
    assert missing == []


# ------------------------------------------------------------- LibreOffice


@pytest.fixture(scope="module")
def libreoffice_pdfs(sample, briefing, folder) -> dict[str, Path]:
    """Both documents converted in one LibreOffice run (starting it is the slow part)."""
    return to_pdf([sample.path, briefing.path], folder)


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page between the running head and the footer (A4 points)."""
    return [squash(page) for page in page_texts(pdf, box=(0, 60, 595, 782))]


def on_pages(piece: str, pages: list[str]) -> bool:
    """Whether ``piece`` is on one page, or begins on one and goes on at the top of the next."""
    if any(piece in page for page in pages):
        return True
    for page, following in itertools.pairwise(pages):
        for cut in range(1, len(piece)):
            if following.startswith(piece[cut:]) and piece[:cut] in page:
                return True
    return False


@pytest.mark.parametrize("name", ["sample", "briefing"])
def test_libreoffice_pdf_holds_every_paragraph(name, libreoffice_pdfs, request):
    rendered = request.getfixturevalue(name)
    pdf = libreoffice_pdfs[name]
    assert pdf.stat().st_size > 10_000
    pages = pdf_pages(pdf)
    missing = [piece for _, pieces in model_paragraphs(rendered.book) for piece in pieces
               if not on_pages(squash(piece), pages)]
    assert missing == []
    headings = [text for _, text in model_headings(rendered.book)]
    assert [h for h in headings if not on_pages(squash(h), pages)] == []
    full = "\n".join(page_texts(pdf))
    assert re.search(r"Page 3 of \d+", full)  # fields in the footer survive


def test_the_package_holds_what_python_docx_would_save() -> None:
    """package_bytes() writes python-docx's parts once, instead of saving and re-zipping."""
    document = docx.Document()
    document.add_paragraph("Text with a link target").add_run(" and a run")
    document.add_page_break()
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as archive:
        expected = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(io.BytesIO(package.package_bytes(document, BUILD_TIME))) as archive:
        assert archive.namelist()[0] == "[Content_Types].xml"
        assert {name: archive.read(name) for name in archive.namelist()} == expected
        assert {info.date_time for info in archive.infolist()} == {zip_time(BUILD_TIME)}


def test_headers_and_links_are_named_as_python_docx_names_them() -> None:
    """Relationships keeps counters where python-docx scans the package: same parts, same ids."""
    urls = ["https://example.org/a", "https://example.org/b", "https://example.org/a"]

    def sections(document):
        for _ in range(3):
            document.add_section()
        return document.sections

    by_python_docx = docx.Document()
    for section, url in zip(sections(by_python_docx), urls, strict=False):
        section.header.is_linked_to_previous = False
        by_python_docx.part.relate_to(url, package.RT.HYPERLINK, is_external=True)
    by_python_docx.sections[-1].footer.is_linked_to_previous = False
    ours = docx.Document()
    relationships = package.Relationships(ours.part)
    for section, url in zip(sections(ours), urls, strict=False):
        assert relationships.header_paragraph(section._sectPr).tag == ooxml.qn("w:p")
        relationships.external_link(ours.part, url)
    ours.sections[-1].footer.is_linked_to_previous = False  # python-docx's own numbering in between

    def relations(document):
        return {r_id: (rel.reltype, rel.target_ref) for r_id, rel in document.part.rels.items()}

    assert relations(ours) == relations(by_python_docx)
    assert relationships.external_link(ours.part, urls[0]) == by_python_docx.part.relate_to(
        urls[0], package.RT.HYPERLINK, is_external=True)
    assert [s._sectPr.xml for s in ours.sections] == [s._sectPr.xml for s in by_python_docx.sections]
