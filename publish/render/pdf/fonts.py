"""The PDF's fonts subset and instanced by the HarfBuzz that pip installs.

WeasyPrint embeds a variable font as a static instance at the weight and
optical size each run of text uses, one per face and size, and makes them with
fontTools' instancer after cutting the subset: over a second for the seed
book, on every build and in every part of a long one
(``font_instances`` says what HarfBuzz does instead).

WeasyPrint cuts its subsets with the system's libharfbuzz-subset when it finds
one, and with fontTools otherwise: two machines would write different bytes,
and fontTools takes over a second per face (twenty for the seed book).  The
HarfBuzz of ``uharfbuzz`` is the same on every machine with the same packages.

WeasyPrint has no option for either, so for the length of a render its module
name for the instancer is bound to ``instantiate`` below and its fonts' subset
method to ``subset``; a font HarfBuzz cannot read still goes to WeasyPrint's own.
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from fontTools.ttLib import TTFont
from weasyprint.pdf import fonts as weasyprint_fonts

from ..font_instances import pdf_subset, static_instance

#: One binding at a time: two renders in one process must not restore each other's.
_BINDING_LOCK = threading.Lock()


@contextlib.contextmanager
def harfbuzz_instancing() -> Iterator[None]:
    """WeasyPrint's fonts are subset and its variable fonts instanced by HarfBuzz while the block runs."""
    with _BINDING_LOCK:
        fonttools_instancer = weasyprint_fonts.instantiateVariableFont

        def instancer(font: TTFont, location: Mapping[str, float], static: bool = False, **options: Any) -> TTFont:
            return instantiate(font, location, static=static, fallback=fonttools_instancer, **options)

        own_subset = weasyprint_fonts.Font.subset

        def subset(font: weasyprint_fonts.Font, to_unicode: Mapping[int, str], hinting: bool) -> None:
            if not to_unicode:
                return
            try:
                font.file_content = pdf_subset(font.file_content, font.index, to_unicode,
                                               hinting=hinting, notdef_outline=bool(font.missing))
            except ValueError:
                own_subset(font, to_unicode, hinting)

        weasyprint_fonts.instantiateVariableFont = instancer
        weasyprint_fonts.Font.subset = subset
        try:
            yield
        finally:
            weasyprint_fonts.instantiateVariableFont = fonttools_instancer
            weasyprint_fonts.Font.subset = own_subset


def instantiate(font: TTFont, location: Mapping[str, float], *, static: bool,
                fallback: Callable[..., TTFont], **options: Any) -> TTFont:
    """The static instance of ``font`` at ``location`` (axes not named stay at their
    defaults), as fontTools' ``instantiateVariableFont(..., static=True)`` makes it."""
    data = _single_font_bytes(font)
    if not static or options or data is None:
        return fallback(font, location, static=static, **options)
    try:
        instance = static_instance(data, location)
    except ValueError:
        return fallback(font, location, static=static, **options)
    # Read lazily and saved as is: no table is compiled again, the timestamp included.
    return TTFont(io.BytesIO(instance), recalcBBoxes=False, recalcTimestamp=False)


def _single_font_bytes(font: TTFont) -> bytes | None:
    """The file a font was read from, unless it is a collection or not in memory."""
    reader = getattr(font, "reader", None)
    source = getattr(reader, "file", None)
    if not isinstance(source, io.BytesIO) or hasattr(reader, "numFonts"):
        return None
    return source.getvalue()
