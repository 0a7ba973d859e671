"""Personal names: which part is the family name.

Japanese and other East Asian sources often write the family name in
capitals (``TOMIURA Eiichi``, ``William CHOU``), which says both which word is
the family name and, by its place, the name order.  Without capitals we
assume the Western order, family name last.
"""

from __future__ import annotations

import re
import unicodedata

from ..model.nodes import Person

_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "bin", "al"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "ph.d."}


def _is_capitalised_family(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _normal_case(word: str) -> str:
    # Title-case each part of hyphenated or apostrophised names: O'BRIEN -> O'Brien.
    return re.sub(r"[^\W\d_]+", lambda m: m.group().capitalize(), word)


def split_name(name: str) -> tuple[str, str, bool]:
    """``(family_name, given_name, family_first)`` for a name as written."""
    words = name.split()
    if not words:
        return "", "", False
    caps = [i for i, w in enumerate(words) if _is_capitalised_family(w)]
    if caps and len(caps) < len(words):
        family = " ".join(_normal_case(words[i]) for i in caps)
        given = " ".join(w for i, w in enumerate(words) if i not in caps)
        return family, given, caps[0] == 0
    core = [w for w in words if w.lower().strip(",") not in _SUFFIXES] or words
    if len(core) == 1:
        return core[0], "", False
    start = len(core) - 1
    while start > 1 and core[start - 1].lower() in _PARTICLES:
        start -= 1
    return " ".join(core[start:]), " ".join(core[:start]), False


def make_person(name: str, roles: tuple[str, ...] = (), affiliations: tuple[str, ...] = ()) -> Person:
    family, given, family_first = split_name(name)
    return Person(
        name=" ".join(name.split()),
        family_name=family,
        given_name=given,
        family_first=family_first,
        roles=roles,
        affiliations=affiliations,
    )


def name_key(name: str) -> str:
    """A key under which spellings of one name compare equal (case, accents, order, spacing)."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = sorted(re.findall(r"\w+", letters.casefold()))
    return " ".join(words)
