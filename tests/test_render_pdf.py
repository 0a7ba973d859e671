"""The PDF renderer, read back with independent tools: pypdf, pdfminer and poppler's pdffonts.

Each book is rendered once per module; the tests only read the result.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTTextContainer, LTTextLine
from pypdf import PdfReader

from publish.diagnostics import Reporter
from publish.render.pdf import book as pdf
from tests.pdftools import font_programs, fonts
from tests.samplebook import (
    FIXTURES_DIR,
    JAPANESE_FIXTURE,
    book_context,
    canonical,
    find_in_order,
    footnote_texts,
    load_source,
    outline_of,
    paragraph_chunks,
    sample_book,
    sample_context,
)

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
#: Running heads sit in the 24 mm top margin; footers in the outer 15 mm of the bottom one
#: (footnotes reach down to the bottom margin).
TOP_MARGIN_PT = 24 / 25.4 * 72
FOOTER_PT = 15 / 25.4 * 72
#: Front and back matter: in the outline and contents, not articles.
NON_ARTICLE_ENTRIES = {"Contents", "At a glance", "People in this briefing", "Abbreviations"}


class WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass
class Rendered:
    book: object
    data: bytes
    reporter: Reporter
    weasyprint_warnings: list[str]
    reader: PdfReader
    #: Each page's lines of text in the body area (no running head, page number or marking).
    lines: list[list[tuple[float, str]]]

    @property
    def pages(self) -> list[str]:
        """Canonical text of each page's body area."""
        return [canonical(" ".join(text for _, text in page)) for page in self.lines]


def render_book(book, ctx) -> Rendered:
    collector = WarningCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        data = pdf.render(book, ctx)
    finally:
        logger.removeHandler(collector)
    return Rendered(book, data, ctx.reporter, collector.messages, PdfReader(io.BytesIO(data)),
                    body_lines(data))


def body_lines(data: bytes) -> list[list[tuple[float, str]]]:
    """(baseline height, text) of every line in each page's body, in pdfminer's reading order."""
    pages = []
    for layout in extract_pages(io.BytesIO(data)):
        # Line by line: pdfminer may group a footnote with the footer below it.
        pages.append([(line.y0, line.get_text()) for box in layout if isinstance(box, LTTextContainer)
                      for line in box if isinstance(line, LTTextLine)
                      and FOOTER_PT < line.y0 < layout.height - TOP_MARGIN_PT])
    return pages


@pytest.fixture(scope="module")
def sample() -> Rendered:
    return render_book(sample_book(), sample_context(reporter=Reporter(stream=None)))


@pytest.fixture(scope="module")
def seed() -> Rendered:
    return render_book(load_source(CONTENT), book_context(CONTENT, reporter=Reporter(stream=None)))


@pytest.fixture(scope="module")
def japanese() -> Rendered:
    return render_book(load_source(JAPANESE_FIXTURE),
                       book_context(JAPANESE_FIXTURE, reporter=Reporter(stream=None)))


@pytest.fixture(params=["sample", "seed", "japanese"])
def any_book(request) -> Rendered:
    return request.getfixturevalue(request.param)


def outline(reader: PdfReader) -> list[tuple[int, str]]:
    entries: list[tuple[int, str]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((depth, item.title))

    walk(reader.outline, 1)
    return entries


def article_start_pages(rendered: Rendered) -> list[int]:
    """1-based page numbers of the pages whose body starts with each article's title."""
    starts = []
    for article in rendered.book.articles:
        title = canonical(article.meta.title)
        starts.append(next(i + 1 for i, text in enumerate(rendered.pages) if text.startswith(title)))
    return starts


def contents_page_numbers(rendered: Rendered) -> list[int]:
    """The number printed at the end of each article's contents entry (on the title's last line)."""
    index = next(i for i, text in enumerate(rendered.pages) if text.startswith("contents"))
    lines = [(y, canonical(text)) for y, text in rendered.lines[index]]
    numbers = []
    for article in rendered.book.articles:
        title = canonical(article.meta.title)
        y_title = next(y for y, text in lines if text and title.startswith(text[:20]))
        # The leader and the number sit on the title's line, or on its last line when it wraps.
        candidates = [(y, text) for y, text in lines if text.isdigit() and y_title - 30 < y <= y_title + 2]
        assert candidates, article.meta.title
        numbers.append(int(max(candidates)[1]))
    return numbers


def article_streams(rendered: Rendered) -> list[str]:
    """Each article's pages joined, footnote texts taken out (they interrupt the flow)."""
    starts = article_start_pages(rendered)
    ends = [*starts[1:], len(rendered.pages) + 1]
    streams = []
    for start, end in zip(starts, ends, strict=True):
        stream = "".join(rendered.pages[start - 1:end - 1])
        for note in footnote_texts(rendered.book):
            stream = stream.replace(note, "", 1)
        streams.append(stream)
    return streams


# ------------------------------------------------------------------- every book


def test_no_warnings_from_weasyprint_or_the_renderer(any_book):
    assert any_book.weasyprint_warnings == []
    assert [str(w) for w in any_book.reporter.warnings
            if "remote resource not fetched" not in str(w)] == []


def test_every_model_paragraph_is_in_the_pdf_in_order(any_book):
    for stream, paragraphs in zip(article_streams(any_book), paragraph_chunks(any_book.book), strict=True):
        assert find_in_order(stream, paragraphs) == []


def test_every_footnote_is_printed_once(any_book):
    whole = "".join(any_book.pages)
    for note in footnote_texts(any_book.book):
        assert whole.count(note) == 1, note


def test_bookmarks_are_the_articles_and_their_headings(any_book):
    entries = [entry for entry in outline(any_book.reader) if entry[1] not in NON_ARTICLE_ENTRIES]
    assert entries == outline_of(any_book.book)


def test_contents_numbers_are_the_pages_articles_start_on(any_book):
    starts = article_start_pages(any_book)
    # The front matter has roman numbers: the first article starts page 1.
    printed = [start - starts[0] + 1 for start in starts]
    assert contents_page_numbers(any_book) == printed
    assert all(start % 2 == 1 for start in starts)  # right-hand pages


def test_every_font_is_embedded(any_book):
    listed = list(fonts(any_book.data))
    assert listed
    assert [name for name, embedded in listed if not embedded] == []


def test_tagged_with_language(any_book):
    root = any_book.reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == any_book.book.meta.language


# ------------------------------------------------------------------ the sample


def test_page_count_is_sane(sample):
    # Cover, its blank back, contents, glance, two articles each starting on a right page.
    assert 7 <= len(sample.reader.pages) <= 16


def test_text_has_titles_sections_and_qa(sample):
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in sample.reader.pages))
    for expected in ("US–Japan Relations: Trade & Security", "Contents", "At a glance",
                     "US-Japan Bilateral Stability", "Theatre & Substance", "William CHOU",
                     "For internal use only".upper(), "The visit ran from 27 to 29 October 2025"):
        assert expected in text, expected


def test_cover_has_no_page_number_front_matter_roman_and_articles_from_1(sample):
    cover = sample.reader.pages[0].extract_text()
    assert not re.search(r"^\s*(1|i)\s*$", cover, re.M)
    assert re.search(r"\biii\b", sample.reader.pages[2].extract_text())  # the contents
    first_article = article_start_pages(sample)[0]
    assert re.search(r"(^|\s)1\s*$", sample.reader.pages[first_article - 1].extract_text(), re.M)


def test_metadata_comes_from_the_book_and_build_time(sample):
    info = sample.reader.metadata
    assert info.title == "US–Japan Relations: Trade & Security"
    assert "Daisuke Kawai" in info.author
    assert info["/CreationDate"].startswith("D:20251120093000")
    assert info["/ModDate"] == info["/CreationDate"]
    assert "Q&A" in info["/Keywords"]


def test_theme_fonts_and_cjk_fallback_are_used(sample):
    names = set()
    for page in sample.reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    assert any("Source-Serif-4" in n for n in names), names
    assert any("Source-Sans-3" in n for n in names), names
    assert any("Noto-Sans-CJK" in n for n in names), names  # 冨浦英一 in a bio


def test_external_addresses_are_printed_and_internal_links_give_pages(sample):
    text = "".join(sample.pages)
    assert canonical("<https://www.whitehouse.gov/fact-sheets/>") in text
    assert re.search(canonical("see the outlook") + r"p(\d+)", text)


def test_same_input_same_bytes(sample):
    assert pdf.render(sample_book(), sample_context()) == sample.data


def test_back_matter_lists_contributors_and_abbreviations(sample):
    text = "".join(sample.pages)
    assert canonical("Abbreviations FOIP Free and Open Indo-Pacific") in text
    assert canonical("People in this briefing") in text


# ------------------------------------------------------- the Japanese fixture


def test_japanese_text_is_extractable_in_cjk_glyphs(japanese):
    text = "".join(japanese.pages)
    for expected in ("経済安全保障推進法", "レアアース", "ガリウム", "高橋 由紀", "令和4年法律第43号"):
        assert canonical(expected) in text, expected
    # The Japanese faces are the pinned package's files, whatever fonts the machine has.
    from fontTools.ttLib import TTFont
    from noto_cjk_sans_jp_bold import FONT_PATH as BOLD
    from noto_cjk_sans_jp_regular import FONT_PATH as REGULAR

    programs = font_programs(japanese.data)
    japanese_fonts = {name.split("+")[-1]: data for name, data in programs.items() if "Noto-Sans-CJK-JP" in name}
    assert {"Noto-Sans-CJK-JP", "Noto-Sans-CJK-JP-Bold"} <= set(japanese_fonts), sorted(programs)

    def version(data) -> str:
        return TTFont(io.BytesIO(data) if isinstance(data, bytes) else data)["name"].getDebugName(5)

    assert version(japanese_fonts["Noto-Sans-CJK-JP"]) == version(str(REGULAR))
    assert version(japanese_fonts["Noto-Sans-CJK-JP-Bold"]) == version(str(BOLD))


def test_table_footnote_link_and_image_are_all_there(japanese):
    pages = japanese.pages
    table = canonical("Japanese Reading English 経済安全保障 けいざいあんぜんほしょう economic security")
    assert any(table in page for page in pages)
    # The note sits on the page of its call.
    call_page = next(i for i, page in enumerate(pages) if canonical("passed in May 2022") in page)
    assert canonical("1. Act No. 43 of 2022") in pages[call_page]
    assert canonical("https://www.cao.go.jp/keizai_anzen_hosho/") in "".join(pages)
    assert canonical("Subsidies by sector") in "".join(pages)
    assert figure_alt_texts(japanese.reader) == [
        "Bar chart of supply-chain subsidies by sector (illustrative)"]
    images = [name for page in japanese.reader.pages
              for name, obj in page["/Resources"].get("/XObject", {}).items()
              if obj.get_object()["/Subtype"] == "/Image"]
    assert images


def test_link_to_a_heading_in_another_article_gives_its_page(japanese):
    text = "".join(japanese.pages)
    qa_page = next(i + 1 for i, page in enumerate(japanese.pages) if canonical("Which materials") in page)
    printed = qa_page - article_start_pages(japanese)[0] + 1  # page 1 is the first article's
    assert canonical(f"summarised in the next article (p. {printed})") in text


def figure_alt_texts(reader: PdfReader) -> list[str]:
    found: list[str] = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                found.append(str(node["/Alt"]))
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


# ------------------------------------------------------------- page size, fetcher


def test_letter_page_size_override_is_applied():
    book = sample_book()
    short = dataclasses.replace(book, articles=book.articles[1:])
    data = pdf.render(short, sample_context(page_size="Letter"))
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_a4_is_the_default(sample):
    box = sample.reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


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
