"""Rules every format applies alike, written once.

How bylines group people and how lists of names, roles and dates are written;
which links stay live; the titles of the book's own parts and how deep its
contents go; the page sizes.  The renderers, the checks of ``publish check``
and the transforms take these from here, so that a post by two authors reads
"By A and B", a ``tel:`` link is text and an A4 page is the same size in the
PDF, the EPUB and the Word document alike.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .model.nodes import ArticleMeta, Person, Turn

# ------------------------------------------------------------------- people

#: Roles whose plural is not the role and an "s".
_PLURALS = {"chair": "chairs", "discussant": "discussants", "host": "hosts"}
#: Roles a byline names in other words than the role's (a memo's addressees), in one form.
_ROLE_WORDS = {"recipient": "To", "copied": "Cc"}
#: Roles as a Japanese byline names them.
_JAPANESE_ROLES = {
    "author": "著者", "speaker": "講演者", "keynote speaker": "基調講演", "panelist": "登壇者",
    "presenter": "報告者", "commentator": "コメンテーター", "discussant": "討論者",
    "moderator": "モデレーター", "chair": "座長", "host": "司会", "recipient": "宛先", "copied": "写し",
    "member": "委員", "secretariat": "事務局",
}


@dataclass(frozen=True)
class BylineGroup:
    """People who share their roles in an article, in the order the source names them."""

    roles: tuple[str, ...]
    people: tuple[Person, ...]

    @property
    def by_authors(self) -> bool:
        """Authors' bylines read "By A and B"; everyone else's start with their role."""
        return bool(self.roles) and all(role.lower() == "author" for role in self.roles)

    def label(self, language: str = "en") -> str:
        """``By``, or the roles (``Speakers``, ``Commentator & Moderator``), or ""; in Japanese
        the roles' Japanese names (``講演者``)."""
        if self.by_authors and not is_japanese(language):
            return "By"
        return role_label(self.roles, plural=len(self.people) > 1, language=language)


def byline_groups(people: Sequence[Person]) -> list[BylineGroup]:
    """One byline per set of roles: the people who share it, in their first order."""
    groups: dict[tuple[str, ...], list[Person]] = {}
    for person in people:
        roles = tuple(role.strip().lower() for role in person.roles if role.strip())
        groups.setdefault(roles, []).append(person)
    return [BylineGroup(roles, tuple(members)) for roles, members in groups.items()]


def role_label(roles: Sequence[str], *, plural: bool = False, language: str = "en") -> str:
    """``("commentator", "moderator")`` -> ``Commentator & Moderator``; ``plural`` for a group.
    In Japanese, ``コメンテーター・モデレーター``."""
    words = [role.strip() for role in roles if role.strip()]
    if is_japanese(language):
        return "・".join(_JAPANESE_ROLES.get(word.lower(), word) for word in words)
    if any(word.lower() in _ROLE_WORDS for word in words):
        return " & ".join(_ROLE_WORDS.get(word.lower(), word[:1].upper() + word[1:]) for word in words)
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


#: What a question's speaker is called when the source names nobody: no name is shown.
ANONYMOUS_SPEAKERS = frozenset({"", "q", "question", "audience", "participant", "audience member",
                                "questioner", "floor", "質問", "質問者", "会場"})


# -------------------------------------------------------------------- dates

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def format_date(day: dt.date | None, language: str = "en") -> str:
    """``13 November 2025``, ``2025年11月13日`` in Japanese: spelt out, unambiguous everywhere,
    independent of the machine's locale."""
    if day is None:
        return ""
    if is_japanese(language):
        return f"{day.year}年{day.month}月{day.day}日"
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


# ------------------------------------------------------------ what was said


def turn_speaker(turn: Turn, people: dict[str, Person]) -> str:
    """The name a turn is printed under: the person its label was matched to, else the label
    as the source writes it (never a guess)."""
    person = people.get(turn.person_id) if turn.person_id else None
    return person.name if person else turn.speaker.strip()


def asker(turn: Turn) -> str:
    """Who asked a question from the floor, as the text gives it: ``Sam Ortiz (Gridwatch Analytics)``."""
    if not turn.asker:
        return ""
    return f"{turn.asker} ({turn.asker_affiliation})" if turn.asker_affiliation else turn.asker


def questioner(turn: Turn, people: dict[str, Person]) -> str:
    """Who is named beside a question's Q: the person its label was matched to, the asker the
    text names, or nobody (``Q``, ``AUDIENCE MEMBER``)."""
    if turn.asker:
        return asker(turn)
    name = turn_speaker(turn, people)
    return "" if name.lower().strip() in ANONYMOUS_SPEAKERS else name


def question_label(turn: Turn, people: dict[str, Person]) -> str:
    """A question's label where a format writes it as words: ``Q``, ``Q – Sam Ortiz (Gridwatch)``."""
    name = questioner(turn, people)
    return f"Q – {name}" if name else "Q"


def direction_text(text: str) -> str:
    """A stage direction as every format prints it: in brackets, full-width ones in Japanese."""
    return f"（{text}）" if EAST_ASIAN_SCRIPT.search(text) else f"({text})"


#: A numbered list's style: its CSS list-style-type and Word's w:numFmt.
LIST_STYLES = {
    "decimal": ("decimal", "decimal"),
    "lower-alpha": ("lower-alpha", "lowerLetter"),
    "upper-alpha": ("upper-alpha", "upperLetter"),
    "lower-roman": ("lower-roman", "lowerRoman"),
    "upper-roman": ("upper-roman", "upperRoman"),
}


def list_label(delimiter: str, number: str) -> str:
    """A list item's label around its ``number``: ``1.``, ``a)``, ``(1)``."""
    return f"({number})" if delimiter == "()" else f"{number}{delimiter if delimiter in ('.', ')') else '.'}"


# -------------------------------------------------------------------- links

#: Addresses a link keeps in every format; any other target (``tel:``, a path relative
#: to a web site, a Liquid variable) keeps its text and loses the link, with a warning
#: (the ``links`` transform).
LIVE_SCHEMES = ("http:", "https:", "mailto:")


def is_live_address(target: str) -> bool:
    """Whether a link to ``target`` stays a link: an address every reader can open."""
    return target.strip().lower().startswith(LIVE_SCHEMES)


def cross_reference(target: str) -> str:
    """The id a ``#id`` link leads to inside the book, or "" when it is not one."""
    target = target.strip()
    return target[1:] if target.startswith("#") and len(target) > 1 else ""


# ---------------------------------------------------- sources in the Word file

#: A hidden bookmark (Word hides names that start with "_") around every paragraph of the
#: Word document that comes from a line of a source: ``_S<file>_<line>_<n>``.  ``publish
#: absorb`` reads them to take a colleague's edits back to the line they came from.
_ANCHOR = re.compile(r"_S([0-9a-f]{6})_(\d+)_(\d+)")


def source_tag(path: str) -> str:
    """Six hex digits naming a source by its file name (the same wherever it was built from)."""
    return hashlib.sha1(os.path.basename(path).encode("utf-8")).hexdigest()[:6]


def source_anchor(path: str, line: int, ordinal: int) -> str:
    """The bookmark name of the ``ordinal``-th paragraph that comes from ``line`` of ``path``."""
    return f"_S{source_tag(path)}_{line}_{ordinal}"


def read_source_anchor(name: str) -> tuple[str, int] | None:
    """``(source tag, line)`` of a bookmark :func:`source_anchor` named, else None."""
    match = _ANCHOR.fullmatch(name)
    return (match[1], int(match[2])) if match else None


# ------------------------------------------------------------ the book's parts

#: Section headings deeper than this stay out of the contents (every format's, and the EPUB's nav).
CONTENTS_DEPTH = 3

#: The titles of the parts of the book that no source writes, and the ids of those
#: that links lead to.
CONTENTS_TITLE = "Contents"
GLANCE_TITLE = "At a glance"
NOTES_TITLE = "Notes"
PEOPLE_ID, PEOPLE_TITLE = "people", "People in this briefing"
ABBREVIATIONS_ID, ABBREVIATIONS_TITLE = "abbreviations", "Abbreviations"


# ------------------------------------------------------------------- pages


@dataclass(frozen=True)
class PageGeometry:
    """A page size, as CSS names it for the printed book and in twips for Word, with the
    Word document's margins (the printed book's are in ``styles/print.css``)."""

    name: str
    css_size: str
    width: int
    height: int
    margin: int = 1418  # 25 mm
    header_distance: int = 680  # 12 mm

    @property
    def text_width(self) -> int:
        return self.width - 2 * self.margin

    @property
    def text_width_emu(self) -> int:
        return self.text_width * 635

    @property
    def text_height_emu(self) -> int:
        return (self.height - 2 * self.margin) * 635


PAGE_SIZES: dict[str, PageGeometry] = {
    "A4": PageGeometry("A4", "A4", 11906, 16838),
    "Letter": PageGeometry("Letter", "letter", 12240, 15840),
}


def page_size_name(name: str) -> str | None:
    """The page size's name as :data:`PAGE_SIZES` spells it (``letter`` -> ``Letter``), or None."""
    return next((known for known in PAGE_SIZES if known.lower() == name.strip().lower()), None)


def page_geometry(name: str) -> PageGeometry:
    """The geometry of a page size the manifest or the command line has already checked."""
    return PAGE_SIZES[page_size_name(name) or name]


# ---------------------------------------------------------------- scripts

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
