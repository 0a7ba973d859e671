"""An article's share of the Word document, kept between builds and put back with fresh ids.

An article's XML depends on the article, on a few facts about the book
(language, page size, theme, styles) and on the bookmark names of the ids it
links to or marks, which it records; and on the numbers Word
shares across the whole document: bookmark ids, footnote ids (with the
``_RefNoteN`` bookmarks and ``NOTEREF`` fields that name them), list numbering
instances and hyperlink relationship ids.  A fragment records the first of
each it used and what it asked for, so that put back at another place of
another build its numbers are shifted to follow on from the articles before
it: the document is the one a fresh build writes, byte for byte.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from lxml import etree

from ...diagnostics import Diagnostic

BODY, NOTES = "body", "notes"
_NOTE_BOOKMARK = re.compile(r"_RefNote(\d+)")


@dataclass(frozen=True)
class Counters:
    """The next free number of each kind the document numbers through."""

    bookmark: int
    note: int
    num: int


@dataclass
class Recording:
    """What an article asked of the document while it was written."""

    #: (level, start, style, delimiter) of each ordered list
    lists: list[tuple[int, int, str, str]] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (story, url, relationship id)
    bookmarks: dict[str, str | None] = field(default_factory=dict)  # ids looked up -> bookmark names
    #: (source path, line) -> the first and last ordinal of the source anchors it marked
    anchors: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Fragment:
    body: bytes  # the article's body elements inside a w:body
    notes: bytes  # its footnotes inside a w:footnotes
    start: Counters
    end: Counters
    lists: tuple[tuple[int, int, str, str], ...]
    links: tuple[tuple[str, str, str], ...]
    #: The bookmark names it looked up, by id: it holds only while they are the same.
    bookmarks: tuple[tuple[str, str | None], ...]
    note_numbers: Mapping[str, int]  # the article's footnote ids -> Word note ids
    warnings: tuple[Diagnostic, ...]
    #: The source anchors it marked, (path, line, first ordinal, last ordinal): it holds only
    #: while the lines before it gave the same number of paragraphs.
    anchors: tuple[tuple[str, int, int, int], ...] = ()


def serialise(tag: str, nodes: Iterable[etree._Element]) -> bytes:
    """Copies of ``nodes`` as one XML document: the namespaces are declared once, on ``tag``."""
    wrapper = OxmlElement(tag)
    for node in nodes:
        wrapper.append(copy.deepcopy(node))
    return etree.tostring(wrapper)


def following(mark: etree._Element, stop: etree._Element | None = None) -> list[etree._Element]:
    """The siblings after ``mark``, up to ``stop``."""
    nodes = []
    node = mark.getnext()
    while node is not None and node is not stop:
        nodes.append(node)
        node = node.getnext()
    return nodes


def put_back(fragment: Fragment, now: Counters, num_for: Callable[[int, int, str, str], int],
             link_for: Callable[[str, str], str]) -> tuple[list[etree._Element], list[etree._Element]]:
    """The fragment's body and note elements, renumbered to start at ``now``.

    ``num_for(level, start, style, delimiter)`` allocates a numbering instance and ``link_for(story,
    url)`` a relationship, in the order the article first asked for them, so the
    document's own tables end up as a fresh build leaves them.
    """
    shift = Counters(now.bookmark - fragment.start.bookmark, now.note - fragment.start.note,
                     now.num - fragment.start.num)
    nums = {str(fragment.start.num + index): str(num_for(*numbered))
            for index, numbered in enumerate(fragment.lists)}
    links = {(story, r_id): link_for(story, url) for story, url, r_id in fragment.links}
    body, notes = parse_xml(fragment.body), parse_xml(fragment.notes)
    for story, root in ((BODY, body), (NOTES, notes)):
        _renumber(root, shift, nums, {r_id: new for (s, r_id), new in links.items() if s == story})
    return list(body), list(notes)


def shifted_notes(fragment: Fragment, now: Counters) -> dict[str, int]:
    """The article's note numbers where the fragment is put back."""
    offset = now.note - fragment.start.note
    return {note_id: number + offset for note_id, number in fragment.note_numbers.items()}


def end_counters(fragment: Fragment, now: Counters) -> Counters:
    """The next free numbers after the fragment, put back at ``now``."""
    return Counters(*(getattr(fragment.end, name) - getattr(fragment.start, name) + getattr(now, name)
                      for name in ("bookmark", "note", "num")))


def _renumber(root: etree._Element, shift: Counters, nums: Mapping[str, str], links: Mapping[str, str]) -> None:
    r_id = qn("r:id")
    for mark in root.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
        _shift_id(mark, shift.bookmark)
        name = mark.get(qn("w:name"))
        if name and _NOTE_BOOKMARK.fullmatch(name):
            mark.set(qn("w:name"), _shift_note_name(name, shift.note))
    for note in root.iter(qn("w:footnoteReference"), qn("w:footnote")):
        _shift_id(note, shift.note)
    for instruction in root.iter(qn("w:instrText")):
        field = instruction.text or ""
        if "NOTEREF" in field:
            instruction.text = _NOTE_BOOKMARK.sub(lambda m: _shift_note_name(m.group(), shift.note), field)
            _shift_field_result(instruction, shift.note)
    for num_id in root.iter(qn("w:numId")):
        value = num_id.get(qn("w:val"))
        if value is not None and value in nums:
            num_id.set(qn("w:val"), nums[value])
    for link in root.iter(qn("w:hyperlink")):
        old = link.get(r_id)
        if old is not None and old in links:
            link.set(r_id, links[old])


def _shift_id(node: etree._Element, offset: int) -> None:
    w_id = qn("w:id")
    value = node.get(w_id)
    assert value is not None  # the renderer writes every bookmark, note and note reference with one
    node.set(w_id, str(int(value) + offset))


def _shift_note_name(name: str, offset: int) -> str:
    return f"_RefNote{int(name[len('_RefNote'):]) + offset}"


def _shift_field_result(instruction: etree._Element, offset: int) -> None:
    """A NOTEREF field shows the note's number between its separate and end marks."""
    instruction_run = instruction.getparent()
    assert instruction_run is not None  # a w:instrText is always in a run
    run = instruction_run.getnext()  # the separate mark
    result = run.getnext() if run is not None else None
    text = result.find(qn("w:t")) if result is not None else None
    number = (text.text or "") if text is not None else ""
    if text is not None and number.isdigit():
        text.text = str(int(number) + offset)
