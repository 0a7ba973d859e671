"""Heading levels: each article's top section heading sits right under the article title."""

from __future__ import annotations

from dataclasses import replace

from .. import model as m
from ..diagnostics import Reporter
from ..walk import iter_nodes, rebuild

TOP_SECTION_LEVEL = 2  # level 1 is the article title
DEEPEST = 6


def normalise_levels(book: m.Book, reporter: Reporter) -> m.Book:
    return replace(book, articles=tuple(_article(a) for a in book.articles))


def _article(article: m.Article) -> m.Article:
    levels = [n.level for n in iter_nodes(article.blocks) if isinstance(n, m.Heading)]
    if not levels:
        return article
    shift = TOP_SECTION_LEVEL - min(levels)
    if shift == 0:
        return article

    def visit(node):
        if isinstance(node, m.Heading):
            return replace(node, level=max(TOP_SECTION_LEVEL, min(DEEPEST, node.level + shift)))
        return node

    return replace(article, blocks=rebuild(article.blocks, visit))
