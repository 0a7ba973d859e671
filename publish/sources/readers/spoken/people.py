"""People as event headers write them: ``Name (Affiliation / Affiliation)``, several to a field,
``NAME, Moderator``, a name line with title lines below it, an attendance table in columns.

Only a separator outside parentheses separates people: ``/``, ``／``, ``;`` and ``and``
inside ``(Department of Industry, Science and Resources)`` belong to the affiliation.
A family name in capitals marks the name order (``ISHIDA Ryo``); a header written
wholly in capitals says nothing about it, and its names are recased.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ....model import nodes as m
from ...authors import is_organisation
from ...names import is_cjk, make_person, name_key, recase, split_honorific
from .words import ROLES, key

#: Separators between people in one field, tried in this order (each only outside parentheses).
_PEOPLE_SEPARATORS = (" / ", "／", "; ", "；", " and ", "、")
_SENTENCE_END = tuple(".,;:!?…\"”’'。")
#: Words of a post or a body, never of a personal name: a line with one is a title line.
POST_WORDS = frozenset("""
    director president fellow professor minister member chief head officer manager adviser advisor chair
    chairman chairwoman secretary editor correspondent partner founder ceo analyst economist researcher
    lecturer dean counsel senior deputy executive associate assistant principal former managing vice
    council institute institution forum center centre university ministry department agency association
    foundation partners group committee program programme initiative office bank fund company corporation
    inc ltd research studies school college embassy government senate house commission board service services
    network alliance union society of for and the on in at to
""".split())
#: Attendance rows align their columns with full-width spaces or runs of spaces.
_COLUMNS = re.compile(r"\u3000+|\s{2,}")


@dataclass(frozen=True)
class Named:
    """One person as a header line writes them."""

    name: str
    affiliations: tuple[str, ...] = ()
    honorific: str = ""
    #: A role written after the name (``DAVID ARMSTRONG, Moderator``): it wins over the group's.
    role: str = ""


def split_top(text: str, separator: str = " / ") -> list[str]:
    """Split at ``separator`` outside parentheses."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        if char in "([（":
            depth += 1
        elif char in ")]）":
            depth = max(0, depth - 1)
        elif depth == 0 and text.startswith(separator, i):
            parts.append(text[start:i])
            start = i + len(separator)
            i = start
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def split_people(value: str, separators: tuple[str, ...] = _PEOPLE_SEPARATORS) -> list[str]:
    parts = [value]
    for separator in separators:
        parts = [piece for part in parts for piece in split_top(part, separator)]
    return parts


def named(part: str) -> Named | None:
    """``Dr. Helen MARCH (Senior Lecturer, University of Leeds)`` as a name, honorific and
    affiliations; None when ``part`` does not read as a person."""
    part = part.strip().rstrip(",").strip()  # Carnegie ends each header line with a comma
    honorific, rest = split_honorific(part)
    name, affiliation, role = rest, "", ""
    if rest.endswith((")", "）")):
        depth = 0
        for i in range(len(rest) - 1, -1, -1):
            depth += rest[i] in ")）"
            depth -= rest[i] in "(（"
            if depth == 0:
                name, affiliation = rest[:i].strip(), rest[i + 1:-1].strip()
                break
    elif ", " in rest:
        first, after = (s.strip() for s in rest.split(", ", 1))
        if key(after) in ROLES:
            name, role = first, ROLES[key(after)]
        elif len(first.split()) <= 4:
            name, affiliation = first, after
    name = " ".join(name.split())
    if re.search(r"[:：?？]", name):
        return None
    too_long = len(name) > 24 if is_cjk(name) else len(name.split()) > 6
    if not name or too_long or name.endswith(_SENTENCE_END):
        return None
    affiliations = tuple(a for piece in split_top(affiliation, " / ") for a in split_top(piece, "／"))
    return Named(name, affiliations, honorific, role)


def people_in(value: str) -> list[tuple[str, tuple[str, ...]]] | None:
    """``NAME (AFFILIATION / AFFILIATION) / NAME (...)`` as names with their affiliations; None when a
    part does not read as a name.  (The Word reader reads its header lines with this too.)"""
    found = [named(part) for part in split_people(value, (" / ", "／", "; "))]
    if not found or any(n is None for n in found):
        return None
    return [(n.name, n.affiliations) for n in found if n is not None]


def is_name_line(text: str, first: bool) -> bool:
    """Whether a line under a people label is a name (else it is a title or an organisation line).

    The first line after the label or a blank line is a name if it can be one; a later
    line only if it shows it: an honorific, or a family name in capitals.
    """
    text = text.strip().rstrip(",").strip()
    if is_cjk(text):
        return first
    honorific, rest = split_honorific(text)
    rest = re.sub(r",\s*(?:" + "|".join(re.escape(r) for r in ROLES if r.isascii()) + r")\s*$", "", rest,
                  flags=re.IGNORECASE)
    words = rest.split()
    if not 1 < len(words) <= 5 or re.search(r"[\d,;:()]", rest) or rest.endswith(_SENTENCE_END):
        return False
    if any(w.strip(".").casefold() in POST_WORDS for w in words) or not all(w[:1].isupper() for w in words):
        return False
    capitals = any(len(w) > 1 and w.isalpha() and w.isupper() for w in words)
    return first or bool(honorific) or capitals


def attendance_row(line: str) -> tuple[str, str, str] | None:
    """``(post, name, affiliation)`` of a row of an attendance table (``座長　森下 和彦　東都大学…``)."""
    cells = [c.strip() for c in _COLUMNS.split(line.strip()) if c.strip()]
    if len(cells) == 2:
        return cells[0], cells[1], ""
    if len(cells) >= 3:
        return cells[0], cells[1], " ".join(cells[2:])
    return None


def person(found: Named, roles: tuple[str, ...]) -> m.Person:
    """The header's person: a body (no name parts invented) or a person with a name order."""
    roles = (found.role,) if found.role else roles
    if is_organisation(found.name) and not found.affiliations and not found.honorific:
        return m.Person(name=found.name, roles=roles, organisation=True)
    return make_person(found.name, roles, found.affiliations, found.honorific)


def add_person(people: list[m.Person], new: m.Person) -> None:
    """``new`` added, or merged into the same person named before (one person, several roles)."""
    for index, known in enumerate(people):
        if name_key(known.name) == name_key(new.name):
            people[index] = replace(
                known, roles=tuple(dict.fromkeys(known.roles + new.roles)),
                affiliations=known.affiliations or new.affiliations, honorific=known.honorific or new.honorific)
            return
    people.append(new)


def recased(people: list[m.Person]) -> list[m.Person]:
    """A header that writes every name in capitals says nothing of the name order: names in
    normal case, family name last."""
    latin = [p for p in people if not p.organisation and not is_cjk(p.name)]
    if not latin or not all(p.name.upper() == p.name and len(p.name.split()) > 1 for p in latin):
        return people
    out = []
    for p in people:
        if p in latin:
            again = make_person(recase(p.name), p.roles, p.affiliations, p.honorific)
            p = replace(again, bio=p.bio)
        out.append(p)
    return out
