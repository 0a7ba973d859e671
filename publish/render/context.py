"""What every renderer is given besides the book."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..build.cache import BuildCache
from ..build.workers import Executor, LocalExecutor
from ..conventions import PAGE_SIZES, PageGeometry
from ..diagnostics import BuildError, Reporter
from ..model.nodes import Book
from ..sources.resources import Resources
from ..theme import Theme

#: The files of the theme folder a renderer reads.
STYLE_FILES = ("print.css", "epub.css", "reference.docx")


@dataclass(frozen=True)
class RenderContext:
    styles_dir: Path
    #: The build's timestamp (UTC), from SOURCE_DATE_EPOCH or the manifest: never the clock
    #: when either is set, so that builds are reproducible.
    build_time: dt.datetime
    theme: Theme
    resources: Resources
    #: The page: the manifest's size unless the command line chose another.
    page: PageGeometry = PAGE_SIZES["A4"]
    reporter: Reporter = field(default_factory=Reporter)
    #: The PDF standard to follow: tagged PDF/UA-1 by default, or a PDF/A variant for archiving.
    pdf_variant: str = "pdf/ua-1"
    #: Where results of costly steps are kept between builds (None: not kept).
    cache: BuildCache | None = None
    #: Where a renderer's independent tasks run (the parts of a long PDF).
    executor: Executor = field(default_factory=LocalExecutor)
    #: The theme folder's files as read once (``print.css``, ``epub.css``, ``reference.docx``):
    #: a context that carries them renders where the folder is not (:meth:`portable`).
    files: Mapping[str, bytes | None] = field(default_factory=dict)

    def style_file(self, name: str) -> bytes | None:
        """A file of the theme folder (None when it has none), from :attr:`files` if it was read."""
        if name in self.files:
            return self.files[name]
        path = self.styles_dir / name
        if not path.is_file():
            return None
        try:
            return path.read_bytes()
        except OSError as exc:
            raise BuildError(str(path), f"cannot read: {exc.strerror}") from None

    def stylesheet(self, name: str) -> str:
        """A stylesheet of the theme folder, which must have it."""
        data = self.style_file(name)
        if data is None:
            raise BuildError(str(self.styles_dir / name), "cannot read stylesheet: no such file")
        return data.decode("utf-8")

    def portable(self, book: Book) -> RenderContext:
        """The same context fit to travel to another process or machine: the theme's files and
        the book's images in memory, warnings to a reporter of its own, no build cache (it
        lives on this machine), and the work done where it lands, in order."""
        files = {name: self.style_file(name) for name in STYLE_FILES}
        resources = copy.copy(self.resources)
        resources.reporter = Reporter(stream=None, strict=self.reporter.strict)
        resources.prefetch(book)
        return replace(self, reporter=resources.reporter, resources=resources, cache=None,
                       executor=LocalExecutor(1), files=files)

    def with_reporter(self, reporter: Reporter) -> RenderContext:
        """The same context telling ``reporter`` what it finds, resources included (which
        keep what they have fetched)."""
        resources = copy.copy(self.resources)
        resources.reporter = reporter
        return replace(self, reporter=reporter, resources=resources)


@dataclass(frozen=True)
class Rendered:
    """A renderer's output, with the page each anchor landed on when the format has pages."""

    data: bytes
    anchors: Mapping[str, int] = field(default_factory=dict)
