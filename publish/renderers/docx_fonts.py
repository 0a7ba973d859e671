"""The theme's text faces embedded in the Word document, so that it reads as designed anywhere.

Word and LibreOffice both use fonts a DOCX carries (ECMA-376 Part 1, §17.8.1
and §17.8.3.3): each face is a font part obfuscated with a key the font table
names (``w:embedRegular r:id w:fontKey``), and ``w:embedTrueTypeFonts`` in the
settings says they are there.  python-docx has no API for any of it.

Each face is a static instance of the packaged variable font (made by
HarfBuzz, as for the PDF and the EPUB), cut to the document's characters and
the printable ASCII a colleague may type (``w:saveSubsetFonts``), and named as
the one face of its family that Word's four slots expect.  The family keeps
its name, as the fonts embedded in the PDF do: the document asks for Source
Serif 4 and finds it inside.  The Japanese face is not embedded: Word embeds
TrueType outlines only, and Noto Sans CJK's are CFF.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from .. import fonts
from ..cache import BuildCache, memoised
from ..theme import Theme
from .docx_package import SETTINGS_ORDER, xml_bytes
from .font_instances import rename_font, static_instance
from .ooxml import element, insert_in_order

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
#: ``w:font``'s children in schema order (CT_Font).
FONT_ORDER = ("w:altName", "w:panose1", "w:charset", "w:family", "w:notTrueType", "w:pitch", "w:sig",
              "w:embedRegular", "w:embedBold", "w:embedItalic", "w:embedBoldItalic")
#: Characters every face carries besides the document's: what a colleague may type.
TYPED = frozenset(range(0x20, 0x7F)) | frozenset(map(ord, "‘’“”–—…€£•◦"))
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
)


def wanted(theme: Theme) -> bool:
    """Whether the theme embeds its faces (``[docx] embed_fonts``, on unless set false)."""
    return theme.docx.get("embed_fonts", True) is not False


def embed_fonts(document, theme: Theme, characters: frozenset[int], cache: BuildCache | None) -> None:
    """Embed the theme's body and heading faces, cut to ``characters``, in ``document``."""
    table_part = document.part.part_related_by(RT.FONT_TABLE)
    table = parse_xml(table_part.blob)
    entries = {node.get(qn("w:name")): node for node in table.findall(qn("w:font"))}
    number = 0
    for face in FACES:
        family = str(theme.fonts.get(face.role, ""))
        file = fonts.nearest_file(family, face.weight, "italic" if face.italic else "normal")
        entry = entries.get(family)
        if file is None or entry is None or entry.find(qn(face.slot)) is not None:
            continue  # not packaged, not in the table, or the slot already filled (two roles, one family)
        cut = frozenset(characters | TYPED)
        data = memoised(cache, "docx/font", lambda: static_face(file.path, face, family, cut),
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


def font_key(data: bytes) -> str:
    """``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}``, derived from the font: reproducible."""
    return "{" + str(uuid.uuid5(KEY_NAMESPACE, hashlib.sha256(data).hexdigest())).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """ECMA-376 Part 1, §17.8.1: the first 32 bytes XORed with the key's 16 bytes, last byte first.
    Applied twice, it gives the font back."""
    secret = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(byte ^ secret[i % 16] for i, byte in enumerate(data[:32]))
    return head + data[32:]
