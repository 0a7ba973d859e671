"""Reading PDFs back with libraries pip installs: pikepdf (QPDF) for structure and
fonts, pypdfium2 (PDFium, the PDF engine of Chromium) for the text of each page.

They stand in for the command-line tools qpdf, pdftotext and pdffonts, so that
the suite needs nothing a fresh machine lacks.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pypdfium2

FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def syntax_problems(pdf: Path | bytes) -> list[str]:
    """What QPDF's check (``qpdf --check``) finds wrong with the file; empty when nothing."""
    source = io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf
    with pikepdf.open(source) as document:
        return [str(problem) for problem in document.check_pdf_syntax()]


def page_texts(pdf: Path | bytes, box: tuple[float, float, float, float] | None = None) -> list[str]:
    """The text of every page, as PDFium extracts it; with ``box`` (left, bottom, right, top,
    in points from the page's lower left corner) only the text inside it."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            # Bounded by the page, as pdftotext is: text set outside it is not on the page.
            text = textpage.get_text_bounded(*box) if box else textpage.get_text_bounded()
            # PDFium ends its lines with CR LF and marks a hyphen at a line end as U+0002.
            texts.append(text.replace("\r\n", "\n").replace("\x02", "-"))
        return texts
    finally:
        document.close()


def fonts(pdf: Path | bytes) -> Iterator[tuple[str, bool]]:
    """(base font name, embedded) for every font the pages and their forms use, each once."""
    source = io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf
    with pikepdf.open(source) as document:
        seen: set[tuple[int, int]] = set()
        for page in document.pages:
            yield from _fonts_of(page.obj.get("/Resources"), seen)


def _fonts_of(resources, seen: set[tuple[int, int]]) -> Iterator[tuple[str, bool]]:
    if resources is None:
        return
    for font in (resources.get("/Font") or {}).values():
        if font.objgen in seen:
            continue
        seen.add(font.objgen)
        if font.get("/Subtype") == "/Type3":
            yield str(font.get("/BaseFont", "Type3")), True  # drawn by its own content streams
            continue
        descendants = font.get("/DescendantFonts")
        described = descendants[0] if descendants else font
        descriptor = described.get("/FontDescriptor")
        embedded = descriptor is not None and any(key in descriptor for key in FONT_FILES)
        yield str(font.get("/BaseFont", "?")).lstrip("/"), embedded
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.objgen in seen or xobject.get("/Subtype") != "/Form":
            continue
        seen.add(xobject.objgen)
        yield from _fonts_of(xobject.get("/Resources"), seen)


def font_programs(pdf: Path | bytes) -> dict[str, bytes]:
    """The embedded font file of every font the pages use, by base font name."""
    source = io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf
    programs = {}
    with pikepdf.open(source) as document:
        for page in document.pages:
            for font in (page.obj.get("/Resources", {}).get("/Font") or {}).values():
                descendants = font.get("/DescendantFonts")
                descriptor = (descendants[0] if descendants else font).get("/FontDescriptor") or {}
                for key in FONT_FILES:
                    if key in descriptor:
                        programs[str(font.BaseFont).lstrip("/")] = descriptor[key].read_bytes()
    return programs
