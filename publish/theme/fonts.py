"""The theme's faces as files from pinned Python packages, never from the machine.

Every family ``styles/theme.toml`` names is looked up here, so that the same
sources give the same PDF and EPUB on every machine: the variable Latin faces
come from ``fontpkg`` families, the static Japanese face from the
``noto-cjk-sans-jp-*`` packages (one per weight).  A character that no face
of its role can show is reported at its source position, because WeasyPrint
would otherwise fall back to whatever fontconfig has, or print an empty box.
"""

from __future__ import annotations

import importlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..diagnostics import Diagnostic
from ..model import nodes as m
from ..model.walk import node_fields
from . import Theme

#: Families shipped as one static file per weight: family -> ((module, weight), ...).
#: Each module is a package that carries one font file and names it ``FONT_PATH``.
STATIC_FAMILIES: dict[str, tuple[tuple[str, int], ...]] = {
    "Noto Sans CJK JP": (("noto_cjk_sans_jp_regular", 400), ("noto_cjk_sans_jp_bold", 700)),
}
STATIC_LICENCE = "OFL-1.1"

#: The theme role whose face sets a node's text; the CJK face backs every role.
FALLBACK_ROLE = "cjk"


@dataclass(frozen=True)
class FontFile:
    """One packaged font file of a theme family."""

    family: str
    style: str  # "normal" or "italic"
    path: Path
    licence: str
    #: The weight of a static file; None for a variable font, which has them all.
    weight: int | None = None


@cache
def family_files(name: str) -> tuple[FontFile, ...]:
    """The packaged files of family ``name``, or () when no installed package has it."""
    if name in STATIC_FAMILIES:
        files = []
        for module_name, weight in STATIC_FAMILIES[name]:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            files.append(FontFile(name, "normal", Path(str(module.FONT_PATH)), STATIC_LICENCE, weight))
        return tuple(files)
    try:
        import fontpkg

        family = fontpkg.family(name)
        return tuple(FontFile(name, style, Path(fontpkg.path(name, 400, style)), family.license)
                     for style in ("normal", "italic") if any(f.style == style for f in family.files))
    except Exception:  # fontpkg's FamilyNotInstalled and kin: not packaged
        return ()


def font_dirs(theme: Theme) -> list[Path]:
    """The folders of the theme's font files, for a fetcher's allow-list."""
    return sorted({f.path.parent.resolve() for name in theme.fonts.values() for f in family_files(str(name))})


def nearest_file(name: str, weight: int, style: str) -> FontFile | None:
    """The file of ``name`` that sets ``weight`` and ``style`` best: a variable font
    of the style, else the static file of the style with the nearest weight."""
    files = [f for f in family_files(name) if f.style == style] or list(family_files(name))
    if not files:
        return None
    return min(files, key=lambda f: 0 if f.weight is None else abs(f.weight - weight))


@cache
def repertoire(name: str) -> frozenset[int]:
    """The characters some file of family ``name`` maps to a glyph."""
    import uharfbuzz

    characters: set[int] = set()
    for file in family_files(name):
        characters.update(uharfbuzz.Face(uharfbuzz.Blob(file.path.read_bytes())).unicodes)
    return frozenset(characters)


# ------------------------------------------------------------------ coverage

#: Text fields of the model that a reader sees printed, by node type.
_SHOWN: dict[type, tuple[str, ...]] = {
    m.Text: ("text",), m.Code: ("text",), m.CodeBlock: ("text",), m.Turn: ("speaker",),
    m.Person: ("name", "affiliations"), m.ArticleMeta: ("title", "subtitle", "publisher"),
    m.BookMeta: ("title", "subtitle", "prepared_by", "distribution"),
    m.Abbreviation: ("short", "expansion"),
}
#: The face a node's text is set in, when it is not its parent's; titles are set in the heading face.
_ROLE_OF: dict[type, str] = {m.Code: "mono", m.CodeBlock: "mono", m.Heading: "heading"}
_OWN_TEXT_ROLE: dict[type, str] = {m.ArticleMeta: "heading", m.BookMeta: "heading"}
#: How many of a passage's missing characters a warning names.
MAX_LISTED = 4
#: Categories no font needs a glyph for: controls, format characters (soft hyphen, joiners).
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def missing_glyphs(book: m.Book, theme: Theme, manifest: m.Pos) -> list[Diagnostic]:
    """One warning per character and place that no face of the theme can show, in source order;
    the book's own title and marking are placed at ``manifest``."""
    found: dict[m.Pos, dict[str, None]] = {}
    texts = [*_shown_text(book.meta, manifest, "body"),
             *(shown for article in book.articles for shown in _shown_text(article, article.pos, "body"))]
    for pos, role, text in texts:
        if not family_files(str(theme.fonts.get(role, ""))):
            continue  # a face from the machine (see unpackaged_faces): its repertoire is not ours to know
        face = repertoire(str(theme.fonts.get(role, "")))
        for character in text:
            if ord(character) in face or not _needs_glyph(character):
                continue
            # The CJK face's repertoire is read only for a book that needs it (a tenth of a second).
            if ord(character) not in repertoire(str(theme.fonts.get(FALLBACK_ROLE, ""))):
                found.setdefault(pos or manifest, {})[character] = None
    return [Diagnostic("warning", pos, _message(list(characters))) for pos, characters in found.items()]


def unpackaged_faces(theme: Theme, where: m.Pos) -> list[Diagnostic]:
    """A warning for each family the theme names that no installed package provides: the PDF then
    takes it from the machine's fonts, and two machines may print the book differently."""
    return [Diagnostic("warning", where, f"theme font {role} {name!r} is not an installed font package: "
                                         "the machine's fonts stand in for it, and glyphs are not checked")
            for role, name in sorted(theme.fonts.items()) if name and not family_files(str(name))]


def _message(characters: list[str]) -> str:
    shown = ", ".join(_describe(c) for c in characters[:MAX_LISTED])
    more = f" and {len(characters) - MAX_LISTED} more" if len(characters) > MAX_LISTED else ""
    count = "1 character" if len(characters) == 1 else f"{len(characters)} characters"
    return f"{count} with no glyph in the theme's faces, printed as empty boxes: {shown}{more}"


def _needs_glyph(character: str) -> bool:
    code = ord(character)
    if character.isspace() or unicodedata.category(character) in _INVISIBLE:
        return False
    # Variation selectors pick a glyph; they have none of their own.
    return not (0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF)


def _shown_text(node: object, pos: m.Pos | None, role: str) -> Iterator[tuple[m.Pos | None, str, str]]:
    """(nearest source position, face role, text) for every printed string below ``node``."""
    names = node_fields(type(node))
    if names is None:
        return
    pos = getattr(node, "pos", None) or pos
    role = _ROLE_OF.get(type(node), role)
    texts = _SHOWN.get(type(node), ())
    own_role = _OWN_TEXT_ROLE.get(type(node), role)
    for name in names:
        value = getattr(node, name)
        if name in texts:
            for text in (value if isinstance(value, tuple) else (value,)):
                if isinstance(text, str):
                    yield pos, own_role, text
        elif isinstance(value, tuple):
            for item in value:
                yield from _shown_text(item, pos, role)
        elif node_fields(type(value)) is not None:
            yield from _shown_text(value, pos, role)


def _describe(character: str) -> str:
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X} “{character}”" + (f" ({name.lower()})" if name else "")
