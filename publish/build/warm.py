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

import functools
import sys
from pathlib import Path

from .. import render
from ..diagnostics import BuildError, InputError, Reporter
from .pipeline import BuildOptions, build, prepare
from .workers import LocalExecutor, forked_build

#: Forking is what keeps the parent warm and clean; elsewhere each build runs here.
FORKS = sys.platform.startswith("linux")


class WarmBuilds:
    """Builds of one book, each in a child of this warm process."""

    def __init__(self, source: Path, outdir: Path, options: BuildOptions) -> None:
        self.source = source
        self.outdir = outdir
        self.options = options

    def warm_up(self) -> None:
        """Import the renderers and parse the print stylesheet with its fonts, here.

        Again after the theme or the manifest changed (the page size is the manifest's):
        a stylesheet parsed in a child is lost with it.
        """
        try:
            prepared = prepare(self.source, self.outdir, self.options, Reporter(stream=None), LocalExecutor(1))
            render.warm_up(prepared.formats, prepared.context)
        except (InputError, BuildError):
            pass  # the build that follows says what is wrong

    def build(self) -> list[Path]:
        """The paths written, as ``build`` gives them; its warnings go to stderr as they come."""
        task = functools.partial(_build, self.source, self.outdir, self.options)
        if not FORKS:
            return task()
        return forked_build(task).result(0)


def _build(source: Path, outdir: Path, options: BuildOptions) -> list[Path]:
    return build(source, outdir, options, Reporter())
