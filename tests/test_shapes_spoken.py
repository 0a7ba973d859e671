"""Every plain-text shape (tests/shapes/*.txt, tests/shapes-errors/*.txt) against what a careful
editor writes down about it (its NAME.expect.toml; format in tests/shapes/README.md).

What is checked most closely is who says what: every turn, in order, with its label, the
header person it is attributed to (or nobody), whether it is a question, who asked it and
whom it is put to.  Then the header (title, date, language, people and roles), headings,
lines left out and the rule that leaves each out, and the warnings, each at its line.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from publish.diagnostics import Reporter
from publish.model import nodes as m
from publish.model.walk import iter_nodes
from publish.sources.ingest import decode
from publish.sources.readers import Dropped
from publish.sources.readers.transcript import read_accounted

from .conftest import TESTS

EXPECTATIONS = sorted([*(TESTS / "shapes").glob("*.expect.toml"), *(TESTS / "shapes-errors").glob("*.expect.toml")])
CASES = [e for e in EXPECTATIONS if tomllib.loads(e.read_text(encoding="utf-8"))["source"].endswith(".txt")]
#: The fixture's names for list styles: the model's style and delimiter.
LIST_STYLES = {"decimal": ("decimal", "."), "lower-alpha": ("lower-alpha", "."), "upper-alpha": ("upper-alpha", "."),
               "decimal-parenthesised": ("decimal", "()"), "decimal-fullwidth": ("decimal", ".")}


def fold(text: str) -> str:
    """Text as the expectations compare it: straight quotes, one space."""
    for curly, straight in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        text = text.replace(curly, straight)
    return " ".join(text.split())


def text_of(node: Any) -> str:
    """A node's text as a reader sees it: stage directions in their brackets, time marks left out."""
    parts: list[str] = []
    for child in iter_nodes(node):
        if isinstance(child, m.Text | m.Code):
            parts.append(child.text)
        elif isinstance(child, m.SoftBreak | m.LineBreak):
            parts.append(" ")
        elif isinstance(child, m.Direction):
            parts.append(f"({child.text})" if child.text.isascii() else f"（{child.text}）")
        elif isinstance(child, m.Paragraph) and parts:
            parts.append(" ")
    return fold("".join(parts))


class Read:
    def __init__(self, expectation: Path) -> None:
        self.expected: dict[str, Any] = tomllib.loads(expectation.read_text(encoding="utf-8"))
        self.source = expectation.parent / self.expected["source"]
        self.reporter = Reporter(stream=None)
        text = decode(self.source.read_bytes(), self.source.name)
        self.article, self.dropped = read_accounted(text, self.source.name, self.reporter)
        self.people = {p.id: p for p in self.article.meta.people}

    def turns(self) -> list[tuple[m.Turn, bool]]:
        """Every turn in reading order, and whether it is the question of an exchange."""
        out: list[tuple[m.Turn, bool]] = []
        for node in iter_nodes(self.article.blocks):
            if isinstance(node, m.Exchange):
                out.append((node.question, True))
                out.extend((answer, False) for answer in node.answers)
            elif isinstance(node, m.Turn) and not any(node is t for t, _ in out):
                out.append((node, False))
        return out

    def speaker(self, turn: m.Turn, question: bool) -> str:
        if turn.person_id:
            return self.people[turn.person_id].name
        return "question" if question and not turn.person_id and turn.speaker else "nobody"


@pytest.fixture(params=CASES, ids=lambda p: p.name.removesuffix(".expect.toml"))
def read(request: pytest.FixtureRequest) -> Read:
    return Read(request.param)


def test_the_header(read: Read) -> None:
    expected, meta = read.expected, read.article.meta
    assert meta.kind == expected["kind"]
    assert fold(meta.title) == fold(expected["title"])
    if "subtitle" in expected:
        assert fold(meta.subtitle) == fold(expected["subtitle"])
    assert meta.date == expected["date"]
    assert meta.language == ("ja" if expected["language"] == "ja" else "")
    if "publisher" in expected:
        assert meta.publisher == expected["publisher"]
    if "marking" in expected:
        assert meta.marking == expected["marking"]
    standfirst = text_of(meta.standfirst)
    if expected.get("standfirst_starts") == "":
        assert standfirst == ""
    elif "standfirst_starts" in expected:
        assert standfirst.startswith(fold(expected["standfirst_starts"]))
    for extra in expected.get("extra", []):
        assert (extra["key"], extra["value"]) in meta.extra


def test_the_people_and_their_roles(read: Read) -> None:
    people = read.article.meta.people
    expected = read.expected.get("people", [])
    assert [p.name for p in people] == [e["name"] for e in expected]
    for person, wanted in zip(people, expected, strict=True):
        assert person.family_name == wanted.get("family_name", "")
        assert person.given_name == wanted.get("given_name", "")
        assert person.family_first == wanted.get("family_first", False)
        assert person.honorific == wanted.get("honorific", "")
        assert person.organisation == wanted.get("organisation", False)
        assert list(person.roles) == wanted["roles"]
        assert list(person.affiliations) == wanted.get("affiliations", [])
        assert person.id and all(p.id != person.id for p in people if p is not person)
        if "name_ja" in wanted:
            assert any(value.startswith(wanted["name_ja"]) for _, value in read.article.meta.extra)
        labels = {t.speaker for t, _ in read.turns() if t.person_id == person.id}
        assert labels == set(wanted.get("labels", []))


def test_every_turn_is_attributed_as_the_editor_would(read: Read) -> None:
    turns = read.turns()
    expected = read.expected.get("turns", [])
    assert [(t.pos.line if t.pos else 0, t.speaker) for t, _ in turns] == [(e["line"], e["label"]) for e in expected]
    for (turn, question), wanted in zip(turns, expected, strict=True):
        where = f"line {wanted['line']}"
        assert read.speaker(turn, question) == wanted["speaker"], where
        assert question == wanted["question"], where
        assert turn.asker == wanted.get("asker", ""), where
        assert turn.asker_affiliation == wanted.get("asker_affiliation", ""), where
        if "addressed_to" in wanted:
            assert list(turn.addressed_to) == wanted["addressed_to"], where
        said = text_of(turn.blocks)
        assert said.startswith(fold(wanted["starts"])), where
        if "ends" in wanted:
            assert said.endswith(fold(wanted["ends"])), where
        for phrase in wanted.get("contains", []):
            assert fold(phrase) in said, where


def test_the_headings(read: Read) -> None:
    headings = [n for n in iter_nodes(read.article.blocks) if isinstance(n, m.Heading)]
    expected = read.expected.get("headings", [])
    assert [(h.pos.line if h.pos else 0, h.level, text_of(h)) for h in headings] == [
        (e["line"], e["level"], e["text"]) for e in expected]


def test_what_is_left_out_and_why(read: Read) -> None:
    def rule(line: int) -> str:
        return next((d.rule for d in read.dropped if d.line <= line <= d.last), "")

    for wanted in read.expected.get("dropped", []):
        for line in range(wanted["line"], wanted.get("last", wanted["line"]) + 1):
            assert rule(line) == wanted["rule"], f"line {line}"
    named = {(d["line"], d["rule"]) for d in read.expected.get("dropped", [])}
    for drop in read.dropped:
        # every other line left out is a header line taken into the metadata
        assert drop.rule == "metadata" or (drop.line, drop.rule) in named or _inside(drop, read), drop


def _inside(drop: Dropped, read: Read) -> bool:
    return any(d["line"] <= drop.line and drop.last <= d.get("last", d["line"]) and d["rule"] == drop.rule
               for d in read.expected.get("dropped", []))


def test_the_features(read: Read) -> None:
    blocks = list(iter_nodes(read.article.blocks))
    for feature in read.expected.get("features", []):
        kind, line = feature["kind"], feature.get("line", 0)
        at = [b for b in blocks if getattr(b, "pos", None) is not None and b.pos.line == line]
        if kind == "source-note":
            assert any(isinstance(b, m.Div) and b.role == "source-note" and text_of(b).startswith(
                fold(feature["starts"])) for b in at)
        elif kind in ("signature", "attachments"):
            assert any(isinstance(b, m.Div) and b.role == kind and text_of(b).startswith(fold(feature["starts"]))
                       for b in at)
        elif kind == "ordered-list":
            [found] = [b for b in at if isinstance(b, m.OrderedList)]
            assert (found.style, found.delimiter) == LIST_STYLES[feature["style"]]
            assert (found.start, len(found.items)) == (feature["start"], feature["items"])
            assert text_of(found.items[0].blocks[0]).startswith(fold(feature["starts"]))
            if "lines" in feature:
                assert [i.pos.line if i.pos else 0 for i in found.items] == feature["lines"]
            if "parent_line" in feature:
                assert any(isinstance(b, m.ListItem) and b.pos and b.pos.line == feature["parent_line"]
                           and found in b.blocks for b in blocks)
        elif kind == "bullet-list":
            [found] = [b for b in at if isinstance(b, m.BulletList)]
            assert len(found.items) == feature["items"]
            assert text_of(found.items[0]).startswith(fold(feature["starts"]))
        elif kind == "paragraph":
            assert any(isinstance(b, m.Paragraph) and text_of(b).startswith(fold(feature["starts"])) for b in at)
            assert not any(isinstance(b, m.Heading | m.Turn) for b in at)
        elif kind == "timestamp":
            assert m.Timestamp(feature["text"]) in blocks
        elif kind == "stage-direction":
            assert any(isinstance(b, m.Paragraph) and b.children == (m.Direction(feature["text"]),) for b in at)
        else:
            pytest.fail(f"no check for a feature of kind {kind}")


def test_the_warnings_and_only_those(read: Read) -> None:
    said = [(d.pos.line, d.pos.col, d.message) for d in read.reporter.warnings]
    expected = read.expected.get("diagnostics", [])
    assert len(said) == len(expected), said
    for wanted in expected:
        assert any(line == wanted["line"] and col == wanted.get("col", 1) and wanted["message_contains"] in message
                   for line, col, message in said), (wanted, said)


def test_a_label_is_never_given_to_a_guessed_person() -> None:
    """Two KIMURAs: the bare family name is nobody's; the full names are each their own."""
    text = ("Talent\n\nDate: May 22, 2025\nSpeakers: KIMURA Takeshi (A) / KIMURA Naoko (B)\n\nAbstract.\n\nQ&A\n\n"
            "Q: Where?\n\nKIMURA: Here.\n\nKIMURA Naoko: There.\n")
    reporter = Reporter(stream=None)
    article, _ = read_accounted(text, "x.txt", reporter)
    [exchange] = [b for b in article.blocks if isinstance(b, m.Exchange)]
    assert [(a.speaker, a.person_id) for a in exchange.answers] == [("KIMURA", ""), ("KIMURA Naoko", "person-kimura-naoko")]
    assert [d.pos.line for d in reporter.warnings] == [12]


def test_japanese_eras_and_full_width_digits() -> None:
    from publish.sources.readers.spoken.when import date_and_time, japanese_date

    assert str(japanese_date("令和７年11月５日（水曜日）")) == "2025-11-05"
    assert str(japanese_date("平成27年4月14日")) == "2015-04-14"
    assert str(japanese_date("令和元年5月1日")) == "2019-05-01"
    assert date_and_time("2025年7月8日（火）12:30～14:00")[2] == "12:30～14:00"
    assert date_and_time("Thursday, October 16, 2025 at 9:30 a.m. EDT")[2] == "9:30 a.m. EDT"
    assert date_and_time("May 14, 2025 (Wed) 10:00-11:15")[2] == "10:00-11:15"


def test_a_plain_text_with_no_header_says_so_once() -> None:
    reporter = Reporter(stream=None)
    article, _ = read_accounted("Some notes on things, written in a hurry; unchecked.\n\nMore text here.\n",
                                "2025-01-02-notes.txt", reporter)
    assert article.meta.kind == "notes" and article.meta.title == "Notes"
    assert [str(d) for d in reporter.warnings] == [
        "2025-01-02-notes.txt:1:1: warning: no header found (title, date, speakers): read as plain prose; no title "
        "line either, so the title 'Notes' comes from the file name"]


def test_every_fixture_is_checked() -> None:
    sources = {p.name for folder in ("shapes", "shapes-errors") for p in (TESTS / folder).glob("*.txt")}
    assert sources == {tomllib.loads(e.read_text(encoding="utf-8"))["source"] for e in CASES}
    assert all(re.match(r"\d{4}-\d{2}-\d{2}-", s) for s in sources)
