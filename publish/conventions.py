"""Rules every format applies alike: how bylines group people and how lists of names are written.

The renderers take these from here, so that a post by two authors reads
"By A and B" in the PDF, the EPUB and the Word document alike.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .model.nodes import ArticleMeta, Person

#: Roles whose plural is not the role and an "s".
_PLURALS = {"chair": "chairs", "discussant": "discussants", "host": "hosts"}


@dataclass(frozen=True)
class BylineGroup:
    """People who share their roles in an article, in the order the source names them."""

    roles: tuple[str, ...]
    people: tuple[Person, ...]

    @property
    def by_authors(self) -> bool:
        """Authors' bylines read "By A and B"; everyone else's start with their role."""
        return bool(self.roles) and all(role.lower() == "author" for role in self.roles)

    @property
    def label(self) -> str:
        """``By``, or the roles (``Speakers``, ``Commentator & Moderator``), or ""."""
        if self.by_authors:
            return "By"
        return role_label(self.roles, plural=len(self.people) > 1)


def byline_groups(people: Sequence[Person]) -> list[BylineGroup]:
    """One byline per set of roles: the people who share it, in their first order."""
    groups: dict[tuple[str, ...], list[Person]] = {}
    for person in people:
        roles = tuple(role.strip().lower() for role in person.roles if role.strip())
        groups.setdefault(roles, []).append(person)
    return [BylineGroup(roles, tuple(members)) for roles, members in groups.items()]


def role_label(roles: Sequence[str], *, plural: bool = False) -> str:
    """``("commentator", "moderator")`` -> ``Commentator & Moderator``; ``plural`` for a group."""
    words = [role.strip() for role in roles if role.strip()]
    if plural:
        words = [_PLURALS.get(word.lower(), word + "s") for word in words]
    return " & ".join(word[:1].upper() + word[1:] for word in words)


def join_names(names: Sequence[str], language: str = "en") -> str:
    """``A``, ``A and B``, ``A, B and C``; in Japanese ``A、B、C``."""
    names = [name for name in names if name]
    if is_japanese(language):
        return "、".join(names)
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def name_separators(count: int, language: str = "en") -> list[str]:
    """What goes after each of ``count`` names joined as :func:`join_names` joins them
    (the last gets ""), for formats that write each name as a link of its own."""
    if count <= 1:
        return [""] * count
    if is_japanese(language):
        return ["、"] * (count - 1) + [""]
    if count == 2:
        return [" and ", ""]
    return [", "] * (count - 2) + [" and ", ""]


def is_japanese(language: str) -> bool:
    return language.lower().split("-")[0] == "ja"


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def format_date(day: dt.date | None) -> str:
    """``13 November 2025``: spelt out, unambiguous everywhere, independent of the machine's locale."""
    if day is None:
        return ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def bio_heading(people: Sequence[Person]) -> str:
    """The heading over an article's closing bios: the authors', else the contributors'."""
    with_bio = [p for p in people if p.bio]
    if with_bio and all("author" in p.roles for p in with_bio):
        return "About the author" if len(with_bio) == 1 else "About the authors"
    return "About the contributors"


def lead_image_description(meta: ArticleMeta) -> str:
    """The text alternative of an article's lead image: the source's, else its caption, else
    one that names the article (the lint still reports that the source gave none)."""
    image = meta.image
    if image is None:
        return ""
    return image.alt or image.title or f"Lead image of the article “{meta.title}”"


#: Kana, kanji and the CJK punctuation and full-width forms that go with them: text set in the
#: Japanese face and marked as Japanese in every format.
EAST_ASIAN_SCRIPT = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def script_segments(value: str) -> list[tuple[str, bool]]:
    """``value`` cut into runs of East Asian and of other text: ``[(text, is_east_asian), ...]``."""
    segments: list[tuple[str, bool]] = []
    at = 0
    for match in EAST_ASIAN_SCRIPT.finditer(value):
        if match.start() > at:
            segments.append((value[at:match.start()], False))
        segments.append((match.group(), True))
        at = match.end()
    if at < len(value):
        segments.append((value[at:], False))
    return segments
