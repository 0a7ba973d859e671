"""Readers: each turns the text of one source file (its bytes, for a binary format) into an
:class:`~publish.model.Article`.

They are registered by name with the file extensions they take, and never
import renderers.  A reader only reads: rewrites of the tree that every source
needs (typography, heading levels, ids) are transforms.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...diagnostics import Reporter
from ...model.nodes import Article

#: ``read(content, shown_path, reporter)``: the content is the decoded text, or the file's bytes for a
#: reader named in BYTES_READERS.
Reader = Callable[[Any, str, Reporter], Article]

# reader name -> (module, file extensions)
READERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "markdown": ("publish.sources.readers.markdown", (".md", ".markdown")),
    "transcript": ("publish.sources.readers.transcript", (".txt",)),
    "docx": ("publish.sources.readers.docx", (".docx",)),
}
#: Readers of binary formats: they are handed the file's bytes, not its text.
BYTES_READERS = frozenset({"docx"})


@dataclass(frozen=True, slots=True)
class Dropped:
    """Lines ``line`` to ``last`` of a source that are not in the model, and the rule that left
    them out (``front-matter``, ``metadata``, ``page-furniture``...): a reader accounts for
    every line it does not carry into the model's text.

    Part of a line is left out when text the model holds shares the line (``Text <!-- note``):
    ``column`` is then the first column left out on ``line``, and ``end_column`` the first
    column kept again on ``last`` (columns count from 1; 0 says from the start of ``line``, and
    to the end of ``last``).  The lines between are left out whole."""

    line: int
    last: int
    rule: str
    column: int = 0
    end_column: int = 0

    def whole(self, number: int) -> bool:
        """Whether line ``number`` (one of ``line`` to ``last``) is left out whole."""
        return (number != self.line or self.column <= 1) and (number != self.last or not self.end_column)


#: ``read_accounted(content, shown_path, reporter)``: the article and the lines left out of it.
AccountedReader = Callable[[Any, str, Reporter], tuple[Article, tuple[Dropped, ...]]]

SOURCE_EXTENSIONS: tuple[str, ...] = tuple(ext for _, exts in READERS.values() for ext in exts)


def reader_name(filename: str) -> str | None:
    """The name of the reader for a file, chosen by its extension, or None."""
    lower = filename.lower()
    return next((name for name, (_, extensions) in READERS.items() if lower.endswith(extensions)), None)


def reader_for(filename: str) -> Reader | None:
    """The reader for a file, or None; its module (and its parser) is imported only now."""
    name = reader_name(filename)
    return importlib.import_module(READERS[name][0]).read if name else None


def reads_bytes(filename: str) -> bool:
    """Whether the reader for a file takes its bytes rather than its decoded text."""
    return reader_name(filename) in BYTES_READERS


def accounted_reader_for(filename: str) -> AccountedReader | None:
    """The reader's ``read_accounted`` for a file (``publish check`` and the tests compare a
    source's every line with the model), or None when it has none."""
    name = reader_name(filename)
    if name is None:
        return None
    module = importlib.import_module(READERS[name][0])
    return getattr(module, "read_accounted", None)
