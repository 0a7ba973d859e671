"""Personal names: which part is the family name, and which person a turn's label means.

Japanese and other East Asian sources often write the family name in
capitals (``TOMIURA Eiichi``, ``William CHOU``), which says both which word is
the family name and, by its place, the name order.  Without capitals we
assume the Western order, family name last.  A name in Japanese script puts
the family name first (``村田 さやか``), except a katakana name, whose parts a
middle dot joins in the Western order (``ラウラ・ベッカー``).

Transcripts label turns with a name as the header writes it, or in capitals,
or by family name, honorific and family name, family name and post
(``森下座長``): :func:`match_label` finds the one header person a label means,
or says that it means nobody, or several people.  It never guesses.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..model.nodes import Person
from .slug import slugify

_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "bin", "al"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "ph.d."}
#: Kana and kanji (and the CJK compatibility block): a name in Japanese (or Chinese, Korean) script.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: What joins the parts of a katakana name written in the Western order.
_NAME_DOTS = "・＝="

#: Honorifics written before a name, as a canonical key (``AMB.``, ``Ambassador`` -> ``amb``).
HONORIFICS = {
    "mr": "mr", "mister": "mr", "ms": "ms", "mrs": "mrs", "miss": "ms", "dr": "dr", "doctor": "dr",
    "prof": "prof", "professor": "prof", "amb": "amb", "ambassador": "amb", "sen": "sen", "senator": "sen",
    "rep": "rep", "representative": "rep", "congressman": "rep", "congresswoman": "rep",
    "gen": "gen", "general": "gen", "adm": "adm", "admiral": "adm", "hon": "hon", "honorable": "hon",
    "honourable": "hon", "gov": "gov", "governor": "gov", "minister": "minister", "secretary": "secretary",
    "mayor": "mayor", "judge": "judge", "sir": "sir", "dame": "dame", "lord": "lord", "lady": "lady",
    "col": "col", "colonel": "col", "capt": "capt", "captain": "capt", "lt": "lt",
}
#: Honorifics that say nothing about which of two people is meant (no header writes them).
_NEUTRAL = {"mr", "ms", "mrs"}
_HONORIFIC = re.compile(r"(?:the\s+)?(" + "|".join(sorted(HONORIFICS, key=len, reverse=True)) + r")\b\.?\s*",
                        re.IGNORECASE)
#: Posts a Japanese label adds to a family name (``森下座長``, ``青木委員``), and the role each names.
JA_POSTS = {
    "分科会長": "chair", "部会長": "chair", "委員長": "chair", "座長": "chair", "議長": "chair", "主査": "chair",
    "副座長": "vice chair", "委員": "member", "事務局長": "secretariat", "事務局": "secretariat",
    "司会": "moderator", "室長": "", "課長": "", "局長": "", "部長": "", "審議官": "", "副大臣": "",
    "大臣": "", "政務官": "", "知事": "", "市長": "", "社長": "", "会長": "", "理事長": "", "所長": "",
    "准教授": "", "教授": "", "代表": "", "氏": "", "さん": "", "先生": "", "君": "", "様": "",
}
_JA_POST = re.compile("(" + "|".join(sorted(JA_POSTS, key=len, reverse=True)) + ")$")
#: Abbreviations that are honorifics only with their full stop (``Gen.``, not the given name ``Gen``).
_NEEDS_DOT = {"prof", "amb", "sen", "rep", "gen", "adm", "hon", "gov", "col", "capt", "lt"}
_NICKNAME = re.compile(r"\s*[“\"‘'][^”\"’']+[”\"’']\s*")


def is_cjk(text: str) -> bool:
    """Whether ``text`` holds kana or kanji."""
    return _CJK.search(text) is not None


def _is_capitalised_family(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _normal_case(word: str) -> str:
    # Title-case each part of hyphenated or apostrophised names: O'BRIEN -> O'Brien.
    return re.sub(r"[^\W\d_]+", lambda m: m.group().capitalize(), word)


def recase(name: str) -> str:
    """A name written wholly in capitals in normal case: ``MARGARET ELLIOTT`` -> ``Margaret Elliott``."""
    return " ".join(_normal_case(word) for word in name.split())


def split_name(name: str) -> tuple[str, str, bool]:
    """``(family_name, given_name, family_first)`` for a name as written.

    A Japanese name written without a space (``中原由美``) has no parts that can be
    told from the name alone: ``("", "", False)``.
    """
    if is_cjk(name):
        return _split_cjk(name)
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


def _split_cjk(name: str) -> tuple[str, str, bool]:
    name = " ".join(name.replace("\u3000", " ").split())
    dot = max(name.rfind(d) for d in _NAME_DOTS)
    if dot > 0:  # ラウラ・ベッカー: given name, dot, family name
        return name[dot + 1:].strip(), name[:dot].strip(), False
    if " " in name:
        family, given = name.split(" ", 1)
        return family, given, True
    return "", "", False


def split_honorific(name: str) -> tuple[str, str]:
    """``("Dr.", "Helen MARCH")`` for ``Dr. Helen MARCH``: the honorifics as written, and the name."""
    at = 0
    while True:
        found = _HONORIFIC.match(name, at)
        if not found or not name[found.end():].strip():
            break  # an honorific only before more of a name
        dotted = found.group(0).rstrip().endswith(".")
        if found.group(1).casefold() in _NEEDS_DOT and not dotted:
            break  # "Gen Nakatani", "Rep" alone: a name, not an abbreviation
        at = found.end()
    return " ".join(name[:at].split()), name[at:].strip()


def honorific_key(honorific: str) -> str:
    """The canonical key of the last honorific in ``honorific`` (``The Honorable`` -> ``hon``)."""
    words = re.findall(r"[A-Za-z]+", honorific.casefold())
    return HONORIFICS.get(words[-1], "") if words else ""


def make_person(name: str, roles: tuple[str, ...] = (), affiliations: tuple[str, ...] = (),
                honorific: str = "") -> Person:
    family, given, family_first = split_name(name)
    return Person(
        name=" ".join(name.split()),
        family_name=family,
        given_name=given,
        family_first=family_first,
        roles=roles,
        affiliations=affiliations,
        honorific=honorific,
    )


def name_key(name: str) -> str:
    """A key under which spellings of one name compare equal (case, accents, order, spacing)."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = sorted(re.findall(r"\w+", letters.casefold()))
    return " ".join(words)


def compact_key(name: str) -> str:
    """A name without its spaces and dots: ``村田 さやか`` and ``村田さやか`` compare equal."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def person_id(person: Person) -> str:
    """The id of a person in the book: the same person gets the same id in every article
    (the ids transform gives it, a reader that matches a turn's label to a person too).
    A name with no Latin letters (``村田 さやか``) gets a short digest, not a shared fallback."""
    ordered = f"{person.family_name} {person.given_name}" if person.family_name else person.name
    slug = slugify(ordered)
    if not slug and ordered.strip():
        slug = "u" + hashlib.sha1(" ".join(ordered.split()).encode("utf-8")).hexdigest()[:10]
    return "person-" + (slug or "anonymous")


# ------------------------------------------------------------------ turn labels


@dataclass(frozen=True)
class LabelMatch:
    """Which header person a label means: ``person`` (an index into the people), or None with
    the ``candidates`` it could mean (several: ambiguous; none: nobody)."""

    person: int | None
    candidates: tuple[int, ...] = ()
    #: The label named the person by the start of a name written without a space (``中原`` for
    #: ``中原由美``): where the family name ends.
    prefix: str = ""


def label_parts(label: str) -> tuple[str, str, str]:
    """``(honorific key, name, post)`` of a label: ``AMB. PARK`` -> ``("amb", "PARK", "")``,
    ``森下座長`` -> ``("", "森下", "座長")``."""
    text = _NICKNAME.sub(" ", label.strip().strip("[]【】"))
    if _HONORIFIC.fullmatch(text.strip()):  # "MR.     :": a blank the transcriber left
        honorific, rest = text.strip(), ""
    else:
        honorific, rest = split_honorific(text)
    words = [w for w in rest.replace(",", " ").split() if w.casefold() not in _SUFFIXES]
    rest = " ".join(words)
    post = ""
    if is_cjk(rest):
        found = _JA_POST.search(rest.replace(" ", ""))
        if found:
            post = found.group(1)
            rest = rest.replace(" ", "")[: found.start()]
    return honorific_key(honorific), rest, post


def match_label(label: str, people: Sequence[Person]) -> LabelMatch:
    """The header person ``label`` means: by full name in any order and case, by family name, by
    honorific and family name, by family name and post, by a Japanese name with or without its
    space.  Two people who fit equally well are both candidates: the label is ambiguous."""
    honorific, rest, post = label_parts(label)
    if not rest:
        role = JA_POSTS.get(post, "")
        holders = tuple(i for i, p in enumerate(people) if role and role in p.roles)
        return LabelMatch(holders[0] if len(holders) == 1 else None, holders)
    key, compact = name_key(rest), compact_key(rest)
    exact = tuple(i for i, p in enumerate(people) if name_key(p.name) == key or compact_key(p.name) == compact)
    candidates = exact or tuple(
        i for i, p in enumerate(people)
        if p.family_name and (name_key(p.family_name) == key or compact_key(p.family_name) == compact)
    )
    prefix = ""
    if not candidates and is_cjk(rest):
        candidates = tuple(i for i, p in enumerate(people) if not p.family_name and is_cjk(p.name)
                           and compact_key(p.name).startswith(compact) and compact_key(p.name) != compact)
        prefix = rest if candidates else ""
    if len(candidates) > 1 and honorific and honorific not in _NEUTRAL:
        candidates = tuple(i for i in candidates if honorific_key(people[i].honorific) == honorific) or candidates
    if len(candidates) > 1 and JA_POSTS.get(post):
        role = JA_POSTS[post]
        candidates = tuple(i for i in candidates if role in people[i].roles) or candidates
    if len(candidates) == 1:
        return LabelMatch(candidates[0], candidates, prefix)
    return LabelMatch(None, candidates)


def with_family_prefix(person: Person, prefix: str) -> Person:
    """A Japanese name written without a space (``中原由美``), split where a label shows that its
    family name ends (``中原``)."""
    given = person.name.replace(" ", "")[len(prefix):]
    return replace(person, family_name=prefix, given_name=given, family_first=True)
