"""The text of a spoken record: links, stage directions and time marks as inline nodes.

A stage direction (``(Laughter.)``, ``[applause]``, ``（拍手）``) notes the room, not words
anyone said: it becomes an :class:`~publish.model.nodes.Direction` where it stands, and
is never dropped.  A time mark (``[00:14:52]``) becomes a
:class:`~publish.model.nodes.Timestamp` at the start of the paragraph it precedes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ....model import nodes as m
from ....model.nodes import Pos

_TIME = r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?"
#: ``[00:14:52]`` or ``(00:14:52)`` alone on a line, or at the start of one.
STAMP = re.compile(rf"\s*[\[(（]\s*(?P<time>{_TIME})\s*[\])）]\s*")
#: What transcribers put in brackets for what was not said: the first word decides.
_ROOM = (
    r"laughter|laughs|laughing|chuckles|chuckling|applause|crosstalk|cross-talk|inaudible|unintelligible"
    r"|indiscernible|off[ -]mic(?:rophone)?|music|audio break|break in audio|pause|silence|sighs|coughs"
    r"|technical difficulties|video(?: clip| plays)?|end of video(?: clip)?|recess|interruption"
    r"|speaks in \w+|through (?:an )?interpreter|as interpreted|笑|笑い|会場笑い|一同笑い|拍手|会場拍手"
    r"|聴取不能|不明|中断|休憩"
)
_DIRECTION = re.compile(rf"[(\[（]\s*(?P<text>(?:{_ROOM})\b[^()\[\]（）]{{0,30}}?|(?:{_ROOM}))\s*[)\]）]",
                        re.IGNORECASE)
#: A bracketed note alone on its line: a known word, or a short capitalised note (``(MUSIC)``).
_ALONE = re.compile(r"\s*[(\[（]\s*(?P<text>[^()\[\]（）]{1,40}?)\s*[)\]）]\s*")
_URL = re.compile(r"https?://[^\s<>()\"]+[^\s<>().,;:!?'\"”’]")


def direction_alone(line: str) -> str:
    """The words of a stage direction that fills ``line`` (``Laughter.``), or ""."""
    found = _ALONE.fullmatch(line)
    if not found or STAMP.fullmatch(line):
        return ""
    text = found["text"]
    if _DIRECTION.fullmatch(line.strip()):
        return text
    words = text.split()
    shouted = text.upper() == text and any(c.isalpha() for c in text)
    if len(words) <= 4 and not re.search(r"\d", text) and text[:1].isupper() and (text.endswith(".") or shouted):
        return text
    return ""


def stamp_prefix(line: str) -> tuple[str, str]:
    """``("00:14:52", rest)`` for a line that opens with a time mark, else ``("", line)``."""
    found = STAMP.match(line)
    if not found:
        return "", line
    return found["time"], line[found.end():]


def inlines(text: str) -> list[m.Inline]:
    """One line of text (spaces collapsed) as inlines: stage directions and links apart."""
    out: list[m.Inline] = []
    last = 0
    for found in _DIRECTION.finditer(text):
        out.extend(_linked(text[last:found.start()]))
        out.append(m.Direction(found["text"]))
        last = found.end()
    out.extend(_linked(text[last:]))
    return out


def _linked(text: str) -> list[m.Inline]:
    out: list[m.Inline] = []
    last = 0
    for found in _URL.finditer(text):
        if found.start() > last:
            out.append(m.Text(text[last:found.start()]))
        out.append(m.Link((m.Text(found.group()),), found.group()))
        last = found.end()
    if last < len(text):
        out.append(m.Text(text[last:]))
    return out


def paragraph(lines: Sequence[str], pos: Pos, stamp: str = "") -> m.Paragraph:
    """Hard-wrapped lines as one paragraph (a line end is a soft break), opened by a time mark."""
    children: list[m.Inline] = [m.Timestamp(stamp)] if stamp else []
    for index, line in enumerate(lines):
        text = " ".join(line.split())
        if not text:
            continue
        if index and children and not isinstance(children[-1], m.Timestamp):
            children.append(m.SoftBreak())
        children.extend(inlines(text))
    return m.Paragraph(tuple(children), pos=pos)


def direction_paragraph(text: str, pos: Pos, stamp: str = "") -> m.Paragraph:
    """A line that holds only a stage direction."""
    children: tuple[m.Inline, ...] = (m.Direction(text),)
    return m.Paragraph(((m.Timestamp(stamp),) if stamp else ()) + children, pos=pos)
