"""Who speaks: turn labels, the header person each means, and what a question says of its asker.

A turn opens with a label and a colon (``RACHEL OKAFOR:``, ``MS. OKAFOR:``, ``村田：``),
or in minutes with ``○`` and a name and post alone on a line (``○森下座長``).  A label
is matched to the header's people (:func:`~publish.sources.names.match_label`); one that
matches nobody, or two people, is reported and attributed to nobody.  A question from
the floor (``Q:``, ``AUDIENCE MEMBER:``, ``質問（所属　氏名）：``) names its asker where
the label or the opening words give them ("Hi, I'm Sam Ortiz from Gridwatch Analytics").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ....model import nodes as m
from ...names import LabelMatch, is_cjk, label_parts, match_label
from .inlines import stamp_prefix
from .words import ANSWER, FIELDS, QUESTION, ROLES, key

#: ``LABEL:`` (a half-width colon needs a space or the line's end after it, not ``10:00``).
_COLON = re.compile(r"(?P<label>[^:：]{1,80}?)\s*(?:[:：](?=\s|$)|：)\s*(?P<rest>.*)")
#: ``○森下座長`` alone on a line, or ``○井原委員長　これより…`` with the words after a space.
_MARK = re.compile(r"[○◯●◎]\s*(?P<label>[^\s　：:（(]+(?:[（(][^)）]*[)）])?)\s*(?:[：:]\s*|[\s　]+|$)(?P<rest>.*)")
#: ``【小林主査】それでは…`` (MEXT), and a name and post alone after a bullet (``• 小野分科会長``, METI).
_BRACKETED = re.compile(r"【(?P<label>[^】]{1,20})】\s*(?P<rest>.*)")
_BULLETED = re.compile(r"[•・]\s*(?P<label>[^\s　：:、。]{1,12})")
#: Words that open a line with a colon without being anyone's name.
_NOT_NAMES = {"note", "notes", "source", "sources", "update", "editor's note", "background", "summary", "example",
              "conclusion", "subject", "re", "to", "from", "cc", "attachments", "attachment", "reference", "ps",
              "p.s.", "warning", "caution", "tip", "see", "also", "key", "answer", *FIELDS, *ROLES}
_JA_NAME = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ff・\s]{1,12}")
_NAME = r"[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}"
#: "Hi, I'm Sam Ortiz from Gridwatch Analytics." / "Lena Hoffmann, Federal Network Agency liaison office."
_GREETING = r"(?:(?:Hi|Hello|Good (?:morning|afternoon|evening)|Thank you(?: very much)?|Thanks|Yes)[,.!]*\s+)*"
_INTRODUCED = (
    re.compile(_GREETING + rf"(?:I'm|I am|My name is|This is)\s+(?P<name>{_NAME}),?\s+(?:from|with|of|at)\s+"
               r"(?:the\s+)?(?P<org>[^.?!]+?)\s*[.,]"),
    re.compile(_GREETING + rf"(?P<name>{_NAME}),\s+(?:from\s+|with\s+)?(?:the\s+)?(?P<org>[^.?!]+?)\s*\."),
)
#: The moderator reading out a question: "a question from our online audience, from Kwame Mensah at …".
_RELAYED = re.compile(rf"\bquestion\b[^.?!]*?\bfrom\s+(?P<name>{_NAME})\s+(?:at|of|from|with)\s+(?:the\s+)?"
                      r"(?P<org>[^.?!,]+)")


@dataclass(frozen=True)
class Label:
    """The start of a turn: its label as written, and what follows on the line."""

    kind: str  # "question", "answer" or "speaker"
    label: str
    rest: str
    match: LabelMatch = LabelMatch(None)
    #: Who a question's or an answer's label names in parentheses (``Q2 (Kenta MORI, JAMA)``).
    who: str = ""
    stamp: str = ""


@dataclass
class Draft:
    """A turn being read: its label, the header person it means (an index), its blocks."""

    label: Label
    line: int
    person: int | None
    blocks: list[m.Block] = field(default_factory=list)


def turn_label(line: str, people: Sequence[m.Person], strict: bool) -> Label | None:
    """The turn ``line`` opens, or None.  ``strict``: only a label that names a header person or a
    question opens a turn (in an event summary's prose, where ``Trump 2.0: ...`` is a heading)."""
    stamp, text = stamp_prefix(line.strip())
    marked = _MARK.fullmatch(text)
    if marked:
        label = marked["label"]
        return Label("speaker", label, marked["rest"], match_label(re.sub(r"[（(].*", "", label), people),
                     stamp=stamp)
    bracketed = _BRACKETED.fullmatch(text)
    if bracketed:
        return Label("speaker", bracketed["label"], bracketed["rest"], match_label(bracketed["label"], people),
                     stamp=stamp)
    bulleted = _BULLETED.fullmatch(text)
    if bulleted and is_cjk(bulleted["label"]) and match_label(bulleted["label"], people).person is not None:
        return Label("speaker", bulleted["label"], "", match_label(bulleted["label"], people), stamp=stamp)
    found = _COLON.fullmatch(text)
    if not found:
        return None
    label = re.sub(r"[ \t]+", " ", found["label"].strip())
    question = QUESTION.fullmatch(label)
    if question:
        return Label("question", label, found["rest"], who=question["who"] or "", stamp=stamp)
    answer = ANSWER.fullmatch(label)
    if answer:
        who = answer["who"] or ""
        return Label("answer", label, found["rest"], match_label(who, people) if who else LabelMatch(None),
                     who=who, stamp=stamp)
    if key(label) in _NOT_NAMES or re.search(r"\d|https?|[、。「」]", label):
        return None
    match = match_label(label, people)
    if match.person is not None or len(match.candidates) > 1:
        return Label("speaker", label, found["rest"], match, stamp=stamp)
    honorific, name, _ = label_parts(label)
    if honorific and not name:  # "MR.     :": the transcriber left the name blank
        return Label("speaker", label, found["rest"], match, stamp=stamp)
    if strict or not _could_be_name(label):
        return None
    return Label("speaker", label, found["rest"], match, stamp=stamp)


def _could_be_name(label: str) -> bool:
    if is_cjk(label):
        return _JA_NAME.fullmatch(label) is not None
    _, name, _ = label_parts(label)
    words = name.split()
    if not words or len(words) > 6 or not all(w[:1].isupper() for w in words):
        return False
    letters = [c for c in name if c.isalpha()]
    return len(words) >= 2 or (len(letters) > 1 and all(c.isupper() for c in letters))


def asker(label: Label, text: str) -> tuple[str, str]:
    """``(name, affiliation)`` of who asks a question from the floor, as the label or the opening
    words give them; ``("", "")`` when nothing does."""
    if label.who:
        who = label.who.strip()
        if is_cjk(who):  # 質問（所属　氏名）
            parts = who.replace("\u3000", " ").split()
            return (parts[-1], " ".join(parts[:-1])) if len(parts) > 1 else (who, "")
        name, _, affiliation = who.partition(",")
        return name.strip(), affiliation.strip()
    opening = text.lstrip()
    for pattern in _INTRODUCED:
        found = pattern.match(opening)
        if found:
            return found["name"], found["org"].strip()
    return "", ""


def relayed(text: str) -> tuple[str, str]:
    """``(name, affiliation)`` when a turn reads out a question someone else sent in."""
    found = _RELAYED.search(text)
    return (found["name"], found["org"].strip()) if found else ("", "")


#: A question in a Word document's Q&A: ``Q:``, ``Question:``, ``Q1.``, and the question after it.
QUESTION_LINE = re.compile(r"(?:Q|Question)\s*\d*\s*[:：.]\s*(?P<rest>.*)", re.IGNORECASE)
_SPEAKER_LINE = re.compile(r"(?P<name>[^:：]{1,80}?)\s*[:：]\s*(?P<rest>.*)")


def qa_speaker(line: str, people: Sequence[m.Person]) -> tuple[str, str] | None:
    """``(name, rest of line)`` when a line of a Word document's Q&A opens with a speaker and a colon:
    a header person's name as the header spells it, an answer's ``A (name):``, or a name in capitals."""
    answer = re.fullmatch(r"(?:A|Answer)\s*\d*\s*(?:[(（](?P<who>[^)）]+)[)）])?\s*[:：]\s*(?P<rest>.*)", line,
                          re.IGNORECASE)
    if answer:
        who = (answer["who"] or "").strip()
        found = match_label(who, people).person if who else None
        return (people[found].name if found is not None else who), answer["rest"]
    speaker = _SPEAKER_LINE.fullmatch(line)
    if not speaker:
        return None
    name = re.sub(r"\s*[(（].*[)）]\s*$", "", speaker["name"]).strip()
    found = match_label(name, people).person if name else None
    if found is not None:
        return people[found].name, speaker["rest"]
    words = name.split()
    if 2 <= len(words) <= 5 and all(w[:1].isupper() for w in words) and not re.search(r"\d", name):
        return name, speaker["rest"]
    return None
