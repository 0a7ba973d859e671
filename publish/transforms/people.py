"""The book's people index: every author, speaker, commentator and moderator, merged by person.

The same person may be written ``TOMIURA Eiichi`` in one source and ``Eiichi
Tomiura`` in another; :func:`~publish.names.name_key` makes both one entry.
Sorted by family name, as an index of people is.
"""

from __future__ import annotations

from dataclasses import replace

from ..diagnostics import Reporter
from ..model import nodes as m
from ..sources.names import name_key, split_name


def build_people_index(book: m.Book, reporter: Reporter) -> m.Book:
    merged: dict[str, m.Person] = {}
    appearances: dict[str, list[m.Appearance]] = {}
    for article in book.articles:
        for person in article.meta.people:
            key = name_key(person.name)
            if key in merged:
                merged[key] = _merge(merged[key], person)
            else:
                merged[key] = replace(person, roles=())
            appearances.setdefault(key, []).append(m.Appearance(article.id, person.roles))
    entries = [
        m.Contributor(
            replace(person, roles=tuple(dict.fromkeys(r for a in appearances[key] for r in a.roles))),
            tuple(appearances[key]),
        )
        for key, person in merged.items()
    ]
    entries.sort(key=lambda c: (_sort_name(c.person), c.person.name))
    return replace(book, people=tuple(entries))


def _merge(known: m.Person, other: m.Person) -> m.Person:
    affiliations = tuple(dict.fromkeys(known.affiliations + other.affiliations))
    return replace(known, affiliations=affiliations, bio=known.bio or other.bio,
                   family_name=known.family_name or other.family_name,
                   given_name=known.given_name or other.given_name)


def _sort_name(person: m.Person) -> tuple[str, str]:
    """A person under their family name; a name given without its parts (no reader or record split
    it) is read as the readers read one.  A body under its name."""
    family, given = person.family_name, person.given_name
    if not family and not person.organisation:
        family, given, _ = split_name(person.name)
    return (family or person.name).casefold(), given.casefold()
