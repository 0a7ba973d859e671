"""Broken input: each case gives one exact ``path:line:col: error: ...`` message and exit status 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from publish.api import load_book
from publish.diagnostics import InputError, Reporter

CASES = [
    pytest.param(
        "bad.md", b"---\ntitle: Fine\n---\n\nHello \xff world\n",
        "bad.md:5:7: error: not valid UTF-8: byte 0xff at offset 27 (save the file as UTF-8)",
        id="not-utf8",
    ),
    pytest.param(
        "latin1.txt", "Title\n\nCaf\u00e9 society\n".encode("latin-1"),
        "latin1.txt:3:4: error: not valid UTF-8: byte 0xe9 at offset 10 (save the file as UTF-8)",
        id="latin1-transcript",
    ),
    pytest.param(
        "open.md", b"---\ntitle: Never closed\n\nBody\n",
        "open.md:1:1: error: front matter opened with '---' is never closed",
        id="unclosed-front-matter",
    ),
    pytest.param(
        "yaml.md", b"---\ntitle: [unclosed\n---\n\nBody\n",
        "yaml.md:3:1: error: front matter is not valid YAML: expected ',' or ']', but got '<stream end>'",
        id="invalid-yaml",
    ),
    pytest.param(
        "dup.md", b"---\ntitle: One\ndate: 2025-01-02\ntitle: Two\n---\n\nBody\n",
        "dup.md:4:1: error: duplicate key 'title' (first given at line 2)",
        id="duplicate-key",
    ),
    pytest.param(
        "nested.md", b"---\ntitle: T\nimage:\n  path: a.png\n  path: b.png\n---\n\nBody\n",
        "nested.md:5:3: error: duplicate key 'path' (first given at line 4)",
        id="nested-duplicate-key",
    ),
    pytest.param(
        "date.md", b"---\ntitle: T\ndate: next Tuesday\n---\n\nBody\n",
        "date.md:3:7: error: 'next Tuesday' is not a date (write YYYY-MM-DD, optionally with a time)",
        id="bad-date",
    ),
    pytest.param(
        "list.md", b"---\ntitle:\n  - a\n  - b\n---\n\nBody\n",
        "list.md:3:3: error: 'title' must be a single text value",
        id="title-not-text",
    ),
    pytest.param(
        "authors.md", b"---\ntitle: T\nauthors:\n  - url: https://example.org\n---\n\nBody\n",
        "authors.md:4:3: error: each entry of 'authors' needs a 'name'",
        id="author-record-without-name",
    ),
    pytest.param(
        "nested-authors.md", b"---\ntitle: T\nauthor: [[A, B]]\n---\n\nBody\n",
        "nested-authors.md:3:9: error: 'author' must be a name, a list of names, or entries with a 'name'",
        id="author-nested-list",
    ),
    pytest.param(
        "empty.md", b"---\ntitle: Nothing here\n---\n\n\n",
        "empty.md:4:1: error: document has no content",
        id="empty-post",
    ),
    pytest.param("blank.txt", b"\n\n  \n", "blank.txt:1:1: error: document has no content", id="empty-transcript"),
    pytest.param(
        "title-only.txt", b"Just a title\n\nDate October 1, 2025\n",
        "title-only.txt:1:1: error: document has no content after its title and header",
        id="transcript-header-only",
    ),
    pytest.param(
        "bell.md", b"---\ntitle: T\n---\n\nA bell \x07 rings\n",
        "bell.md:5:8: error: control character U+0007 is not allowed in a source",
        id="control-character",
    ),
]


@pytest.mark.parametrize("name, data, message", CASES)
def test_error_is_located(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, data: bytes, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path(name).write_bytes(data)
    with pytest.raises(InputError) as caught:
        load_book(Path(name), Reporter(stream=None))
    assert str(caught.value.diagnostic) == message


@pytest.mark.parametrize("name, data, message", CASES[:3])
def test_cli_reports_without_traceback(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(data)
    result = subprocess.run(
        [sys.executable, "-m", "publish", "build", name, "-o", "out"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()  # nothing written for a source with an error


MANIFEST_CASES = [
    pytest.param('title = "T"\ncolour = "red"\n', "briefing.toml:2:1: error: unknown key 'colour'", id="unknown-key"),
    pytest.param('title = "T"\npage_size = "A5"\n', "briefing.toml:2:1: error: page_size must be one of A4, Letter", id="page-size"),
    pytest.param('title = "T"\nsources = ["a.md", "missing.md"]\n', "briefing.toml:2:21: error: source 'missing.md' not found", id="missing-source"),
    pytest.param('title = "T"\nsources = ["../outside.md"]\n', "briefing.toml:2:13: error: source '../outside.md' is outside the content folder", id="escape"),
    pytest.param('title = "T"\ndate = "soon"\n', "briefing.toml:2:1: error: date must be a date", id="bad-date"),
    pytest.param('title = "T\n', "briefing.toml:1:11: error: invalid TOML", id="syntax"),
    pytest.param('subtitle = "no title"\n', "briefing.toml:1:1: error: the briefing needs a 'title'", id="no-title"),
    pytest.param('title = 3\n', "briefing.toml:1:1: error: 'title' must be a string in quotes", id="title-type"),
]


@pytest.mark.parametrize("text, message", MANIFEST_CASES)
def test_manifest_errors_are_located(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str) -> None:
    folder = tmp_path / "briefing"
    folder.mkdir()
    (tmp_path / "outside.md").write_text("# Outside\n\nText.\n")
    (folder / "a.md").write_text("# A\n\nText.\n")
    (folder / "briefing.toml").write_text(text)
    monkeypatch.chdir(folder)
    with pytest.raises(InputError) as caught:
        load_book(Path("."), Reporter(stream=None))
    assert str(caught.value.diagnostic).startswith(message)


def test_unknown_source_type(tmp_path: Path) -> None:
    (tmp_path / "notes.pages").write_bytes(b"PK")
    with pytest.raises(InputError, match="not a source this toolkit reads"):
        load_book(tmp_path / "notes.pages", Reporter(stream=None))


def test_folder_without_sources(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no sources"):
        load_book(tmp_path, Reporter(stream=None))


def test_an_error_in_a_long_book_read_by_several_processes(tmp_path: Path) -> None:
    """From PARALLEL_READING_FROM sources on, child processes read them: the error and
    the warnings come out as one process would give them."""
    from publish.build.read import PARALLEL_READING_FROM

    for index in range(PARALLEL_READING_FROM + 5):
        (tmp_path / f"2025-01-{index % 28 + 1:02d}-post-{index:03d}.md").write_text(
            f"---\ntitle: Post {index}\nauthor: A. Writer\n---\n\nText of post {index}.\n", encoding="utf-8")
    (tmp_path / "2025-01-05-post-040.md").write_bytes(b"---\ntitle: T\n---\n\nHello \xff world\n")
    result = subprocess.run([sys.executable, "-m", "publish", "build", ".", "-o", "out", "-f", "docx"],
                            cwd=tmp_path, capture_output=True, text=True, env={**__import__("os").environ,
                                                                                "PUBLISH_JOBS": "2"})
    assert result.returncode == 2
    assert "2025-01-05-post-040.md:5:7: error: not valid UTF-8: byte 0xff at offset 24 (save the file as UTF-8)" \
        in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_long_book_reads_the_same_in_one_process_and_several(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.build.read import PARALLEL_READING_FROM
    from publish.model.native import dump

    for index in range(PARALLEL_READING_FROM + 5):
        (tmp_path / f"2025-02-{index % 28 + 1:02d}-post-{index:03d}.md").write_text(
            f"---\ntitle: Post {index}\n---\n\nText of post {index}.\n\n{{% include note-{index}.html %}}\n",
            encoding="utf-8")
    books, warnings = [], []
    for jobs in ("1", "2"):
        monkeypatch.setenv("PUBLISH_JOBS", jobs)
        reporter = Reporter(stream=None)
        books.append(dump(load_book(tmp_path, reporter)))
        warnings.append([str(w) for w in reporter.warnings])
    assert books[0] == books[1]
    assert warnings[0] == warnings[1] and warnings[0]
