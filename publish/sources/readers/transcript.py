"""Plain-text sources (``.txt``): event summaries, transcripts, Japanese summaries and minutes,
memos and plain prose.  The extension does not tell the shape; the content does.

- a **memo** has ``MEMORANDUM`` or ``FROM:`` with ``TO:``/``SUBJECT:`` at the top;
- an **event summary** has a header (title, ``Date``, ``Speaker``...), an abstract,
  sections and a Q&A (RIETI publishes them so)::

      Title of the event
      Date October 23, 2025
      Speaker William CHOU (Deputy Director, Hudson Institute)
      Commentator & Moderator TOMIURA Eiichi (President, RIETI / Dean, ...)
      Materials                                   <- website boilerplate, left out

      The abstract paragraph.                     <- the standfirst
      Summary                                     <- section headings: short lines alone
      Q&A
      Q:
      The question?
      William CHOU:
      The answer.
      *This summary was compiled by the editorial staff.   <- a source note

- a **transcript** is turns from its first line after the header (``NAME: ...``);
- **minutes** are a Japanese record with an attendance list and ``○名前役職`` turns;
- anything else is **prose** (notes), read with a warning that no header was found.

Every line is either in the model or left out by a named rule (``read_accounted``).
The work is done in :mod:`publish.sources.readers.spoken`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import PurePosixPath

from ...diagnostics import InputError, Reporter
from ...model import nodes as m
from ...model.nodes import Pos
from ..dates import date_from_filename
from ..names import is_cjk, person_id, with_family_prefix
from ..slug import title_from_name
from . import Dropped
from .spoken.body import BodyReader
from .spoken.closings import mark_closings, mark_page_furniture
from .spoken.exchanges import group
from .spoken.header import Header, read_header
from .spoken.memo import is_memo, read_memo
from .spoken.prose import read_prose
from .spoken.sheet import Chunk, Sheet
from .spoken.turns import Draft, turn_label
from .spoken.when import date_and_time

_KANA = re.compile(r"[\u3040-\u30ff]")
_MINUTES = ("議事要旨", "議事録", "議事概要")


def read(text: str, path: str, reporter: Reporter) -> m.Article:
    return read_accounted(text, path, reporter)[0]


def read_accounted(text: str, path: str, reporter: Reporter) -> tuple[m.Article, tuple[Dropped, ...]]:
    """The article, and the lines of the source it leaves out, each with the rule that does."""
    if not text.strip():
        raise InputError(Pos(path, 1, 1), "document has no content")
    sheet = Sheet(text, path, reporter)
    mark_page_furniture(sheet)
    mark_closings(sheet)
    article = _memo(sheet) if is_memo(sheet) else _spoken(sheet)
    return article, sheet.dropped()


def _spoken(sheet: Sheet) -> m.Article:
    header = read_header(sheet)
    chunks = sheet.chunks(header.body)
    kind = _kind(header, chunks)
    if kind == "notes":
        return _notes(sheet, header)
    body = BodyReader(sheet, header.people, kind).read(chunks)
    people = _named_by_labels(header.people, body.segments)
    ids = [person_id(p) for p in people]
    people = [replace(p, id=i) for p, i in zip(people, ids, strict=True)]
    blocks = group(body.segments, people, ids, kind, sheet)
    if not blocks and not body.standfirst:
        raise InputError(Pos(sheet.path, 1, 1), "document has no content after its title and header")
    meta = m.ArticleMeta(
        title=header.title or _title_from_file(sheet), subtitle=header.subtitle, people=tuple(people),
        date=header.date or _date_from_file(sheet), timestamp=header.timestamp, publisher=header.publisher,
        language=_language(chunks, header.title), standfirst=tuple(body.standfirst), kind=kind,
        extra=tuple(header.extra),
    )
    return m.Article(id="", meta=meta, blocks=tuple(blocks), pos=Pos(sheet.path, 1, 1))


def _kind(header: Header, chunks: list[Chunk]) -> str:
    """What the source is, from its header and its first lines."""
    labelled = [c for c in chunks if turn_label(c.first, header.people, strict=bool(header.people)) is not None]
    if not header.fields and not header.people:
        return "transcript" if len(labelled) >= 2 else "notes"  # turns with no header to match them to
    japanese = _language(chunks, header.title) == "ja"
    if japanese and (header.title.endswith(_MINUTES) or any(c.first.startswith(("○", "◯")) for c in chunks)):
        return "minutes"
    opening = next((c for c in chunks if c.first and not re.fullmatch(r"[\[(（].*[\])）]", c.first)), None)
    if opening is not None and opening in labelled:
        return "transcript"
    return "event"


def _notes(sheet: Sheet, header: Header) -> m.Article:
    """Plain prose: no header, no turns.  Said once, at the top."""
    for number in list(sheet.rules):
        if sheet.rules[number] == "metadata":
            del sheet.rules[number]
    chunks = sheet.chunks()
    prose = read_prose(sheet, chunks)
    title = prose.title or _title_from_file(sheet, warn=False)
    found = "" if prose.title else f"; no title line either, so the title '{title}' comes from the file name"
    sheet.warn(1, f"no header found (title, date, speakers): read as plain prose{found}")
    if not prose.blocks and not prose.standfirst:
        raise InputError(Pos(sheet.path, 1, 1), "document has no content after its title and header")
    meta = m.ArticleMeta(title=title, date=_date_from_file(sheet), language=_language(chunks, title),
                         standfirst=tuple(prose.standfirst), kind="notes")
    return m.Article(id="", meta=meta, blocks=tuple(prose.blocks), pos=Pos(sheet.path, 1, 1))


def _memo(sheet: Sheet) -> m.Article:
    memo = read_memo(sheet)
    date = None
    if memo.date:
        date = date_and_time(memo.date)[0]
        if date is None:
            sheet.warn(memo.date_line, f"'{memo.date}' is not a date this reader understands")
            memo.extra.append(("date", memo.date))
    people = [replace(p, id=person_id(p)) for p in memo.people]
    if not memo.blocks:
        raise InputError(Pos(sheet.path, 1, 1), "document has no content after its title and header")
    meta = m.ArticleMeta(
        title=memo.title or _title_from_file(sheet), people=tuple(people), date=date or _date_from_file(sheet),
        language=_language(sheet.chunks(memo.body), memo.title), kind="memo", marking=memo.marking,
        extra=tuple(memo.extra),
    )
    return m.Article(id="", meta=meta, blocks=tuple(memo.blocks), pos=Pos(sheet.path, 1, 1))


def _named_by_labels(people: list[m.Person], segments: list[Draft | m.Block]) -> list[m.Person]:
    """A Japanese name written without a space (``中原由美``), split where a turn's label (``中原``)
    shows that the family name ends."""
    out = list(people)
    for segment in segments:
        if isinstance(segment, Draft) and segment.person is not None and segment.label.match.prefix:
            person = out[segment.person]
            if not person.family_name:
                out[segment.person] = with_family_prefix(person, segment.label.match.prefix)
    return out


def _language(chunks: list[Chunk], title: str) -> str:
    """``ja`` when most paragraphs have kana in them (kanji alone would not tell Japanese from
    Chinese); else unsaid, and the article is in the book's language."""
    texts = [c.text() for c in chunks if any(ch.isalpha() for ch in c.text())] or [title]
    kana = sum(1 for t in texts if _KANA.search(t))
    return "ja" if kana * 2 > len(texts) and any(is_cjk(t) for t in texts) else ""


def _title_from_file(sheet: Sheet, warn: bool = True) -> str:
    stem = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", PurePosixPath(sheet.path.replace("\\", "/")).stem)
    title = title_from_name(stem) or stem
    if warn:
        sheet.warn(1, f"no title; using '{title}' from the file name")
    return title


def _date_from_file(sheet: Sheet) -> dt.date | None:
    day = date_from_filename(PurePosixPath(sheet.path.replace("\\", "/")).name)
    if day is None:
        sheet.warn(1, "no date in the header or the file name")
    return day
