"""Author lines as posts write them: several people in one line, a body as author, an author key.

``Ann Lee & Ken Tanaka``, ``Ann Lee and Ken Tanaka`` and ``Ann Lee, Ken Tanaka and
Mei Lin`` name separate people; ``Ministry of Economy, Trade and Industry`` names one
body, whose comma and ``and`` separate nothing.  A body is an organisation, with no
name parts invented for it (not "Architecture, Working Group on Trade").
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model.nodes import Person
from .names import make_person

#: Words that make a name a body's: ``Working Group on ...``, ``RIETI Editorial Staff``.
_BODY_WORDS = frozenset("""
    group staff ministry institute institution council office committee commission agency association
    center centre department editorial editors desk team university foundation secretariat bureau
    board unit programme program initiative network forum society laboratory lab press service
    inc ltd llc corporation company trust fund authority government embassy school college academy
    project partnership coalition federation organisation organization
""".split())
#: Japanese bodies end with one of these (事務局, 編集部, 経済産業省).
_BODY_ENDINGS = ("事務局", "編集部", "研究所", "研究会", "委員会", "機構", "財団", "大学", "協会",
                 "センター", "グループ", "チーム", "省", "庁")
#: Written before a name, kept apart from it.
_HONORIFIC = re.compile(r"^(Dr\.?|Prof\.?|Professor|Amb\.?|Ambassador|Mr\.?|Ms\.?|Mrs\.?|Sen\.?|Senator)\s+(?=\S)")
#: A degree or generation after a comma.
_SUFFIX = re.compile(r",\s*(Jr\.?|Sr\.?|II|III|IV|PhD|Ph\.D\.)$", re.IGNORECASE)
#: A Jekyll author key (``author: ktanaka``): one lower-case token, a record's name, not a person's.
_KEY = re.compile(r"[a-z][a-z0-9_.-]*")
#: What joins people in a line: ``&``, ``and``, ``;``, the Japanese comma (not the middle dot,
#: which joins the parts of one name in katakana).
_JOINERS = re.compile(r"\s*(?:&|;|、|\band\b)\s*")


def is_organisation(name: str) -> bool:
    """Whether ``name`` is a body's (a working group, an editorial desk, a ministry)."""
    words = {word.casefold() for word in re.findall(r"[^\W\d_]+", name)}
    return bool(words & _BODY_WORDS) or name.strip().endswith(_BODY_ENDINGS)


def is_author_key(text: str) -> bool:
    """``ktanaka``: a key for the manifest's ``[people.ktanaka]`` record."""
    return _KEY.fullmatch(text.strip()) is not None


def without_honorific(name: str) -> str:
    """``Dr. Ann Lee`` -> ``Ann Lee``."""
    found = _HONORIFIC.match(name.strip())
    return name.strip()[found.end():] if found else name.strip()


def split_authors(line: str) -> list[str]:
    """The names in an author line, in order."""
    line = " ".join(line.split())
    if not line:
        return []
    parts = [part for chunk in _JOINERS.split(line) for part in _comma_parts(chunk)]
    parts = [part for part in parts if part]
    if len(parts) > 1 and is_organisation(line) and any(_fragment(part) for part in parts):
        # "Ministry of Economy, Trade and Industry": the separators are inside one body's name
        return [line]
    return parts


def _comma_parts(chunk: str) -> list[str]:
    """A comma separates names only where every part is a name of its own (not ``Lee, PhD``)."""
    chunk = chunk.strip().strip(",").strip()  # "A, B, and C": the serial comma
    parts = [part.strip() for part in chunk.split(",")]
    if len(parts) > 1 and all(len(part.split()) >= 2 or is_organisation(part) for part in parts):
        return parts
    return [chunk.strip()]


def _fragment(part: str) -> bool:
    """A piece that is neither a body nor a full name: the rest of a body's name (``Trade``)."""
    return not is_organisation(part) and len(part.split()) < 2 and not _is_cjk(part)


def _is_cjk(text: str) -> bool:
    return any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in text)


def author(name: str, roles: tuple[str, ...] = ("author",), affiliations: tuple[str, ...] = ()) -> Person:
    """The person (or body, or author key) one name of an author line stands for."""
    name = " ".join(name.split())
    if is_organisation(name):
        return Person(name=name, roles=roles, affiliations=affiliations, organisation=True)
    if is_author_key(name):
        return Person(name=name, roles=roles, affiliations=affiliations, ref=name)
    suffix = _SUFFIX.search(name)
    if suffix:  # "Ann Lee, PhD": the comma is not part of the family name
        person = author(name[:suffix.start()] + " " + suffix.group(1), roles, affiliations)
        return replace(person, name=name)
    honorific = _HONORIFIC.match(name)
    if honorific:
        person = make_person(name[honorific.end():], roles=roles, affiliations=affiliations)
        return replace(person, honorific=honorific.group(1))
    return make_person(name, roles=roles, affiliations=affiliations)
