"""Markdown posts as Jekyll and Hugo write them: front matter (YAML between ``---``, TOML between
``+++``), then Markdown with kramdown's, Liquid's and Hugo's additions, none of them printed.

The body goes through three passes before markdown-it parses it (Hugo shortcodes,
Liquid, kramdown); each empties the lines it takes and records them with a rule, so
that every line of the source is either in the model or accounted for.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ...diagnostics import InputError, Reporter
from ...model import nodes as m
from ...model.nodes import Pos
from ...model.walk import plain_text
from ..authors import author, split_authors
from ..dates import date_from_filename, parse_date
from ..names import name_key
from ..slug import title_from_name
from . import Dropped, hugo
from . import frontmatter as fmx
from .bios import take_bios
from .commonmark import Converter
from .kramdown import take_kramdown
from .liquid import take_liquid
from .prepared import Prepared
from .shortcodes import take_shortcodes

# Front-matter keys this reader interprets; every other key is kept in ``extra``.
_KNOWN = {
    "title", "subtitle", "author", "authors", "date", "tags", "tag", "categories", "category",
    "image", "image_alt", "image_caption", "description", "excerpt_separator", "excerpt", "lang", "language",
    "publisher", "source", "url", "canonical_url", "summary",
    "toc", "toc_label", "toc_sticky",  # an in-article contents list: the book has its own
}
#: When the post was last changed: kept as the extra field ``updated``.
_UPDATED = ("lastmod", "last_modified_at", "updated", "modified")
_JEKYLL_DEFAULT_SEPARATOR = "\n\n"
#: Hugo's summary divider, and the one Jekyll sites most often configure for every post.
_MORE = "<!--more-->"
_KANA = re.compile(r"[\u3040-\u30ff]")


def read(text: str, path: str, reporter: Reporter) -> m.Article:
    return read_accounted(text, path, reporter)[0]


def read_accounted(text: str, path: str, reporter: Reporter) -> tuple[m.Article, tuple[Dropped, ...]]:
    """The article, and the lines of the source it leaves out, each with its rule."""
    fm = hugo.split(text, path) if hugo.opens(text) else fmx.split(text, path)
    dropped = [Dropped(1, fm.body_line - 1, "front-matter")] if fm.body_line > 1 else []
    prepared = Prepared(path, fm.body_line, fm.body.split("\n"))
    take_shortcodes(prepared, reporter)
    take_liquid(prepared, reporter)
    take_kramdown(prepared)
    article = _read(fm, prepared, dropped, reporter)
    return article, tuple(sorted(dropped + prepared.dropped, key=lambda d: (d.line, d.last)))


def _read(fm: fmx.FrontMatter, prepared: Prepared, dropped: list[Dropped], reporter: Reporter) -> m.Article:
    path = prepared.path
    excerpt, rest, rest_line = _split_excerpt(fm, prepared, dropped, reporter)
    converter = Converter(path, rest_line, reporter, prepared)
    blocks = converter.convert(rest)
    dropped.extend(converter.dropped)
    standfirst: tuple[m.Block, ...] = ()
    if excerpt is not None:
        lead = Converter(path, fm.body_line, reporter, prepared)
        standfirst = tuple(b for block in lead.convert(excerpt) for b in _unwrapped(block))
        dropped.extend(lead.dropped)
    elif "excerpt" in fm.nodes or "summary" in fm.nodes:
        key = "excerpt" if "excerpt" in fm.nodes else "summary"
        standfirst = Converter(path, fm.pos(key).line, reporter).convert(fmx.string(fm, key) or "")
    else:
        standfirst, blocks = _lead(blocks)

    title = fmx.string(fm, "title")
    if not title:
        title, blocks = _title_from_body(blocks)
    if not blocks and not standfirst:
        raise InputError(Pos(path, fm.body_line, 1), "document has no content")
    if not title:
        title = _title_from_filename(path)
        reporter.warn(Pos(path, 1, 1), f"no title; using '{title}' from the file name")

    blocks, people, rule_line = take_bios(blocks, _authors(fm))
    if rule_line:
        dropped.append(Dropped(rule_line, rule_line, "separator"))
    date, timestamp = _date(fm, path, reporter)

    meta = m.ArticleMeta(
        title=title,
        subtitle=fmx.string(fm, "subtitle") or "",
        people=tuple(people),
        date=date,
        timestamp=timestamp,
        publisher=fmx.string(fm, "publisher") or fmx.string(fm, "source") or "",
        url=fmx.string(fm, "canonical_url") or fmx.string(fm, "url") or "",
        language=fmx.string(fm, "lang") or fmx.string(fm, "language") or _language(standfirst + blocks),
        description=fmx.string(fm, "description") or "",
        standfirst=standfirst,
        image=_image(fm),
        tags=tuple(_list(fm, "tags", "tag")),
        categories=tuple(_list(fm, "categories", "category")),
        kind="post",
        extra=_extra(fm),
        abbreviations=tuple(prepared.abbreviations),
        draft=fmx.flag(fm, "draft") is True or fmx.flag(fm, "published") is False,
    )
    return m.Article(id="", meta=meta, blocks=blocks, pos=Pos(path, 1, 1))


def _split_excerpt(fm: fmx.FrontMatter, prepared: Prepared, dropped: list[Dropped],
                   reporter: Reporter) -> tuple[str | None, str, int]:
    """The excerpt before the separator (None if there is none), and the rest with its first line."""
    body = prepared.text
    separator = fmx.string(fm, "excerpt_separator")
    if separator is None and _MORE in body:
        separator = _MORE
    if separator is None or separator == _JEKYLL_DEFAULT_SEPARATOR:
        return None, body, fm.body_line
    index = body.find(separator)
    if index < 0:
        reporter.warn(fm.pos("excerpt_separator"), f"excerpt separator {separator!r} not found in the text")
        return None, body, fm.body_line
    rest_line = fm.body_line + body.count("\n", 0, index)
    line_start = body.rfind("\n", 0, index) + 1
    line_end = body.find("\n", index)
    if not (body[line_start:index] + body[index + len(separator):line_end if line_end >= 0 else None]).strip():
        dropped.append(Dropped(rest_line, rest_line, "excerpt-separator"))
    # Keep the separator's line as blank so that the rest parses from its own line.
    rest = " " * (index - line_start) + body[index + len(separator) :]
    return body[:index], rest, rest_line


def _unwrapped(block: m.Block) -> tuple[m.Block, ...]:
    """A lead paragraph in the excerpt is simply part of the standfirst."""
    return block.blocks if isinstance(block, m.Div) and block.role == "lead" else (block,)


def _lead(blocks: tuple[m.Block, ...]) -> tuple[tuple[m.Block, ...], tuple[m.Block, ...]]:
    """The standfirst when nothing in the front matter names one: the paragraph marked ``.lead``,
    else the first paragraph (Jekyll's default excerpt); and the blocks without it."""
    for index, block in enumerate(blocks):
        if isinstance(block, m.Div) and block.role == "lead":
            return block.blocks, blocks[:index] + blocks[index + 1 :]
    if blocks and isinstance(blocks[0], m.Paragraph):
        return blocks[:1], blocks[1:]
    return (), blocks


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
    """``author: Ann Lee & Ken Tanaka``, ``authors: [...]``, ``author: {name: ..., affiliation: ...}``,
    ``author: ktanaka`` (a key the manifest's ``[people.ktanaka]`` resolves)."""
    people: list[m.Person] = []
    for key in ("author", "authors"):
        if key not in fm.nodes:
            continue
        entries = fmx.entries(fm, key)
        if entries is None:
            raise InputError(fm.pos(key), f"'{key}' must be a name, a list of names, or entries with a 'name'")
        for entry in entries:
            if "name" not in entry:
                raise InputError(fm.pos(key), f"each entry of '{key}' needs a 'name'")
            affiliations = tuple(entry.get("affiliation", []) + entry.get("affiliations", [])
                                 + entry.get("organisation", []) + entry.get("organization", []))
            # a record names one person; a line of text may name several
            names = entry["name"][:1] if len(entry) > 1 else [n for line in entry["name"] for n in split_authors(line)]
            for name in names:
                if name and name_key(name) not in {name_key(p.name) for p in people}:
                    people.append(author(name, affiliations=affiliations))
    return people


def _list(fm: fmx.FrontMatter, *keys: str) -> list[str]:
    out: list[str] = []
    for key in keys:
        for value in fmx.string_list(fm, key, split_words=True) or []:
            if value not in out:
                out.append(value)
    return out


def _extra(fm: fmx.FrontMatter) -> tuple[tuple[str, str], ...]:
    """Front-matter keys this reader does not interpret, as written; ``lastmod`` as ``updated``."""
    extra: list[tuple[str, str]] = []
    for key in fm.nodes:
        if key in _UPDATED:
            written = fmx.as_json(fm, key)
            parsed = parse_date(written)
            if "updated" not in dict(extra):
                extra.append(("updated", parsed[0].isoformat() if parsed else written))
        elif key in ("draft", "published"):
            if fmx.flag(fm, key) is None:  # only true and false say whether a post is a draft
                extra.append((key, fmx.as_json(fm, key)))
        elif key not in _KNOWN:
            extra.append((key, fmx.as_json(fm, key)))
    return tuple(extra)


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


def _language(blocks: tuple[m.Block, ...]) -> str:
    """``ja`` when most paragraphs have kana (kanji alone would not tell Japanese from Chinese)."""
    texts = [plain_text(b) for b in blocks if isinstance(b, m.Paragraph | m.Heading | m.Div)]
    texts = [t for t in texts if t.strip()]
    if texts and sum(1 for t in texts if _KANA.search(t)) * 2 > len(texts):
        return "ja"
    return ""
