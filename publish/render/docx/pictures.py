"""Pictures in the Word text: an image as an inline picture, in a run of its own.

python-docx makes the DrawingML; this scales the picture to the room it has,
takes away the space LibreOffice keeps around an inline picture, and numbers
and describes it for the whole document.
"""

from __future__ import annotations

import io

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.run import CT_R
from docx.shared import Emu
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run
from lxml import etree

from .oxml import clean_text, new_run


def picture_run(paragraph: DocxParagraph, data: bytes, *, max_width: int, max_height: int) -> CT_R:
    """A run holding the image ``data`` as an inline picture, scaled down to fit ``max_width``
    by ``max_height`` (EMU); the image is a part of ``paragraph``'s part.

    Raises python-docx's UnrecognizedImageError for an image format it cannot read.
    """
    r = new_run()
    shape = Run(r, paragraph).add_picture(io.BytesIO(data))
    scale = min(1.0, max_width / shape.width, max_height / shape.height)
    shape.width, shape.height = Emu(int(shape.width * scale)), Emu(int(shape.height * scale))
    no_space_around(r.xpath(".//wp:inline")[0])
    return r


def describe(r: CT_R, drawing_id: int, alt: str, title: str) -> None:
    """Give the picture in ``r`` its id, name, alt text and title.

    python-docx numbers drawings per part, so a picture in a footnote could repeat
    an id: the caller numbers them through the document.
    """
    doc_pr = r.xpath(".//wp:docPr")[0]
    doc_pr.set("id", str(drawing_id))
    doc_pr.set("name", f"Picture {drawing_id}")
    doc_pr.set("descr", clean_text(alt))
    if title:
        doc_pr.set("title", clean_text(title))


def no_space_around(inline: etree._Element) -> None:
    """A picture exactly as wide as its ``wp:extent``: no distance to the text, no effect extent.

    python-docx writes neither; LibreOffice then keeps about 9 pt on each side of
    an inline picture, and a picture as wide as the text block runs past its margin.
    """
    for side in ("distT", "distB", "distL", "distR"):
        inline.set(side, "0")
    extent = inline.find(qn("wp:extent"))
    if inline.find(qn("wp:effectExtent")) is None and extent is not None:
        effect = OxmlElement("wp:effectExtent")
        for side in ("l", "t", "r", "b"):  # unqualified attributes, as DrawingML has them
            effect.set(side, "0")
        extent.addnext(effect)
