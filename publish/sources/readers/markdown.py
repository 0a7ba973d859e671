"""Markdown posts as Jekyll writes them: YAML front matter, then CommonMark."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

from ...diagnostics import InputError, Reporter
from ...model import nodes as m
from ...model.nodes import Pos
from ...model.walk import plain_text
from ..dates import date_from_filename, parse_date
from ..names import make_person, name_key
from ..slug import title_from_name
from . import frontmatter as fmx
from .commonmark import Converter
from .liquid import strip_liquid

# Front-matter keys this reader interprets; every other key is kept in ``extra``.
_KNOWN = {
    "title", "subtitle", "author", "authors", "date", "tags", "tag", "categories", "category",
    "image", "image_alt", "image_caption", "description", "excerpt_separator", "excerpt", "lang", "language",
    "publisher", "source", "url", "canonical_url",
}
_JEKYLL_DEFAULT_SEPARATOR = "\n\n"


def read(text: str, path: str, reporter: Reporter) -> m.Article:
    fm = fmx.split(text, path)
    body = strip_liquid(fm.body, path, fm.body_line, reporter)
    excerpt, rest, rest_line = _split_excerpt(fm, body, reporter)

    blocks = Converter(path, rest_line, reporter).convert(rest)
    standfirst: tuple[m.Block, ...] = ()
    if excerpt is not None:
        standfirst = Converter(path, fm.body_line, reporter).convert(excerpt)
    elif "excerpt" in fm.nodes:
        excerpt_text = fmx.string(fm, "excerpt") or ""
        standfirst = Converter(path, fm.pos("excerpt").line, reporter).convert(excerpt_text)
    elif blocks and isinstance(blocks[0], m.Paragraph):
        # Jekyll's default excerpt is the first paragraph.
        standfirst, blocks = blocks[:1], blocks[1:]

    title = fmx.string(fm, "title")
    if not title:
        title, blocks = _title_from_body(blocks)
    if not blocks and not standfirst:
        raise InputError(Pos(path, fm.body_line, 1), "document has no content")
    if not title:
        title = _title_from_filename(path)
        reporter.warn(Pos(path, 1, 1), f"no title; using '{title}' from the file name")

    people = _authors(fm)
    blocks, people = _take_bios(blocks, people)
    date, timestamp = _date(fm, path, reporter)

    meta = m.ArticleMeta(
        title=title,
        subtitle=fmx.string(fm, "subtitle") or "",
        people=tuple(people),
        date=date,
        timestamp=timestamp,
        publisher=fmx.string(fm, "publisher") or fmx.string(fm, "source") or "",
        url=fmx.string(fm, "canonical_url") or fmx.string(fm, "url") or "",
        language=fmx.string(fm, "lang") or fmx.string(fm, "language") or "",
        description=fmx.string(fm, "description") or "",
        standfirst=standfirst,
        image=_image(fm),
        tags=tuple(_list(fm, "tags", "tag")),
        categories=tuple(_list(fm, "categories", "category")),
        kind="post",
        extra=tuple((k, fmx.as_json(fm, k)) for k in fm.nodes if k not in _KNOWN),
    )
    return m.Article(id="", meta=meta, blocks=blocks, pos=Pos(path, 1, 1))


def _split_excerpt(fm: fmx.FrontMatter, body: str, reporter: Reporter) -> tuple[str | None, str, int]:
    """The excerpt before the separator (None if there is none) and the rest with its first line."""
    separator = fmx.string(fm, "excerpt_separator")
    if separator is None or separator == _JEKYLL_DEFAULT_SEPARATOR:
        return None, body, fm.body_line
    index = body.find(separator)
    if index < 0:
        reporter.warn(fm.pos("excerpt_separator"), f"excerpt separator {separator!r} not found in the text")
        return None, body, fm.body_line
    rest_line = fm.body_line + body.count("\n", 0, index)
    # Keep the separator's line as blank so that the rest parses from its own line.
    line_start = body.rfind("\n", 0, index) + 1
    rest = " " * (index - line_start) + body[index + len(separator) :]
    return body[:index], rest, rest_line


def _title_from_body(blocks: tuple[m.Block, ...]) -> tuple[str, tuple[m.Block, ...]]:
    """A leading level-1 heading is the title when the front matter gives none."""
    for index, block in enumerate(blocks):
        if isinstance(block, m.Heading) and block.level == 1:
            return plain_text(block.children), blocks[:index] + blocks[index + 1 :]
        if not isinstance(block, m.Rule):
            break
    return "", blocks


def _title_from_filename(path: str) -> str:
    stem = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", Path(path).stem)
    return title_from_name(stem) or Path(path).stem


def _authors(fm: fmx.FrontMatter) -> list[m.Person]:
    people: list[m.Person] = []
    for key in ("author", "authors"):
        if key not in fm.nodes:
            continue
        names = fmx.records(fm, key, "name")
        if names is None:
            raise InputError(fm.pos(key), f"'{key}' must be a name, a list of names, or entries with a 'name'")
        for name in names:
            if name and name_key(name) not in {name_key(p.name) for p in people}:
                people.append(make_person(name, roles=("author",)))
    return people


def _list(fm: fmx.FrontMatter, *keys: str) -> list[str]:
    out: list[str] = []
    for key in keys:
        for value in fmx.string_list(fm, key, split_words=True) or []:
            if value not in out:
                out.append(value)
    return out


def _image(fm: fmx.FrontMatter) -> m.Image | None:
    if "image" not in fm.nodes:
        return None
    record = fmx.mapping(fm, "image")
    if record is not None:
        src = record.get("path") or record.get("url") or record.get("src") or record.get("feature") or ""
        return m.Image(src, record.get("alt", ""), record.get("caption", "")) if src else None
    path = fmx.string(fm, "image")
    # Jekyll themes name the text alternative and the caption beside the path
    return m.Image(path, fmx.string(fm, "image_alt") or "", fmx.string(fm, "image_caption") or "") if path else None


def _date(fm: fmx.FrontMatter, path: str, reporter: Reporter) -> tuple[dt.date | None, dt.datetime | None]:
    written = fmx.string(fm, "date")
    if written:
        parsed = parse_date(written)
        if parsed is None:
            raise InputError(fm.pos("date"), f"'{written}' is not a date (write YYYY-MM-DD, optionally with a time)")
        return parsed
    from_name = date_from_filename(Path(path).name)
    if from_name is None:
        reporter.warn(Pos(path, 1, 1), "no date in the front matter or the file name")
    return from_name, None


_BIO_VERB = re.compile(r"^[\s,]*(is|was|serves|has|holds|leads|directs|teaches|writes)\b")


def _take_bios(blocks: tuple[m.Block, ...], people: list[m.Person]) -> tuple[tuple[m.Block, ...], list[m.Person]]:
    """Closing paragraphs that open with an author's name in bold and say who they are are bios.

    ``__Daisuke Kawai__ is a Project Assistant Professor ...`` after a rule at
    the end of a post is the common pattern; the rule goes with it.
    """
    bios: dict[str, list[m.Block]] = {}
    index = len(blocks)
    while index > 0:
        block = blocks[index - 1]
        name = _bio_name(block)
        if name is None:
            break
        bios.setdefault(name_key(name), []).insert(0, block)
        if not any(name_key(p.name) == name_key(name) for p in people):
            if people:
                break  # a bold name that is not an author: not clearly a bio
            people.append(make_person(name, roles=("author",)))
        index -= 1
    if index == len(blocks):
        return blocks, people
    if index > 0 and isinstance(blocks[index - 1], m.Rule):
        index -= 1
    updated = [replace(p, bio=tuple(bios.get(name_key(p.name), p.bio))) for p in people]
    return blocks[:index], updated


def _bio_name(block: m.Block) -> str | None:
    if not isinstance(block, m.Paragraph) or len(block.children) < 2:
        return None
    first, second = block.children[0], block.children[1]
    if not isinstance(first, (m.Strong, m.Emph)) or not isinstance(second, m.Text):
        return None
    name = plain_text(first.children).strip()
    if not name or len(name.split()) > 6 or not _BIO_VERB.match(second.text):
        return None
    return name
