"""Static instances of the theme's variable fonts, made by HarfBuzz, against fontTools' instancer."""

from __future__ import annotations

import io

import fontpkg
import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont
from weasyprint.pdf import fonts as weasyprint_fonts

from publish.render.font_instances import font_characters, static_instance
from publish.render.pdf import book as pdf
from publish.render.pdf import fonts as pdf_fonts
from tests.samplebook import sample_book, sample_context

SERIF = fontpkg.path("Source Serif 4", 400, "normal")
SANS_ITALIC = fontpkg.path("Source Sans 3", 400, "italic")
ASCII = range(0x20, 0x7F)


def cut(path, characters=ASCII) -> bytes:
    """A variable subset with the original glyph ids, as WeasyPrint cuts it before instancing."""
    font = TTFont(path)
    options = Options()
    options.retain_gids = True
    options.notdef_outline = True
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def outlines(font: TTFont) -> dict[str, tuple[int, list]]:
    glyphs = font.getGlyphSet()
    drawn = {}
    for name in font.getGlyphOrder():
        pen = RecordingPen()
        glyphs[name].draw(pen)
        drawn[name] = (glyphs[name].width, pen.value)
    return drawn


def saved(font: TTFont) -> TTFont:
    out = io.BytesIO()
    font.save(out)
    return TTFont(io.BytesIO(out.getvalue()))


@pytest.mark.parametrize(("path", "location"), [
    (SERIF, {"wght": 700, "opsz": 14.67}),
    (SERIF, {"wght": 400, "opsz": 30}),
    (SERIF, {"wght": 400}),  # opsz at its default
    (SERIF, {"wght": 400, "opsz": None}),  # the same, as fontTools writes it
    (SANS_ITALIC, {"wght": 600}),
])
def test_harfbuzz_draws_what_fonttools_draws(path, location):
    variable = cut(path)
    expected = outlines(saved(instantiateVariableFont(TTFont(io.BytesIO(variable)), dict(location), static=True)))
    instance = TTFont(io.BytesIO(static_instance(variable, location)))
    assert "fvar" not in instance and "gvar" not in instance
    assert instance.getGlyphOrder() == TTFont(io.BytesIO(variable)).getGlyphOrder()  # ids kept
    assert outlines(instance) == expected


def test_a_location_outside_an_axis_is_clamped_to_it():
    variable = cut(SERIF)
    assert static_instance(variable, {"wght": 2000, "opsz": 400}) == static_instance(
        variable, {"wght": 900, "opsz": 60})


def test_a_subset_keeps_its_characters_and_the_licence():
    characters = frozenset(map(ord, "Briefing 2026 — “quoted”"))
    font = TTFont(io.BytesIO(static_instance(SERIF.read_bytes(), {"wght": 400, "opsz": 12}, characters)))
    assert set(font.getBestCmap()) == characters
    assert len(font.getGlyphOrder()) < 100
    assert "fvar" not in font and "STAT" not in font
    names = font["name"]
    assert "Open Font License" in names.getDebugName(13)
    assert names.getDebugName(0).startswith("©")
    assert all(record.nameID < 256 for record in names.names)


def test_font_characters_reads_the_cmap():
    assert font_characters(SERIF.read_bytes()) == frozenset(TTFont(SERIF, lazy=True).getBestCmap())


def test_the_pdf_never_calls_the_fonttools_instancer(monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise AssertionError("fontTools' instancer was called")

    monkeypatch.setattr(weasyprint_fonts, "instantiateVariableFont", refuse)
    data = pdf.render(sample_book(), sample_context())
    assert data.startswith(b"%PDF")
    assert weasyprint_fonts.instantiateVariableFont is refuse  # put back after the render


def test_a_font_harfbuzz_cannot_read_goes_to_fonttools():
    calls = []

    def fallback(font, location, **options):
        calls.append(location)
        return font

    not_in_memory = TTFont(SERIF, lazy=True)
    assert pdf_fonts.instantiate(not_in_memory, {"wght": 400}, static=True, fallback=fallback) is not_in_memory
    broken = TTFont(io.BytesIO(cut(SERIF)))
    broken.reader.file = io.BytesIO(b"\0\1\0\0" + bytes(64))
    pdf_fonts.instantiate(broken, {"wght": 700}, static=True, fallback=fallback)
    assert calls == [{"wght": 400}, {"wght": 700}]
