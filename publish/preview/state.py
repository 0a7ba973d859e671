"""What the preview shows, and the news of it for the open pages.

:class:`PreviewState` keeps the last good build (its pages, chapters and
outputs), the error of the last build if it failed, and the build under way;
every change is told to the subscribed pages (server-sent events) as a small
event, after which a page asks for :meth:`PreviewState.as_json` again.  It
lives in the server's event loop: only that loop's tasks touch it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Events a page may fall behind by before it is dropped (it reconnects and reloads).
QUEUE = 64


@dataclass
class Snapshot:
    """A build that succeeded: what its page shows until a later one succeeds."""

    version: int = 0
    pages: list[dict[str, Any]] = field(default_factory=list)
    chapters: list[dict[str, str]] = field(default_factory=list)
    members: dict[str, str] = field(default_factory=dict)
    pdf: Path | None = None
    epub: Path | None = None
    #: The index of the first page whose image differs from the build before; None: none does.
    first_changed: int | None = None

    @functools.cached_property
    def keys(self) -> frozenset[str]:  # asked for at every page image: worked out once
        return frozenset(page["key"] for page in self.pages)


class PreviewState:
    def __init__(self, images: Path) -> None:
        self.images = images
        self.snapshot = Snapshot()
        self.ready: set[str] = set()  # keys whose image is stored
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.building = False
        self.step = ""
        self.builds = 0
        self.closed = False
        self._subscribers: set[asyncio.Queue[tuple[str, dict[str, Any]] | None]] = set()

    # ------------------------------------------------------------ the news

    def subscribe(self) -> asyncio.Queue[tuple[str, dict[str, Any]] | None]:
        queue: asyncio.Queue[tuple[str, dict[str, Any]] | None] = asyncio.Queue(QUEUE)
        if self.closed:
            queue.put_nowait(None)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[tuple[str, dict[str, Any]] | None]) -> None:
        self._subscribers.discard(queue)

    def tell(self, event: str, data: dict[str, Any]) -> None:
        for queue in list(self._subscribers):
            try:
                queue.put_nowait((event, data))
            except asyncio.QueueFull:  # a page that stopped reading: let it go
                self._subscribers.discard(queue)
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
                queue.put_nowait(None)

    def close(self) -> None:
        """The server is stopping: every event stream ends."""
        self.closed = True
        for queue in list(self._subscribers):
            with contextlib.suppress(asyncio.QueueEmpty):
                while True:
                    queue.get_nowait()
            queue.put_nowait(None)

    # ------------------------------------------------------------ the builds

    def started(self) -> None:
        self.building, self.step = True, "reading sources"
        self.tell("status", self.status())

    def progress(self, step: str) -> None:
        self.step = step
        self.tell("status", self.status())

    def built(self, message: dict[str, Any]) -> None:
        """A build ended: a new snapshot if it succeeded, else its errors beside the last good one."""
        self.building, self.step = False, ""
        self.builds += 1
        self.warnings = list(message.get("warnings", []))
        if not message.get("ok"):
            self.errors = list(message.get("errors", [])) or ["publish: error: the build failed"]
            self.tell("state", {"version": self.snapshot.version, "first_changed": None})
            return
        self.errors = []
        before = [page["key"] for page in self.snapshot.pages]
        pages = list(message.get("pages", []))
        first = next((i for i, page in enumerate(pages) if i >= len(before) or page["key"] != before[i]), None)
        if first is None and len(before) > len(pages):
            first = max(len(pages) - 1, 0)  # pages removed at the end: show where the book now ends
        self.snapshot = Snapshot(self.snapshot.version + 1, pages, list(message.get("chapters", [])),
                                 dict(message.get("members", {})), _path(message.get("pdf")),
                                 _path(message.get("epub")), first)
        keys = self.snapshot.keys
        # File names as strings, not Paths: pathlib interns every part, and the interpreter's
        # table of interned strings, grown by a new name per changed page, never shrinks back.
        names = set(os.listdir(self.images))
        for name in names:  # the images of pages the book no longer has (dot files: a job's, being written)
            if name.partition(".")[0] not in keys and not name.startswith("."):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(self.images, name))
        self.ready = {key for key in keys if f"{key}.png" in names and f"{key}.txt" in names}
        self.tell("state", {"version": self.snapshot.version, "first_changed": first})

    def page_ready(self, key: str) -> None:
        if key in self.snapshot.keys:
            self.ready.add(key)
            self.tell("page", {"key": key})

    def failed(self, message: str) -> None:
        """The build process itself stopped: shown as a build error is."""
        self.built({"ok": False, "errors": [message]})

    # ------------------------------------------------------------ for the page

    def status(self) -> dict[str, Any]:
        return {"building": self.building, "step": self.step}

    def as_json(self) -> dict[str, Any]:
        snapshot = self.snapshot
        return {
            "version": snapshot.version,
            "first_changed": snapshot.first_changed,
            "builds": self.builds,
            **self.status(),
            "errors": self.errors,
            "warnings": self.warnings,
            "pages": [{**page, "ready": page["key"] in self.ready} for page in snapshot.pages],
            "chapters": snapshot.chapters,
            "downloads": [path.name for path in (snapshot.pdf, snapshot.epub) if path is not None],
        }

    def download(self, name: str) -> Path | None:
        """The output called ``name``, if the last good build wrote it."""
        for path in (self.snapshot.pdf, self.snapshot.epub):
            if path is not None and path.name == name:
                return path
        return None


def _path(value: object) -> Path | None:
    return Path(value) if isinstance(value, str) and value else None
