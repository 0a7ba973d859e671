"""Which turns are questions, and whom they are put to.

A question from the floor is one by its label.  A turn by someone in the header is a
question when it asks (``?``, ``ですか``, ``お願いします``) and turns to a named person:
"Helen, let me begin with you: ...?", "A question for Dr. Bianchi.", "村田さん、...".
A name counts only where the speaker turns to that person (at the head of a sentence
before a comma, after "for", in Japanese with さん or 氏), not where it is mentioned
or thanked ("Thank you, Victor.").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ....model import nodes as m
from ...names import HONORIFICS, honorific_key, is_cjk
from .words import CHAIRING

_JA_ASKS = re.compile(r"[？?]|(?:ますか|ですか|でしょうか|ませんか|お願いします|お願いいたします|伺います|伺いたい"
                      r"|教えてください|いかがですか|いかがでしょう)")
_JA_ADDRESS = r"(?:さん|氏|先生|委員|様|議員|大臣|教授)"
_GROUP = re.compile(r"\b(?:(?:both|all|each)\s+(?:of\s+)?(?:our\s+|the\s+)?(?:panel+ists|speakers|of\s+you)"
                    r"|either\s+of\s+you|the\s+panel)\b", re.IGNORECASE)
_HONORIFIC_WORDS = "|".join(sorted(HONORIFICS, key=len, reverse=True))
#: Before a name the speaker turns to (besides the head of a sentence): "for", "to", "or".
_POINTED = re.compile(r"\b(?:for|to)\s+(?:either\s+|both\s+)?(?:the\s+)?$|\b(?:or|and)\s+(?:the\s+)?$",
                      re.IGNORECASE)
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"}


def asks(text: str) -> bool:
    """Whether a turn's words ask something."""
    return "?" in text or bool(_JA_ASKS.search(text)) if is_cjk(text) else "?" in text


def is_chairing(person: m.Person) -> bool:
    return bool(person.roles) and all(role in CHAIRING for role in person.roles)


def addressed(text: str, people: Sequence[m.Person], speaker: int | None) -> tuple[int, ...]:
    """The header people ``text`` turns to, in the order it names them."""
    found: list[tuple[int, int]] = []
    for start, end, who in _mentions(text, people):
        if who == speaker:
            continue
        if is_cjk(text[start:end]) or _turned_to(text, start, end):
            found.append((start, who))
    for group in _GROUP.finditer(text):
        found.extend((group.start(), i) for i, p in enumerate(people)
                     if i != speaker and not is_chairing(p) and not p.organisation)
    ordered: list[int] = []
    for _, who in sorted(found):
        if who not in ordered:
            ordered.append(who)
    return tuple(ordered)


def _turned_to(text: str, start: int, end: int) -> bool:
    before, after = text[:start], text[end:end + 1]
    if re.search(r"(?:thank you|thanks|thanking|welcome)[,\s]*$", before, re.IGNORECASE):
        return False
    if _POINTED.search(before[-30:]):
        return True
    at_head = re.search(r"(?:^|[.?!:;]\s+)$", before) is not None
    return (at_head and after in (",", "?", ":")) or (before.endswith(", ") and after == "?")


def _mentions(text: str, people: Sequence[m.Person]) -> list[tuple[int, int, int]]:
    """``(start, end, person)`` for each place ``text`` names a header person unambiguously."""
    out: list[tuple[int, int, int]] = []
    for index, person in enumerate(people):
        if person.organisation:
            continue
        for pattern, flags in _patterns(person, people):
            bounded = pattern if is_cjk(pattern) else rf"(?<![\w.])(?:{pattern})(?!\w)"
            out += [(f.start(), f.end(), index) for f in re.finditer(bounded, text, flags)]
    out += _by_honorific(text, people)
    return out


def _patterns(person: m.Person, people: Sequence[m.Person]) -> list[tuple[str, int]]:
    """How ``text`` may name ``person``: full name, honorific and family name, a family or given name
    that no one else in the header has; in Japanese, a name with さん, 氏 or a post."""
    if is_cjk(person.name):
        forms = {person.name, person.name.replace(" ", ""), person.family_name, person.given_name} - {""}
        return [("(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + ")" + _JA_ADDRESS, 0)]
    words = person.name.split()
    out: list[tuple[str, int]] = [(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE),
           (r"\s+".join(re.escape(w) for w in reversed(words)), re.IGNORECASE)]
    family, given = person.family_name.casefold(), person.given_name.casefold()
    sharing = [p for p in people if p.family_name.casefold() == family]
    if family and (len(sharing) == 1 or honorific_key(person.honorific)):
        honorifics = _HONORIFIC_WORDS if len(sharing) == 1 else _honorific_forms(person.honorific)
        out.append((rf"(?:{honorifics})\.?\s+{re.escape(person.family_name)}", re.IGNORECASE))
    if family and len(sharing) == 1 and family not in _MONTHS:
        out.append((re.escape(person.family_name) + "|" + re.escape(person.family_name.upper()), 0))
    if given and [p.given_name.casefold() for p in people].count(given) == 1:
        out.append((re.escape(person.given_name), 0))
    return out


def _honorific_forms(honorific: str) -> str:
    wanted = honorific_key(honorific)
    return "|".join(sorted((h for h, k in HONORIFICS.items() if k == wanted), key=len, reverse=True))


def _by_honorific(text: str, people: Sequence[m.Person]) -> list[tuple[int, int, int]]:
    """"the ambassador", "Senator,": the one header person with that honorific."""
    out = []
    for found in re.finditer(rf"(?<![\w.])(?:the\s+)?(?P<h>{_HONORIFIC_WORDS})(?!\w)(?!\.?\s+[A-Z])", text,
                             re.IGNORECASE):
        wanted = HONORIFICS.get(found["h"].casefold(), "")
        holders = [i for i, p in enumerate(people) if wanted and honorific_key(p.honorific) == wanted]
        if len(holders) == 1 and wanted not in ("mr", "ms", "mrs"):
            out.append((found.start(), found.end(), holders[0]))
    return out
