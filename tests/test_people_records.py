"""``[people.KEY]`` records in briefing.toml: the person a post names by key (``author: ktanaka``).

A record's name is read as the readers read a name, so that the record and a source that
writes the same person (``Ken TANAKA`` in a memo or a transcript) are one person with one id,
filed in the people index under the family name.  What a post says of the person itself (its
own affiliation) wins over the record; the record fills the rest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from publish.build.book import load_book
from publish.diagnostics import Reporter
from publish.model import nodes as m
from publish.sources.manifest import load
from publish.sources.names import make_person, person_id
from publish.transforms import apply_transforms

POS = m.Pos("post.md", 1, 1)


def record(tmp_path: Path, fields: str) -> m.Person:
    manifest = tmp_path / "briefing.toml"
    (tmp_path / "post.md").write_text("---\ntitle: T\ndate: 2025-01-01\n---\n\nBody.\n", encoding="utf-8")
    manifest.write_text(f'title = "B"\n\n[people.ktanaka]\n{fields}\n', encoding="utf-8")
    [(key, person)] = load(manifest).meta.people
    assert key == "ktanaka" and person.ref == "ktanaka"
    return person


@pytest.mark.parametrize(("fields", "parts"), [
    ('name = "Ken Tanaka"', ("Tanaka", "Ken", False)),
    ('name = "Ken TANAKA"', ("Tanaka", "Ken", False)),
    ('name = "TANAKA Ken"', ("Tanaka", "Ken", True)),
    ('name = "村田 さやか"', ("村田", "さやか", True)),
    ('name = "Ann Lee, PhD"', ("Lee", "Ann", False)),
    # what the record states wins; the other part is the rest of the name
    ('name = "Ken Tanaka"\nfamily_name = "Tanaka"\ngiven_name = "Ken"', ("Tanaka", "Ken", False)),
    ('name = "TANAKA Ken"\nfamily_name = "Tanaka"', ("Tanaka", "Ken", True)),
    ('name = "Ludwig van Beethoven"\ngiven_name = "Ludwig"', ("van Beethoven", "Ludwig", False)),
])
def test_a_records_name_is_split_as_the_readers_split_a_name(tmp_path: Path, fields: str,
                                                             parts: tuple[str, str, bool]) -> None:
    person = record(tmp_path, fields)
    assert (person.family_name, person.given_name, person.family_first) == parts


def test_a_record_and_a_source_that_write_one_person_give_one_id(tmp_path: Path) -> None:
    person = record(tmp_path, 'name = "Ken Tanaka"\naffiliation = "Tokyo Institute"')
    assert person_id(person) == person_id(make_person("Ken TANAKA")) == "person-tanaka-ken"
    assert person.affiliations == ("Tokyo Institute",)


def test_a_bodys_record_has_no_name_parts(tmp_path: Path) -> None:
    person = record(tmp_path, 'name = "RIETI Editorial Staff"')
    assert person.organisation and (person.family_name, person.given_name) == ("", "")


def test_an_honorific_before_a_records_name_is_kept_apart(tmp_path: Path) -> None:
    person = record(tmp_path, 'name = "Dr. Ann Lee"')
    assert (person.name, person.honorific, person.family_name) == ("Ann Lee", "Dr.", "Lee")


def test_the_posts_own_affiliation_wins_over_the_records() -> None:
    keyed = m.Person("Ken Tanaka", "Tanaka", "Ken", affiliations=("Tokyo Institute",),
                     bio=(m.Paragraph((m.Text("Ken Tanaka is a researcher."),)),), ref="ktanaka")
    own = m.Person("ktanaka", roles=("author",), affiliations=("Keio University",), ref="ktanaka")
    bare = m.Person("ktanaka", roles=("author",), ref="ktanaka")
    posts = tuple(m.Article("", m.ArticleMeta(title=f"P{i}", people=(p,)), (m.Paragraph((m.Text("B."),)),), pos=POS)
                  for i, p in enumerate((own, bare)))
    book = apply_transforms(m.Book(m.BookMeta(title="B", people=(("ktanaka", keyed),)), posts), Reporter(stream=None))
    first, second = (a.meta.people[0] for a in book.articles)
    assert (first.name, first.affiliations, first.roles) == ("Ken Tanaka", ("Keio University",), ("author",))
    assert first.bio == keyed.bio and first.family_name == "Tanaka"  # the record fills the rest
    assert (second.name, second.affiliations) == ("Ken Tanaka", ("Tokyo Institute",))


def test_a_keyed_author_in_a_post_keeps_the_affiliation_it_gives(tmp_path: Path) -> None:
    (tmp_path / "briefing.toml").write_text(
        'title = "B"\n\n[people.ktanaka]\nname = "Ken Tanaka"\naffiliation = "Tokyo Institute"\n', encoding="utf-8")
    (tmp_path / "2025-01-01-post.md").write_text(
        "---\ntitle: Post\ndate: 2025-01-01\nauthor:\n  name: ktanaka\n  affiliation: Keio University\n---\n\n"
        "Body text.\n", encoding="utf-8")
    book = load_book(tmp_path, Reporter(stream=None))
    [person] = book.articles[0].meta.people
    assert (person.name, person.affiliations) == ("Ken Tanaka", ("Keio University",))


def book_folder(tmp_path: Path, memo: bool) -> Path:
    (tmp_path / "briefing.toml").write_text('title = "B"\n\n[people.ktanaka]\nname = "Ken Tanaka"\n',
                                            encoding="utf-8")
    (tmp_path / "2025-01-01-post.md").write_text(
        "---\ntitle: Post\ndate: 2025-01-01\nauthor: ktanaka\n---\n\nBody text.\n", encoding="utf-8")
    (tmp_path / "2025-01-02-other.md").write_text(
        "---\ntitle: Other\ndate: 2025-01-02\nauthor: Ann Lee\n---\n\nMore text.\n", encoding="utf-8")
    if memo:
        (tmp_path / "2025-01-03-memo.txt").write_text(
            "MEMORANDUM\n\nTO: Director, Trade Policy Unit\nFROM: Ken TANAKA\nDATE: 3 January 2025\n"
            "SUBJECT: Notifications\n\n1. Purpose. A short memo.\n", encoding="utf-8")
    return tmp_path


def test_one_person_in_a_record_and_a_memo_has_one_id(tmp_path: Path) -> None:
    book = load_book(book_folder(tmp_path, memo=True), Reporter(stream=None))
    ids = {p.id for a in book.articles for p in a.meta.people if p.name.casefold() == "ken tanaka"}
    assert ids == {"person-tanaka-ken"}
    assert [c.person.id for c in book.people if c.person.name.casefold() == "ken tanaka"] == ["person-tanaka-ken"]


def test_the_people_index_files_a_record_under_its_family_name(tmp_path: Path) -> None:
    book = load_book(book_folder(tmp_path, memo=False), Reporter(stream=None))
    assert [(c.person.family_name, c.person.given_name) for c in book.people] == [("Lee", "Ann"), ("Tanaka", "Ken")]


def test_the_people_index_files_a_name_without_parts_under_its_family_name() -> None:
    people = (m.Person("Ken Tanaka"), m.Person("Ann Lee"), m.Person("RIETI Editorial Staff", organisation=True))
    article = m.Article("", m.ArticleMeta(title="P", people=people), (m.Paragraph((m.Text("B."),)),), pos=POS)
    book = apply_transforms(m.Book(m.BookMeta(title="B"), (article,)), Reporter(stream=None))
    assert [c.person.name for c in book.people] == ["Ann Lee", "RIETI Editorial Staff", "Ken Tanaka"]
