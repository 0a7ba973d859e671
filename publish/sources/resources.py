"""Images and other files a book refers to, resolved only inside the folders allowed.

Every renderer goes through :class:`Resources`, so that a Markdown image that
points at ``../../etc/passwd`` or a ``file:`` URL is refused in every format
alike, with a warning at the place that asked for it.

A picture inside a Word document is named by the document and its part,
``report.docx#word/media/image1.png``: the document passes the checks any
file does, the part is read with the Word reader's bounded reads, and it is
written out to ``cache_dir`` so that every renderer has a file to point at.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..build.output import write_atomic
from ..diagnostics import Reporter
from ..model.nodes import Book, Image, Pos
from ..model.walk import iter_nodes
from .readers.docx_package import PackageError, open_archive, read_member
from .remote import RemotePolicy, RemoteRefused

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
    """Resolves a ``src`` relative to the source that names it, within ``roots``.

    Remote http(s) resources are fetched only with a :class:`RemotePolicy`
    (``--allow-remote``), and kept in ``cache_dir`` so every renderer uses the
    same bytes as a local file.
    """

    def __init__(self, roots: list[Path], reporter: Reporter, remote: RemotePolicy | None = None,
                 cache_dir: Path | None = None) -> None:
        self.roots = [root.resolve() for root in roots]
        self.reporter = reporter
        self.remote = remote
        self.cache_dir = cache_dir
        self._cache: dict[Path, Resource] = {}
        self._remote_cache: dict[str, Resource | None] = {}
        self._member_cache: dict[tuple[Path, str], Resource | None] = {}
        self._scratch: Path | None = None

    def prefetch(self, book: Book) -> None:
        """Read every image the book names now, so that these resources serve them from memory
        wherever they are used next (a render on another machine).  What is refused is left
        for the renderer to refuse again, and report, where it asks."""
        reporter, self.reporter = self.reporter, Reporter(stream=None)
        try:
            for article in book.articles:
                pos = article.pos or Pos(article.id)
                for node in iter_nodes(article):
                    if isinstance(node, Image) and node.src:
                        self.fetch(node.src, pos)
            if book.meta.cover_image:
                cover = Path(book.meta.cover_image)
                self.fetch(cover.name, Pos(str(cover)))
        finally:
            self.reporter = reporter

    def fetch(self, src: str, pos: Pos) -> Resource | None:
        """The resource named by ``src`` in the source at ``pos``, or None with a warning."""
        parts = urlsplit(src)
        if parts.scheme in ("http", "https"):
            if src not in self._remote_cache:
                self._remote_cache[src] = self._fetch_remote(src, pos)
            return self._remote_cache[src]
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
        if parts.fragment and candidate.suffix.lower() == ".docx":
            key = (candidate, unquote(parts.fragment))
            if key not in self._member_cache:
                self._member_cache[key] = self._fetch_member(candidate, key[1], src, pos)
            return self._member_cache[key]
        if candidate in self._cache:
            return self._cache[candidate]
        data = self._read_file(candidate, src, pos)
        if data is None:
            return None
        media_type = sniff_image_type(data)
        if media_type is None:
            self.reporter.warn(pos, f"resource refused (not a PNG, JPEG, GIF, WebP or SVG image): {src}")
            return None
        resource = Resource(candidate, data, media_type)
        self._cache[candidate] = resource
        return resource

    def _read_file(self, candidate: Path, src: str, pos: Pos) -> bytes | None:
        """The bytes of a regular file within the size cap, or None with a warning."""
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
        with candidate.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)  # bounded: it may have grown since
        if len(data) > MAX_BYTES:
            self.reporter.warn(pos, f"resource refused (larger than {MAX_BYTES} bytes): {src}")
            return None
        return data

    def _fetch_member(self, archive: Path, member: str, src: str, pos: Pos) -> Resource | None:
        """A picture inside a Word document, written out as a file of its own."""
        container = self._read_file(archive, src, pos)
        if container is None:
            return None
        try:
            data = read_member(open_archive(container), member, MAX_BYTES)
        except PackageError as exc:
            self.reporter.warn(pos, f"resource refused ({exc}): {src}")
            return None
        media_type = sniff_image_type(data)
        if media_type is None:
            self.reporter.warn(pos, f"resource refused (not a PNG, JPEG, GIF, WebP or SVG image): {src}")
            return None
        suffix = {v: k for k, v in _IMAGE_TYPES.items()}[media_type]
        path = self._extraction_folder() / (hashlib.sha256(data).hexdigest()[:32] + suffix)
        if not path.is_file():
            write_atomic(path, data)
        return Resource(path.resolve(), data, media_type)

    def _extraction_folder(self) -> Path:
        """``cache_dir``, else a folder of this process's own, removed when it exits."""
        if self.cache_dir is not None:
            return self.cache_dir
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="publish-docx-"))
            atexit.register(shutil.rmtree, self._scratch, True)
        return self._scratch

    def _fetch_remote(self, src: str, pos: Pos) -> Resource | None:
        if self.remote is None or self.cache_dir is None:
            self.reporter.warn(pos, f"remote resource not fetched (use --allow-remote): {src}")
            return None
        try:
            data, declared = self.remote.fetch(src)
        except RemoteRefused as exc:
            self.reporter.warn(pos, f"remote resource refused: {exc}")
            return None
        media_type = sniff_image_type(data)
        if media_type is None:
            self.reporter.warn(pos, f"remote resource refused (not an image, says {declared}): {src}")
            return None
        suffix = {v: k for k, v in _IMAGE_TYPES.items()}[media_type]
        path = self.cache_dir / (hashlib.sha256(src.encode()).hexdigest()[:32] + suffix)
        write_atomic(path, data)
        return Resource(path.resolve(), data, media_type)


_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff_image_type(data: bytes) -> str | None:
    """The image type by content, not by what a server claims."""
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:512].lstrip()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:2048]:
        return "image/svg+xml"
    return None
