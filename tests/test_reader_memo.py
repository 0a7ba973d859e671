"""Memo headers: who a TO, FROM or CC line names, and labels in any case.

A comma separates people only where every part reads as a personal name; a name followed by
posts is one person; posts alone are a post.  A line that cannot be read with confidence is
kept whole and reported at its line: the reader never attributes words to the wrong person.
"""

from __future__ import annotations

import pytest

from publish.diagnostics import Reporter
from publish.model import nodes as m
from publish.sources.readers.transcript import read_accounted
from publish.verify.sources import unplaced_lines


def memo(header: str) -> tuple[m.Article, list, str]:
    text = f"MEMORANDUM\n\n{header}\nFROM: Mei Lin\nDATE: 1 August 2025\nSUBJECT: Port fees\n\n1. Purpose. Text.\n"
    reporter = Reporter(stream=None)
    article, dropped = read_accounted(text, "memo.txt", reporter)
    assert unplaced_lines(text, article, dropped) == []  # the header is metadata, every word of it
    return article, reporter.warnings, text


def recipients(article: m.Article) -> list[tuple[str, tuple[str, ...], bool]]:
    return [(p.name, p.affiliations, p.organisation) for p in article.meta.people if p.roles == ("recipient",)]


@pytest.mark.parametrize(("line", "people"), [
    ("To: Ann Lee, Ken Tanaka", [("Ann Lee", (), False), ("Ken Tanaka", (), False)]),
    ("TO: Ann Lee, Ken Tanaka, and Mei Ling", [("Ann Lee", (), False), ("Ken Tanaka", (), False),
                                               ("Mei Ling", (), False)]),
    ("TO: Ann Lee and Ken Tanaka", [("Ann Lee", (), False), ("Ken Tanaka", (), False)]),
    ("TO: Dr. Ann Lee, Ken TANAKA", [("Ann Lee", (), False), ("Ken TANAKA", (), False)]),
    ("TO: Ann Lee (Treasury), Ken Tanaka (METI)", [("Ann Lee", ("Treasury",), False),
                                                   ("Ken Tanaka", ("METI",), False)]),
    # one person and their post
    ("TO: Ann Lee, Deputy Director, Policy Planning Staff",
     [("Ann Lee", ("Deputy Director, Policy Planning Staff",), False)]),
    ("TO: Ann Lee, PhD", [("Ann Lee, PhD", (), False)]),
    # a post, with no name invented
    ("TO: Secretary of State", [("Secretary of State", (), True)]),
    ("TO: Director, Economic Security Unit", [("Director, Economic Security Unit", (), True)]),
    ("TO: Minister for Trade and Industry", [("Minister for Trade and Industry", (), True)]),
    ("TO: Head of Trade Policy; Ann Lee", [("Head of Trade Policy", (), True), ("Ann Lee", (), False)]),
])
def test_who_an_address_line_names(line: str, people: list) -> None:
    article, warnings, _ = memo(line)
    assert recipients(article) == people
    assert warnings == []


@pytest.mark.parametrize("line", [
    "TO: Lee, Ann",                         # one name inverted, or two family names?
    "TO: Ann Lee, Director, Ken Tanaka",    # whose post is "Director"?
    "TO: Acme Logistics, Tokyo",            # a body and a place, or a person?
])
def test_an_address_line_that_cannot_be_read_is_kept_whole_and_reported(line: str) -> None:
    article, warnings, _ = memo(line)
    written = line.removeprefix("TO: ")
    assert recipients(article) == [(written, (), True)]  # no name parts read from it
    [warning] = warnings
    assert str(warning).startswith("memo.txt:3:1: warning:") and written in warning.message


@pytest.mark.parametrize("labels", [("to", "from", "subject"), ("To", "From", "Subject"), ("TO", "From", "subject")])
def test_memo_labels_in_any_case(labels: tuple[str, str, str]) -> None:
    to, sender, subject = labels
    text = f"{to}: Ann Lee, Ken Tanaka\n{sender}: Mei Lin\nCC: Legal Adviser\n{subject}: Port fees\n\n1. Text.\n"
    article, _ = read_accounted(text, "memo.txt", Reporter(stream=None))
    assert (article.meta.kind, article.meta.title) == ("memo", "Port fees")
    assert [(p.name, p.roles) for p in article.meta.people] == [
        ("Mei Lin", ("author",)), ("Ann Lee", ("recipient",)), ("Ken Tanaka", ("recipient",)),
        ("Legal Adviser", ("copied",))]


def test_lower_case_labels_in_prose_make_no_memo() -> None:
    text = "Travel notes\n\nWe took the morning train.\nfrom: Tokyo\nto: Osaka\n\nThe rest of the day was quiet.\n"
    article, _ = read_accounted(text, "notes.txt", Reporter(stream=None))
    assert article.meta.kind != "memo" and not article.meta.people
