"""The build cache: a rebuild reuses what did not change and writes what a fresh build writes."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest

from publish import api
from publish.build import read as reading
from publish.build.cache import BuildCache, folder_for
from publish.diagnostics import Reporter
from publish.model.json import to_json
from publish.render.docx import writer as docx_renderer

ARTICLE = """---
title: Article {n}
date: 2025-03-{n:02d}
author: Ann Author
---

An opening with a note.[^a] It cites [the next article](#article-{next}) and [a site](https://example.org/{n}).

## Section {n}

1. first
2. second [elsewhere](https://example.org/shared)

The note again[^a] and one more.[^b] A link [to nowhere](#no-such-place).

[^a]: Note a of {n}, see [the source](https://example.org/note/{n}).
[^b]: Note b of {n}.
"""

UNDATED = """---
title: Without a date
---

Text of a note with no author.
"""


def write_book(folder: Path, count: int = 4) -> Path:
    folder.mkdir(parents=True)
    (folder / "briefing.toml").write_text('title = "Cache book"\nslug = "cache-book"\n')
    for n in range(1, count + 1):
        (folder / f"2025-03-{n:02d}-article-{n}.md").write_text(ARTICLE.format(n=n, next=n % count + 1))
    (folder / "undated.md").write_text(UNDATED)
    return folder


def build(source: Path, outdir: Path, use_cache: bool = True) -> tuple[dict[str, bytes], list[str]]:
    reporter = Reporter(stream=None)
    written = api.build(source, outdir, api.BuildOptions(formats=["epub", "docx"], use_cache=use_cache), reporter=reporter)
    return {path.suffix: path.read_bytes() for path in written}, [str(w) for w in reporter.warnings]


def change_first_article(source: Path) -> None:
    """One more note, list and link: every later article's ids in the DOCX move."""
    first = source / "2025-03-01-article-1.md"
    first.write_text(first.read_text().replace(
        "## Section 1", "A new note.[^c]\n\n1. new\n2. list [new site](https://example.org/new)\n\n"
                        "[^c]: The new note.\n\n## Section 1"))


@pytest.fixture
def written_articles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the articles the DOCX renderer writes afresh."""
    written: list[str] = []
    original = docx_renderer._DocxWriter._write_article

    def spy(self, article):
        written.append(article.id)
        return original(self, article)

    monkeypatch.setattr(docx_renderer._DocxWriter, "_write_article", spy)
    return written


@pytest.fixture
def parsed_sources(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the sources a reader parses."""
    parsed: list[str] = []
    original = reading.reader_for

    def spy(name: str):
        parsed.append(name)
        return original(name)

    monkeypatch.setattr(reading, "reader_for", spy)
    return parsed


def test_a_rebuild_after_a_change_is_the_fresh_build_byte_for_byte(
        tmp_path: Path, written_articles: list[str], parsed_sources: list[str]) -> None:
    source = write_book(tmp_path / "src")
    first, first_warnings = build(source, tmp_path / "out")
    assert len(written_articles) == 5 and len(parsed_sources) == 5
    assert any("no-such-place" in w for w in first_warnings)  # warnings worth replaying

    change_first_article(source)
    written_articles.clear()
    parsed_sources.clear()
    again, warnings = build(source, tmp_path / "out")
    assert parsed_sources == ["2025-03-01-article-1.md"]
    assert written_articles == ["article-1"]

    fresh, fresh_warnings = build(source, tmp_path / "fresh", use_cache=False)
    assert again[".docx"] == fresh[".docx"]
    assert again[".epub"] == fresh[".epub"]
    assert warnings == fresh_warnings
    assert again[".docx"] != first[".docx"]


def test_a_source_line_given_twice_keeps_its_anchors_when_kept(tmp_path: Path) -> None:
    """An author's bio is printed with the article and again in the people index: the
    second paragraph from that line is its anchor's second ordinal, whether the article
    was written afresh or put back from the cache."""
    source = write_book(tmp_path / "src")
    for n in (1, 2):
        article = source / f"2025-03-0{n}-article-{n}.md"
        article.write_text(article.read_text().replace("author: Ann Author", f"author: Ann Author{n}")
                           + f"\n**Ann Author{n}** is a fellow who writes article {n}.\n")
    build(source, tmp_path / "out")
    change_first_article(source)
    again, _ = build(source, tmp_path / "out")
    fresh, _ = build(source, tmp_path / "fresh", use_cache=False)
    assert again[".docx"] == fresh[".docx"]
    with zipfile.ZipFile(io.BytesIO(again[".docx"])) as archive:
        names = re.findall(rb'w:name="(_S[^"]+)"', archive.read("word/document.xml"))
    assert len(names) == len(set(names))  # no source anchor twice


def test_an_unchanged_rebuild_reads_and_writes_no_article(
        tmp_path: Path, written_articles: list[str], parsed_sources: list[str]) -> None:
    source = write_book(tmp_path / "src")
    first, first_warnings = build(source, tmp_path / "out")
    written_articles.clear()
    parsed_sources.clear()
    again, warnings = build(source, tmp_path / "out")
    assert (written_articles, parsed_sources) == ([], [])
    assert again == first
    assert warnings == first_warnings  # the readers' and renderers' warnings come back with the results


def test_the_model_from_the_cache_is_the_fresh_model(tmp_path: Path) -> None:
    source = write_book(tmp_path / "src")
    cache = BuildCache(tmp_path / "cache")
    from publish.sources.manifest import locate

    filled = api.finish_book(locate(source), Reporter(stream=None), cache)
    from_cache = api.finish_book(locate(source), Reporter(stream=None), cache)
    fresh = api.finish_book(locate(source), Reporter(stream=None))
    assert to_json(from_cache) == to_json(fresh) == to_json(filled)


def test_a_damaged_entry_is_recomputed(tmp_path: Path, written_articles: list[str]) -> None:
    source = write_book(tmp_path / "src")
    first, _ = build(source, tmp_path / "out")
    entries = [p for p in folder_for(tmp_path / "out", source).rglob("*") if p.is_file()]
    assert entries
    for entry in entries:
        entry.write_bytes(b"not a pickle")
    written_articles.clear()
    again, _ = build(source, tmp_path / "out")
    assert again == first
    assert len(written_articles) == 5


def test_entries_no_longer_used_are_removed(tmp_path: Path) -> None:
    source = write_book(tmp_path / "src")
    build(source, tmp_path / "out")
    folder = folder_for(tmp_path / "out", source)
    stale = folder / "read" / "stale"
    stale.write_bytes(b"old")
    os.utime(stale, (1, 1))
    kept = sorted(p.name for p in (folder / "read").iterdir() if p != stale)
    (source / "undated.md").unlink()
    build(source, tmp_path / "out")
    left = sorted(p.name for p in (folder / "read").iterdir())
    assert "stale" not in left
    assert len(left) == 4 and set(left) < set(kept)  # the removed source's entry went too


def test_without_the_cache_nothing_is_kept(tmp_path: Path) -> None:
    source = write_book(tmp_path / "src")
    build(source, tmp_path / "out", use_cache=False)
    assert not folder_for(tmp_path / "out", source).exists()
    assert not [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_other_code_means_other_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.build import cache as build_cache

    before = BuildCache.key("same input")
    monkeypatch.setattr(build_cache, "code_salt", lambda: "another version of the toolkit")
    assert BuildCache.key("same input") != before


def test_sources_read_by_several_processes_are_kept_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed_sources: list[str]) -> None:
    from publish.sources.manifest import locate

    source = tmp_path / "src"
    source.mkdir()
    count = reading.PARALLEL_READING_FROM + 3
    for index in range(count):
        (source / f"2025-01-{index % 28 + 1:02d}-post-{index:03d}.md").write_text(
            f"---\ntitle: Post {index}\n---\n\nText of post {index}.\n\n{{% include note-{index}.html %}}\n",
            encoding="utf-8")
    monkeypatch.setenv("PUBLISH_JOBS", "2")
    cache = BuildCache(tmp_path / "cache")
    first = Reporter(stream=None)
    book = api.finish_book(locate(source), first, cache)
    assert len(list((tmp_path / "cache" / "read").iterdir())) == count
    parsed_sources.clear()
    again = Reporter(stream=None)
    assert to_json(api.finish_book(locate(source), again, cache)) == to_json(book)
    assert parsed_sources == []
    assert again.warnings == first.warnings and first.warnings  # the includes, in source order


@pytest.mark.parametrize("source", [Path("content"), Path("tests/lint")])
def test_findings_from_the_cache_are_the_fresh_findings(tmp_path: Path, source: Path) -> None:
    from publish.lint import lint

    root = Path(__file__).resolve().parent.parent
    book = api.load_book(root / source, Reporter(stream=None))
    cache = BuildCache(tmp_path / "cache")
    fresh = lint(book)
    assert fresh  # both have findings to keep
    assert lint(book, cache) == fresh
    assert list((tmp_path / "cache" / "lint").iterdir())
    assert lint(book, cache) == fresh


def build_one(source: Path, outdir: Path, fmt: str, use_cache: bool = True) -> tuple[bytes, list[str]]:
    reporter = Reporter(stream=None)
    [path] = api.build(source, outdir, api.BuildOptions(formats=[fmt], use_cache=use_cache), reporter=reporter)
    return path.read_bytes(), [str(w) for w in reporter.warnings]


def add_a_heading_to_the_third_article(source: Path) -> None:
    """A new id in the book: no other article links to it."""
    third = source / "2025-03-03-article-3.md"
    third.write_text(third.read_text().replace("## Section 3", "## A new section\n\nText.\n\n## Section 3"))


def retitle_the_first_article(source: Path) -> None:
    """Its id changes: article 4's link to #article-1 leads nowhere now."""
    first = source / "2025-03-01-article-1.md"
    first.write_text(first.read_text().replace("title: Article 1", "title: Article one"))


@pytest.fixture
def written_pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the articles whose EPUB documents are written afresh (in this process)."""
    from publish.render.epub import documents

    written: list[str] = []
    original = documents.article_view

    def spy(article, *args, with_body: bool = True, **kwargs):
        if with_body:
            written.append(article.id)
        return original(article, *args, with_body=with_body, **kwargs)

    monkeypatch.setattr(documents, "article_view", spy)
    return written


@pytest.mark.parametrize("fmt", ["epub", "docx"])
def test_an_article_is_kept_while_its_links_hold(
        tmp_path: Path, fmt: str, written_pages: list[str], written_articles: list[str]) -> None:
    """An EPUB document while the ids it links to lead to the same place, a Word
    fragment while they have the same bookmark names."""
    written = written_pages if fmt == "epub" else written_articles
    source = write_book(tmp_path / "src")
    build_one(source, tmp_path / "out", fmt)
    add_a_heading_to_the_third_article(source)
    written.clear()
    again = build_one(source, tmp_path / "out", fmt)
    assert written == ["article-3"]
    assert again == build_one(source, tmp_path / "fresh", fmt, use_cache=False)
    # A new person in the people index: no other article names them.
    second = source / "2025-03-02-article-2.md"
    second.write_text(second.read_text().replace("author: Ann Author", "author: [Ann Author, Bo Writer]"))
    written.clear()
    build_one(source, tmp_path / "out", fmt)
    assert written == ["article-2"]
    retitle_the_first_article(source)
    written.clear()
    build_one(source, tmp_path / "out", fmt)
    assert sorted(written) == ["article-4", "article-one"]
