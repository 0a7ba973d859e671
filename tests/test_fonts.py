"""The theme's faces come from pinned packages, never from the machine, and a character
no face has is reported at its source."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from publish.api import load_book
from publish.diagnostics import Reporter
from publish.model.nodes import Pos
from publish.render.epub import package as epub
from publish.render.font_instances import pdf_subset
from publish.render.pdf import book as pdf
from publish.theme import fonts, load_theme
from tests.pdftools import fonts as pdf_fonts
from tests.samplebook import JAPANESE_FIXTURE, book_context, load_source, sample_book, sample_context

ROOT = Path(__file__).resolve().parent.parent
THEME = load_theme(ROOT / "styles")
#: PostScript-style names WeasyPrint gives the theme's faces in a PDF.
THEME_FONT_NAMES = ("Source-Serif-4", "Source-Sans-3", "Source-Code-Pro", "Noto-Sans-CJK-JP")


@pytest.mark.parametrize("role", sorted(THEME.fonts))
def test_every_face_of_the_theme_is_a_packaged_file(role):
    files = fonts.family_files(THEME.fonts[role])
    assert files, f"{role}: {THEME.fonts[role]} is not packaged"
    assert all(f.path.is_file() and f.licence == "OFL-1.1" for f in files)
    assert all("site-packages" in f.path.parts for f in files)  # from a package, not the machine


def test_the_japanese_face_covers_the_common_kanji_and_kana():
    japanese = fonts.repertoire(THEME.fonts["cjk"])
    kana = [*range(0x3041, 0x3097), *range(0x30A1, 0x30FB)]
    # The 2,136 jōyō kanji lie in the CJK Unified block; a sample across it, and the full-width forms.
    sample = [ord(c) for c in "経済安全保障推進法令和年月日冨浦英一高橋由紀讃曖昧"] + [*range(0xFF01, 0xFF5F)]
    assert [hex(c) for c in kana + sample if c not in japanese] == []


def _book_with(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "2025-01-02-glyphs.md").write_text(textwrap.dedent("""\
        ---
        title: Glyphs
        author: Ann Lee
        ---
        A first paragraph.

        """) + body, encoding="utf-8")
    return folder


def test_a_character_no_face_has_is_reported_at_its_paragraph(tmp_path):
    folder = _book_with(tmp_path, "Plain text.\n\nA word in Devanagari, हि, and 経済 in Japanese.\n")
    found = fonts.missing_glyphs(load_book(folder, Reporter(stream=None)), THEME, Pos("briefing.toml"))
    assert [(d.pos.line, d.message) for d in found] == [
        (9, "2 characters with no glyph in the theme's faces, printed as empty boxes: "
            "U+0939 “ह” (devanagari letter ha), U+093F “ि” (devanagari vowel sign i)")]
    assert found[0].pos.path.endswith("2025-01-02-glyphs.md")


def test_japanese_latin_and_invisible_characters_need_no_warning():
    book = load_source(JAPANESE_FIXTURE)
    assert fonts.missing_glyphs(book, THEME, Pos("briefing.toml")) == []
    assert fonts.missing_glyphs(sample_book(), THEME, Pos("briefing.toml")) == []


def _publish(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "publish", *args], cwd=cwd, capture_output=True, text=True)


def test_the_build_warns_once_at_the_source_and_strict_fails(tmp_path):
    folder = _book_with(tmp_path, "An emoji 🙂 in text.\n")
    done = _publish("build", str(folder), "-o", str(tmp_path / "out"), "-f", "pdf", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    expected = (f"{folder / '2025-01-02-glyphs.md'}:7:1: warning: 1 character with no glyph in the theme's "
                "faces, printed as empty boxes: U+1F642 “🙂” (slightly smiling face)")
    assert expected in done.stderr.splitlines()
    assert ".notdef" not in done.stderr  # WeasyPrint's own word for it, without a place, is not repeated
    strict = _publish("build", str(folder), "-o", str(tmp_path / "strict"), "-f", "pdf", "--strict", cwd=ROOT)
    assert strict.returncode == 1
    assert expected.replace(": warning:", ": error:") in strict.stderr.splitlines()
    assert not (tmp_path / "strict").exists() or not list((tmp_path / "strict").glob("*.pdf"))


@pytest.fixture(scope="module")
def japanese_pdf() -> bytes:
    return pdf.render(load_source(JAPANESE_FIXTURE), book_context(JAPANESE_FIXTURE, reporter=Reporter(stream=None)))


@pytest.mark.parametrize("which", ["japanese", "sample"])
def test_every_font_in_the_pdf_is_a_face_of_the_theme(which, japanese_pdf):
    data = japanese_pdf if which == "japanese" else pdf.render(sample_book(), sample_context())
    names = {name.split("+")[-1] for name, _ in pdf_fonts(data)}
    assert names and all(name.startswith(THEME_FONT_NAMES) for name in names), sorted(names)
    if which == "sample":
        assert any(name.startswith("Source-Code-Pro") for name in names)  # its code


def test_the_pdf_cuts_its_subsets_with_harfbuzz_from_pip(monkeypatch):
    """Neither the system's HarfBuzz subsetter nor fontTools' is asked, whichever the machine has."""
    from weasyprint.pdf import fonts as weasyprint_fonts

    def refuse(*args, **kwargs):
        raise AssertionError("WeasyPrint's own subsetter was used")

    monkeypatch.setattr(weasyprint_fonts.Font, "_harfbuzz_subset", refuse)
    monkeypatch.setattr(weasyprint_fonts.Font, "_fonttools_subset", refuse)
    assert pdf.render(sample_book(), sample_context()).startswith(b"%PDF")


def test_a_pdf_subset_keeps_glyph_ids_and_outlines():
    source = fonts.family_files(THEME.fonts["cjk"])[0].path.read_bytes()
    original = TTFont(io.BytesIO(source))
    cmap = original.getBestCmap()
    order = original.getGlyphOrder()
    glyphs = sorted(order.index(cmap[ord(c)]) for c in "経済A")
    data = pdf_subset(source, 0, glyphs, hinting=False, notdef_outline=False)
    cut = TTFont(io.BytesIO(data))
    assert len(cut.getGlyphOrder()) == glyphs[-1] + 1  # ids kept, nothing after the last one used
    for gid in glyphs:
        name, kept = order[gid], cut.getGlyphOrder()[gid]
        assert cut["hmtx"][kept] == original["hmtx"][name]
    assert len(data) * 20 < len(source)


def test_the_epub_embeds_the_japanese_face_only_where_needed():
    book = load_source(JAPANESE_FIXTURE)
    data = epub.render(book, book_context(JAPANESE_FIXTURE, reporter=Reporter(stream=None)))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        package = archive.read("EPUB/content.opf").decode()
        css = archive.read("EPUB/style/book.css").decode()
        regular = TTFont(io.BytesIO(archive.read("EPUB/fonts/briefing-cjk-regular.otf")))
    assert "EPUB/fonts/briefing-cjk-bold.otf" in names
    assert re.search(r'<item href="fonts/briefing-cjk-regular.otf" [^>]*media-type="font/otf"', package)
    assert '--font-cjk: "Briefing CJK", "Noto Sans CJK JP"' in css
    assert regular["name"].getDebugName(1) == "Briefing CJK"
    assert {ord(c) for c in "経済安全保障"} <= set(regular.getBestCmap())
    assert ord("A") not in regular.getBestCmap()  # the Latin faces set Latin text
    with zipfile.ZipFile(io.BytesIO(epub.render(sample_book(), sample_context()))) as archive:
        sample_fonts = [n for n in archive.namelist() if n.startswith("EPUB/fonts/")]
    assert "EPUB/fonts/briefing-mono-regular.ttf" in sample_fonts  # the sample has code
    assert "EPUB/fonts/briefing-cjk-regular.otf" in sample_fonts  # and 冨浦英一 in a bio


def test_the_seed_epub_embeds_neither_code_nor_japanese_faces():
    content = ROOT / "content"
    data = epub.render(load_source(content), book_context(content, reporter=Reporter(stream=None)))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        embedded = sorted(n for n in archive.namelist() if n.startswith("EPUB/fonts/"))
    assert [n for n in embedded if "mono" in n or "cjk" in n] == []


def test_a_face_from_the_machine_is_named_once_and_its_glyphs_left_unchecked(tmp_path):
    import dataclasses

    from publish.theme.fonts import unpackaged_faces

    theme = dataclasses.replace(THEME, fonts={**THEME.fonts, "body": "Some Office Serif"})
    book = load_book(_book_with(tmp_path, "Text in the body face.\n"), Reporter(stream=None))
    assert fonts.missing_glyphs(book, theme, Pos("briefing.toml")) == []
    assert [str(d) for d in unpackaged_faces(theme, Pos("styles/theme.toml"))] == [
        "styles/theme.toml:1:1: warning: theme font body 'Some Office Serif' is not an installed font package: "
        "the machine's fonts stand in for it, and glyphs are not checked"]
    assert unpackaged_faces(THEME, Pos("styles/theme.toml")) == []
