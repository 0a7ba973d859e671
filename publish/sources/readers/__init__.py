"""Readers: each turns the text of one source file into an :class:`~publish.model.Article`.

They are registered by name with the file extensions they take, and never
import renderers.  A reader only reads: rewrites of the tree that every source
needs (typography, heading levels, ids) are transforms.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from ...diagnostics import Reporter
from ...model.nodes import Article

Reader = Callable[[str, str, Reporter], Article]

# reader name -> (module, file extensions)
READERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "markdown": ("publish.sources.readers.markdown", (".md", ".markdown")),
    "transcript": ("publish.sources.readers.transcript", (".txt",)),
}

SOURCE_EXTENSIONS: tuple[str, ...] = tuple(ext for _, exts in READERS.values() for ext in exts)


def reader_name(filename: str) -> str | None:
    """The name of the reader for a file, chosen by its extension, or None."""
    lower = filename.lower()
    return next((name for name, (_, extensions) in READERS.items() if lower.endswith(extensions)), None)


def reader_for(filename: str) -> Reader | None:
    """The reader for a file, or None; its module (and its parser) is imported only now."""
    name = reader_name(filename)
    return importlib.import_module(READERS[name][0]).read if name else None
