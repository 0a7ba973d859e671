"""When an event took place, as its header writes it: the date, and the time left beside it.

``May 14, 2025 (Wed) 10:00-11:15``, ``Thursday, October 16, 2025 at 9:30 a.m. EDT``,
``2025年7月8日（火）12:30～14:00`` and ``令和７年11月５日（水曜日）10時00分～12時00分``:
the date goes to the article's date, the rest (the weekday dropped) to its ``time``.
Japanese eras count from their first year: 令和 1 is 2019, 平成 1 is 1989.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from ...dates import parse_date

_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}
_JA_DATE = re.compile(
    r"(?:(?P<era>令和|平成|昭和)\s*(?P<ey>[0-9０-９]{1,2}|元)|(?P<y>[0-9０-９]{4}))\s*年\s*"
    r"(?P<m>[0-9０-９]{1,2})\s*月\s*(?P<d>[0-9０-９]{1,2})\s*日")
_EN_DATES = (
    re.compile(r"\d{4}-\d{1,2}-\d{1,2}"),
    re.compile(r"[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"),
    re.compile(r"\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{4}"),
)
_WEEKDAY = re.compile(
    r"[（(]\s*(?:[月火水木金土日](?:曜日?)?(?:・祝)?|(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)[a-z]*\.?)\s*[)）]"
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?", re.IGNORECASE)


def _number(text: str) -> int:
    return 1 if text == "元" else int(unicodedata.normalize("NFKC", text))


def japanese_date(text: str) -> dt.date | None:
    """``2025年11月20日``, ``令和7年11月20日`` (full-width digits too) as a date."""
    found = _JA_DATE.search(text)
    if not found:
        return None
    year = _ERAS[found["era"]] + _number(found["ey"]) if found["era"] else _number(found["y"])
    try:
        return dt.date(year, _number(found["m"]), _number(found["d"]))
    except ValueError:
        return None


def date_and_time(value: str) -> tuple[dt.date | None, dt.datetime | None, str]:
    """The date written in ``value``, its timestamp when it is a full one, and the time beside it."""
    found = _JA_DATE.search(value)
    if found:
        day = japanese_date(value)
        return day, None, _time(value[:found.start()] + " " + value[found.end():]) if day else ""
    parsed = parse_date(value)
    if parsed is None:
        return None, None, ""
    day, stamp = parsed
    if stamp is not None:
        return day, stamp, ""
    for pattern in _EN_DATES:
        written = pattern.search(value)
        if written:
            return day, None, _time(value[:written.start()] + " " + value[written.end():])
    return day, None, ""


def _time(rest: str) -> str:
    rest = _WEEKDAY.sub(" ", rest)
    rest = re.sub(r"^[\s,]*(?:at\b|from\b)?", "", rest.strip())
    return " ".join(rest.split()).strip(" ,")
