"""The ordered transforms, each on small trees."""

from __future__ import annotations

import pytest

from publish.diagnostics import Reporter
from publish.model import nodes as m
from publish.transforms import TRANSFORMS, apply_transforms
from publish.transforms.typography import smarten


@pytest.mark.parametrize("before, after", [
    ('"Quoted" text', "“Quoted” text"),
    ("It's the '90s", "It’s the ’90s"),
    ("'single'", "‘single’"),
    ("Women's University", "Women’s University"),
    ("2020--2025 --- an era...", "2020–2025 — an era…"),
    ('("nested")', "(“nested”)"),
])
def test_smarten(before: str, after: str) -> None:
    assert smarten(before) == after


def _book(*blocks: m.Block, standfirst: tuple[m.Block, ...] = (), **meta) -> m.Book:
    article = m.Article("", m.ArticleMeta("A title", standfirst=standfirst, **meta), blocks, pos=m.Pos("a.md"))
    return m.Book(m.BookMeta("Book", language="en-GB"), (article,))


def test_quotes_across_inline_boundaries_and_not_in_code() -> None:
    para = m.Paragraph((m.Text('He said "'), m.Strong((m.Text("go"),)), m.Text('" and '), m.Code('x = "y"')))
    out = apply_transforms(_book(para), Reporter(stream=None)).articles[0].blocks[0]
    assert out.children == (m.Text("He said “"), m.Strong((m.Text("go"),)), m.Text("” and "), m.Code('x = "y"'))


def test_heading_levels_start_right_under_the_title() -> None:
    book = _book(m.Heading(3, (m.Text("A"),)), m.Heading(4, (m.Text("B"),)), m.Heading(3, (m.Text("C"),)))
    out = apply_transforms(book, Reporter(stream=None)).articles[0].blocks
    assert [h.level for h in out] == [2, 3, 2]


def test_h1_sections_are_pushed_below_the_title() -> None:
    out = apply_transforms(_book(m.Heading(1, (m.Text("A"),))), Reporter(stream=None)).articles[0].blocks
    assert out[0].level == 2


def test_ids_are_unique_across_articles_and_prefixed() -> None:
    heading = m.Heading(2, (m.Text("Background"),))
    article = m.Article("", m.ArticleMeta("Same"), (heading, heading), pos=m.Pos("a.md"))
    book = m.Book(m.BookMeta("B"), (article, article))
    out = apply_transforms(book, Reporter(stream=None))
    ids = [out.articles[0].id, out.articles[1].id] + [h.id for a in out.articles for h in a.blocks]
    assert ids == ["same", "same-2", "same--background", "same--background-2",
                   "same-2--background", "same-2--background-2"]


def test_footnote_ids_are_namespaced_per_article() -> None:
    para = m.Paragraph((m.Text("x"), m.FootnoteRef("1")))
    note = m.FootnoteDef("1", (m.Paragraph((m.Text("n"),)),))
    out = apply_transforms(_book(para, note), Reporter(stream=None)).articles[0]
    assert out.blocks[0].children[1].note_id == out.blocks[1].note_id == "a-title-fn-1"


def test_language_subtitle_and_standfirst_defaults() -> None:
    standfirst = (m.Paragraph((m.Emph((m.Text("All italic"),)),)),)
    book = _book(m.Paragraph((m.Text("x"),)), standfirst=standfirst, description="A short dek")
    meta = apply_transforms(book, Reporter(stream=None)).articles[0].meta
    assert meta.language == "en-GB"
    assert meta.subtitle == "A short dek"
    assert meta.standfirst == (m.Paragraph((m.Text("All italic"),)),)


def test_a_sentence_description_is_not_a_subtitle() -> None:
    book = _book(m.Paragraph((m.Text("x"),)), description="This is a summary for search engines.")
    assert apply_transforms(book, Reporter(stream=None)).articles[0].meta.subtitle == ""


def test_transform_order_is_explicit() -> None:
    names = [name for name, _ in TRANSFORMS]
    assert names.index("typography") < names.index("ids")  # ids come from the final heading text
