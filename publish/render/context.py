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
from ..diagnostics import Reporter
from ..sources.resources import Resources
from ..theme import Theme


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
