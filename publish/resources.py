"""Images and other files a book refers to, resolved only inside the folders allowed.

Every renderer goes through :class:`Resources`, so that a Markdown image that
points at ``../../etc/passwd`` or a ``file:`` URL is refused in every format
alike, with a warning at the place that asked for it.
"""

from __future__ import annotations

import mimetypes
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .diagnostics import Reporter
from .model import Pos

MAX_BYTES = 20 * 1024 * 1024

_IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}


@dataclass(frozen=True)
class Resource:
    path: Path
    data: bytes
    media_type: str


class Resources:
    """Resolves a ``src`` relative to the source that names it, within ``roots``."""

    def __init__(self, roots: list[Path], reporter: Reporter) -> None:
        self.roots = [root.resolve() for root in roots]
        self.reporter = reporter
        self._cache: dict[Path, Resource] = {}

    def fetch(self, src: str, pos: Pos) -> Resource | None:
        """The resource named by ``src`` in the source at ``pos``, or None with a warning."""
        parts = urlsplit(src)
        if parts.scheme in ("http", "https"):
            self.reporter.warn(pos, f"remote resource not fetched: {src}")
            return None
        if parts.scheme or parts.netloc:
            self.reporter.warn(pos, f"resource refused ({parts.scheme or 'network'} URL): {src}")
            return None
        relative = unquote(parts.path)
        if not relative or Path(relative).is_absolute():
            self.reporter.warn(pos, f"resource refused (absolute path): {src}")
            return None
        base = Path(pos.path).parent
        candidate = (base / relative).resolve()
        if not any(candidate.is_relative_to(root) for root in self.roots):
            self.reporter.warn(pos, f"resource refused (outside the content folder): {src}")
            return None
        if candidate in self._cache:
            return self._cache[candidate]
        try:
            info = candidate.stat()
        except OSError:
            self.reporter.warn(pos, f"resource not found: {src}")
            return None
        if not stat.S_ISREG(info.st_mode):
            self.reporter.warn(pos, f"resource refused (not a regular file): {src}")
            return None
        if info.st_size > MAX_BYTES:
            self.reporter.warn(pos, f"resource refused (larger than {MAX_BYTES} bytes): {src}")
            return None
        media_type = _IMAGE_TYPES.get(candidate.suffix.lower()) or (
            mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
        )
        resource = Resource(candidate, candidate.read_bytes(), media_type)
        self._cache[candidate] = resource
        return resource
