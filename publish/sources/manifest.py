"""``briefing.toml``: what the briefing is called, who prepared it, and which sources it holds.

Without a manifest, a folder builds from all its sources in name order, with
a title derived from the folder's name.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..conventions import PAGE_SIZES, page_size_name
from ..diagnostics import InputError
from ..model.nodes import BookMeta, Paragraph, Person, Pos, Text
from .authors import author
from .dates import parse_date
from .names import make_person
from .readers import SOURCE_EXTENSIONS
from .slug import slugify, title_from_name

MANIFEST_NAME = "briefing.toml"

_BOOK_KEYS = {
    "title", "subtitle", "date", "prepared_by", "distribution", "language", "page_size",
    "slug", "identifier", "publisher", "description", "sources", "glossary", "cover_image",
    "drafts", "timestamps", "people",
}
#: What a ``[people.KEY]`` record may say of the person an author key names.
_PERSON_KEYS = {"name", "family_name", "given_name", "affiliation", "affiliations", "bio", "url", "honorific"}
_SOURCE_KEYS = {"path", "publisher", "url", "language"}
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*")


@dataclass(frozen=True)
class SourceEntry:
    path: Path
    pos: Pos  # where the manifest names it
    publisher: str = ""
    url: str = ""
    language: str = ""


@dataclass(frozen=True)
class Manifest:
    root: Path  # the content folder: sources and images resolve inside it
    path: Path | None
    #: The book's metadata as the manifest gives it (``cover_image`` relative to ``root``).
    meta: BookMeta
    sources: tuple[SourceEntry, ...] = field(default_factory=tuple)


def locate(source: Path) -> Manifest:
    """The manifest for SOURCE: a folder (with or without briefing.toml), a manifest, or one file."""
    if source.is_dir():
        manifest_path = source / MANIFEST_NAME
        if manifest_path.is_file():
            return load(manifest_path)
        return _from_folder(source)
    if source.is_file():
        if source.suffix == ".toml":
            return load(source)
        if source.name.lower().endswith(SOURCE_EXTENSIONS):
            entry = SourceEntry(source, Pos(str(source), 1, 1))
            title = source.stem
            return Manifest(root=source.parent, path=None,
                            meta=BookMeta(title=title, slug=slugify(title) or "briefing"), sources=(entry,))
        raise InputError(Pos(str(source), 1, 1),
                         f"not a source this toolkit reads (use {', '.join(SOURCE_EXTENSIONS)})")
    raise InputError(Pos(str(source), 1, 1), "no such file or folder")


def _from_folder(folder: Path) -> Manifest:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name.lower().endswith(SOURCE_EXTENSIONS)
                   and not p.name.startswith("."))
    if not files:
        raise InputError(Pos(str(folder), 1, 1), f"no sources ({', '.join(SOURCE_EXTENSIONS)}) in this folder")
    name = folder.resolve().name
    title = title_from_name(name) or "Briefing"
    return Manifest(
        root=folder, path=None, meta=BookMeta(title=title, slug=slugify(name) or "briefing"),
        sources=tuple(SourceEntry(p, Pos(str(p), 1, 1)) for p in files),
    )


class _Locator:
    """Finds the line of a key in TOML text: tomllib keeps no positions."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = str(path)
        self.lines = text.split("\n")

    def key(self, name: str, after: int = 0) -> Pos:
        pattern = re.compile(rf"^\s*{re.escape(name)}\s*=")
        for number, line in enumerate(self.lines[after:], after + 1):
            if pattern.match(line):
                return Pos(self.path, number, line.index(name) + 1)
        return Pos(self.path, 1, 1)

    def text(self, needle: str, after: int = 0) -> Pos:
        for number, line in enumerate(self.lines[after:], after + 1):
            column = line.find(needle)
            if column >= 0:
                return Pos(self.path, number, column + 1)
        return Pos(self.path, 1, 1)


def load(path: Path) -> Manifest:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(Pos(str(path), 1, 1), f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InputError(Pos(str(path), 1, 1), f"not valid UTF-8 (offset {exc.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        pos = Pos(str(path), int(match[1]), int(match[2])) if match else Pos(str(path), 1, 1)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise InputError(pos, f"invalid TOML: {message}") from None
    where = _Locator(path, text)
    return _validate(data, path, where)


def _validate(data: dict[str, Any], path: Path, where: _Locator) -> Manifest:
    for key in data:
        if key not in _BOOK_KEYS:
            raise InputError(where.key(key), f"unknown key '{key}' (known: {', '.join(sorted(_BOOK_KEYS))})")

    def text(key: str, default: str = "") -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise InputError(where.key(key), f"'{key}' must be a string in quotes")
        return value.strip()

    title = text("title")
    if not title:
        where_title = where.key("title") if "title" in data else Pos(str(path), 1, 1)
        raise InputError(where_title, "the briefing needs a 'title'")
    date = _date(data.get("date"), where)
    language = text("language", "en")
    if not _LANGUAGE.fullmatch(language):
        raise InputError(where.key("language"), f"'{language}' is not a language tag (e.g. 'en' or 'en-GB')")
    page_size = page_size_name(text("page_size", "A4"))
    if page_size is None:
        raise InputError(where.key("page_size"), f"page_size must be one of {', '.join(PAGE_SIZES)}")
    slug = text("slug") or slugify(title) or "briefing"
    if not _SLUG.fullmatch(slug):
        raise InputError(where.key("slug"), "slug must be lower-case letters, digits, '-', '_' or '.'")
    root = path.parent
    meta = BookMeta(
        title=title, subtitle=text("subtitle"), date=date, prepared_by=text("prepared_by"),
        distribution=text("distribution"), language=language, page_size=page_size, slug=slug,
        identifier=text("identifier"), publisher=text("publisher"), description=text("description"),
        glossary=_glossary(data.get("glossary", {}), where), cover_image=text("cover_image"),
        drafts=_flag(data, "drafts", False, where), timestamps=_flag(data, "timestamps", True, where),
        people=_people(data.get("people", {}), where),
    )
    return Manifest(root=root, path=path, meta=meta, sources=_sources(data, root, where))


def _date(value: object, where: _Locator) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        parsed = parse_date(value)
        if parsed:
            return parsed[0]
    raise InputError(where.key("date"), "date must be a date, e.g. date = 2025-11-20")


def _flag(data: dict[str, Any], key: str, default: bool, where: _Locator) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise InputError(where.key(key), f"'{key}' must be true or false")
    return value


def _people(value: object, where: _Locator) -> tuple[tuple[str, Person], ...]:
    """``[people.KEY]`` records: the person a post names by key (``author: KEY``), as Jekyll
    sites keep them in ``_data/authors.yml``."""
    if not isinstance(value, dict):
        raise InputError(where.key("people"), "people must be tables such as [people.ktanaka]")
    records = []
    for key, record in value.items():
        pos = where.text(f"[people.{key}]")
        if not isinstance(record, dict) or not isinstance(record.get("name"), str) or not record["name"].strip():
            raise InputError(pos, f"[people.{key}] needs a name = \"...\"")
        for field_name, field_value in record.items():
            if field_name not in _PERSON_KEYS:
                known = ", ".join(sorted(_PERSON_KEYS))
                raise InputError(where.key(field_name, pos.line - 1), f"unknown key '{field_name}' in [people.{key}] "
                                 f"(known: {known})")
            a_list = field_name == "affiliations" and isinstance(field_value, list)
            if not isinstance(field_value, str) and not a_list:
                raise InputError(where.key(field_name, pos.line - 1), f"'{field_name}' must be a string in quotes")
        records.append((key, _record_person(key, record)))
    return tuple(records)


def _record_person(key: str, record: dict[str, Any]) -> Person:
    """A ``[people.KEY]`` record as the person it describes.  Its name is read as the readers read
    an author's (a family name in capitals is the family name, else the Western order; an
    honorific before it and a degree after it kept apart; a body's name has no parts), so that
    ``Ken Tanaka`` here and ``Ken TANAKA`` in a transcript are one person; ``family_name`` and
    ``given_name``, where the record gives them, say it instead."""
    written = " ".join(record["name"].split())
    person = author(written, roles=())
    if person.ref:  # a name written like an author key ("cher") is still the record's name
        person = make_person(written)
    family, given = " ".join(record.get("family_name", "").split()), " ".join(record.get("given_name", "").split())
    if family or given:
        family, given, family_first = _stated_parts(person.name, family, given)
        person = replace(person, family_name=family, given_name=given, family_first=family_first,
                         organisation=False)
    affiliations = record.get("affiliations") or ([record["affiliation"]] if record.get("affiliation") else [])
    bio = (Paragraph((Text(" ".join(record["bio"].split())),)),) if record.get("bio") else ()
    return replace(person, roles=(), affiliations=tuple(str(a) for a in affiliations), bio=bio,
                   honorific=record.get("honorific", "") or person.honorific, ref=key)


def _stated_parts(name: str, family: str, given: str) -> tuple[str, str, bool]:
    """``(family_name, given_name, family_first)`` when the record states a part: the other part is
    the rest of the name, and where the stated part stands in the name gives the order."""
    words = name.split()

    def at_start(part: str) -> bool:
        count = len(part.split())
        return 0 < count < len(words) and " ".join(words[:count]).casefold() == part.casefold()

    def at_end(part: str) -> bool:
        count = len(part.split())
        return 0 < count < len(words) and " ".join(words[-count:]).casefold() == part.casefold()

    if at_start(family):
        return family, given or " ".join(words[len(family.split()):]), True
    if at_end(family):
        return family, given or " ".join(words[:-len(family.split())]), False
    if at_start(given):
        return family or " ".join(words[len(given.split()):]), given, False
    if at_end(given):
        return family or " ".join(words[:-len(given.split())]), given, True
    return family, given, False


def _glossary(value: object, where: _Locator) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise InputError(where.text("[glossary]") if "[glossary]" in "\n".join(where.lines) else where.key("glossary"),
                         "glossary must be a table of abbreviation = \"expansion\"")
    return tuple(sorted(value.items()))


def _sources(data: dict[str, Any], root: Path, where: _Locator) -> tuple[SourceEntry, ...]:
    if "sources" not in data:
        folder = _from_folder(root)
        return folder.sources
    value = data["sources"]
    if not isinstance(value, list) or not value:
        raise InputError(where.key("sources"), "sources must be a non-empty list of file names")
    start = where.key("sources").line - 1 if where.key("sources").line > 1 else 0
    entries = []
    for item in value:
        if isinstance(item, str):
            item = {"path": item}
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise InputError(where.key("sources"), "each source is a file name or a table with a 'path'")
        pos = where.text(item["path"], start)
        for key in item:
            if key not in _SOURCE_KEYS:
                known = ", ".join(sorted(_SOURCE_KEYS))
                raise InputError(where.key(key, pos.line - 1), f"unknown source key '{key}' (known: {known})")
        relative = Path(item["path"])
        resolved = (root / relative).resolve()
        if relative.is_absolute() or not resolved.is_relative_to(root.resolve()):
            raise InputError(pos, f"source '{item['path']}' is outside the content folder")
        if not resolved.is_file():
            raise InputError(pos, f"source '{item['path']}' not found")
        if not relative.name.lower().endswith(SOURCE_EXTENSIONS):
            raise InputError(pos, f"'{item['path']}' is not a source this toolkit reads")
        entries.append(SourceEntry(root / relative, pos, str(item.get("publisher", "")),
                                   str(item.get("url", "")), str(item.get("language", ""))))
    return tuple(entries)
