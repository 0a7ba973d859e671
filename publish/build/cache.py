"""Results of a build's costly steps, kept between builds under content-hash keys.

A rebuild after one source changed reads, renders and subsets only what that
change touches: every other article's model, document and font cut come back
from here.  A key is a hash of everything the result depends on, salted with
the toolkit's own code and the installed libraries, so a stale entry is never
found: the worst a wrong guess can cost is a miss.  Entries are pickles,
written atomically; one that cannot be read is a miss too.

Every kind of entry is declared below, once: what its key covers and what it
holds.  After a successful build, the entries of the kinds of the steps it ran
that it did not use are removed, so the folder holds one build's worth, not a
history.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from ..model.nodes import NODE_TYPES
from ..model.walk import by_identity

T = TypeVar("T")

#: A book's folder not used for this long is removed by the next build of any book.
_UNUSED_BOOK_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class Kind:
    """A kind of cache entry: its folder, the build step whose run prunes it, what its key
    covers (besides the toolkit's code and the libraries: see :func:`code_salt`), and what
    it holds."""

    name: str
    step: str
    key: str
    holds: str


READ = Kind("read", "read", "the reader, the source's path as shown and its bytes",
            "the source's article and its reader's warnings")
LINT = Kind("lint", "lint", "the book's metadata and the article", "the article's editorial findings")
EPUB_ARTICLE = Kind("epub/article", "epub",
                    "the article, its file name, the book's language, which of its people the index has, "
                    "the stylesheet's name", "its XHTML document, the hrefs it used and its warnings")
EPUB_PAGE = Kind("epub/page", "epub", "a document's file name and XHTML",
                 "what the package needs of it: characters, images, features, accessibility gaps")
EPUB_FONT = Kind("epub/font", "epub", "the font file, weight, characters, family, style and build time",
                 "the embedded subset")
EPUB_REPERTOIRE = Kind("epub/repertoire", "epub", "the font file", "the characters the face has")
EPUB_COVER = Kind("epub/cover", "epub", "the book's metadata, the first articles' titles and the theme",
                  "the cover picture")
DOCX_ARTICLE = Kind("docx/article", "docx",
                    "the article, the book's language, the page, the theme, the style ids and the reference document",
                    "the article's XML, with its ids relative to the article (render/docx/fragments.py)")
DOCX_FONT = Kind("docx/font", "docx", "the font file, the face, its family name and the characters",
                 "the face, instanced and cut for embedding")

PDF_PART = Kind("pdf/part", "pdf",
                "the part's HTML (with the page numbers it prints), the print stylesheet, the images it shows, "
                "its name, the PDF variant and the build time",
                "the part's PDF, the page of each of its ids, the kind of each page and its warnings")
PDF_FOLIOS = Kind("pdf/folios", "pdf", "the folio pages' HTML and stylesheet, their name, the build time",
                  "their PDF")

PDF_FONT = Kind("pdf/font", "pdf", "the subsets of one face that the parts embedded",
                "their merge into one subset (render/pdf/shared_fonts.py)")

KINDS: tuple[Kind, ...] = (READ, LINT, EPUB_ARTICLE, EPUB_PAGE, EPUB_FONT, EPUB_REPERTOIRE, EPUB_COVER,
                           DOCX_ARTICLE, DOCX_FONT, PDF_PART, PDF_FOLIOS, PDF_FONT)


class BuildCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started = time.time()

    @staticmethod
    def key(*parts: object) -> str:
        """The key of a result computed from ``parts`` (bytes, str, or anything picklable)."""
        digest = hashlib.sha256(code_salt().encode())
        for part in parts:
            if isinstance(part, str):
                part = part.encode("utf-8")
            elif isinstance(part, NODE_TYPES):
                part = BuildCache.digest(part)
            elif not isinstance(part, bytes | bytearray | memoryview):
                part = pickle.dumps(part, protocol=5)
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        return digest.hexdigest()

    @staticmethod
    def digest(node: object) -> bytes:
        """The hash of a model node's content, worked out once per node: the lint, the EPUB
        and the DOCX all key an article's results by it.  (Nodes are immutable.)"""
        return _node_digest(node)

    def load(self, kind: Kind, key: str) -> object | None:
        """The stored result, or None when there is none (or none that can be read)."""
        path = self._path(kind, key)
        try:
            with path.open("rb") as stream:
                value = pickle.load(stream)
            _touch(path)
        except Exception:  # missing, truncated, from an incompatible library: recompute
            return None
        return value

    def store(self, kind: Kind, key: str, value: object) -> None:
        path = self._path(kind, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
            partial.write_bytes(pickle.dumps(value, protocol=5))
            partial.replace(path)  # atomic: a concurrent build never reads half an entry
            _touch(path)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def prune(self, steps: Iterable[str]) -> None:
        """Remove the entries of the kinds of ``steps`` (``read``, ``lint``, a format) that
        this build did not use."""
        threshold = self.started
        self._forget_other_books()
        ran = set(steps)
        for kind in KINDS:
            if kind.step not in ran:
                continue
            for folder, _, names in os.walk(self.folder / kind.name):
                for name in names:
                    path = os.path.join(folder, name)
                    try:
                        if os.stat(path).st_mtime < threshold:
                            os.unlink(path)
                    except OSError:
                        pass

    def _forget_other_books(self) -> None:
        """Folders of books not built for a while (removed sources, test runs) go."""
        try:
            _touch(self.folder)
            siblings = list(os.scandir(self.folder.parent))
        except OSError:
            return
        for sibling in siblings:
            try:
                if sibling.is_dir() and sibling.stat().st_mtime < self.started - _UNUSED_BOOK_SECONDS:
                    shutil.rmtree(sibling.path, ignore_errors=True)
            except OSError:
                pass

    def _path(self, kind: Kind, key: str) -> Path:
        return self.folder / kind.name / key


@by_identity
def _node_digest(node: object) -> bytes:
    return hashlib.sha256(pickle.dumps(node, protocol=5)).digest()


def _touch(path: Path) -> None:
    """Mark an entry as used now.  The time is the one ``started`` is taken from: the
    kernel's own file times run on a coarser clock, a few milliseconds behind."""
    now = time.time()
    os.utime(path, (now, now))


def memoised(cache: BuildCache | None, kind: Kind, compute: Callable[[], T], *key: object) -> T:
    """``compute()``, or its result from an earlier build with the same ``key``."""
    if cache is None:
        return compute()
    digest = cache.key(*key)
    value = cache.load(kind, digest)
    if value is None:
        value = compute()
        cache.store(kind, digest, value)
    return value  # type: ignore[return-value]


def user_cache_dir() -> Path:
    """The user's cache folder for the toolkit: ``PUBLISH_CACHE_DIR``, else the XDG one."""
    chosen = os.environ.get("PUBLISH_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "publish"


def folder_for(outdir: Path, source: Path) -> Path:
    """One folder per book and output folder, outside the outputs (a failed build leaves
    OUTDIR as it was): builds of other books prune their own."""
    book = hashlib.sha256(f"{source.resolve()}\0{outdir.resolve()}".encode()).hexdigest()[:16]
    return user_cache_dir() / "builds" / book


@cache
def code_salt() -> str:
    """What every result depends on besides its input: this package's code, the
    Python it runs on and the versions of the installed libraries."""
    digest = hashlib.sha256(sys.version.encode())
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".j2") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode() + b"\0")
            digest.update(path.read_bytes())
    # A distribution's metadata folder is named after its version: listing them is
    # enough to see an upgrade, and costs one directory read per library folder.
    # (Only those: the script's folder and the working one are on the path too.)
    for entry in sys.path:
        if Path(entry).name not in ("site-packages", "dist-packages"):
            continue
        try:
            names = sorted(name for name in os.listdir(entry or ".") if name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
        digest.update("\0".join(names).encode())
    return digest.hexdigest()
