"""``publish check``: the sources compared with the model, and the built outputs read back
and compared with it.

Each output is read with a reader that shares nothing with the renderers
(pdfminer and pypdf for the PDF, zip and lxml for the EPUB and the DOCX), so a
renderer bug cannot hide itself; each source is read again and every line of
it looked for in the model (``sources``), so a reader bug cannot either.
Every difference is reported at the source position it concerns.
"""

from __future__ import annotations

from .run import EXTENSIONS, INSTALL_HINT, check_outputs, missing_readers
from .sources import check_sources

__all__ = ["EXTENSIONS", "INSTALL_HINT", "check_outputs", "check_sources", "missing_readers"]
