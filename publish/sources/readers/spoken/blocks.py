"""Paragraphs, lists and headings of plain text, as every shape of spoken record and plain
document writes them.

A heading is a short line standing alone: no closing punctuation, capitalised, with
text after it (``Summary``, ``Why processing, not mining, is the bottleneck``), or a
known section word (``Q&A``, ``質疑応答``).  Lines that open with ``-``, ``•``, ``・``,
``1.``, ``１．`` or ``(1)`` are list items.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ....model import nodes as m
from ....model.nodes import Pos
from ...names import is_cjk
from .inlines import paragraph
from .sheet import Chunk
from .words import ABSTRACT_LABELS, JA_SECTIONS, QA_WORDS, QUESTION, SUMMARY_WORDS, key

SENTENCE_END = tuple(".,;:!?…\"”’'。、！？")
#: A source's closing note: ``*This summary was compiled by ...``, ``※本稿は...``.
NOTE = re.compile(r"[*※]\s*(?P<text>[^*\s].*?)\s*\*?")
ITEM = re.compile(r"\s*(?:(?P<bullet>[-*•・●▪])|(?P<number>[0-9０-９]{1,3})[.)．）]"
                  r"|[(（](?P<paren>[0-9０-９]{1,3})[)）])\s*(?P<text>\S.*)")
_QUESTION_LINE = re.compile(r"(?:Q|Question)\s*\d*\s*[:：.]", re.IGNORECASE)


def section_word(text: str) -> bool:
    """A known section heading (``Summary``, ``Q&A``, ``講演内容``, ``議題``)."""
    word = key(text)
    return word in SUMMARY_WORDS or word in QA_WORDS or word in JA_SECTIONS or word in ABSTRACT_LABELS


def looks_like_heading(text: str, has_next: bool) -> bool:
    """A short line standing alone that titles what follows."""
    text = " ".join(text.split())
    if not text or not has_next:
        return False
    if section_word(text):
        return True
    if is_cjk(text):
        return len(text) <= 24 and not text.endswith(SENTENCE_END) and "：" not in text and not ITEM.match(text)
    return (len(text) <= 120 and len(text.split()) <= 16 and not text.endswith(SENTENCE_END)
            and (text[0].isupper() or text[0].isdigit()) and not _QUESTION_LINE.match(text)
            and not NOTE.fullmatch(text) and not QUESTION.fullmatch(text.rstrip(":：")) and not ITEM.match(text))


def split_leading_heading(chunk: Chunk) -> list[Chunk]:
    """A heading pasted straight above its first paragraph, with no blank line between.

    Only a known section word, or a short line that reads as a title and is followed by a
    new sentence: the first line of a hard-wrapped paragraph ends mid-sentence and is as
    long as the lines after it.
    """
    if len(chunk.lines) < 2:
        return [chunk]
    first, second = " ".join(chunk.lines[0].split()), chunk.lines[1].strip()
    titled = (
        not is_cjk(first)
        and len(first.split()) <= 8
        and not first.endswith(SENTENCE_END)
        and not first.endswith(("-", "–", "—"))
        and first[:1].isupper()
        and len(first) < 0.6 * len(second)
        and second[:1].isupper()
        and not _QUESTION_LINE.match(first)
        and not NOTE.fullmatch(first)
        and not ITEM.match(first)
    )
    if not (section_word(first) or titled):
        return [chunk]
    return [Chunk(chunk.lines[:1], chunk.numbers[:1]), chunk.rest(1)]


def list_block(lines: Sequence[str], numbers: Sequence[int], path: str) -> m.Block:
    """Lines that each open with a list marker, as one list."""
    found = [ITEM.match(line) for line in lines]
    items = tuple(m.ListItem((paragraph([f["text"] if f else line], Pos(path, n, 1)),), pos=Pos(path, n, 1))
                  for f, line, n in zip(found, lines, numbers, strict=True))
    first = found[0]
    pos = Pos(path, numbers[0], 1)
    if first is None or first["bullet"]:
        return m.BulletList(items, pos=pos)
    if first["paren"]:
        return m.OrderedList(items, start=_number(first["paren"]), delimiter="()", pos=pos)
    after = first.group(0).lstrip()[len(first["number"]):][:1]
    return m.OrderedList(items, start=_number(first["number"]), delimiter=")" if after in ")）" else ".", pos=pos)


def _number(digits: str) -> int:
    return int(unicodedata.normalize("NFKC", digits))


def text_blocks(chunk: Chunk, path: str, stamp: str = "") -> list[m.Block]:
    """A chunk of plain lines as paragraphs and lists: a run of list items is a list, and a new
    list begins where the numbering does not go on (``1.``, ``3.``: the numbers are kept)."""
    out: list[m.Block] = []
    run: list[int] = []
    marker: tuple[str, int] | None = None
    for index, line in enumerate(chunk.lines):
        found = ITEM.match(line)
        this = _marker(found) if found else None
        goes_on = this is not None and marker is not None and this[0] == marker[0] and (
            this[0] == "bullet" or this[1] == marker[1] + 1)
        if run and ((this is None) != (marker is None) or (this is not None and not goes_on)):
            out.append(_run(chunk, run, marker is not None, path, stamp if not out else ""))
            run = []
        run.append(index)
        marker = this
    if run:
        out.append(_run(chunk, run, marker is not None, path, stamp if not out else ""))
    return out


def _marker(found: re.Match[str]) -> tuple[str, int]:
    if found["bullet"]:
        return "bullet", 0
    if found["paren"]:
        return "()", _number(found["paren"])
    return found.group(0).lstrip()[len(found["number"]):][:1], _number(found["number"])


def _run(chunk: Chunk, run: list[int], listing: bool, path: str, stamp: str) -> m.Block:
    lines = [chunk.lines[i] for i in run]
    numbers = [chunk.numbers[i] for i in run]
    if listing and (len(lines) > 1 or len(chunk.lines) > 1):
        return list_block(lines, numbers, path)
    return paragraph(lines, Pos(path, numbers[0], 1), stamp)
