"""The PDF's pages as PNG images for the preview, rendered again only where a page changed.

Each page is keyed by a hash of what draws it (:func:`page_keys`): its boxes,
its content stream and the resources that stream names.  An image is stored
as ``<key>.png`` beside ``<key>.txt`` (the page's text, for screen readers and
for finding a page by its words), so a page whose key was seen before is not
rendered again, whatever its position.

Font programs are left out of the key on purpose: a subset grows whenever a
new character appears anywhere in the book, and hashing it would re-render
every page for one added letter.  That is safe because a page's content
stream names its glyphs by number: a glyph that the page uses either keeps
its number and outline, or the content stream changes with it.  Measured on
the example briefing, one edited paragraph changed 1 key of 18 this way, 18
of 18 with the font programs hashed.

This runs in the build's child process (``job``), never in the server.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pikepdf

#: Screen resolution: 96 pixels to the inch, as CSS has it.
DPI = 96
KEY = re.compile(r"[0-9a-f]{32}")
#: Keys of a font dictionary that change with the subset, not with what a page draws.
_FONT_PROGRAM = frozenset({"/FontFile", "/FontFile2", "/FontFile3", "/CIDSet", "/ToUnicode", "/W", "/W2",
                           "/Widths", "/FirstChar", "/LastChar", "/CharSet"})
#: Links back up the page tree, and to other pages, say nothing about how this one looks.
_NOT_DRAWN = frozenset({"/Parent", "/P", "/Annots", "/StructParents", "/B", "/Metadata", "/PieceInfo"})
#: "ABCDEF+Name": the subset tag changes with the subset.
_SUBSET_TAG = re.compile(rb"^/[A-Z]{6}\+")


@dataclass(frozen=True)
class PageInfo:
    """One page of the PDF as the preview lists it."""

    key: str
    label: str
    width: int  # pixels at DPI
    height: int


class _Sink(Protocol):
    def update(self, data: bytes, /) -> None: ...


class _Digests:
    """Digests of a document's objects, each indirect object hashed once."""

    def __init__(self) -> None:
        self.memo: dict[tuple[int, int], bytes] = {}

    def feed(self, item: object, sink: _Sink, font: bool = False) -> None:
        if isinstance(item, pikepdf.Object) and item.is_indirect:
            ref = item.objgen
            if ref not in self.memo:
                self.memo[ref] = b"cycle"  # a reference back to an object being hashed
                inner = hashlib.blake2b(digest_size=16)
                self._direct(item, inner, font)
                self.memo[ref] = inner.digest()
            sink.update(b"R" + self.memo[ref])
        else:
            self._direct(item, sink, font)

    def _direct(self, item: object, sink: _Sink, font: bool) -> None:
        if isinstance(item, pikepdf.Stream | pikepdf.Dictionary):
            is_font = font or item.get("/Type") in (pikepdf.Name.Font, pikepdf.Name.FontDescriptor)
            sink.update(b"<<")
            for name in sorted(item.keys()):
                if name in _NOT_DRAWN or (is_font and name in _FONT_PROGRAM) or name == "/Length":
                    continue
                sink.update(name.encode())
                self.feed(item[name], sink, is_font)
            sink.update(b">>")
            if isinstance(item, pikepdf.Stream):
                sink.update(item.read_raw_bytes())
        elif isinstance(item, pikepdf.Array):
            sink.update(b"[")
            for element in item:
                self.feed(element, sink, font)
            sink.update(b"]")
        elif isinstance(item, pikepdf.Name):
            sink.update(_SUBSET_TAG.sub(b"/", str(item).encode()))
        else:
            sink.update(repr(item).encode())


def page_keys(pdf: pikepdf.Pdf) -> Iterator[PageInfo]:
    """Every page's key, label and size in pixels."""
    digests = _Digests()
    scale = DPI / 72
    for page in pdf.pages:
        sink = hashlib.blake2b(digest_size=16)
        digests.feed(page.obj, sink)  # boxes, rotation, content and resources (inherited ones excepted)
        for name in ("/Resources", "/MediaBox", "/CropBox", "/Rotate"):  # inheritable: as the page sees them
            if name not in page.obj:
                inherited = _inherited(page.obj, name)
                if inherited is not None:
                    sink.update(name.encode())
                    digests.feed(inherited, sink)
        box = page.cropbox
        width, height = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
        if int(page.obj.get("/Rotate", 0)) % 180:
            width, height = height, width
        yield PageInfo(sink.hexdigest(), str(page.label), round(width * scale), round(height * scale))


def _inherited(page: pikepdf.Dictionary, name: str) -> object | None:
    node = page.get("/Parent")
    while node is not None:
        if name in node:
            return node[name]
        node = node.get("/Parent")
    return None


def stored(folder: Path, key: str) -> bool:
    return (folder / f"{key}.png").is_file() and (folder / f"{key}.txt").is_file()


def render_missing(pdf_path: Path, pages: list[PageInfo], folder: Path) -> Iterator[str]:
    """Render each page whose image is not in ``folder`` yet, in page order; yield its key when stored."""
    import pypdfium2

    wanted = [(index, page.key) for index, page in enumerate(pages) if not stored(folder, page.key)]
    if not wanted:
        return
    document = pypdfium2.PdfDocument(pdf_path)
    try:
        done: set[str] = set()
        for index, key in wanted:
            if key in done:  # the same page twice (blank versos)
                continue
            _render_one(document, index, key, folder)
            done.add(key)
            yield key
    finally:
        document.close()


def _render_one(document: Any, index: int, key: str, folder: Path) -> None:
    page = document[index]
    try:
        bitmap = page.render(scale=DPI / 72)
        textpage = page.get_textpage()
        text = textpage.get_text_bounded()
        textpage.close()
        # Measured on a page of text at 96 dpi: levels 1, 3 and 6 took 31, 22 and 29 ms (215-223 KB).
        _write(folder / f"{key}.png", lambda path: bitmap.to_pil().save(path, "PNG", compress_level=3))
        _write(folder / f"{key}.txt", lambda path: path.write_text(text, encoding="utf-8"))
        bitmap.close()
    finally:
        page.close()


def _write(path: Path, save: Callable[[Path], object]) -> None:
    """Written beside, then renamed: the server never serves half an image."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        save(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
