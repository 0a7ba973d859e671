"""Markup helpers: elements written as well-formed XHTML, escaped, with attribute names spelt in Python."""

from __future__ import annotations

import datetime as dt
import re

from markupsafe import Markup, escape

#: Running heads longer than this are cut at a word.
RUNNING_TITLE_MAX = 60

# Built with escape() and f-strings: Markup.format() goes through string.Formatter,
# which made these two a third of the time spent writing a book's markup.


def tag(name: str, content: object = "", /, **attrs: object) -> Markup:
    """``<name attrs>content</name>``; content is escaped unless it is Markup."""
    return Markup(f"<{name}{_attrs(attrs)}>{escape(content)}</{name}>")


def void(name: str, /, **attrs: object) -> Markup:
    """A self-closed void element, well-formed for XML parsers too."""
    return Markup(f"<{name}{_attrs(attrs)}/>")


def _attrs(attrs: dict[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None or value is False or value == "":
            continue
        # class_ -> class, epub__type -> epub:type, aria_label -> aria-label
        name = key.rstrip("_").replace("__", ":").replace("_", "-")
        parts.append(f' {name}="{escape(value)}"')
    return "".join(parts)


def css_class(role: str) -> str:
    """A role name made safe to use as a class token."""
    return re.sub(r"[^a-z0-9-]+", "-", role.lower()).strip("-") or "div"


def iso_date(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def running_title(title: str) -> str:
    """A title short enough for a running head, cut at a word boundary."""
    if len(title) <= RUNNING_TITLE_MAX:
        return title
    cut = title[:RUNNING_TITLE_MAX].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut + "…"


def w3c_datetime(moment: dt.datetime) -> str:
    """UTC, to the second, with a Z: the form PDF and EPUB metadata both accept."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


