"""The theme's text faces embedded in the Word document, so that it reads as designed anywhere.

Word and LibreOffice both use fonts a DOCX carries (ECMA-376 Part 1, §17.8.1
and §17.8.3.3): each face is a font part obfuscated with a key the font table
names (``w:embedRegular r:id w:fontKey``), and ``w:embedTrueTypeFonts`` in the
settings says they are there.  python-docx has no API for any of it.

Each face is a static instance of the packaged variable font (made by
HarfBuzz, as for the PDF and the EPUB), cut to the document's characters and
those a colleague may type (``TYPED``; ``w:saveSubsetFonts``), and named as
the one face of its family that Word's four slots expect.  The family keeps
its name, as the fonts embedded in the PDF do: the document asks for Source
Serif 4 and finds it inside.  The Japanese face, for a document with
characters the Latin faces lack, is cut to those alone and its CFF outlines
converted to TrueType ones: Word embeds no others.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from ...build.cache import DOCX_FONT, BuildCache, memoised
from ...theme import Theme, fonts
from ..font_instances import rename_font, static_instance
from .oxml import element, insert_in_order
from .package import SETTINGS_ORDER, xml_bytes

if TYPE_CHECKING:  # fontTools is imported where a face is made
    from fontTools.ttLib import TTFont

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
#: ``w:font``'s children in schema order (CT_Font).
FONT_ORDER = ("w:altName", "w:panose1", "w:charset", "w:family", "w:notTrueType", "w:pitch", "w:sig",
              "w:embedRegular", "w:embedBold", "w:embedItalic", "w:embedBoldItalic")
#: Characters every Latin face carries besides the document's: what a colleague may type,
#: the accented letters of European names included (Latin-1 and Latin Extended-A).  It also
#: spares LibreOffice, which takes an embedded face by name for every document it has open,
#: a glyph missing from another briefing's subset.
TYPED = frozenset(range(0x20, 0x7F)) | frozenset(range(0xA0, 0x180)) | frozenset(map(ord, "‘’“”–—…€£•◦"))
#: Spaces inside Japanese text, set in the Japanese face.
ASIAN_SPACES = frozenset({0x20, 0x3000})
#: uuid5 namespace of the font keys: the same face and characters, the same key.
KEY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:publish:docx-font")


@dataclass(frozen=True)
class Face:
    """One of Word's four slots of a theme role, and the instance that fills it."""

    role: str
    slot: str  # w:embedRegular, w:embedBold, ...
    weight: int
    italic: bool

    @property
    def label(self) -> str:
        bold = self.slot in ("w:embedBold", "w:embedBoldItalic")
        return {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic",
                (True, True): "Bold Italic"}[bold, self.italic]


#: The headings' "bold" is the semibold the print book sets them in.
FACES = (
    Face("body", "w:embedRegular", 400, False), Face("body", "w:embedBold", 700, False),
    Face("body", "w:embedItalic", 400, True), Face("body", "w:embedBoldItalic", 700, True),
    Face("heading", "w:embedRegular", 400, False), Face("heading", "w:embedBold", 600, False),
    Face("heading", "w:embedItalic", 400, True), Face("heading", "w:embedBoldItalic", 600, True),
    Face("cjk", "w:embedRegular", 400, False), Face("cjk", "w:embedBold", 700, False),
)
#: The roles whose faces set Latin text; the Japanese face carries only what they lack.
LATIN_ROLES = ("body", "heading")


def wanted(theme: Theme) -> bool:
    """Whether the theme embeds its faces (``[docx] embed_fonts``, on unless set false)."""
    return theme.docx.get("embed_fonts", True) is not False


def embed_fonts(document: DocxDocument, theme: Theme, characters: frozenset[int], cache: BuildCache | None) -> None:
    """Embed the theme's body and heading faces, cut to ``characters``, in ``document``."""
    table_part = document.part.part_related_by(RT.FONT_TABLE)
    table = parse_xml(table_part.blob)
    entries = {node.get(qn("w:name")): node for node in table.findall(qn("w:font"))}
    latin = frozenset().union(*(fonts.repertoire(str(theme.fonts.get(role, ""))) for role in LATIN_ROLES))
    number = 0
    for face in FACES:
        family = str(theme.fonts.get(face.role, ""))
        file = fonts.nearest_file(family, face.weight, "italic" if face.italic else "normal")
        entry = entries.get(family)
        if file is None or entry is None or entry.find(qn(face.slot)) is not None:
            continue  # not packaged, not in the table, or the slot already filled (two roles, one family)
        if face.role in LATIN_ROLES:
            cut = frozenset(characters | TYPED)
        elif characters - latin:  # with the spaces of the runs it sets, which Word marks East Asian
            cut = frozenset(characters - latin) | ASIAN_SPACES
        else:
            continue
        data = memoised(cache, DOCX_FONT, partial(static_face, file.path, face, family, cut),
                        str(file.path), file.path.stat().st_size, face.slot, face.weight, face.italic, family,
                        sorted(cut))
        key = font_key(data)
        number += 1
        part = Part(PackURI(f"/word/fonts/font{number}.odttf"), CONTENT_TYPE, obfuscate(data, key),
                    document.part.package)
        insert_in_order(entry, element(face.slot, {"r:id": table_part.relate_to(part, RT.FONT),
                                                   "w:fontKey": key}), FONT_ORDER)
    table_part._blob = xml_bytes(table)
    settings = document.settings.element
    for tag in ("w:embedTrueTypeFonts", "w:saveSubsetFonts"):
        if settings.find(qn(tag)) is None:
            insert_in_order(settings, element(tag), SETTINGS_ORDER)


def static_face(source: Path, face: Face, family: str, characters: frozenset[int]) -> bytes:
    """The face at its weight, cut to ``characters``, named and flagged as Word's slot expects.

    The font keeps its own dates (HarfBuzz and this save leave ``head`` as it is), so that
    only the document's properties change with the build time."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(static_instance(source.read_bytes(), {"wght": face.weight}, characters)),
                  recalcTimestamp=False, recalcBBoxes=False)
    if "CFF " in font:
        truetype_outlines(font)
    rename_font(font, family, face.label)
    bold = "Bold" in face.label
    os2 = font["OS/2"]
    os2.usWeightClass = face.weight
    # fsSelection: bit 0 italic, bit 5 bold, bit 6 regular; macStyle: bit 0 bold, bit 1 italic
    os2.fsSelection = (os2.fsSelection & ~0b1100001) | (1 if face.italic else 0) | (0b100000 if bold else 0) | (
        0b1000000 if not (bold or face.italic) else 0)
    font["head"].macStyle = (1 if bold else 0) | (2 if face.italic else 0)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def truetype_outlines(font: TTFont) -> None:
    """The CFF outlines of ``font`` as TrueType ones (quadratic curves within 1 unit), as
    fontTools' otf2ttf recipe makes them; hinting is not carried over."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order, glyph_set = font.getGlyphOrder(), font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"], font["loca"] = glyf, newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: a CID-keyed font has none worth keeping
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcBBoxes = True  # the new glyphs' bounds, and head's from them


def font_key(data: bytes) -> str:
    """``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}``, derived from the font: reproducible."""
    return "{" + str(uuid.uuid5(KEY_NAMESPACE, hashlib.sha256(data).hexdigest())).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """ECMA-376 Part 1, §17.8.1: the first 32 bytes XORed with the key's 16 bytes, last byte first.
    Applied twice, it gives the font back."""
    secret = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(byte ^ secret[i % 16] for i, byte in enumerate(data[:32]))
    return head + data[32:]
