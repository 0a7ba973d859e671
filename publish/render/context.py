"""What every renderer is given besides the book."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..build.cache import BuildCache
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
    #: "A4" or "Letter": the manifest's choice unless overridden on the command line.
    page_size: str = "A4"
    reporter: Reporter = field(default_factory=Reporter)
    #: A folder for intermediate files of this build (created on demand).
    workdir: Path | None = None
    #: The PDF standard to follow: tagged PDF/UA-1 by default, or a PDF/A variant for archiving.
    pdf_variant: str = "pdf/ua-1"
    #: Where results of costly steps are kept between builds (None: not kept).
    cache: BuildCache | None = None


@dataclass(frozen=True)
class Rendered:
    """A renderer's output, with the page each anchor landed on when the format has pages."""

    data: bytes
    anchors: Mapping[str, int] = field(default_factory=dict)
