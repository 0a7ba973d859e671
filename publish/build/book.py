"""The book a build works on: its sources read and transformed, and the build's date."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

from ..diagnostics import InputError, Reporter
from ..model import nodes as m
from ..sources.manifest import Manifest, locate
from ..transforms import apply_transforms
from .cache import BuildCache
from .read import read_book
from .workers import Executor


def load_book(source: Path, reporter: Reporter | None = None, *, drafts: bool = False) -> m.Book:
    """The finished model of SOURCE: read and transformed, ready for any renderer.
    ``drafts`` keeps the drafts in, as the manifest's ``drafts = true`` does."""
    return finish_book(locate(source), reporter or Reporter(), drafts=drafts)


def finish_book(manifest: Manifest, reporter: Reporter, cache: BuildCache | None = None,
                executor: Executor | None = None, *, drafts: bool = False) -> m.Book:
    """The model of the book a manifest describes: read, transformed, dated."""
    if drafts:
        manifest = replace(manifest, meta=replace(manifest.meta, drafts=True))
    epoch = source_date_epoch()
    book = read_book(manifest, reporter, cache, executor)
    return apply_transforms(book, reporter, epoch.date() if epoch else None)


def source_date_epoch() -> dt.datetime | None:
    """The moment ``SOURCE_DATE_EPOCH`` names, if it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise InputError(m.Pos("SOURCE_DATE_EPOCH", 1, 1), f"'{epoch}' is not a count of seconds") from None


def build_time(book: m.Book) -> dt.datetime:
    """SOURCE_DATE_EPOCH, else the manifest's date, else the newest source date; the clock last."""
    epoch = source_date_epoch()
    if epoch:
        return epoch
    dates = [book.meta.date] if book.meta.date else [a.meta.date for a in book.articles if a.meta.date]
    if dates:
        newest = max(dates)
        return dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
