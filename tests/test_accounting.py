"""Every line of every fixture is in the model, or left out by a rule with a name; no markup leaks.

The readers account for their sources (``read_accounted``); ``publish.verify.sources``
compares each line's words with the model's text.  A reader that loses a sentence,
or folds a speaker's words into another's turn out of order, fails here even when
every output agrees with its model.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from publish.diagnostics import Reporter
from publish.model import nodes as m
from publish.model.walk import iter_nodes, plain_text
from publish.sources.ingest import decode
from publish.sources.manifest import locate
from publish.sources.readers import Dropped, accounted_reader_for, reads_bytes
from publish.sources.readers.markdown import read_accounted
from publish.verify.sources import check_source, unplaced_lines, words

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


# ---------------------------------------------------------------- raw HTML the reader leaves out on purpose

POST = """---
title: T
date: 2025-01-01
---

First paragraph.

<!--
a note to the editors
that spans several lines
-->

<script>
var secret = "tracking words";
</script>

<div>
Kept words in a div.
<style>p { color: red; }</style>
</div>

Text <!-- TODO
check the figures --> and the rest.

Inline <script>alert("gone")</script> end.

<!-- hidden --> <b>Bold words after</b>

Last line.
"""


def read_post(text: str) -> tuple[m.Article, tuple]:
    return read_accounted(text, "post.md", Reporter(stream=None))


def rules_at(dropped: tuple, line: int) -> set[str]:
    return {d.rule for d in dropped if d.line <= line <= d.last}


def test_html_comments_and_sanitised_html_are_left_out_by_named_rules() -> None:
    article, dropped = read_post(POST)
    assert unplaced_lines(POST, article, dropped) == []
    assert all(rules_at(dropped, line) == {"html-comment"} for line in (8, 9, 10, 11, 22, 23, 27))
    assert all(rules_at(dropped, line) == {"raw-html-removed"} for line in (13, 14, 15, 19, 25))
    # a line that holds nothing else is left out whole; one that shares text, only in part
    whole = {n for d in dropped for n in range(d.line, d.last + 1) if d.whole(n)}
    assert {8, 9, 10, 11, 13, 14, 15, 19} <= whole and not {22, 23, 25, 27} & whole
    # what shares a line with a comment is read: the text after a comment that opens a block too
    flow = " ".join(words(" ".join(plain_text(b) for b in (*article.meta.standfirst, *article.blocks))))
    assert "bold words after" in flow and "and the rest" in flow and "secret" not in flow


def test_text_lost_beside_a_comment_is_still_found() -> None:
    article, dropped = read_post(POST)
    # the reader loses the paragraph around the comment, and the one before the script
    kept = tuple(b for b in article.blocks if not any(w in plain_text(b) for w in ("the rest", "Inline")))
    lost = replace(article, blocks=kept)
    assert [u.line for u in unplaced_lines(POST, lost, dropped)] == [22, 23, 25]


def test_publish_check_is_silent_on_comments_and_scripts(tmp_path: Path) -> None:
    source = tmp_path / "2025-01-01-post.md"
    source.write_text(POST, encoding="utf-8")
    assert check_source(source, source.name) == []


def test_a_part_of_a_line_left_out_leaves_the_rest_of_the_line_to_compare() -> None:
    article = m.Article("a", m.ArticleMeta(title="Title"), (m.Paragraph((m.Text("Kept words."),)),))
    text = "Title\n\nKept words. <!-- a note\nstill the note --> lost words\n"
    note = Dropped(3, 4, "html-comment", column=13, end_column=19)
    assert [(n, note.whole(n)) for n in (3, 4)] == [(3, False), (4, False)]
    assert [u.line for u in unplaced_lines(text, article, (note,))] == [4]
    assert unplaced_lines(text, article, (note, Dropped(4, 4, "html-comment", column=19))) == []
