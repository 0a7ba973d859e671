"""Static instances of variable fonts, and subsets of them, made by HarfBuzz.

The theme's faces ship as variable fonts; the PDF and the EPUB embed static
instances of them.  fontTools' instancer takes about 0.1 s per face on a
book's subset and over ten seconds on a whole font; HarfBuzz's subsetter pins
the axes and cuts the subset in one pass, in milliseconds, with the same
outlines and advances (fontTools rounds its coordinates when it saves,
HarfBuzz rounds them once).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import uharfbuzz

if TYPE_CHECKING:  # fontTools is imported by the callers that rename a font
    from fontTools.ttLib import TTFont

#: Name ids of the standard records (copyright and licence among them); the ones
#: above name the variable font's instances and axis values, which a static font lacks.
STANDARD_NAME_IDS = range(256)
#: Describes the variation space, which a static instance no longer has.
VARIATION_ONLY_TABLES = ("STAT",)


def static_instance(data: bytes, location: Mapping[str, float | None],
                    characters: Iterable[int] | None = None) -> bytes:
    """The font file ``data`` with every variation axis pinned: at ``location`` where it
    gives the axis a value (clamped to the axis' range), at the default elsewhere.

    With ``characters``, only their glyphs are kept, with the glyphs their layout
    features reach; without, every glyph stays, glyph ids included.  Either way
    the standard name records stay in every language.
    """
    face = uharfbuzz.Face(uharfbuzz.Blob(data))
    subset_input = uharfbuzz.SubsetInput()
    if characters is None:
        subset_input.keep_everything()
    else:
        subset_input.unicode_set.update(characters)
        subset_input.flags |= uharfbuzz.SubsetFlags.NOTDEF_OUTLINE
    subset_input.name_id_set.clear()
    subset_input.name_id_set.update(STANDARD_NAME_IDS)
    subset_input.name_lang_id_set.clear()
    subset_input.name_lang_id_set.invert()
    subset_input.drop_table_tag_set.update(int.from_bytes(tag.encode("ascii"), "big") for tag in VARIATION_ONLY_TABLES)
    # As fontTools' instancer does: rasterisers then fill overlapping contours alike.
    subset_input.flags |= uharfbuzz.SubsetFlags.SET_OVERLAPS_FLAG
    for axis in face.axis_infos:
        value = location.get(axis.tag)
        if value is not None:  # None pins to the default, as in fontTools
            subset_input.pin_axis_location(face, axis.tag, float(value))
        else:
            subset_input.pin_axis_to_default(face, axis.tag)
    try:
        instance = uharfbuzz.subset(face, subset_input)
    except RuntimeError as exc:  # uharfbuzz's word for a font HarfBuzz cannot subset
        raise ValueError(f"HarfBuzz could not instance the font: {exc}") from None
    result = b"" if instance is None else instance.blob.data
    if not result or b"fvar" in table_tags(result):
        raise ValueError("HarfBuzz could not make a static instance of the font")
    return result


def table_tags(data: bytes) -> set[bytes]:
    """The tags of the tables in a font file's directory."""
    count = int.from_bytes(data[4:6], "big")
    return {data[12 + 16 * i:16 + 16 * i] for i in range(count)}


def font_characters(data: bytes) -> frozenset[int]:
    """The characters a font file maps to glyphs."""
    return frozenset(uharfbuzz.Face(uharfbuzz.Blob(data)).unicodes)


#: The tables WeasyPrint's own HarfBuzz subsetter drops: a PDF reader needs none of them.
PDF_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF",
                      b"LTSH", b"PCLT", b"SVG ")


def pdf_subset(data: bytes, index: int, glyphs: Iterable[int], *, hinting: bool, notdef_outline: bool) -> bytes:
    """The font at ``index`` in ``data`` cut to ``glyphs``, glyph ids kept, for a PDF.

    The same two passes as WeasyPrint's own HarfBuzz subsetter (``Font._harfbuzz_subset``):
    the first keeps the glyph ids and empties the glyphs not asked for, the second drops
    the empty ones after the last glyph used.
    """
    glyphs = sorted(glyphs)
    subset_input = uharfbuzz.SubsetInput()
    subset_input.glyph_set.update(glyphs)
    subset_input.drop_table_tag_set.update(int.from_bytes(tag, "big") for tag in PDF_DROPPED_TABLES)
    flags = uharfbuzz.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | uharfbuzz.SubsetFlags.DESUBROUTINIZE
    if notdef_outline:
        flags |= uharfbuzz.SubsetFlags.NOTDEF_OUTLINE
    subset_input.flags = flags | uharfbuzz.SubsetFlags.RETAIN_GIDS
    try:
        face = uharfbuzz.subset(uharfbuzz.Face(uharfbuzz.Blob(data), index), subset_input)
        subset_input.glyph_set.update(range(glyphs[-1] + 1))
        subset_input.flags = flags | (uharfbuzz.SubsetFlags(0) if hinting else uharfbuzz.SubsetFlags.NO_HINTING)
        face = uharfbuzz.subset(face, subset_input) if face is not None else None
    except RuntimeError as exc:  # uharfbuzz's word for a font HarfBuzz cannot subset
        raise ValueError(f"HarfBuzz could not subset the font: {exc}") from None
    result = b"" if face is None else face.blob.data
    if not result:
        raise ValueError("HarfBuzz could not subset the font")
    return result


# ------------------------------------------------------------------ naming

#: Name records that must keep the original wording: copyright, licence and its URL.
KEPT_NAME_IDS = frozenset({0, 13, 14})


def rename_font(font: TTFont, family: str, label: str) -> None:
    """Name a static instance as the one face ``label`` of ``family`` (``Bold``, ``Italic``):
    the family, style, full and PostScript names, in every record but the licence's."""
    names = font["name"]
    original = names.getBestFamilyName() or ""
    compact_original, compact_family = original.replace(" ", ""), family.replace(" ", "")
    for record in names.names:
        if record.nameID in KEPT_NAME_IDS:
            continue
        text = record.toUnicode()
        renamed = text.replace(original, family).replace(compact_original, compact_family)
        if renamed != text:
            record.string = renamed
    for name_id in (16, 17, 21, 22, 25):
        names.removeNames(nameID=name_id)
    postscript = f"{compact_family}-{label.replace(' ', '')}"
    for name_id, value in ((1, family), (2, label), (3, f"{postscript};publish"),
                           (4, f"{family} {label}"), (6, postscript)):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
