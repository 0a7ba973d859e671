"""Any text at all gives either a model or a clean, located input error: never a crash."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publish.api import load_book
from publish.diagnostics import InputError, Reporter
from publish.model.json import from_json, to_json

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

markdownish = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(["---", "# ", "## ", "- ", "1. ", "> ", "```", "|a|b|\n|-|-|", "[^1]", "[^1]: n",
                         "__x__", "*", "<excerpt/>", "<!--more-->", "{% x %}", "{{ y }}", "<b>", "</b>",
                         "![a](b.png)", "[l](javascript:alert(1))", "\r\n", "\r", "\ufeff", "\n\n"]),
    ),
    max_size=30,
).map("".join)

front_matter = st.dictionaries(
    st.sampled_from(["title", "author", "date", "tags", "excerpt_separator", "image", "description", "x"]),
    st.one_of(st.text(max_size=20), st.lists(st.text(max_size=10), max_size=3), st.integers(), st.booleans(), st.none()),
    max_size=6,
)


def _read(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        book = load_book(path, Reporter(stream=None))
    except InputError as error:
        diagnostic = error.diagnostic
        assert diagnostic.pos.path == str(path) and diagnostic.pos.line >= 1 and diagnostic.pos.col >= 1
        return
    assert from_json(to_json(book)) == book


@FUZZ
@given(text=markdownish)
def test_markdown_reader_never_crashes(tmp_path: Path, text: str) -> None:
    _read(tmp_path, "2025-01-01-post.md", text.encode("utf-8", "replace"))


@FUZZ
@given(meta=front_matter, body=markdownish)
def test_front_matter_never_crashes(tmp_path: Path, meta: dict, body: str) -> None:
    import yaml

    document = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body
    _read(tmp_path, "post.md", document.encode("utf-8", "replace"))


@FUZZ
@given(lines=st.lists(st.one_of(
    st.text(max_size=60),
    st.sampled_from(["Q:", "Q: why?", "A:", "William CHOU:", "Summary", "Q&A", "*note", "Speaker X (Y)",
                     "Date October 1, 2025", "Speakers A B (C / D) / E F (G)", "Materials", "", ""]),
), max_size=25))
def test_transcript_reader_never_crashes(tmp_path: Path, lines: list[str]) -> None:
    _read(tmp_path, "event.txt", "\n".join(lines).encode("utf-8", "replace"))


@FUZZ
@given(data=st.binary(max_size=200))
def test_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    _read(tmp_path, "bytes.md", data)
    _read(tmp_path, "bytes.txt", data)
