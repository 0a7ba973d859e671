"""The text of each marked-content sequence of a PDF page, keyed by its MCID.

pdfminer interprets the content stream; only the Unicode of each glyph and
the marked-content sequence it sits in are kept.  Text in an ``/Artifact``
sequence (running heads, page numbers) is kept apart under ``None``.
"""

from __future__ import annotations

from pathlib import Path

from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdffont import PDFFont
from pdfminer.pdfinterp import PDFGraphicState, PDFPageInterpreter, PDFResourceManager, PDFStackT
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.psparser import PSLiteral
from pdfminer.utils import Matrix


class _MarkedText(PDFTextDevice):
    def __init__(self, resources: PDFResourceManager) -> None:
        super().__init__(resources)
        self.open: list[tuple[str | bytes, int | None]] = []  # (tag name, MCID); pdfminer's names may be bytes
        self.texts: dict[int | None, str] = {}

    def begin_tag(self, tag: PSLiteral, props: PDFStackT | None = None) -> None:
        mcid = props.get("MCID") if isinstance(props, dict) else None
        self.open.append((tag.name, mcid if isinstance(mcid, int) else None))

    def end_tag(self) -> None:
        if self.open:
            self.open.pop()

    def render_char(self, matrix: Matrix, font: PDFFont, fontsize: float, scaling: float, rise: float, cid: int,
                    ncs: PDFColorSpace, graphicstate: PDFGraphicState) -> float:
        try:
            text = font.to_unichr(cid)
        except Exception:  # a glyph without Unicode cannot be compared anyway
            text = ""
        key = next((mcid for name, mcid in reversed(self.open) if mcid is not None or name == "Artifact"), None)
        self.texts[key] = self.texts.get(key, "") + text
        return font.char_width(cid) * fontsize * scaling


def marked_text(path: Path) -> list[dict[int | None, str]]:
    """For each page in order, MCID -> text."""
    pages = []
    with path.open("rb") as stream:
        document = PDFDocument(PDFParser(stream))
        resources = PDFResourceManager(caching=True)
        for page in PDFPage.create_pages(document):
            device = _MarkedText(resources)
            PDFPageInterpreter(resources, device).process_page(page)
            pages.append(device.texts)
    return pages
