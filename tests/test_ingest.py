"""Line endings, byte order marks and Unicode forms do not change what a source says."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from publish.api import load_book
from publish.diagnostics import Reporter
from publish.model.native import dump
from publish.sources.ingest import decode

from .conftest import SOURCES

VARIANTS = {
    "crlf": lambda b: b.replace(b"\n", b"\r\n"),
    "cr": lambda b: b.replace(b"\n", b"\r"),
    "bom": lambda b: b"\xef\xbb\xbf" + b,
    "bom+crlf": lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"),
}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", ["2024-03-05-kitchen-sink.md", "2025-06-02-panel.txt", "undated-note.md"])
def test_variant_reads_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, variant: str) -> None:
    original = (SOURCES / name).read_bytes()
    for folder, data in (("lf", original), ("variant", VARIANTS[variant](original))):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / name).write_bytes(data)
        (tmp_path / folder / "images").symlink_to(SOURCES / "images")
    monkeypatch.chdir(tmp_path)
    expected = dump(load_book(Path("lf") / name, Reporter(stream=None)))
    actual = dump(load_book(Path("variant") / name, Reporter(stream=None)))
    assert actual == expected.replace("lf/", "variant/")


def test_decomposed_text_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Café Ōsaka")
    assert decode(decomposed.encode(), "x.md") == "Café Ōsaka"


def test_front_matter_behind_a_bom_is_still_front_matter(tmp_path: Path) -> None:
    (tmp_path / "p.md").write_bytes(b"\xef\xbb\xbf---\r\ntitle: Behind a BOM\r\n---\r\n\r\nBody.\r\n")
    book = load_book(tmp_path / "p.md", Reporter(stream=None))
    assert book.articles[0].meta.title == "Behind a BOM"


def test_yaml_booleans_and_numbers_stay_as_written(tmp_path: Path) -> None:
    (tmp_path / "p.md").write_text("---\ntitle: NO\nsubtitle: 1.10\n---\n\nBody.\n")
    meta = load_book(tmp_path / "p.md", Reporter(stream=None)).articles[0].meta
    assert (meta.title, meta.subtitle) == ("NO", "1.10")


def test_author_list_and_string(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\nauthor: [Ann Lee, TANAKA Ken]\n---\n\nBody.\n")
    (tmp_path / "b.md").write_text("---\ntitle: B\nauthor: Bo Chen\n---\n\nBody.\n")
    book = load_book(tmp_path, Reporter(stream=None))
    assert [[p.name for p in a.meta.people] for a in book.articles] == [["Ann Lee", "TANAKA Ken"], ["Bo Chen"]]
    assert book.articles[0].meta.people[1].family_name == "Tanaka"


def test_liquid_is_removed_with_a_warning_at_its_place(tmp_path: Path) -> None:
    (tmp_path / "p.md").write_text("---\ntitle: L\ndate: 2025-01-01\n---\n\nSee {% link x.md %} and {% raw %}{{ kept }}{% endraw %}.\n")
    reporter = Reporter(stream=None)
    article = load_book(tmp_path / "p.md", reporter).articles[0]
    from publish.model.walk import plain_text

    assert plain_text(article.meta.standfirst) == "See  and {{ kept }}."
    assert [str(w) for w in reporter.warnings] == [f"{tmp_path / 'p.md'}:6:5: warning: Liquid tag removed: {{% link x.md %}}"]


def test_more_separator_and_default_excerpt(tmp_path: Path) -> None:
    from publish.model.walk import plain_text

    (tmp_path / "more.md").write_text("---\ntitle: M\nexcerpt_separator: <!--more-->\n---\n\nLead one.\n\nLead two.\n<!--more-->\nBody.\n")
    (tmp_path / "plain.md").write_text("---\ntitle: P\n---\n\nFirst paragraph.\n\nSecond paragraph.\n")
    book = load_book(tmp_path, Reporter(stream=None))
    more, plain = book.articles
    assert plain_text(more.meta.standfirst) == "Lead one.Lead two."
    assert plain_text(more.blocks) == "Body."
    assert plain_text(plain.meta.standfirst) == "First paragraph."
    assert plain_text(plain.blocks) == "Second paragraph."
