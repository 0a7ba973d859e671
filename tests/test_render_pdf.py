"""The PDF renderer, read back with pypdf (an independent PDF parser)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from publish.diagnostics import Reporter
from publish.renderers import pdf
from tests.samplebook import FIXTURES_DIR, sample_book, sample_context


@pytest.fixture(scope="module")
def rendered() -> tuple[bytes, Reporter]:
    reporter = Reporter(stream=None)
    return pdf.render(sample_book(), sample_context(reporter=reporter)), reporter


@pytest.fixture(scope="module")
def reader(rendered) -> PdfReader:
    return PdfReader(io.BytesIO(rendered[0]))


def outline_titles(reader: PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def test_renders_without_warnings(rendered):
    assert rendered[1].warnings == []


def test_page_count_is_sane(reader):
    # Cover, its blank back, contents, glance, two articles each starting on a right page.
    assert 7 <= len(reader.pages) <= 14


def test_text_has_titles_sections_and_qa(reader):
    text = " ".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", " ", text)
    for expected in ("US–Japan Relations: Trade & Security", "Contents", "At a glance",
                     "US-Japan Bilateral Stability", "Theatre & Substance", "William CHOU",
                     "For internal use only".upper(), "The visit ran from 27 to 29 October 2025"):
        assert expected in text, expected


def test_cover_has_no_page_number_but_body_pages_do(reader):
    cover = reader.pages[0].extract_text()
    assert not re.search(r"^\s*1\s*$", cover, re.M)
    assert re.search(r"\b5\b", reader.pages[4].extract_text())


def test_bookmarks_cover_articles_and_sections(reader):
    titles = outline_titles(reader)
    for expected in ("Contents", "At a glance", "US-Japan Bilateral Stability", "Theatre & Substance",
                     "Projects listed", "Q&A"):
        assert expected in titles, titles


def test_metadata_comes_from_the_book_and_build_time(reader):
    info = reader.metadata
    assert info.title == "US–Japan Relations: Trade & Security"
    assert "Daisuke Kawai" in info.author
    assert info["/CreationDate"].startswith("D:20251120093000")
    assert info["/ModDate"] == info["/CreationDate"]
    assert "Q&A" in info["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_fonts_are_embedded(reader):
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
            names.add(str(font["/BaseFont"]))
    assert any("Source-Serif-4" in n for n in names), names
    assert any("Source-Sans-3" in n for n in names), names
    assert any("Noto-Sans-CJK" in n for n in names), names  # 冨浦英一 in a bio


def test_contents_links_to_article_pages(reader):
    contents = reader.pages[2].extract_text()
    assert re.search(r"US-Japan Bilateral Stability[ .]*\d+", contents)


def test_same_input_same_bytes(rendered):
    again = pdf.render(sample_book(), sample_context())
    assert again == rendered[0]


def test_letter_page_size_is_applied():
    css = pdf.print_stylesheet(sample_context(page_size="Letter"))
    assert css.rstrip().endswith("@page { size: letter; }")


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "https://example.org/x.png",
    "ftp://example.org/x.png",
    (FIXTURES_DIR / ".." / ".." / "pyproject.toml").resolve().as_uri(),
])
def test_fetcher_refuses_anything_outside_the_allowed_folders(url):
    fetcher = pdf.LocalFetcher([FIXTURES_DIR / "images"])
    with pytest.raises(ValueError):
        fetcher.fetch(url)


def test_fetcher_serves_allowed_files():
    fetcher = pdf.LocalFetcher([FIXTURES_DIR / "images"])
    response = fetcher.fetch((FIXTURES_DIR / "images" / "chart.png").as_uri())
    assert response.read().startswith(b"\x89PNG")
