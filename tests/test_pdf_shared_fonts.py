"""One subset per face in a book assembled from parts (publish/render/pdf/shared_fonts.py).

A book of short articles, each a part of its own, is built with the parts' subsets
merged and with them left as they are; the two must draw the same pixels and give the
same text, with fewer, smaller fonts.  The merge itself is tried on subsets cut here.
"""

from __future__ import annotations

import collections
import dataclasses
import io
import textwrap
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from publish.api import load_book
from publish.diagnostics import Reporter
from publish.render.font_instances import pdf_subset, static_instance
from publish.render.pdf import assemble
from publish.render.pdf import book as pdf
from publish.render.pdf import parts as pdf_parts
from publish.render.pdf.shared_fonts import merge_subsets
from publish.theme.fonts import family_files
from tests.pdftools import syntax_problems
from tests.samplebook import book_context
from tests.test_accessibility import pdfua_findings

#: Each article draws letters the others do not: accents (composite glyphs), figures, code, Japanese.
ARTICLES = [
    "The café's naïve résumé of the crisis, in **bold** and *italics*.",
    "Señor Ångström's façade: œuvres, Zürich, Kraków and Øresund (2024–2025).",
    "Figures 0123456789 and `print(x)` in code; quarter 3 of 2025, 17 % up.",
    "The ministers met in 東京 for the 会議 on energy; 42 delegations came.",
]


def write_book(folder: Path) -> Path:
    folder.mkdir()
    for i, text in enumerate(ARTICLES, 1):
        body = "\n\n".join(f"{text} Paragraph {k} of post {i}." for k in range(1, 4))
        (folder / f"2025-03-0{i}-post-{i}.md").write_text(textwrap.dedent(f"""\
            ---
            title: "Outlook number {i}"
            author: Analyst Number{i}
            date: 2025-03-0{i}
            ---
            """) + f"## Section {i}\n\n{body}\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, bytes]:
    source = write_book(tmp_path_factory.mktemp("shared-fonts") / "book")
    book = load_book(source, Reporter(stream=None))

    def build(variant: str = "pdf/ua-1") -> bytes:
        ctx = dataclasses.replace(book_context(source, Reporter(stream=None)), pdf_variant=variant)
        return pdf.layout(book, ctx).data

    built = {}
    with pytest.MonkeyPatch.context() as patch:
        # one article a part (where parts are sized by pages, make every article one)
        patch.setattr(pdf_parts, "PART_PAGES", 1, raising=False)
        assert len(pdf_parts.plan(book) or ()) >= len(ARTICLES) + 1
        built["shared"] = build()
        # the merge must not depend on the clock nor on SOURCE_DATE_EPOCH (the model, read
        # once, would: it dates the cover with it)
        patch.setenv("SOURCE_DATE_EPOCH", "2000000000")
        built["again"] = build()
        patch.delenv("SOURCE_DATE_EPOCH")
        built["pdf/a-1b"] = build("pdf/a-1b")
        patch.setattr(assemble, "share_fonts", lambda _pdf, _merge: None)
        built["separate"] = build()
        built["pdf/a-1b separate"] = build("pdf/a-1b")
    return built


def font_files(data: bytes) -> dict[str, dict[str, set[bytes]]]:
    """The font name of every descriptor -> font file key -> the distinct programs it points at."""
    found: dict[str, dict[str, set[bytes]]] = collections.defaultdict(lambda: collections.defaultdict(set))
    with pikepdf.open(io.BytesIO(data)) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                for key in ("/FontFile2", "/FontFile3"):
                    if key in obj:
                        found[str(obj.FontName)][key].add(obj[key].read_bytes())
    return found


def streams(data: bytes, key: str) -> dict[str, int]:
    """The font name of every descriptor with a ``key`` font file -> how many streams they point at."""
    found: dict[str, set[tuple[int, int]]] = collections.defaultdict(set)
    with pikepdf.open(io.BytesIO(data)) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor" and key in obj:
                found[str(obj.FontName)].add(obj[key].objgen)
    return {name: len(objgens) for name, objgens in found.items()}


def stream_count(data: bytes, key: str) -> int:
    return sum(streams(data, key).values())


def bitmaps(data: bytes) -> list[bytes]:
    document = pypdfium2.PdfDocument(data)
    try:
        return [bytes(page.render(scale=100 / 72).buffer) for page in document]
    finally:
        document.close()


def test_every_page_draws_the_same_pixels(books):
    shared, separate = bitmaps(books["shared"]), bitmaps(books["separate"])
    assert len(shared) == len(separate) > len(ARTICLES)
    assert [index for index, (a, b) in enumerate(zip(shared, separate, strict=True)) if a != b] == []


def test_the_text_is_the_same(books):
    def texts(data: bytes) -> list[str]:
        return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]

    assert texts(books["shared"]) == texts(books["separate"])
    assert any("Ångström" in page for page in texts(books["shared"]))


def test_one_truetype_program_per_face_and_a_smaller_pdf(books):
    shared, separate = font_files(books["shared"]), font_files(books["separate"])
    assert shared.keys() == separate.keys()
    truetype = [name for name in shared if "/FontFile2" in shared[name]]
    assert truetype and all(len(shared[name]["/FontFile2"]) == 1 for name in truetype)
    assert any(len(separate[name]["/FontFile2"]) > 1 for name in truetype)
    assert stream_count(books["shared"], "/FontFile2") == len(truetype)
    assert stream_count(books["shared"], "/FontFile2") < stream_count(books["separate"], "/FontFile2")
    assert len(books["shared"]) < len(books["separate"])


def test_cff_fonts_stay_one_per_part(books):
    assert stream_count(books["shared"], "/FontFile3") == stream_count(books["separate"], "/FontFile3") > 0


def test_fonttools_reads_every_program_and_finds_every_component(books):
    for name, files in font_files(books["shared"]).items():
        for program in files.get("/FontFile2", ()):
            font = TTFont(io.BytesIO(program))
            glyf, order = font["glyf"], font.getGlyphOrder()
            assert font["maxp"].numGlyphs == len(order), name
            for glyph_name in order:
                glyph = glyf[glyph_name]
                if glyph.isComposite():
                    for component in glyph.getComponentNames(glyf):
                        assert glyf[component].numberOfContours != 0, (name, glyph_name, component)


def test_the_same_parts_give_the_same_bytes(books):
    assert books["shared"] == books["again"]


def test_the_pdf_is_well_formed_and_passes_the_pdf_ua_checker(books, tmp_path):
    path = tmp_path / "book.pdf"
    path.write_bytes(books["shared"])
    assert syntax_problems(path) == []
    assert pdfua_findings(path) == []


def test_pdf_a_1_cid_sets_are_shared_and_list_every_cid(books):
    def cid_sets(data: bytes) -> dict[str, set[int]]:  # font name -> the CIDs its descriptors' CIDSets list
        sets: dict[str, set[int]] = collections.defaultdict(set)
        with pikepdf.open(io.BytesIO(data)) as document:
            for obj in document.objects:
                if isinstance(obj, pikepdf.Dictionary) and "/CIDSet" in obj and "/FontFile2" in obj:
                    bits = obj.CIDSet.read_bytes()
                    sets[str(obj.FontName)] |= {cid for cid in range(8 * len(bits)) if bits[cid // 8] & 0x80 >> cid % 8}
        return sets

    shared, separate = books["pdf/a-1b"], books["pdf/a-1b separate"]
    assert cid_sets(separate) != {}
    # a face the parts embedded more than once: every CID some part lists, and every glyph
    # of the shared program; else as the part has it
    programs, separate_streams = font_files(shared), streams(separate, "/FontFile2")
    for name, cids in cid_sets(shared).items():
        font = TTFont(io.BytesIO(next(iter(programs[name]["/FontFile2"]))))
        glyf, order = font["glyf"], font.getGlyphOrder()
        held = {gid for gid, glyph_name in enumerate(order) if glyf[glyph_name].numberOfContours != 0}
        assert cids == cid_sets(separate)[name] | (held if separate_streams[name] > 1 else set()), name
    with pikepdf.open(io.BytesIO(shared)) as document:
        descriptors = [obj for obj in document.objects if isinstance(obj, pikepdf.Dictionary) and "/CIDSet" in obj
                       and "/FontFile2" in obj]
        assert len({obj.CIDSet.objgen for obj in descriptors}) == len({str(obj.FontName) for obj in descriptors})
    assert stream_count(shared, "/FontFile2") < stream_count(separate, "/FontFile2")
    assert bitmaps(shared) == bitmaps(separate)


# ------------------------------------------------------------------- the merge itself


SERIF = family_files("Source Serif 4")[0].path


def cut(text: str, location: dict[str, float], path: Path = SERIF) -> tuple[bytes, list[int]]:
    """A subset of ``path`` for ``text`` as a part embeds it (cut, then instanced), and the glyph ids drawn."""
    font = TTFont(path, lazy=True)
    cmap = font.getBestCmap()
    gids = sorted({0, *(font.getGlyphID(cmap[ord(character)]) for character in text)})
    return static_instance(pdf_subset(path.read_bytes(), 0, gids, hinting=False, notdef_outline=False), location), gids


def drawing(font: TTFont, gid: int) -> tuple[int, list]:
    """A glyph's advance and outline, components drawn in: what a reader draws for it."""
    name = font.getGlyphOrder()[gid]
    glyphs = font.getGlyphSet()
    pen = DecomposingRecordingPen(glyphs)
    glyphs[name].draw(pen)
    return font["hmtx"][name][0], pen.value


def test_two_subsets_merge_into_one_that_draws_every_glyph_of_each(monkeypatch):
    location = {"wght": 400, "opsz": 11}
    cuts = [cut("Hi café, naïve!", location), cut("Señor Ångström 2025 øœ", location)]
    subsets = [(data, gids[-1]) for data, gids in cuts]
    merged = merge_subsets(subsets)
    assert merged is not None
    font = TTFont(io.BytesIO(merged))
    for data, gids in cuts:
        part = TTFont(io.BytesIO(data))
        assert [drawing(font, gid) for gid in gids] == [drawing(part, gid) for gid in gids]
    # every component exists, with an outline; some came from past a subset's last glyph drawn
    glyf = font["glyf"]
    composites = [name for name in font.getGlyphOrder() if glyf[name].isComposite()]
    assert composites
    assert all(glyf[component].numberOfContours != 0
               for name in composites for component in glyf[name].getComponentNames(glyf))
    assert font["maxp"].numGlyphs > max(last for _, last in subsets) + 1
    # the bytes depend on the subsets alone: not on their order, the clock or SOURCE_DATE_EPOCH
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    assert merge_subsets(subsets[::-1]) == merged
    assert font["head"].modified == TTFont(io.BytesIO(subsets[0][0]))["head"].modified


def test_subsets_of_different_instances_or_fonts_are_left_alone():
    def subset(text: str, location: dict[str, float], path: Path = SERIF) -> tuple[bytes, int]:
        data, gids = cut(text, location, path)
        return data, gids[-1]

    regular, other = subset("Hi café", {"wght": 400, "opsz": 11}), subset("Señor", {"wght": 400, "opsz": 11})
    assert merge_subsets([regular, other]) is not None
    assert merge_subsets([regular, subset("Señor", {"wght": 700, "opsz": 11})]) is None
    assert merge_subsets([regular, subset("Señor", {"wght": 400}, family_files("Source Sans 3")[0].path)]) is None
    # told of a last glyph drawn that comes before one the subset holds and no glyph uses as a component
    data, last = regular
    assert merge_subsets([(data, last - 1), other]) is None
