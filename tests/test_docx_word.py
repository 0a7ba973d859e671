"""The Word document as a colleague sees it: its own faces embedded, its pictures inside the
margins, its contents without borrowed page numbers; read back as XML and through LibreOffice."""

from __future__ import annotations

import dataclasses
import io
import re
import textwrap
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image as PILImage

from publish.api import load_book
from publish.diagnostics import Reporter
from publish.render.docx import writer as docx
from publish.render.docx.fonts import font_key, obfuscate
from publish.render.pdf import book as pdf
from publish.theme import Theme
from tests.libreoffice import to_pdf
from tests.pdftools import fonts, page_texts
from tests.samplebook import JAPANESE_FIXTURE, book_context

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
RED = (200, 30, 30)


def xml(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def read(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("word")


@pytest.fixture(scope="module")
def seed(folder) -> bytes:
    data = docx.render(load_book(CONTENT, Reporter(stream=None)), book_context(CONTENT, Reporter(stream=None)))
    (folder / "seed.docx").write_bytes(data)
    return data


@pytest.fixture(scope="module")
def japanese(folder) -> bytes:
    data = docx.render(load_book(JAPANESE_FIXTURE, Reporter(stream=None)),
                       book_context(JAPANESE_FIXTURE, Reporter(stream=None)))
    (folder / "japanese.docx").write_bytes(data)
    return data


@pytest.fixture(scope="module")
def wide_source(tmp_path_factory) -> Path:
    """A post whose pictures are wider than the page: alone, in a quote, a list, a table cell."""
    source = tmp_path_factory.mktemp("wide")
    (source / "images").mkdir()
    PILImage.new("RGB", (3000, 1000), RED).save(source / "images" / "wide.png")
    (source / "2025-01-01-wide.md").write_text(textwrap.dedent("""\
        ---
        title: Full-width pictures
        author: Ann Lee
        image: images/wide.png
        ---
        The standfirst.

        ![A band wider than the text block](images/wide.png)

        > ![A band inside a quote](images/wide.png)

        - ![A band inside a list item](images/wide.png)

        | One | Two | Three | Four | Five |
        |---|---|---|---|---|
        | ![A band in a cell](images/wide.png) | a | b | c | d |
        """), encoding="utf-8")
    return source


@pytest.fixture(scope="module")
def wide_documents(wide_source, folder) -> dict[str, bytes]:
    book = load_book(wide_source, Reporter(stream=None))
    documents = {}
    for size in ("A4", "Letter"):
        documents[size] = docx.render(book, book_context(wide_source, Reporter(stream=None), page_size=size))
        (folder / f"wide-{size}.docx").write_bytes(documents[size])
    return documents


@pytest.fixture(scope="module", params=["A4", "Letter"])
def wide(request, wide_documents) -> bytes:
    return wide_documents[request.param]


@pytest.fixture(scope="module")
def laid_out(seed, japanese, wide_documents, folder) -> dict[str, Path]:
    return to_pdf([folder / name for name in ("seed.docx", "japanese.docx", "wide-A4.docx", "wide-Letter.docx")],
                  folder)


# ------------------------------------------------------------------ fonts


def embedded_faces(data: bytes) -> dict[tuple[str, str], TTFont]:
    """(family, slot) -> the font, deobfuscated with the key the font table gives."""
    table = xml(data, "word/fontTable.xml")
    rels = {rel.get("Id"): rel.get("Target") for rel in xml(data, "word/_rels/fontTable.xml.rels")}
    faces = {}
    for font in table.findall("w:font", NS):
        for embed in font:
            if not etree.QName(embed).localname.startswith("embed"):
                continue
            target = "word/" + rels[embed.get(f"{{{NS['r']}}}id")]
            plain = obfuscate(read(data, target), embed.get(f"{{{W}}}fontKey"))
            faces[font.get(f"{{{W}}}name"), etree.QName(embed).localname] = TTFont(io.BytesIO(plain))
    return faces


def test_the_theme_faces_are_embedded_as_words_four_slots(seed):
    faces = embedded_faces(seed)
    assert sorted(faces) == sorted((family, slot.removeprefix("w:")) for family in ("Source Serif 4", "Source Sans 3")
                                   for slot in ("w:embedRegular", "w:embedBold", "w:embedItalic", "w:embedBoldItalic"))
    for (family, slot), font in faces.items():
        names = font["name"]
        style = {"embedRegular": "Regular", "embedBold": "Bold", "embedItalic": "Italic",
                 "embedBoldItalic": "Bold Italic"}[slot]
        assert (names.getDebugName(1), names.getDebugName(2)) == (family, style)
        assert bool(font["head"].macStyle & 1) == ("Bold" in style)
        assert bool(font["OS/2"].fsSelection & 1) == ("Italic" in style)
        assert "fvar" not in font  # a static instance
        assert "Open Font License" in names.getDebugName(13)
    # subsets: the document's characters are there, and far from the whole face
    text = "".join(xml(seed, "word/document.xml").xpath("//w:t/text()", namespaces=NS))
    serif = faces["Source Serif 4", "embedRegular"].getBestCmap()
    assert {ord(c) for c in text if not c.isspace() and ord(c) < 0x3000} <= set(serif)
    assert len(serif) < 400
    settings = xml(seed, "word/settings.xml")
    assert settings.find("w:embedTrueTypeFonts", NS) is not None
    assert settings.find("w:saveSubsetFonts", NS) is not None
    types = read(seed, "[Content_Types].xml").decode()
    assert 'ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"' in types


def test_the_headings_bold_is_the_semibold_of_print(seed):
    assert embedded_faces(seed)["Source Sans 3", "embedBold"]["OS/2"].usWeightClass == 600
    assert embedded_faces(seed)["Source Serif 4", "embedBold"]["OS/2"].usWeightClass == 700


def test_obfuscation_follows_ecma_376():
    """§17.8.1: the key's bytes in reverse order, XORed over the first 32 bytes of the font."""
    key = "{00112233-4455-6677-8899-AABBCCDDEEFF}"
    data = bytes(range(40))
    secret = bytes.fromhex("FFEEDDCCBBAA99887766554433221100")
    assert obfuscate(data, key) == bytes(b ^ secret[i % 16] for i, b in enumerate(data[:32])) + data[32:]
    assert obfuscate(obfuscate(data, key), key) == data
    assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", font_key(data))
    assert font_key(data) == font_key(bytes(data))  # the same font, the same key


def test_a_theme_can_turn_embedding_off(seed):
    ctx = book_context(CONTENT, Reporter(stream=None))
    theme = dataclasses.replace(ctx.theme, docx={"embed_fonts": False})
    data = docx.render(load_book(CONTENT, Reporter(stream=None)), dataclasses.replace(ctx, theme=theme))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert not [n for n in archive.namelist() if n.startswith("word/fonts/")]
    assert xml(data, "word/settings.xml").find("w:embedTrueTypeFonts", NS) is None
    assert len(data) * 3 < len(seed)
    assert Theme({}, {}, {}).docx == {}  # and embedding is on unless the theme says otherwise


def test_the_japanese_face_is_embedded_with_truetype_outlines_for_japanese_text_alone(seed, japanese):
    faces = embedded_faces(japanese)
    cjk = {slot: font for (family, slot), font in faces.items() if family == "Noto Sans CJK JP"}
    assert sorted(cjk) == ["embedBold", "embedRegular"]
    for font in cjk.values():
        assert "glyf" in font and "CFF " not in font  # Word embeds TrueType outlines only
        covered = set(font.getBestCmap())
        assert {ord(c) for c in "経済安全保障推進法令和"} <= covered
        assert ord("A") not in covered  # the Latin faces set Latin text
    assert not [family for family, _ in embedded_faces(seed) if family == "Noto Sans CJK JP"]


@pytest.mark.parametrize("document", ["seed", "japanese"])
def test_libreoffice_sets_the_text_in_the_embedded_faces(document, laid_out):
    """On a machine with none of the theme's fonts, Japanese included."""
    used = {name.split("+")[-1] for name, _ in fonts(laid_out[document])}
    faces = ("SourceSerif4-", "SourceSans3-", "NotoSansCJKJP-")
    assert used and all(name.startswith(faces) for name in used), sorted(used)
    assert any(name.startswith("NotoSansCJKJP-") for name in used) == (document == "japanese")


# ---------------------------------------------------------------- pictures


def test_every_picture_fits_its_text_block_in_the_xml(wide):
    document = xml(wide, "word/document.xml")
    sect = document.find(".//w:body/w:sectPr", NS)
    size, margins = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
    text_width = (int(size.get(f"{{{W}}}w")) - int(margins.get(f"{{{W}}}left"))
                  - int(margins.get(f"{{{W}}}right"))) * 635  # EMU
    inlines = document.findall(".//wp:inline", NS)
    assert len(inlines) == 5
    for inline in inlines:
        effect = inline.find("wp:effectExtent", NS)
        width = (int(inline.find("wp:extent", NS).get("cx")) + int(effect.get("l")) + int(effect.get("r"))
                 + int(inline.get("distL")) * 2 + int(inline.get("distR")) * 2)
        cell = inline.xpath("ancestor::w:tc", namespaces=NS)
        limit = text_width // 5 if cell else text_width
        assert width <= limit, (inline.find("wp:docPr", NS).get("descr"), width, limit)
        assert inline.find("wp:docPr", NS).get("descr")  # the lead image's too
    lead = inlines[0].find("wp:docPr", NS).get("descr")
    assert lead == "Lead image of the article “Full-width pictures”"


def red_box(image: PILImage.Image) -> tuple[int, int, int, int] | None:
    """The bounding box of the test pictures' red on a rendered page."""
    from PIL import ImageChops

    r, g, b = image.convert("RGB").split()
    mask = ImageChops.multiply(ImageChops.multiply(r.point(lambda v: 255 if v > 150 else 0),
                                                   g.point(lambda v: 255 if v < 90 else 0)),
                               b.point(lambda v: 255 if v < 90 else 0))
    return mask.getbbox()


def test_no_pixel_of_a_picture_lies_outside_the_text_block(laid_out):
    import pypdfium2

    margin = 1418 / 20  # points: the 25 mm margins of every page size; a pixel (0.5 pt) of antialiasing
    for stem in ("wide-A4", "wide-Letter"):
        document = pypdfium2.PdfDocument(laid_out[stem])
        boxes = []
        for page in document:
            box = red_box(page.render(scale=2).to_pil())
            if box:
                boxes.append(box)
                left, right = box[0] / 2, (box[2] - 1) / 2  # the last red pixel's column, in points
                assert left >= margin - 0.5, (stem, left)
                assert right <= page.get_width() - margin + 0.5, (stem, right, page.get_width() - margin)
        assert len(boxes) >= 2, stem  # the pictures were drawn


# ---------------------------------------------------- the same book both sides


def test_the_docx_pages_hold_the_pdfs_headings_in_the_same_order(laid_out):
    book = load_book(CONTENT, Reporter(stream=None))
    printed = pdf.render(book, book_context(CONTENT, Reporter(stream=None)))
    from publish.model.nodes import Heading
    from publish.model.walk import iter_nodes, plain_text

    headings = [article.meta.title for article in book.articles] + [
        plain_text(node.children) for article in book.articles for node in iter_nodes(article.blocks)
        if isinstance(node, Heading)]

    def order(pages: list[str]) -> list[str]:
        text = re.sub(r"\s+", " ", " ".join(pages))
        # past the contents, which list every heading first
        start = text.find(book.articles[0].meta.title, text.find("Contents") + len("Contents") + 1)
        found = [(text.find(h, start), h) for h in headings]
        assert all(at >= 0 for at, _ in found), [h for at, h in found if at < 0]
        return [h for _, h in sorted(found)]

    word = page_texts(laid_out["seed"])
    assert order(word) == order(page_texts(printed))
    # and the contents show no page number the document does not have
    contents = next(page for page in word if "Contents" in page[:200])
    entries = [line.strip() for line in contents.splitlines() if line.strip() and not line.startswith("Page ")]
    assert book.articles[0].meta.title in entries
    assert [line for line in entries if re.search(r"\s\d+$", line)] == []
