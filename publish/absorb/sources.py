"""The book's sources as absorb sees them: which anchor tag names which file, what kind of
file it is, and whether its bytes are still those the build record holds."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..conventions import source_tag
from ..sources.manifest import Manifest
from ..sources.readers import reader_name

#: The sources whose text --apply may rewrite (by reader name); a Word source is never rewritten.
WRITABLE = ("markdown", "transcript")


@dataclass
class SourceFile:
    path: Path
    shown: str  # as the model's positions and the messages name it
    tag: str
    reader: str  # markdown, transcript, docx
    data: bytes  # its bytes now: kept, so that a failed apply can put them back
    recorded: str | None  # its sha256 in the build record; None when the record does not name it
    #: Another source has the same file name, so the same anchor tag: which one a paragraph
    #: comes from cannot be told (``conventions.source_tag`` names a source by its file name).
    shared_tag: bool = False

    @property
    def changed_since_build(self) -> bool | None:
        """True when its bytes differ from the build record's; None when there is no record of it."""
        if self.recorded is None:
            return None
        return hashlib.sha256(self.data).hexdigest() != self.recorded

    @property
    def writable(self) -> bool:
        return self.reader in WRITABLE


class RecordError(Exception):
    """The build record is there but cannot be read."""


def record_path(outdir: Path, slug: str) -> Path:
    return outdir / f"{slug}.manifest.json"


@dataclass(frozen=True)
class Record:
    """What a build record says: each source's and each output's sha256."""

    sources: dict[str, str]  # path relative to the content folder -> sha256
    outputs: dict[str, str]  # file name in the output folder -> sha256


def read_record(path: Path) -> Record | None:
    """The build record at ``path`` (``build/record.py`` writes it); None when there is none."""
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_bytes())
        return Record({str(s["path"]): str(s["sha256"]) for s in record["sources"]},
                      {str(o["path"]): str(o["sha256"]) for o in record.get("outputs", [])})
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RecordError(f"the build record cannot be read ({type(exc).__name__}: {exc})") from None


def book_sources(manifest: Manifest, record: Record | None) -> dict[str, SourceFile]:
    """The manifest's sources by anchor tag (``conventions.source_tag``)."""
    out: dict[str, SourceFile] = {}
    for entry in manifest.sources:
        path = entry.path
        # the path the reader was given, as build/read.py shows it
        shown = os.path.relpath(path) if not path.is_absolute() else str(path)
        recorded = record.sources.get(_relative(path, manifest.root)) if record is not None else None
        tag = source_tag(str(path))
        if tag in out:
            out[tag].shared_tag = True
            continue
        out[tag] = SourceFile(path, shown, tag, reader_name(path.name) or "", path.read_bytes(), recorded)
    return out


def _relative(path: Path, base: Path) -> str:
    """As the build record names a source (``build/record.py``)."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
