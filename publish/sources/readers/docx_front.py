"""The top of a Word document read as metadata: title, subtitle, byline, date, an event's header.

Word has a place for none of these but the core properties, which are often
stale (a template's title, the machine user as author) and so only stand in
when the text itself says nothing: the ``Title`` and ``Subtitle`` styles, a
"By ..." line, a dated line, header fields such as "Speakers: ..." (read as
the event reader reads them), and pandoc's ``Author``, ``Date`` and
``Abstract`` paragraphs.  Every line taken as metadata leaves the body.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from lxml import etree

from ...diagnostics import Reporter
from ...model import nodes as m
from ...model.nodes import Pos
from ..dates import date_from_filename, parse_date
from ..names import make_person, name_key
from ..slug import title_from_name
from .docx_body import Item, Para

# The event reader's header grammar, reused rather than copied.
from .spoken.fields import take_header_line
from .spoken.people import people_in, split_top

#: How far down "the top" of a document reaches, in paragraphs.
FRONT_LINES = 12
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"
_BY = re.compile(r"(?:by|written by)\s*[:：]?\s+(?P<names>\S.{0,150})", re.IGNORECASE)
_HEADER_FIELD = re.compile(r"[^:：]{1,40}[:：]")
_NAME_SEPARATORS = (", and ", " and ", " & ", "; ", ", ")
#: Authors that are a machine or a template, not a person.
_NOT_A_PERSON = {"python-docx", "microsoft office user", "windows user", "administrator", "admin", "user",
                 "author", "unknown", "owner", "un-named"}


@dataclass(frozen=True)
class CoreProperties:
    """``docProps/core.xml``: what the document says about itself, often left stale."""

    title: str = ""
    creator: str = ""
    created: str = ""
    modified: str = ""


def core_properties(root: etree._Element | None) -> CoreProperties:
    if root is None:
        return CoreProperties()

    def text(tag: str) -> str:
        element = root.find(tag)
        return " ".join((element.text or "").split()) if element is not None else ""

    return CoreProperties(text(f"{_DC}title"), text(f"{_DC}creator"), text(f"{_DCTERMS}created"),
                          text(f"{_DCTERMS}modified"))


@dataclass
class Front:
    title: str = ""
    subtitle: str = ""
    people: list[m.Person] = field(default_factory=list)
    date: dt.date | None = None
    timestamp: dt.datetime | None = None
    standfirst: list[m.Block] = field(default_factory=list)
    #: Header fields other than people (date, venue, ...), as the event reader keeps them.
    fields: dict[str, tuple[str, Pos]] = field(default_factory=dict)


def take_front(items: list[Item], core: CoreProperties, path: str, reporter: Reporter) -> tuple[Front, list[Item]]:
    """The metadata at the top of ``items`` and the items left for the body."""
    front = Front()
    rest = _take_titles(items, front)
    while rest and isinstance(rest[0], Para) and len(items) - len(rest) < FRONT_LINES and _take_line(rest[0], front):
        rest.pop(0)
    _title_fallback(rest, front, core, path, reporter)
    if not front.people and core.creator:
        for name in core.creator.split(";"):
            if " ".join(name.split()).casefold() not in _NOT_A_PERSON:
                _add(front.people, [make_person(name, ("author",))])
    _date(front, core, path, reporter)
    return front, rest


def _take_titles(items: list[Item], front: Front) -> list[Item]:
    """Title- and Subtitle-styled paragraphs above the first heading taken as such."""
    rest: list[Item] = []
    for index, item in enumerate(items):
        top = index < FRONT_LINES and not any(isinstance(i, Para) and i.style.outline is not None for i in rest)
        if top and isinstance(item, Para) and item.text and item.style.role in ("title", "subtitle"):
            if item.style.role == "title" and not front.title:
                front.title = item.text
                continue
            if item.style.role == "subtitle" and not front.subtitle:
                front.subtitle = item.text
                continue
        rest.append(item)
    return rest


def _take_line(para: Para, front: Front) -> bool:
    """Whether the paragraph is a line of the front matter (and if so, take what it says)."""
    role, text = para.style.role, para.text
    if para.style.outline is not None:
        return False
    if role == "abstract":
        front.standfirst.append(m.Paragraph(para.inlines, pos=para.pos))
        return True
    if role == "abstract-title" or (not text and para.picture is None):
        return True
    by = _BY.fullmatch(text)
    authors = authors_in(by["names"] if by else text) if by or role == "author" else None
    if authors:
        _add(front.people, authors)
        return True
    if front.date is None and (role == "date" or len(text.split()) <= 5):
        parsed = parse_date(text)
        if parsed is not None:
            front.date = parsed[0]
            return True
    return bool(_HEADER_FIELD.match(text)) and take_header_line(text, para.pos, front.fields, front.people)


def authors_in(value: str) -> list[m.Person] | None:
    """``A and B``, ``A & B``, ``A, B and C`` (each perhaps with an affiliation in parentheses) as authors;
    None when a part does not read as a name."""
    parts = [value]
    for separator in _NAME_SEPARATORS:
        parts = [piece for part in parts for piece in split_top(part, separator)]
    found: list[m.Person] = []
    for part in parts:
        named = people_in(part)
        if named is None or not all(name[:1].isupper() for name, _ in named):
            return None
        found.extend(make_person(name, ("author",), affiliations) for name, affiliations in named)
    return found or None


def _add(people: list[m.Person], new: list[m.Person]) -> None:
    known = {name_key(p.name) for p in people}
    people.extend(p for p in new if name_key(p.name) not in known)


def _title_fallback(rest: list[Item], front: Front, core: CoreProperties, path: str, reporter: Reporter) -> None:
    """No Title-styled paragraph: the core title, else a first heading, else the file name."""
    first = rest[0] if rest and isinstance(rest[0], Para) and rest[0].style.outline is not None else None
    if front.title:
        return
    if core.title:
        front.title = core.title
        if first is not None and first.text.casefold() == core.title.casefold():
            rest.pop(0)  # the same title typed as the first heading
        return
    if first is not None and first.text:
        front.title = first.text
        rest.pop(0)
        return
    stem = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", PurePosixPath(path.replace("\\", "/")).stem)
    front.title = title_from_name(stem) or stem
    reporter.warn(Pos(path, 1, 1), f"no title; using '{front.title}' from the file name")


def _date(front: Front, core: CoreProperties, path: str, reporter: Reporter) -> None:
    """A "Date:" field or a dated line, else a Jekyll-style date before the file name (someone chose it),
    else the core properties' created or modified date (when the file was made: often a template's)."""
    if "date" in front.fields:
        written, pos = front.fields.pop("date")
        parsed = parse_date(written)
        if parsed is None:
            reporter.warn(pos, f"'{written}' is not a date this reader understands")
        else:
            front.date, front.timestamp = parsed
    if front.date is None:
        front.date = date_from_filename(PurePosixPath(path.replace("\\", "/")).name)
    for stamp in (core.created, core.modified):
        if front.date is None and stamp:
            parsed = parse_date(stamp)
            front.date = parsed[0] if parsed else None
    if front.date is None:
        reporter.warn(Pos(path, 1, 1), "no date at the top of the document, in its properties or in the file name")
