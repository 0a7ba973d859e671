"""Metadata every article should have, filled in from the book or from its own fields."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ..diagnostics import Reporter
from ..model import nodes as m


def inherit_language(book: m.Book, reporter: Reporter) -> m.Book:
    """An article without a language of its own is in the book's language."""
    articles = tuple(
        a if a.meta.language else replace(a, meta=replace(a.meta, language=book.meta.language))
        for a in book.articles
    )
    return replace(book, articles=articles)


def description_as_subtitle(book: m.Book, reporter: Reporter) -> m.Book:
    """Jekyll themes show a short ``description`` as the dek; without a subtitle it is one.

    Only a short phrase qualifies: a description written as sentences is a
    summary for search engines, not a subtitle.
    """

    def subtitle(meta: m.ArticleMeta) -> m.ArticleMeta:
        text = meta.description.strip()
        if meta.subtitle or not text or len(text) > 140 or text.endswith((".", "!", "?")):
            return meta
        return replace(meta, subtitle=text)

    return replace(book, articles=tuple(replace(a, meta=subtitle(a.meta)) for a in book.articles))


def plain_standfirst(book: m.Book, reporter: Reporter) -> m.Book:
    """A standfirst written wholly in italics loses the italics: it is styled as a standfirst anyway,
    and italics inside an italic block would flip back to roman."""

    def unwrap(block: m.Block) -> m.Block:
        if isinstance(block, m.Paragraph) and len(block.children) == 1 and isinstance(block.children[0], m.Emph):
            return replace(block, children=block.children[0].children)
        return block

    articles = tuple(
        replace(a, meta=replace(a.meta, standfirst=tuple(unwrap(b) for b in a.meta.standfirst)))
        for a in book.articles
    )
    return replace(book, articles=articles)


def date_book(source_date: dt.date | None, book: m.Book, reporter: Reporter) -> m.Book:
    """The cover's date when the manifest gives none: the build's (``SOURCE_DATE_EPOCH``),
    else the newest source's."""
    if book.meta.date is not None:
        return book
    dates = [a.meta.date for a in book.articles if a.meta.date]
    day = source_date or (max(dates) if dates else None)
    return replace(book, meta=replace(book.meta, date=day)) if day else book
