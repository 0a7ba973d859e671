"""The preview's rebuild loop: build, then build again whenever a source, the manifest or the theme changes.

As ``publish watch`` does, it watches the source's folder and the styles
folder, leaving out the output folder (which may sit inside the sources).
Changes that come while a build runs wait for it and make one build after
it; changes that come while a finished build's page images are still being
rendered start the next build at once (it renders what is still missing).
Each build runs in the build process (:mod:`.builder`); this loop, in the
server's event loop, only sends requests and passes the answers to the state.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watchfiles import Change, DefaultFilter, awatch

from .builder import BuildProcess
from .state import PreviewState


@dataclass(frozen=True)
class Request:
    """What each build is asked for."""

    source: Path
    outdir: Path
    styles: Path
    images: Path
    formats: Sequence[str]
    drafts: bool = False

    def message(self, number: int) -> dict[str, Any]:
        return {"id": number, "sent": time.time(), "source": str(self.source), "outdir": str(self.outdir),
                "styles": str(self.styles), "images": str(self.images), "formats": list(self.formats),
                "drafts": self.drafts}

    def watched(self) -> list[Path]:
        folder = self.source if self.source.is_dir() else self.source.parent
        return [folder, self.styles]


class Rebuilds:
    def __init__(self, request: Request, builder: BuildProcess, state: PreviewState) -> None:
        self.request = request
        self.builder = builder
        self.state = state
        self.number = 0
        self.phase = "idle"  # "building" until the job says it built, "rendering" until it ends
        self.wanted = False  # a change came that no build has seen yet

    async def run(self, stop: asyncio.Event) -> None:
        """Until ``stop``: the first build, then one after each batch of changes."""
        answers = asyncio.create_task(self._answers())
        try:
            await self._want()
            outputs = os.path.realpath(self.request.outdir)
            default = DefaultFilter()

            def relevant(change: Change, path: str) -> bool:  # strings, not Paths: see state.built
                real = os.path.realpath(path)
                return default(change, path) and real != outputs and not real.startswith(outputs + os.sep)

            # Changes 50 ms apart are one batch (watchfiles' step), as in publish watch; a stream of
            # changes (a checkout) is cut every 0.4 s rather than 1.6 s, so that a build starts sooner.
            async for _ in awatch(*self.request.watched(), watch_filter=relevant, stop_event=stop,
                                  debounce=400, step=50):
                await self._want()
        finally:
            answers.cancel()

    async def _want(self) -> None:
        self.wanted = True
        if self.phase != "building":
            await self._start()

    async def _start(self) -> None:
        self.wanted = False
        self.number += 1
        self.phase = "building"
        self.state.started()
        await self.builder.request(self.request.message(self.number))

    async def _answers(self) -> None:
        async for message in self.builder.messages():
            if message.get("id") != self.number:  # from a job the current one replaced
                continue
            event = message.get("event")
            if event == "progress":
                self.state.progress(str(message.get("step", "")))
            elif event == "built":
                self.phase = "rendering"
                self.state.built(message)
                if self.wanted:
                    await self._start()
            elif event == "page":
                self.state.page_ready(str(message.get("key")))
            elif event == "done":
                if self.phase == "building":  # it ended without saying: it died
                    self.state.failed(f"publish: error: the build stopped unexpectedly (exit status "
                                      f"{message.get('status')})")
                self.phase = "idle"
                if self.wanted:
                    await self._start()
        if not self.state.closed:
            print("publish: error: the preview's build process has stopped", file=sys.stderr)
            self.state.failed("publish: error: the preview's build process has stopped; restart publish preview")
