"""Header labels and the field lines they open: ``Date: ...``, ``Speaker William CHOU (...)``,
``Commentator & Moderator``, ``Speaker / 講演者:``, ``日時：``, CSIS's ``FORUM EXPERTS`` alone on a line.

A label names people (a role for each person in its value) or a field of the event
(date, venue, language...).  A label in two languages takes a value in two languages:
the English half is read, the Japanese half kept under the Japanese label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ....model import nodes as m
from ...names import is_cjk, make_person
from .people import add_person, people_in, split_top
from .when import date_and_time
from .words import ATTENDANCE, BOILERPLATE, FIELDS, ROLES, key

_ROLE_WORDS = "|".join(sorted((re.escape(w) for w in [*ROLES, *FIELDS] if w.isascii()), key=len, reverse=True))
#: ``Speaker William CHOU (...)``: a known label and its value with no colon between.
_SPACED = re.compile(rf"(?P<label>(?:{_ROLE_WORDS})(?:\s*(?:&|and|,|/)\s*(?:{_ROLE_WORDS}))*)(?:\s+(?P<value>\S.*))?",
                     re.IGNORECASE)
COLON = re.compile(r"(?P<label>[^:：]{1,50}?)\s*[:：]\s*(?P<value>.*)")
_JOINERS = re.compile(r"\s*(?:&|\band\b|,|兼|・)\s*")
_EXPERTS = re.compile(r"(?:(?P<who>[\w-]+)\s+)?experts?", re.IGNORECASE)
_UNKNOWN = re.compile(r"[A-Z][A-Za-z-]*(?: [A-Za-z-]+){0,2}|[\u3040-\u30ff\u4e00-\u9fff]{1,8}")


@dataclass(frozen=True)
class Label:
    """A header label: the roles it gives, or the field it names (or, unknown, as written)."""

    roles: tuple[str, ...] = ()
    field: str = ""
    attendance: bool = False
    unknown: str = ""
    #: The Japanese half of a bilingual label (``Speaker / 講演者``).
    ja: str = ""


def parse_label(text: str) -> Label | None:
    """The label ``text`` (without its colon), or None when it is not one this reader knows."""
    parts = split_top(text, " / ") if " / " in text else split_top(text, "／")
    found = _phrase(parts[0]) if parts else None
    if found is None:
        return None
    ja = parts[1] if len(parts) > 1 and is_cjk(parts[1]) else ""
    return Label(found.roles, found.field, found.attendance, ja=ja)


def _phrase(text: str) -> Label | None:
    word = key(text)
    if word in ROLES:
        return Label(roles=(ROLES[word],))
    if word in FIELDS:
        return Label(field=FIELDS[word])
    if word in ATTENDANCE:
        return Label(attendance=True)
    experts = _EXPERTS.fullmatch(word)
    if experts:
        return Label(roles=(f"{experts['who']} expert" if experts["who"] else "expert",))
    words = [w for w in _JOINERS.split(word) if w]
    if len(words) > 1 and all(w in ROLES for w in words):
        return Label(roles=tuple(dict.fromkeys(ROLES[w] for w in words)))
    return None


def field_line(text: str, spaced: bool, unknown: bool) -> tuple[Label, str] | None:
    """``(label, value)`` for a header field line; ``spaced`` allows ``Label value`` without a colon,
    ``unknown`` a label this reader does not know (inside a block of known fields)."""
    found = COLON.fullmatch(text)
    if found:
        label = parse_label(found["label"])
        if label is not None:
            return label, found["value"].strip()
        if unknown and _UNKNOWN.fullmatch(found["label"].strip()) and len(found["value"]) < 160:
            return Label(unknown=found["label"].strip()), found["value"].strip()
    alone = parse_label(text) if spaced else None
    if alone is not None:
        return alone, ""
    spaced_found = _SPACED.fullmatch(text) if spaced else None
    if spaced_found:
        label = parse_label(spaced_found["label"])
        if label is not None:
            return label, (spaced_found["value"] or "").strip()
    return None


def halves(value: str) -> tuple[str, str]:
    """A bilingual value: the English parts and the Japanese parts (``English / 日本語``)."""
    parts = split_top(value, " / ")
    english = [p for p in parts if not is_cjk(p)]
    japanese = [p for p in parts if is_cjk(p)]
    return " / ".join(english), " / ".join(japanese)


def singular(label: str) -> str:
    word = key(label)
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def take_header_line(line: str, pos: m.Pos, fields: dict[str, tuple[str, m.Pos]], people: list[m.Person]) -> bool:
    """One ``Label: value`` line of a header as the Word reader finds it (a paragraph each): people
    join ``people``, other fields ``fields`` (by key, with where they were written).  False when
    the line is not a header field."""
    text = line.strip()
    if key(text) in BOILERPLATE:
        return True
    found = field_line(text, spaced=True, unknown=False)
    if found is None or not found[1] or found[0].unknown:
        return False
    label, value = found
    if label.roles:
        named_people = people_in(value)
        if named_people is None:
            return False
        for name, affiliations in named_people:
            add_person(people, make_person(name, label.roles, affiliations))
        return True
    if not label.field or (label.field == "date" and date_and_time(value)[0] is None
                           and not re.search(r"\d", value)):
        return False  # "Date" opening a sentence, not a field
    fields[label.field] = (value, pos)
    return True
