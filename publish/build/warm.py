"""``publish watch``'s warm process: what every build needs is loaded once, and each
build runs in a child forked from it.

A cold ``publish build`` of the example briefing spends most of a second before it
lays out a page: importing WeasyPrint, ebooklib and python-docx, parsing the print
stylesheet, loading its fonts.  The watching process pays that once
(:meth:`WarmBuilds.warm_up`), then forks a child per build, which starts with all
of it (and forks the processes that typeset the parts of the PDF from there).  The
child gives back whatever its build allocated when it exits, so the hundredth
build starts from the same parent as the first; what a build keeps for the next
is in the build cache, on disk.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from pathlib import Path

from .. import render
from ..conventions import page_geometry
from ..diagnostics import BuildError, InputError, Reporter
from ..render.context import RenderContext
from ..sources.manifest import locate
from ..sources.resources import Resources
from ..theme import load_theme
from .pipeline import BuildOptions, build, default_styles_dir
from .workers import forked_build

#: Forking is what keeps the parent warm and clean; elsewhere each build runs here.
FORKS = sys.platform.startswith("linux")


class WarmBuilds:
    """Builds of one book, each in a child of this warm process, warmed up first."""

    def __init__(self, source: Path, outdir: Path, options: BuildOptions) -> None:
        self.source = source
        self.outdir = outdir
        self.options = options

    def warm_up(self) -> None:
        """Import the renderers and parse the print stylesheet with its fonts, here.

        It needs the theme and the manifest's page size, not the book: cheap when nothing
        changed (the stylesheet is found parsed), so it may run before every build; after the
        theme or the page size changed, it parses the new stylesheet here, for every build
        after (one parsed in a child is lost with it).
        """
        try:
            manifest = locate(self.source)
            styles = self.options.styles_dir or default_styles_dir()
            reporter = Reporter(stream=None)
            context = RenderContext(
                # the time is the build's business: parsing the stylesheet does not use it
                styles_dir=styles, build_time=dt.datetime(1970, 1, 1, tzinfo=dt.UTC), theme=load_theme(styles),
                resources=Resources([manifest.root, styles], reporter),
                page=page_geometry(self.options.page_size or manifest.meta.page_size), reporter=reporter)
            render.warm_up(self.options.formats, context)
        except (InputError, BuildError):
            pass  # the build that follows says what is wrong

    def build(self) -> list[Path]:
        """The paths written, as ``build`` gives them; its warnings go to stderr as they come."""
        self.warm_up()
        task = functools.partial(_build, self.source, self.outdir, self.options)
        if not FORKS:
            return task()
        return forked_build(task).result(0)


def _build(source: Path, outdir: Path, options: BuildOptions) -> list[Path]:
    return build(source, outdir, options, Reporter())
