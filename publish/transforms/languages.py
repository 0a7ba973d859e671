"""Runs of another language's script marked with their language, so that every format can
say so: ``lang`` in the HTML (screen readers switch voice, WeasyPrint picks the Japanese
glyph forms and tags the PDF), ``w:lang w:eastAsia`` in the DOCX.

Only Japanese is recognised, by its script (kana, kanji and their punctuation, as
``conventions.EAST_ASIAN_SCRIPT`` defines it), in articles that are not Japanese.
"""

from __future__ import annotations

from dataclasses import replace

from ..conventions import is_japanese, script_segments
from ..diagnostics import Reporter
from ..model import nodes as m
from ..model.walk import rebuild

JAPANESE = "ja"
ROLE = "language"


def mark_japanese(book: m.Book, reporter: Reporter) -> m.Book:
    articles = tuple(_article(a, book.meta.language) for a in book.articles)
    changed = any(new is not old for new, old in zip(articles, book.articles, strict=True))
    return replace(book, articles=articles) if changed else book


def _article(article: m.Article, book_language: str) -> m.Article:
    if is_japanese(article.meta.language or book_language or "en"):
        return article

    def visit(node):
        if not isinstance(node, m.Text):
            return node
        segments = script_segments(node.text)
        if not any(east_asian for _, east_asian in segments):
            return node
        return tuple(m.Span(ROLE, (m.Text(text),), lang=JAPANESE) if east_asian else m.Text(text)
                     for text, east_asian in segments)

    meta = article.meta
    standfirst = rebuild(meta.standfirst, visit)
    people = tuple(_with_bio(person, rebuild(person.bio, visit)) for person in meta.people)
    blocks = rebuild(article.blocks, visit)
    unchanged = all(new is old for new, old in zip(people, meta.people, strict=True))
    if blocks is article.blocks and standfirst is meta.standfirst and unchanged:
        return article
    return replace(article, blocks=blocks, meta=replace(meta, standfirst=standfirst, people=people))


def _with_bio(person: m.Person, bio: tuple[m.Block, ...]) -> m.Person:
    return person if bio is person.bio else replace(person, bio=bio)
