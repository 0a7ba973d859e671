"""Every line of every fixture is in the model, or left out by a rule with a name; no markup leaks.

The readers account for their sources (``read_accounted``); ``publish.verify.sources``
compares each line's words with the model's text.  A reader that loses a sentence,
or folds a speaker's words into another's turn out of order, fails here even when
every output agrees with its model.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from publish.diagnostics import Reporter
from publish.model import nodes as m
from publish.model.walk import iter_nodes
from publish.sources.ingest import decode
from publish.sources.manifest import locate
from publish.sources.readers import accounted_reader_for, reads_bytes
from publish.verify.sources import unplaced_lines, words

from .conftest import CONTENT, TESTS

FOLDERS = [CONTENT, TESTS / "sources", TESTS / "lint", TESTS / "fixtures" / "japanese", TESTS / "shapes",
           TESTS / "shapes-errors"]
SOURCES = [entry.path for folder in FOLDERS for entry in locate(folder).sources
           if accounted_reader_for(entry.path.name) is not None and not reads_bytes(entry.path.name)]
#: What a reader must never leave in the model's text.
MARKUP = ("{:", "{%", "{{", "+++", "<!--")


def read(path: Path) -> tuple[str, m.Article, tuple]:
    reader = accounted_reader_for(path.name)
    assert reader is not None
    text = decode(path.read_bytes(), str(path))
    article, dropped = reader(text, str(path), Reporter(stream=None))
    return text, article, dropped


def readable(path: Path) -> bool:
    try:
        read(path)
    except Exception:  # a source the tests expect to be refused
        return False
    return True


@pytest.mark.parametrize("path", [p for p in SOURCES if readable(p)], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_line_is_in_the_model_or_left_out_by_a_named_rule(path: Path) -> None:
    text, article, dropped = read(path)
    lost = [f"{line.line}: {line.text}" for line in unplaced_lines(text, article, dropped)]
    assert lost == []


@pytest.mark.parametrize("path", [p for p in SOURCES if readable(p)], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_markup_leaks_into_the_model(path: Path) -> None:
    _, article, _ = read(path)
    texts = [n.text for n in iter_nodes(article) if isinstance(n, m.Text | m.Code)]
    texts += [article.meta.title, article.meta.subtitle]
    leaks = [(mark, text) for text in texts for mark in MARKUP if mark in text]
    assert leaks == []


def test_the_words_of_a_line_leave_markup_out() -> None:
    assert words("1. The <em>first</em> point &amp; the __second__") == ["the", "first", "point", "the", "second"]
    assert words("村田：はい") == ["村", "田", "は", "い"]


def test_a_lost_line_is_found() -> None:
    article = m.Article("a", m.ArticleMeta(title="Title"), (m.Paragraph((m.Text("One line."),)),))
    assert [u.line for u in unplaced_lines("Title\n\nOne line.\nAnother line.\n", article, ())] == [4]
