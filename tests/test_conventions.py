"""The rules every format shares, and one model rendered in the three formats to show they agree."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from xml.etree import ElementTree as ET

import pytest
from lxml import etree

from publish.conventions import bio_heading, byline_groups, join_names, name_separators, role_label
from publish.model.nodes import Article, ArticleMeta, Book, BookMeta, Paragraph, Person, Pos, Text
from publish.render.docx import writer as docx
from publish.render.epub import package as epub
from publish.render.pdf import book as pdf
from tests.pdftools import page_texts
from tests.samplebook import FIXTURES_DIR, sample_context

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def person(name: str, *roles: str, affiliation: str = "", bio: str = "") -> Person:
    return Person(name, roles=roles, affiliations=(affiliation,) if affiliation else (),
                  bio=(Paragraph((Text(bio),)),) if bio else (), id=name.lower().replace(" ", "-"))


@pytest.mark.parametrize(("names", "language", "joined"), [
    (["Ann Lee"], "en", "Ann Lee"),
    (["Ann Lee", "Ken Tanaka"], "en-GB", "Ann Lee and Ken Tanaka"),
    (["Ann Lee", "Ken Tanaka", "Mei Lin"], "en", "Ann Lee, Ken Tanaka and Mei Lin"),
    (["高橋 由紀", "田中 健"], "ja", "高橋 由紀、田中 健"),
])
def test_names_are_joined_as_the_language_joins_them(names, language, joined):
    assert join_names(names, language) == joined
    separators = name_separators(len(names), language)
    assert "".join(name + after for name, after in zip(names, separators, strict=True)) == joined


def test_one_byline_per_set_of_roles_in_the_sources_order():
    people = [person("A", "speaker"), person("M", "moderator"), person("B", "Speaker"),
              person("C", "commentator", "moderator")]
    groups = byline_groups(people)
    assert [(g.label(), [p.name for p in g.people]) for g in groups] == [
        ("Speakers", ["A", "B"]), ("Moderator", ["M"]), ("Commentator & Moderator", ["C"])]
    assert [g.label() for g in byline_groups([person("A", "author"), person("B", "author")])] == ["By"]
    assert role_label(("keynote speaker", "Q&A chair"), plural=True) == "Keynote speakers & Q&A chairs"


def test_the_bio_heading_names_authors_or_contributors():
    assert bio_heading([person("A", "author", bio="A writes.")]) == "About the author"
    assert bio_heading([person("A", "author", bio="x"), person("B", "author", bio="y")]) == "About the authors"
    assert bio_heading([person("A", "speaker", bio="x")]) == "About the contributors"


# ------------------------------------------------------- one model, three formats

BYLINES = ["By Ann Lee (Example Institute) and Ken Tanaka (RIETI)",
           "Speakers: Alice Smith (Policy Forum), Bo Chen and Dan Ito",
           "Moderator: Yui Nakamura, RIETI"]


@pytest.fixture(scope="module")
def book() -> Book:
    people = (person("Ann Lee", "author", affiliation="Example Institute", bio="Ann Lee writes."),
              person("Ken Tanaka", "author", affiliation="RIETI", bio="Ken Tanaka writes."),
              person("Alice Smith", "speaker", affiliation="Policy Forum"), person("Bo Chen", "speaker"),
              person("Dan Ito", "speaker"), person("Yui Nakamura", "moderator", affiliation="RIETI"))
    article = Article("bylines", ArticleMeta(title="Bylines", people=people, language="en"),
                      (Paragraph((Text("Body text."),)),), pos=Pos(str(FIXTURES_DIR / "bylines.md")))
    return Book(BookMeta(title="Book", slug="book"), (article,))


def normal(text: str) -> str:
    """Compared without case, spacing and the marks a format may draw or set on a line of
    their own instead of writing them (":", "()", the comma before a lone affiliation)."""
    return re.sub(r"[\s():,]+", "", text).lower()


def test_bylines_and_bio_heading_read_alike_in_every_format(book):
    expected = [normal(line) for line in BYLINES]
    # EPUB: the article's byline list, one item a byline
    with zipfile.ZipFile(io.BytesIO(epub.render(book, sample_context()))) as archive:
        page = ET.fromstring(next(archive.read(n) for n in archive.namelist() if n.endswith("bylines.xhtml")))
    items = page.findall(f".//{XHTML}ul[@class='byline']/{XHTML}li")
    assert [normal("".join(item.itertext())) for item in items] == expected
    assert "About the authors" in "".join(page.itertext())
    # DOCX: a Byline paragraph each
    with zipfile.ZipFile(io.BytesIO(docx.render(book, sample_context()))) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
    paragraphs = document.iter(f"{W}p")
    styled = [(p.find(f"{W}pPr/{W}pStyle").get(f"{W}val"), "".join(p.itertext())) for p in paragraphs
              if p.find(f"{W}pPr/{W}pStyle") is not None]
    assert [text for style, text in styled if style == "Byline"] == BYLINES
    assert ("BioHeading", "About the authors") in styled
    # PDF: the same lines, in order, on the article's page
    text = normal("".join(page_texts(pdf.render(book, sample_context()))))
    positions = [text.find(line) for line in expected]
    assert -1 not in positions and positions == sorted(positions), positions
    assert normal("About the authors") in text


# ------------------------------------------------------------- which links stay links

LINKED = {
    "https://example.org/report": True,  # a web address
    "mailto:desk@example.org": True,
    "#bylines--findings": True,  # a heading of the book
    "tel:+81-3-0000-0000": False,
    "/2025/11/other-post/": False,  # relative to the site the post came from
    "{{ site.baseurl }}/about/": False,
    "#no-such-place": False,
}


@pytest.fixture(scope="module")
def linked_book() -> tuple[Book, list[str]]:
    from publish.diagnostics import Reporter
    from publish.model.nodes import Heading, Link
    from publish.transforms import apply_transforms

    links = tuple(Link((Text(f"link {n}"),), target) for n, target in enumerate(LINKED))
    spaced = tuple(node for link in links for node in (link, Text(" ")))
    article = Article("", ArticleMeta(title="Bylines", language="en", date=dt.date(2025, 11, 20),
                                      people=(person("Ann Lee", "author"),)),
                      (Heading(2, (Text("Findings"),)), Paragraph(spaced, pos=Pos(str(FIXTURES_DIR / "links.md"), 3, 1))),
                      pos=Pos(str(FIXTURES_DIR / "links.md")))
    reporter = Reporter(stream=None)
    book = apply_transforms(Book(BookMeta(title="Book", slug="book", date=dt.date(2025, 11, 20)), (article,)),
                            reporter)
    return book, [str(w) for w in reporter.warnings]


def test_a_link_the_formats_cannot_all_open_is_text_everywhere_with_one_warning(linked_book):
    book, warnings = linked_book
    dropped = [target for target, live in LINKED.items() if not live]
    assert len([w for w in warnings if "link" in w]) == len(dropped)
    assert all(w.startswith(f"{FIXTURES_DIR / 'links.md'}:3:1: warning: ") for w in warnings if "link" in w)
    live_addresses = sorted(t for t, live in LINKED.items() if live and not t.startswith("#"))
    # EPUB: anchors with an address, and the cross-reference
    with zipfile.ZipFile(io.BytesIO(epub.render(book, sample_context()))) as archive:
        page = ET.fromstring(next(archive.read(n) for n in archive.namelist() if n.endswith("bylines.xhtml")))
    hrefs = [a.get("href") for a in page.iter(f"{XHTML}a") if "link" in "".join(a.itertext())]
    assert sorted(h for h in hrefs if not h.startswith("#")) == live_addresses
    assert hrefs.count("#bylines--findings") == 1
    # DOCX: external relationships for the addresses only, one internal hyperlink
    with zipfile.ZipFile(io.BytesIO(docx.render(book, sample_context()))) as archive:
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
        document = etree.fromstring(archive.read("word/document.xml"))
    external = sorted(r.get("Target") for r in rels if r.get("TargetMode") == "External")
    assert external == live_addresses
    anchors = [h.get(f"{W}anchor") for h in document.iter(f"{W}hyperlink")
               if h.get(f"{W}anchor") and "link" in "".join(h.itertext())]
    assert len(anchors) == 1
    # PDF: link annotations to the addresses only
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf.render(book, sample_context()))) as document_pdf:
        uris = sorted({str(annot.A.URI) for page_pdf in document_pdf.pages for annot in page_pdf.get("/Annots", [])
                       if "/A" in annot and "/URI" in annot.A})
    assert uris == live_addresses


def test_dates_and_the_back_matter_read_alike_in_every_format(linked_book):
    from publish.conventions import PEOPLE_TITLE, format_date

    book, _ = linked_book
    day = format_date(dt.date(2025, 11, 20))
    assert day == "20 November 2025"
    with zipfile.ZipFile(io.BytesIO(epub.render(book, sample_context()))) as archive:
        texts = " ".join("".join(ET.fromstring(archive.read(n)).itertext()) for n in archive.namelist()
                         if n.endswith(".xhtml"))
    with zipfile.ZipFile(io.BytesIO(docx.render(book, sample_context()))) as archive:
        word = "".join(etree.fromstring(archive.read("word/document.xml")).itertext())
    printed = " ".join(page_texts(pdf.render(book, sample_context())))
    for shown in (texts, word, printed):
        assert day in shown
        assert PEOPLE_TITLE in shown
