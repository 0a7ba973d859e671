"""People, abbreviations and the editorial lint, built as transforms and checks on the model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from publish.api import load_book
from publish.diagnostics import Reporter
from publish.lint import lint
from publish.model import nodes as m
from publish.model.walk import plain_text

from .conftest import CONTENT, ROOT

LINT = Path(__file__).resolve().parent / "lint"


@pytest.fixture(scope="module")
def seed() -> m.Book:
    return load_book(CONTENT, Reporter(stream=None))


def test_people_of_the_seed_briefing(seed: m.Book) -> None:
    entries = {c.person.name: c for c in seed.people}
    assert list(entries) == ["William CHOU", "Daisuke Kawai", "TOMIURA Eiichi"]  # by family name
    chou, kawai, tomiura = entries.values()
    assert chou.person.roles == ("speaker",) and "Hudson Institute" in chou.person.affiliations[0]
    assert kawai.person.roles == ("author",)
    assert plain_text(kawai.person.bio).startswith("Daisuke Kawai is a Project Assistant Professor")
    assert tomiura.person.roles == ("commentator", "moderator")
    assert "RIETI" in tomiura.person.affiliations[0]
    assert "Otsuma Women’s University" in tomiura.person.affiliations[1]
    event = seed.articles[1]
    assert [a.article_id for a in chou.appearances] == [event.id]


def test_one_person_named_two_ways_is_one_entry(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Seminar A\n\nDate May 1, 2025\nSpeaker TOMIURA Eiichi (RIETI)\n\nAbstract.\n\nSummary\n\nBody text.\n")
    (tmp_path / "b.md").write_text(
        "---\ntitle: B\nauthor: Eiichi Tomiura\ndate: 2025-05-02\n---\n\nLead.\n\nBody.\n")
    book = load_book(tmp_path, Reporter(stream=None))
    [entry] = book.people
    assert entry.person.name == "TOMIURA Eiichi" and entry.person.roles == ("speaker", "author")
    assert [(a.article_id, a.roles) for a in entry.appearances] == [
        (book.articles[0].id, ("speaker",)), (book.articles[1].id, ("author",))]
    assert {p.id for a in book.articles for p in a.meta.people} == {entry.person.id}


def test_abbreviations_defined_in_the_text(seed: m.Book) -> None:
    found = {a.short: a for a in seed.abbreviations}
    assert found["FOIP"].expansion == "Free and Open Indo-Pacific"
    assert found["FEFTA"].expansion == "Foreign Exchange Foreign Trade Act"
    assert found["PTAAP"].expansion == "Potential Tariff Adjustments for Aligned Partners"
    assert found["JIP"].expansion == "Japan Innovation Party"
    assert found["DFC"].expansion == "Development Finance Corporation"
    assert found["RIETI"].expansion == "Research Institute of Economy, Trade and Industry"
    for undefined in ("LDP", "CFIUS", "APEC", "JBIC", "Ishin"):
        assert undefined not in found
    every_id = {a.id for a in seed.articles} | {
        n.id for a in seed.articles for n in a.blocks if isinstance(n, m.Heading)}
    for entry in seed.abbreviations:
        assert entry.origin == "text" and entry.pos is not None
        assert entry.first_use in every_id  # each entry points at the place of its first use
        letters = [c for c in entry.short if c.isalpha()]
        assert entry.expansion[0].lower() == letters[0].lower()


def test_glossary_adds_and_overrides(tmp_path: Path) -> None:
    (tmp_path / "briefing.toml").write_text(
        'title = "G"\n[glossary]\nFOIP = "Free and Open Indo-Pacific (vision)"\nLDP = "Liberal Democratic Party"\n')
    (tmp_path / "a.md").write_text(
        "---\ntitle: A\nauthor: X Y\ndate: 2025-01-01\n---\n\nLead.\n\nThe Free and Open Indo-Pacific (FOIP) and the LDP.\n")
    book = load_book(tmp_path, Reporter(stream=None))
    found = {a.short: (a.expansion, a.origin) for a in book.abbreviations}
    assert found == {"FOIP": ("Free and Open Indo-Pacific (vision)", "glossary"),
                     "LDP": ("Liberal Democratic Party", "glossary")}
    assert not [d for d in lint(book) if "LDP" in d.message]


def test_lint_finds_the_reworded_repetition_in_the_seed(seed: m.Book) -> None:
    repeats = [d for d in lint(seed) if "repeats" in d.message]
    assert [str(d.pos).removeprefix(f"{ROOT}/") for d in repeats] == ["content/2025-11-13-us-japan-bilateral-stability.md:60:1"]
    assert "line 58" in repeats[0].message


def test_no_false_alarm_on_paragraphs_that_share_a_topic() -> None:
    book = load_book(LINT / "2025-02-01-one-topic.md", Reporter(stream=None))
    assert lint(book) == []


def test_lint_cases() -> None:
    reporter = Reporter(stream=None)
    book = load_book(LINT / "2025-03-01-lint-cases.md", reporter)
    # the heading transform closes the skipped level, and says so where the source skips it
    assert [f"{d.pos.line}: {d.message}" for d in reporter.warnings if "level" in d.message] == [
        "12: heading level 4 follows level 2: a level is skipped (“Too deep”); it is set as level 3"]
    found = [f"{d.pos.line}: {d.message}" for d in lint(book)]
    assert found == [
        "1: no author",
        "1: the file name says 2025-03-01 but the date given is 2025-03-02",
        "16: empty section “Empty”",
        "10: image without alt text: chart.png",
        "10: link text is the bare address https://example.org/report: say what it points to",
        found[5],
        "20: abbreviation CPTPP is never defined",
    ]
    assert found[5].startswith("6: abbreviation WTO is used before its definition at ")
    assert found[5].endswith("2025-03-01-lint-cases.md:20:1")


def test_lint_speakers() -> None:
    book = load_book(LINT / "2025-04-01-panel.txt", Reporter(stream=None))
    assert [f"{d.pos.line}: {d.message}" for d in lint(book)] == [
        "14: Bob JONES answers in the Q&A but is not among the people in the header",
        "1: Alice SMITH (speaker) is in the header but never speaks in the Q&A",
    ]  # the moderator, KATO Hiroshi, may run a Q&A without a turn in its summary: no finding


def test_lint_command_and_strict(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "publish", *args], cwd=ROOT, capture_output=True, text=True)

    plain = run("lint", "tests/lint/2025-04-01-panel.txt")
    assert plain.returncode == 0 and plain.stdout == ""
    assert "tests/lint/2025-04-01-panel.txt:14:1: warning: Bob JONES answers" in plain.stderr
    assert run("lint", "--strict", "tests/lint/2025-04-01-panel.txt").returncode == 1
    assert run("lint", "--strict", "tests/lint/2025-02-01-one-topic.md").returncode == 0
    strict_build = run("build", "tests/lint/2025-04-01-panel.txt", "-o", str(tmp_path), "--strict", "-f", "epub")
    assert strict_build.returncode == 1
    assert "tests/lint/2025-04-01-panel.txt:14:1: error: Bob JONES answers" in strict_build.stderr
    assert not list(tmp_path.iterdir())
