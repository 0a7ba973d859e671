"""``OUTDIR/<slug>.manifest.json``: what went into a build and what came out, with hashes.

It lets anyone verify that an output came from given sources with given tool
versions, and that two builds are the same.  It holds no wall-clock time, so it
is as reproducible as the outputs it describes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from importlib import metadata
from pathlib import Path

from ..sources.manifest import Manifest
from .output import write_atomic

TOOLS = ("publish", "weasyprint", "ebooklib", "python-docx", "markdown-it-py", "pydyf")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


def _relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def write_build_manifest(manifest: Manifest, outdir: Path, slug: str, outputs: list[Path],
                         build_time: dt.datetime) -> Path:
    """Describe the sources and every output of this book now in ``outdir``."""
    present = sorted({*outputs, *(p for p in outdir.glob(f"{slug}.*") if p.suffix in (".pdf", ".epub", ".docx"))})
    record = {
        "book": slug,
        "build_time": build_time.isoformat(),
        "manifest": {"path": _relative(manifest.path, manifest.root), "sha256": sha256(manifest.path)}
        if manifest.path else None,
        "sources": [{"path": _relative(s.path, manifest.root), "sha256": sha256(s.path)} for s in manifest.sources],
        "outputs": [{"path": p.name, "sha256": sha256(p), "bytes": p.stat().st_size} for p in present],
        "tools": {name: _version(name) for name in TOOLS},
    }
    target = outdir / f"{slug}.manifest.json"
    write_atomic(target, (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode())
    return target
