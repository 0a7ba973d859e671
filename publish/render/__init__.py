"""Renderers: each turns a finished :class:`~publish.model.Book` into the bytes of one format.

They are registered by name and imported only when used, so that building a
DOCX never loads WeasyPrint.  Renderers never import readers, and only the
renderer modules import weasyprint, ebooklib or docx.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

from ..model.nodes import Book
from .context import RenderContext, Rendered

#: A renderer returns the file's bytes, or :class:`Rendered` when it also knows pages.
Renderer = Callable[[Book, RenderContext], "bytes | Rendered"]

# format name -> (module, function, file extension)
RENDERERS: dict[str, tuple[str, str, str]] = {
    "pdf": ("publish.render.pdf.book", "layout", ".pdf"),
    "epub": ("publish.render.epub.package", "render", ".epub"),
    "docx": ("publish.render.docx.writer", "render", ".docx"),
}

FORMATS: tuple[str, ...] = tuple(RENDERERS)


def get_renderer(name: str) -> Renderer:
    module, function, _ = RENDERERS[name]
    return getattr(importlib.import_module(module), function)


def extension(name: str) -> str:
    return RENDERERS[name][2]


def warm_up(names: Sequence[str], ctx: RenderContext) -> None:
    """Load what the renderers of ``names`` need before any book: their libraries, and for
    the PDF the print stylesheet of ``ctx`` with its fonts.  A process that forks its builds
    (``publish watch``) does this once, and every build starts with it."""
    for name in names:
        get_renderer(name)
    if "pdf" in names:
        importlib.import_module("publish.render.pdf.book").warm_up(ctx)


def get_handout_renderer() -> Callable[[Book, RenderContext], list]:
    """The PDF renderer's one-PDF-per-article mode (``publish build --split``)."""
    return importlib.import_module("publish.render.pdf.book").handouts
