"""``publish check``: read the built outputs back and compare them with the model.

Each output is read with a reader that shares nothing with the renderers
(pdfminer and pypdf for the PDF, zip and lxml for the EPUB and the DOCX), so a
renderer bug cannot hide itself.  Every difference is reported at the source
position of the model node it concerns.
"""

from __future__ import annotations

from .run import EXTENSIONS, INSTALL_HINT, check_outputs, missing_readers

__all__ = ["EXTENSIONS", "INSTALL_HINT", "check_outputs", "missing_readers"]
