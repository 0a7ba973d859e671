"""The free lines at the top of an event's record: the title, a subtitle, the institution that
publishes it, the event's format (``WEBINAR``) and place (``Washington, D.C.``), a Japanese title.

The title is a quoted line if there is one (CSIS prints ``“Title”`` under ``Event``), else
the first line that is not the institution's name, the format or the place; a title
in capitals is recased.  The line right after the title is its subtitle (or, in Japanese
under an English title, the title in Japanese).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...names import is_cjk, recase
from .sheet import Sheet
from .words import FORMATS, key

_PLACE = re.compile(r"[A-Z][A-Za-z.'-]+(?: [A-Z][A-Za-z.'-]+){0,2}, [A-Z][A-Za-z. ]{1,20}")
_INSTITUTION = re.compile(r"\b(?:forum|institute|institution|center|centre|council|foundation|endowment|society|"
                          r"association|university|programme|program)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[“\"「](?P<text>.+)[”\"」]")
_SMALL_WORDS = {"a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "by", "with", "as", "vs"}


@dataclass
class Titles:
    title: str = ""
    subtitle: str = ""
    publisher: str = ""
    extra: list[tuple[str, str]] = field(default_factory=list)


def resolve(free: list[tuple[int, str]], sheet: Sheet) -> Titles:
    """The free lines at the top (line number, text): title, subtitle, institution, format, place.
    The lines that are neither title nor subtitle are left out of the body as metadata."""
    header = Titles()
    title_at = next((n for n, t in free if _QUOTED.fullmatch(t)), None)
    if title_at is None:
        title_at = next((n for i, (n, t) in enumerate(free)
                         if not _aside(t) and not (_institution(t) and i + 1 < len(free))), None)
    for number, text in free:
        quoted = _QUOTED.fullmatch(text)
        if number == title_at:
            header.title = quoted["text"].strip() if quoted else (recase_title(text) if text.isupper() else text)
            continue
        if title_at is not None and number == title_at + 1 and not _aside(text) and not header.subtitle \
                and not (is_cjk(text) and not is_cjk(header.title)):
            header.subtitle = text
            continue
        sheet.drop(number, number, "metadata")  # kept as the publisher, format, place...
        if key(text) in FORMATS:
            header.extra.append(("format", text.capitalize() if text.isupper() else text))
        elif _PLACE.fullmatch(text):
            header.extra.append(("place", text))
        elif title_at is not None and number < title_at and _institution(text):
            header.publisher = recase(text) if text.isupper() else text
        elif title_at is not None and number == title_at + 1:
            header.extra.append(("title_ja", text))
        else:
            header.extra.append(("header", text))
    return header


def free_line(text: str) -> bool:
    """A line that may be a title, subtitle, institution, format or place."""
    return (len(text) <= 160 and len(text.split()) <= 25
            and (not text.endswith((".", ",", ";", ":", "。")) or _PLACE.fullmatch(text) is not None))


def _aside(text: str) -> bool:
    """A free line that is not the title: the event's format or its place."""
    return key(text) in FORMATS or _PLACE.fullmatch(text) is not None


def _institution(text: str) -> bool:
    return _INSTITUTION.search(text) is not None and not re.search(r"[:?]", text) and len(text.split()) <= 6


def recase_title(text: str) -> str:
    """A title in capitals in title case: ``HYDROGEN TRADE CORRIDORS: WHO BUILDS?`` -> ``Hydrogen Trade
    Corridors: Who Builds?``"""
    words = text.split()
    out: list[str] = []
    for index, word in enumerate(words):
        lower = word.casefold()
        opening = index == 0 or out[-1].endswith((":", "—", "–"))
        out.append(lower if lower in _SMALL_WORDS and not opening else recase(word))
    return " ".join(out)
