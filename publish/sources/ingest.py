"""Turning a source file's bytes into clean text, or saying exactly where it is broken."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..diagnostics import InputError
from ..model.nodes import Pos

# C0 controls other than tab and newline, plus the two Unicode non-characters
# that XML forbids: python-docx and XML serialisers reject them with no location.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_BOM = "\ufeff"
#: A source is an article or a transcript; beyond this it is a mistake (a binary, a dump), and
#: laying it out would take minutes.  Split long material into several sources.
MAX_SOURCE_BYTES = 4 * 1024 * 1024


def position_of(text: str, offset: int, path: str) -> Pos:
    """The 1-based line and column of a character offset in ``text``."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Pos(path, line, col)


def decode(data: bytes, path: str) -> str:
    """Strict UTF-8, BOM removed, newlines normalised to ``\\n``, NFC, no control characters."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", errors="replace")
        before = before.replace("\r\n", "\n").replace("\r", "\n")
        pos = position_of(before, len(before), path)
        raise InputError(
            pos,
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}"
            " (save the file as UTF-8)",
        ) from None
    if text.startswith(_BOM):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        raise InputError(
            position_of(text, bad.start(), path),
            f"control character U+{ord(bad.group()):04X} is not allowed in a source",
        )
    return unicodedata.normalize("NFC", text)


def read_source(path: Path, display: str | None = None) -> str:
    """Read and decode a source file; ``display`` is the path used in messages."""
    shown = display or str(path)
    return decode(source_bytes(path, shown), shown)


def source_bytes(path: Path, shown: str) -> bytes:
    """A source file's bytes, refused when it is not a regular file or is too large."""
    try:
        if not path.is_file():
            raise InputError(Pos(shown, 1, 1), "not a regular file")
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise InputError(Pos(shown, 1, 1), f"source is {size / 1e6:.1f} MB; the limit is "
                             f"{MAX_SOURCE_BYTES // (1024 * 1024)} MiB (split it into several sources)")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(Pos(shown, 1, 1), f"cannot read: {exc.strerror}") from None
