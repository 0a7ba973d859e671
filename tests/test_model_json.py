"""The model serialises to JSON and back without loss, for any tree."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from publish.api import load_book
from publish.diagnostics import Reporter
from publish.model import nodes as m
from publish.model.json import from_json, to_json

from .conftest import CONTENT

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
short = st.text("abcdefgh-", min_size=1, max_size=8)
pos = st.one_of(st.none(), st.builds(m.Pos, st.sampled_from(["a.md", "dir/b:c.txt"]), st.integers(1, 999), st.integers(1, 99)))

inline = st.deferred(lambda: st.one_of(
    st.builds(m.Text, text), st.just(m.SoftBreak()), st.just(m.LineBreak()), st.builds(m.Code, text),
    st.builds(m.FootnoteRef, short), st.builds(m.Image, text, text, text),
    st.builds(m.Emph, inlines), st.builds(m.Strong, inlines), st.builds(m.Strikeout, inlines),
    st.builds(m.Superscript, inlines), st.builds(m.Subscript, inlines),
    st.builds(m.Link, inlines, text, text), st.builds(m.Span, short, inlines),
))
inlines = st.lists(inline, max_size=3).map(tuple)

block = st.deferred(lambda: st.one_of(
    st.builds(m.Paragraph, inlines, pos=pos),
    st.builds(m.Heading, st.integers(2, 6), inlines, short, pos=pos),
    st.builds(m.BulletList, st.lists(st.builds(m.ListItem, blocks, pos=pos), max_size=2).map(tuple), st.booleans(), pos=pos),
    st.builds(m.OrderedList, st.lists(st.builds(m.ListItem, blocks), max_size=2).map(tuple), st.integers(0, 9), st.booleans()),
    st.builds(m.Quote, blocks, pos=pos),
    st.builds(m.CodeBlock, text, short, pos=pos),
    st.builds(m.Table, rows, rows, inlines, pos=pos),
    st.builds(m.Figure, st.builds(m.Image, text, text), inlines, pos=pos),
    st.builds(m.Rule, pos=pos),
    st.builds(m.FootnoteDef, short, blocks, pos=pos),
    st.builds(m.Exchange, turn, st.lists(turn, max_size=2).map(tuple), pos=pos),
    st.builds(m.Div, short, blocks, pos=pos),
))
blocks = st.lists(block, max_size=2).map(tuple)
cell = st.builds(m.TableCell, inlines, st.sampled_from(["", "left", "center", "right"]))
rows = st.lists(st.lists(cell, max_size=2).map(tuple), max_size=2).map(tuple)
turn = st.builds(m.Turn, text, blocks, short, pos=pos)
dates = st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))
stamps = st.one_of(st.none(), st.datetimes(timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=9))])))
person = st.builds(m.Person, text, text, text, st.booleans(), st.lists(short, max_size=2).map(tuple),
                   st.lists(text, max_size=2).map(tuple), blocks, short)
meta = st.builds(
    m.ArticleMeta, text, subtitle=text, people=st.lists(person, max_size=2).map(tuple), date=dates,
    timestamp=stamps, standfirst=blocks, image=st.one_of(st.none(), st.builds(m.Image, text, text)),
    tags=st.lists(text, max_size=2).map(tuple), extra=st.lists(st.tuples(short, text), max_size=2).map(tuple),
)
article = st.builds(m.Article, short, meta, blocks, pos=pos)
contributor = st.builds(m.Contributor, person, st.lists(
    st.builds(m.Appearance, short, st.lists(short, max_size=2).map(tuple)), max_size=2).map(tuple))
abbreviation = st.builds(m.Abbreviation, short, text, short, st.sampled_from(["text", "glossary"]), pos=pos)
book = st.builds(m.Book, st.builds(m.BookMeta, text, date=dates, glossary=st.lists(st.tuples(short, text), max_size=2).map(tuple)),
                 st.lists(article, max_size=2).map(tuple), st.lists(contributor, max_size=2).map(tuple),
                 st.lists(abbreviation, max_size=2).map(tuple))


@settings(max_examples=150, deadline=None)
@given(book)
def test_json_round_trip_is_lossless(value: m.Book) -> None:
    again = from_json(to_json(value))
    assert again == value
    # positions do not take part in equality, so compare them through the JSON too
    assert to_json(again) == to_json(value)


def test_seed_model_round_trips() -> None:
    value = load_book(CONTENT, Reporter(stream=None))
    assert from_json(to_json(value)) == value
    data = json.loads(to_json(value))
    assert data["t"] == "Book" and len(data["articles"]) == 2
