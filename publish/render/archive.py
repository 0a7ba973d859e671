"""Reproducible zip archives, the container of the EPUB and of the DOCX.

The same entries and build time give the same bytes: fixed timestamps (the
build's, clamped to 1980, the earliest a zip can store), fixed Unix
permissions, one compression level, and the order the caller gives.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable

ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


def zip_time(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """``when`` in UTC as a zip date, clamped to 1980 (zip cannot store earlier dates)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    when = max(when.astimezone(dt.UTC), ZIP_EPOCH)
    # a zip keeps seconds in twos
    return (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)


def reproducible_zip(entries: Iterable[tuple[str, bytes]], when: dt.datetime,
                     stored: frozenset[str] = frozenset()) -> bytes:
    """A zip of ``entries``, in their order, deflated but for the names in ``stored``."""
    stamp = zip_time(when)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = 0o644 << 16
            # zlib's default level: 9 took half as long again for 1.5 % less
            target.writestr(info, content, compresslevel=6)
    return out.getvalue()
