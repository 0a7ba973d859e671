"""Results of a build's costly steps, kept between builds under content-hash keys.

A rebuild after one source changed reads, renders and subsets only what that
change touches: every other article's model, document and font cut come back
from here.  A key is a hash of everything the result depends on, salted with
the toolkit's own code and the installed libraries, so a stale entry is never
found: the worst a wrong guess can cost is a miss.  Entries are pickles,
written atomically; one that cannot be read is a miss too.

After a successful build, the entries of the kinds it used and did not touch
are removed, so the folder holds one build's worth, not a history.
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
from functools import cache
from pathlib import Path
from typing import TypeVar

from ..model.nodes import NODE_TYPES
from ..model.walk import by_identity

T = TypeVar("T")

#: A book's folder not used for this long is removed by the next build of any book.
_UNUSED_BOOK_SECONDS = 30 * 24 * 3600


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

    def load(self, kind: str, key: str) -> object | None:
        """The stored result, or None when there is none (or none that can be read)."""
        path = self._path(kind, key)
        try:
            with path.open("rb") as stream:
                value = pickle.load(stream)
            _touch(path)
        except Exception:  # missing, truncated, from an incompatible library: recompute
            return None
        return value

    def store(self, kind: str, key: str, value: object) -> None:
        path = self._path(kind, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
            partial.write_bytes(pickle.dumps(value, protocol=5))
            partial.replace(path)  # atomic: a concurrent build never reads half an entry
            _touch(path)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def prune(self, kinds: Iterable[str]) -> None:
        """Remove the entries of ``kinds`` (and of the kinds under them: ``epub/font``
        is under ``epub``) that this build did not use."""
        threshold = self.started
        self._forget_other_books()
        for kind in kinds:
            for folder, _, names in os.walk(self.folder / kind):
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

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key


@by_identity
def _node_digest(node: object) -> bytes:
    return hashlib.sha256(pickle.dumps(node, protocol=5)).digest()


def _touch(path: Path) -> None:
    """Mark an entry as used now.  The time is the one ``started`` is taken from: the
    kernel's own file times run on a coarser clock, a few milliseconds behind."""
    now = time.time()
    os.utime(path, (now, now))


def memoised(cache: BuildCache | None, kind: str, compute: Callable[[], T], *key: object) -> T:
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
