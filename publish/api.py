"""The toolkit as a library: what the ``publish`` command does, callable from Python.

    from publish.api import BuildOptions, build, load_book
    book = load_book(Path("content"))            # the finished model
    build(Path("content"), Path("dist"), BuildOptions(formats=["pdf"]))
"""

from __future__ import annotations

from .build.book import build_time, finish_book, load_book
from .build.pipeline import BuildOptions, build, default_styles_dir

__all__ = ["BuildOptions", "build", "build_time", "default_styles_dir", "finish_book", "load_book"]
