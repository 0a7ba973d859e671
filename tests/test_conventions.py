"""The rules every format shares, and one model rendered in the three formats to show they agree."""

from __future__ import annotations

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
from publish.render.pdf import typeset as pdf
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
    assert [(g.label, [p.name for p in g.people]) for g in groups] == [
        ("Speakers", ["A", "B"]), ("Moderator", ["M"]), ("Commentator & Moderator", ["C"])]
    assert [g.label for g in byline_groups([person("A", "author"), person("B", "author")])] == ["By"]
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
