"""Dates as sources write them: ISO with or without time and zone, and English prose dates."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<z>Z|[+-]\d{2}:?\d{2})?)?"
)
_MONTH = r"(?P<mon>[A-Za-z]{3,9})\.?"
_PROSE = [
    re.compile(_MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"),  # October 23, 2025
    re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<y>\d{4})"),  # 23 October 2025
]
_FILENAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-")


def parse_date(text: str) -> tuple[dt.date, dt.datetime | None] | None:
    """The calendar date of ``text`` and, when a time is given, the full timestamp.

    Returns None when ``text`` holds no recognisable date.  The date is the one
    written, in the writer's own zone: ``2025-11-13 12:00 +0800`` is the 13th.
    """
    text = text.strip()
    iso = _ISO.fullmatch(text) or _ISO.match(text)
    if iso:
        try:
            date = dt.date(int(iso["y"]), int(iso["m"]), int(iso["d"]))
        except ValueError:
            return None
        if iso["H"] is None:
            return date, None
        zone = _zone(iso["z"])
        try:
            stamp = dt.datetime(
                date.year, date.month, date.day, int(iso["H"]), int(iso["M"]),
                int(iso["S"] or 0), tzinfo=zone,
            )
        except ValueError:
            return None
        return date, stamp
    for pattern in _PROSE:
        prose = pattern.search(text)
        if prose and prose["mon"].lower() in _MONTHS:
            try:
                return dt.date(int(prose["y"]), _MONTHS[prose["mon"].lower()], int(prose["d"])), None
            except ValueError:
                return None
    return None


def _zone(text: str | None) -> dt.tzinfo | None:
    if not text:
        return None
    if text == "Z":
        return dt.UTC
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def date_from_filename(name: str) -> dt.date | None:
    """The ``YYYY-MM-DD-`` prefix Jekyll puts on post file names."""
    match = _FILENAME.match(name)
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
