"""The theme's faces embedded in the EPUB.

The faces travel with the book, so that it reads as designed where the
reading system lets publisher fonts through (readers can still choose their
own).  Only subsets are embedded, to keep the file small: the text's own
characters, as static instances of the packaged variable fonts."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

from ...build.cache import EPUB_FONT, EPUB_REPERTOIRE, BuildCache, memoised
from ...theme import fonts as fonts_model
from ..context import RenderContext
from .accessibility import content_docs, page_facts
from .documents import EpubDocuments

# fontTools and HarfBuzz are imported where they are used: a rebuild finds the
# font cuts in the build cache, and needs neither.

#: Media types and file endings by the font's outlines (``font_type``).
FONT_TYPES = {"ttf": ("font/ttf", ".ttf"), "otf": ("font/otf", ".otf")}
FONT_FOLDER = "fonts"
#: Licences that allow embedding a subset of the font in a distributed e-book.
EMBEDDABLE_LICENCES = frozenset({"OFL-1.1", "Apache-2.0"})
#: (theme role, weight, style) of the faces the reading-system stylesheet uses;
#: bold italic and sans italic are rare enough to leave to the reading system.
#: The mono face is cut to the characters of code, the CJK face to those the
#: Latin faces lack; a book with neither embeds neither.
EMBEDDED_FACES = (
    ("body", 400, "normal"), ("body", 700, "normal"), ("body", 400, "italic"),
    ("heading", 400, "normal"), ("heading", 600, "normal"),
    ("mono", 400, "normal"), ("cjk", 400, "normal"), ("cjk", 700, "normal"),
)
#: A subset is a Modified Version under the OFL, which may not keep a Reserved
#: Font Name (Adobe reserves "Source", in Noto Sans CJK too), so the embedded
#: faces get names of their own.
EMBEDDED_FAMILIES = {"body": "Briefing Serif", "heading": "Briefing Sans", "mono": "Briefing Mono",
                     "cjk": "Briefing CJK"}
#: The roles whose faces set Latin text; the CJK face is embedded for what they lack.
LATIN_ROLES = ("body", "heading")
STYLE_LABELS = {400: "Regular", 600: "SemiBold", 700: "Bold"}
#: The optical size the serif is instanced at: reading text on a phone.
READING_OPTICAL_SIZE = 12


@dataclass(frozen=True)
class EmbeddedFont:
    family: str
    weight: int
    style: str
    file_name: str
    data: bytes

    @property
    def media_type(self) -> str:
        return FONT_TYPES[font_type(self.data)][0]


def book_characters(docs: EpubDocuments, cache: BuildCache | None = None) -> frozenset[int]:
    """Every character the book's documents show, in either case (for text-transform)."""
    characters = set(map(ord, "0123456789"))
    for doc in (docs.cover, *content_docs(docs)):
        characters |= page_facts(doc, cache).characters
    return frozenset(characters)


def _characters(text: str) -> frozenset[int]:
    return frozenset(map(ord, text + text.upper() + text.lower()))


def book_code_characters(docs: EpubDocuments, cache: BuildCache | None = None) -> frozenset[int]:
    """Every character of the book's code, which the mono face sets."""
    return frozenset().union(*(page_facts(doc, cache).code_characters for doc in content_docs(docs)))


def embedded_fonts(ctx: RenderContext, characters: frozenset[int], build_time: dt.datetime,
                   code_characters: frozenset[int] = frozenset()) -> list[EmbeddedFont]:
    sources = {face: embeddable_font_file(str(ctx.theme.fonts.get(face[0], "")), face[1], face[2])
               for face in EMBEDDED_FACES}
    repertoires = {face: _repertoire(ctx.cache, source) for face, source in sources.items() if source}
    latin = frozenset().union(*(chars for face, chars in repertoires.items() if face[0] in LATIN_ROLES))
    wanted_by_role = {"mono": code_characters, "cjk": characters - latin}
    fonts = []
    for (role, weight, style), repertoire in repertoires.items():
        source = sources[role, weight, style]
        assert source is not None  # only faces with a file have a repertoire
        wanted = frozenset(wanted_by_role.get(role, characters) & repertoire)
        if not wanted:
            continue
        family = EMBEDDED_FAMILIES[role]
        label = font_style_label(weight, style)
        stat = source.stat()
        data = memoised(ctx.cache, EPUB_FONT, partial(subset_font, source, weight, wanted, family, label, build_time),
                        str(source), stat.st_size, stat.st_mtime_ns, weight, sorted(wanted), family, label,
                        build_time.isoformat())
        ending = FONT_TYPES[font_type(data)][1]
        file_name = f"{FONT_FOLDER}/{family.lower().replace(' ', '-')}-{label.lower()}{ending}"
        fonts.append(EmbeddedFont(family, weight, style, file_name, data))
    return fonts


def _repertoire(cache: BuildCache | None, source: Path) -> frozenset[int]:
    stat = source.stat()
    return memoised(cache, EPUB_REPERTOIRE, lambda: _font_characters(source),
                    str(source), stat.st_size, stat.st_mtime_ns)


def font_type(data: bytes) -> str:
    """``otf`` for a font with CFF outlines, ``ttf`` for TrueType ones."""
    return "otf" if data[:4] == b"OTTO" else "ttf"


def font_face_css(fonts: Sequence[EmbeddedFont]) -> str:
    if not fonts:
        return ""
    rules = [
        f'@font-face {{ font-family: "{font.family}"; src: url("../{font.file_name}");'
        f" font-weight: {font.weight}; font-style: {font.style}; }}"
        for font in fonts
    ]
    return "\n".join(rules) + "\n"


def font_style_label(weight: int, style: str) -> str:
    label = STYLE_LABELS.get(weight, str(weight))
    if style == "italic":
        return "Italic" if label == "Regular" else f"{label}Italic"
    return label


@cache
def embeddable_font_file(name: str, weight: int, style: str) -> Path | None:
    """The packaged file of family ``name`` for a face, when its licence allows embedding."""
    file = fonts_model.nearest_file(name, weight, style)
    if file is None or file.licence not in EMBEDDABLE_LICENCES:
        return None  # not packaged: the reading system's fonts apply
    return file.path


def _font_characters(source: Path) -> frozenset[int]:
    from ..font_instances import font_characters

    return font_characters(source.read_bytes())


def subset_font(source: Path, weight: int, characters: frozenset[int], family: str, label: str,
                build_time: dt.datetime) -> bytes:
    """The book's own characters at one weight and the reading optical size, renamed,
    stamped with the build time: same book, same bytes."""
    from fontTools.misc.timeTools import timestampSinceEpoch
    from fontTools.ttLib import TTFont

    from ..font_instances import rename_font, static_instance

    location = {"wght": weight, "opsz": READING_OPTICAL_SIZE}
    data = static_instance(source.read_bytes(), location, characters)
    font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
    rename_font(font, family, label)
    stamp = timestampSinceEpoch(int(build_time.timestamp()))
    font["head"].created = font["head"].modified = stamp
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
